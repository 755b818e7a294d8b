"""The operator's security commands, run through the real `meshbot` command line on real files.

In-process through click's runner (a process each would cost a second apiece); the daemon
and `meshbot init` as real processes are in test_encryption.py and test_audit.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from meshbot.cli.main import main

PASS = "correct horse battery staple"
NEW_PASS = "purple elephant dancing slowly"


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def cli(db: Path, *args: str, stdin: str = "", passphrase: str | None = PASS, **env_extra: str) -> Ran:
    config = db.with_name("meshbot.toml")
    config.touch()
    env: dict[str, str | None] = {"MESHBOT_DB": str(db), "MESHBOT_KDF_STRENGTH": "interactive",
                                  "MESHBOT_PASSPHRASE": passphrase, "MESHBOT_KEY_FILE": None, **env_extra}
    result = CliRunner().invoke(main, ["--config", str(config), "--create", *args], input=stdin, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def test_init_then_the_board_opens_only_with_the_passphrase_and_rekey_changes_it(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    ingest = cli(db, "ingest", "-", stdin="!000000a1 JOIN Ana elm\n!000000a1 NEED insulin !!\n", passphrase=None)
    assert ingest.returncode == 0, ingest.stderr
    made = cli(db, "init", stdin=PASS + "\n", passphrase=None)
    assert made.returncode == 0, made.stderr
    assert "Bundle key" in made.stdout and "MESHBOT_PASSPHRASE" in made.stdout
    assert cli(db, "init", stdin=PASS + "\n").returncode == 1  # once only
    locked = cli(db, "board", passphrase=None)
    assert locked.returncode == 1 and "MESHBOT_PASSPHRASE" in locked.stderr
    wrong = cli(db, "board", passphrase="not the right one at all")
    assert wrong.returncode == 1 and "wrong passphrase" in wrong.stderr
    board = cli(db, "board", "--json")
    assert [row["item"] for row in json.loads(board.stdout)] == ["insulin"]
    rotated = cli(db, "rekey", stdin=NEW_PASS + "\n")
    assert rotated.returncode == 0, rotated.stderr
    assert cli(db, "board").returncode == 1
    assert json.loads(cli(db, "board", "--json", passphrase=NEW_PASS).stdout)[0]["verified"] is False
    audit = cli(db, "audit", "verify", passphrase=NEW_PASS)
    assert audit.returncode == 0 and "2 entries" in audit.stdout  # key.init, key.rotate


def test_a_key_file_station_starts_without_anyone_typing(tmp_path: Path) -> None:
    db, key = tmp_path / "m.db", tmp_path / "secret" / "meshbot.key"
    made = cli(db, "init", "--key-file", str(key), passphrase=None)
    assert made.returncode == 0, made.stderr
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert cli(db, "keys", passphrase=None).returncode == 1
    shown = cli(db, "keys", "--json", passphrase=None, MESHBOT_KEY_FILE=str(key))
    assert shown.returncode == 0 and json.loads(shown.stdout)["protected_by"] == "keyfile"
    assert cli(db, "init", "--key-file", str(key), passphrase=None).returncode == 1  # never overwrites a key


def test_members_at_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    cli(db, "ingest", "-", stdin="!000000a1 JOIN Ana elm\n!000000b2 JOIN Ben oak\n!000000c3 LIST\n")
    listed = json.loads(cli(db, "members", "list", "--json").stdout)
    assert sorted((m["node"], m["status"]) for m in listed) == [("!000000a1", "pending"), ("!000000b2", "pending")]
    assert cli(db, "members", "approve", "!000000a1").stdout.strip() == "Ana !000000a1 approved."
    assert cli(db, "members", "role", "!000000b2", "responder").stdout.strip() == "Ben !000000b2 is now responder."
    assert cli(db, "members", "reject", "!000000c3").stdout.strip() == "00c3 !000000c3 not approved."
    unknown = cli(db, "members", "approve", "!00000fff")
    assert unknown.returncode == 1 and "has never written to the bot" in unknown.stderr
    assert cli(db, "members", "approve", "banana").returncode == 2
    pending = json.loads(cli(db, "members", "list", "--status", "approved", "--json").stdout)
    assert {m["node"] for m in pending} == {"!000000a1", "!000000b2"}
    flags = cli(db, "flags")
    assert flags.returncode == 0 and flags.stdout.strip() == "No security flags."
    assert "Audit log intact: 3 entries" in cli(db, "audit", "verify").stdout


def test_wipe_destroys_the_database_its_wal_the_key_and_the_backups(tmp_path: Path) -> None:
    db, key = tmp_path / "m.db", tmp_path / "m.key"
    cli(db, "init", "--key-file", str(key), passphrase=None)
    env = {"MESHBOT_KEY_FILE": str(key)}
    cli(db, "ingest", "-", stdin="!000000a1 NEED insulin\n", passphrase=None, **env)
    assert cli(db, "backup", passphrase=None, **env).returncode == 0
    backups = list((tmp_path / "backups").glob("meshbot-*.db"))
    assert backups
    left = tmp_path / "m.db.arrivals" / "000000000001.jsonl"  # a killed daemon's texts not yet committed
    left.parent.mkdir()
    left.write_text('{"from":161,"to":2,"id":5,"ch":0,"text":"enc:...","pki":false,"key":null}\n')
    kept = cli(db, "wipe", stdin="no\n", passphrase=None, **env)
    assert kept.returncode == 1 and "not wiped" in kept.stderr and db.exists()
    gone = cli(db, "wipe", "--yes", passphrase=None, **env)
    assert gone.returncode == 0, gone.stderr
    assert not db.exists() and not key.exists() and not any(b.exists() for b in backups)
    assert not db.with_name("m.db-wal").exists()
    assert not left.exists()
