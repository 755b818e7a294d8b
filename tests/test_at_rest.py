"""Keys and files at rest, through the real `meshbot` command line as processes on real files.

`rekey` and `init` beside a running daemon, a daemon logging at DEBUG that never writes a
resident's words, owner-only files, and boards that are empty, not SQLite, or damaged.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.link import NodeInfo
from hardware.sim.tcp_server import StreamApiServer
from store import open_engine

PASS = "correct horse battery staple"
NEW_PASS = "purple elephant dancing slowly"
BOT = 0x4D42A001
ANA = 0x000000A1


def env_of(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), MESHBOT_KDF_STRENGTH="interactive", **extra)
    return env


def meshbot(tmp_path: Path, db: Path, *args: str, stdin: str = "", **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "meshbot.cli.main", "--db", str(db), *args], input=stdin,
                          capture_output=True, text=True, env=env_of(tmp_path, **extra), timeout=120)


def start_daemon(tmp_path: Path, db: Path, **extra: str) -> subprocess.Popen[str]:
    daemon = subprocess.Popen([sys.executable, "-m", "meshbot.cli.main", "--db", str(db), "run", "--sim"],
                              stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env=env_of(tmp_path, **extra))
    assert daemon.stderr is not None
    for line in daemon.stderr:
        if "meshbot running" in line:
            return daemon
    raise AssertionError(f"the daemon ended before running (exit {daemon.wait()})")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- rekey beside a running daemon ----------------------------------------------------------


def test_rekey_and_init_refuse_while_the_daemon_runs_and_the_board_stays_readable(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    plain = tmp_path / "plain.db"
    assert meshbot(tmp_path, db, "--create", "init", stdin=PASS + "\n").returncode == 0
    open_engine(plain).dispose()
    daemon = start_daemon(tmp_path, db, MESHBOT_PASSPHRASE=PASS)
    plain_daemon = start_daemon(tmp_path, plain)
    try:
        rekey = meshbot(tmp_path, db, "rekey", stdin=NEW_PASS + "\n", MESHBOT_PASSPHRASE=PASS)
        assert rekey.returncode == 1
        [line] = rekey.stderr.splitlines()
        assert f"in use by process {daemon.pid}" in line and "stop it first" in line
        init = meshbot(tmp_path, plain, "init", stdin=PASS + "\n")
        assert init.returncode == 1 and f"in use by process {plain_daemon.pid}" in init.stderr
        assert "Traceback" not in rekey.stderr + init.stderr
    finally:
        for proc in (daemon, plain_daemon):
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=60)
    # nothing changed: the old passphrase still opens the board, and the plain one is still plain
    assert meshbot(tmp_path, db, "board", MESHBOT_PASSPHRASE=PASS).returncode == 0
    assert meshbot(tmp_path, db, "board", MESHBOT_PASSPHRASE=NEW_PASS).returncode == 1
    assert meshbot(tmp_path, plain, "board").returncode == 0
    # and once the daemon is stopped, rekey goes ahead
    assert meshbot(tmp_path, db, "rekey", stdin=NEW_PASS + "\n", MESHBOT_PASSPHRASE=PASS).returncode == 0
    assert meshbot(tmp_path, db, "board", MESHBOT_PASSPHRASE=NEW_PASS).returncode == 0


def test_restore_refuses_while_the_daemon_runs(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    open_engine(db).dispose()
    backup = meshbot(tmp_path, db, "backup")
    assert backup.returncode == 0, backup.stderr
    saved = Path(backup.stdout.split("backup: ", 1)[1].split(" (", 1)[0])
    daemon = start_daemon(tmp_path, db)
    try:
        restore = meshbot(tmp_path, db, "restore", str(saved), "--yes")
        assert restore.returncode == 1
        [line] = restore.stderr.splitlines()
        assert f"in use by process {daemon.pid}" in line and "stop it first" in line
    finally:
        daemon.send_signal(signal.SIGINT)
        daemon.communicate(timeout=60)
    assert meshbot(tmp_path, db, "restore", str(saved), "--yes").returncode == 0  # once it is stopped


# -- residents' words never reach the log ------------------------------------------------


@pytest.mark.slow
def test_run_sim_logs_who_sent_to_whom_but_never_the_words(tmp_path: Path) -> None:
    """`run --sim` at INFO shows the air (sender, destination, size) while the demo's
    residents JOIN and OFFER, but none of what they or the bot said."""
    db = tmp_path / "board.db"
    open_engine(db).dispose()
    daemon = start_daemon(tmp_path, db)
    assert daemon.stderr is not None
    lines = []
    try:
        for line in daemon.stderr:
            lines.append(line)
            if sum(" air: " in seen for seen in lines) >= 3:  # a JOIN, its relay or ACK, the welcome
                break
    finally:
        daemon.send_signal(signal.SIGINT)
        rest = daemon.communicate(timeout=60)[1]
    log_text = "".join(lines) + rest
    air = [line for line in log_text.splitlines() if " air: " in line]
    assert len(air) >= 3 and all(line.rstrip().endswith(" bytes") for line in air)
    for words in ("JOIN", "OFFER", "Welcome", "rice"):
        assert words not in log_text


@pytest.fixture
def radio() -> Iterator[StreamApiServer]:
    nodes = [NodeInfo(BOT, "BASE", "Mutual Aid Base"), NodeInfo(ANA, "ANA", "Ana")]
    with StreamApiServer(BOT, nodes, seed=1) as server:
        server.acknowledge_direct_messages()
        yield server


def test_a_daemon_logging_at_debug_never_writes_a_residents_words(radio: StreamApiServer, tmp_path: Path) -> None:
    texts = ["OFFER zucchini 3kg @elm", "HELP landlord changed the locks at quince street",
             "NEED marmalade for grandmother", "xylophone wombat gibberish"]
    words = ["zucchini", "landlord", "quince", "marmalade", "grandmother", "xylophone", "wombat"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "meshbot.cli.main", "--db", str(tmp_path / "m.db"), "--create", "run",
         "--host", radio.hostport],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env_of(tmp_path, MESHBOT_MIN_GAP_S="1.5", MESHBOT_LOG_LEVEL="DEBUG"),
    )
    try:
        assert radio.wait_for_client(timeout=30), "the daemon never finished connecting"
        replies = []
        for n, text in enumerate(texts):
            radio.push_text(ANA, text, to=BOT, want_ack=True, packet_id=700 + n)
            packet = radio.wait_for_packet(timeout=30)
            while packet.to != ANA:  # a HELP may also reach the committee; the answer is ANA's
                packet = radio.wait_for_packet(timeout=30)
            replies.append(packet.decoded.payload.decode("utf-8"))
        assert "zucchini" in replies[0]  # the words were there to be logged, in and out
    finally:
        proc.send_signal(signal.SIGINT)
        _, log = proc.communicate(timeout=60)
    assert "DEBUG" in log and "!000000a1" in log  # it did log, at DEBUG, naming the node
    leaked = [w for w in words if w in log.lower()]
    assert leaked == [], f"residents' words in the log: {leaked}"


# -- files at rest -------------------------------------------------------------------------


def doctor_findings(tmp_path: Path, db: Path, **extra: str) -> dict[str, dict[str, str]]:
    ran = meshbot(tmp_path, db, "--set", "min_free_disk_mb=1", "doctor", "--no-radio", "--json", **extra)
    assert "Traceback" not in ran.stderr, ran.stderr
    return {f["check"]: f for f in json.loads(ran.stdout)["findings"]}


def test_board_key_file_and_backups_are_owner_only_and_doctor_names_loose_ones(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = data / "board.db"
    key = tmp_path / "keys" / "board.key"
    made = meshbot(tmp_path, db, "--create", "init", "--key-file", str(key))
    assert made.returncode == 0, made.stderr
    env = {"MESHBOT_KEY_FILE": str(key)}
    assert meshbot(tmp_path, db, "ingest", "-", stdin="!000000a1 OFFER rice 2kg @elm\n", **env).returncode == 0
    backed = meshbot(tmp_path, db, "backup", "--json", **env)
    assert backed.returncode == 0, backed.stderr
    backup = Path(json.loads(backed.stdout)["path"])
    assert mode(data) == 0o700 and mode(backup.parent) == 0o700 and mode(key.parent) == 0o700
    on_disk = [db, key, backup] + [p for p in (data / "board.db-wal", data / "board.db-shm") if p.exists()]
    assert {p.name: mode(p) for p in on_disk} == {p.name: 0o600 for p in on_disk}
    assert doctor_findings(tmp_path, db, **env)["modes"]["status"] == "ok"
    report, figures = tmp_path / "out" / "report.md", tmp_path / "out" / "figures"
    (tmp_path / "out").mkdir()
    assert meshbot(tmp_path, db, "report", "--out", str(report), **env).returncode == 0
    assert meshbot(tmp_path, db, "figures", "--out", str(figures), **env).returncode == 0
    exported = [report, *figures.glob("*.csv")]
    assert len(exported) > 1 and {mode(p) for p in exported} == {0o600}

    db.chmod(0o644)
    data.chmod(0o755)
    modes = doctor_findings(tmp_path, db, **env)["modes"]
    assert modes["status"] == "warn"
    assert f"{db} (644)" in modes["message"] and f"{data} (755)" in modes["message"]
    assert f"chmod 600 {db}" in modes["fix"] and f"chmod 700 {data}" in modes["fix"]


def test_init_securely_deletes_plaintext_backups_and_takes_an_encrypted_one(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    assert meshbot(tmp_path, db, "--create", "ingest", "-", stdin="!000000a1 OFFER saffron 1kg @elm\n").returncode == 0
    old = Path(json.loads(meshbot(tmp_path, db, "backup", "--json").stdout)["path"])
    assert b"saffron" in old.read_bytes()  # before init, the backup is plaintext
    made = meshbot(tmp_path, db, "init", stdin=PASS + "\n")
    assert made.returncode == 0, made.stderr
    assert f"Securely deleted plaintext backup {old}" in made.stdout
    assert not old.exists()
    [new] = [line.split()[-1] for line in made.stdout.splitlines() if line.startswith("New encrypted backup")]
    new_bytes = Path(new).read_bytes()
    assert b"saffron" not in new_bytes
    with sqlite3.connect(new) as conn:
        assert conn.execute("SELECT count(*) FROM keymeta").fetchone()[0] == 1


def test_restore_refuses_a_backup_that_does_not_open_with_the_current_key(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    assert meshbot(tmp_path, db, "--create", "init", stdin=PASS + "\n").returncode == 0
    own = Path(json.loads(meshbot(tmp_path, db, "backup", "--json", MESHBOT_PASSPHRASE=PASS).stdout)["path"])
    plain_db, other_db = tmp_path / "plain" / "p.db", tmp_path / "other" / "o.db"
    assert meshbot(tmp_path, plain_db, "--create", "ingest", "-", stdin="!000000a1 OFFER tea @elm\n").returncode == 0
    plain = Path(json.loads(meshbot(tmp_path, plain_db, "backup", "--json").stdout)["path"])
    assert meshbot(tmp_path, other_db, "--create", "init", stdin=NEW_PASS + "\n").returncode == 0
    other = Path(json.loads(meshbot(tmp_path, other_db, "backup", "--json", MESHBOT_PASSPHRASE=NEW_PASS).stdout)["path"])

    refused = meshbot(tmp_path, db, "restore", "--yes", str(plain), MESHBOT_PASSPHRASE=PASS)
    assert refused.returncode == 1 and "is not encrypted but the board is" in refused.stderr
    assert "--replace-key" in refused.stderr and len(refused.stderr.splitlines()) == 1
    wrong = meshbot(tmp_path, db, "restore", "--yes", str(other), MESHBOT_PASSPHRASE=PASS)
    assert wrong.returncode == 1 and "does not open with the current key" in wrong.stderr
    assert "Traceback" not in refused.stderr + wrong.stderr
    # nothing changed: the board is still encrypted under PASS
    assert meshbot(tmp_path, db, "keys", MESHBOT_PASSPHRASE=PASS).returncode == 0

    assert meshbot(tmp_path, db, "restore", "--yes", str(own), MESHBOT_PASSPHRASE=PASS).returncode == 0
    replaced = meshbot(tmp_path, db, "restore", "--yes", "--replace-key", str(other), MESHBOT_PASSPHRASE=PASS)
    assert replaced.returncode == 0, replaced.stderr
    assert meshbot(tmp_path, db, "board", MESHBOT_PASSPHRASE=NEW_PASS).returncode == 0  # its key is the board's now


# -- corrupt boards --------------------------------------------------------------------------


def _empty(db: Path) -> None:
    db.write_bytes(b"")


def _not_sqlite(db: Path) -> None:
    db.write_bytes(b"PK\x03\x04 this is a zip file, copied over the board by mistake" * 100)


def _damaged_pages(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    for start in range(page, len(data), page):  # every page but the first (the schema)
        data[start:start + 64] = b"\x8c" * 64
    db.write_bytes(bytes(data))


@pytest.mark.parametrize(("spoil", "words"), [
    (_empty, "is empty (0 bytes)"),
    (_not_sqlite, "is not an SQLite database"),
    (_damaged_pages, "is damaged"),
])
def test_a_spoiled_board_gives_one_line_naming_the_file_and_meshbot_restore(tmp_path: Path, spoil, words) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "board.db"
    assert meshbot(tmp_path, db, "--create", "ingest", "-", stdin="!000000a1 OFFER rice 2kg @elm\n").returncode == 0
    spoil(db)
    size = db.stat().st_size
    for command in (["board"], ["ingest", "-"]):
        ran = meshbot(tmp_path, db, *command, stdin="!000000a1 NEED tea\n")
        assert ran.returncode == 1
        [line] = ran.stderr.splitlines()
        assert str(db) in line and words in line and "meshbot restore" in line
    assert db.stat().st_size == size  # refused, not turned into a new board
    database = doctor_findings(tmp_path, db)["database"]
    assert database["status"] == "fail" and words in database["message"] and "meshbot restore" in database["fix"]
