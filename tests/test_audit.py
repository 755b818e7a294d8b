"""The audit log: committee actions chained by hash; `meshbot audit verify` finds any edit or cut.

The log is written by the real membership commands, tampered with through sqlite3 as
someone holding the disk would, and checked by `meshbot audit verify` as a process.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from meshbot.security.audit import verify
from meshbot.security.keys import NewKey, init, unlocker
from meshbot.settings import Settings
from store import Member, open_engine, session

PASS = "correct horse battery staple"


def cli(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    env.update(MESHBOT_DB=str(db), MESHBOT_PASSPHRASE=PASS, MESHBOT_KDF_STRENGTH="interactive")
    return subprocess.run([sys.executable, "-m", "meshbot.cli.main", "--create", *args], input=stdin, text=True,
                          capture_output=True, env=env, timeout=60)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An encrypted board whose committee, at the command line, approved two members, gave a
    role and rejected one: five entries with the key's own."""
    db = tmp_path_factory.mktemp("audit") / "m.db"
    engine = open_engine(db)
    with session(engine) as s, s.begin():
        for node, name in ((0xA1, "Ana"), (0xB2, "Ben")):
            s.add(Member(node_num=node, name=name, zone="elm", status="pending", first_seen=0, last_seen=0))
    init(engine, NewKey(passphrase=PASS), "interactive", 1.0)
    engine.dispose()
    for args in (("members", "approve", "!000000a1"), ("members", "approve", "!000000b2"),
                 ("members", "role", "!000000a1", "responder"), ("members", "reject", "!000000b2")):
        out = cli(db, *args)
        assert out.returncode == 0, out.stderr
    return db


@pytest.fixture
def logged(template: Path, tmp_path: Path) -> Path:
    """A copy of the template board for one test to tamper with."""
    db = tmp_path / "m.db"
    for suffix in ("", "-wal", "-shm"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            db.with_name(db.name + suffix).write_bytes(source.read_bytes())
    return db


def test_an_intact_log_verifies(logged: Path) -> None:
    out = cli(logged, "audit", "verify")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip() == "Audit log intact: 5 entries, keyed (HMAC)."
    listing = cli(logged, "audit", "list")
    assert "member.role" in listing.stdout and "responder" in listing.stdout


def test_an_edited_entry_is_detected(logged: Path) -> None:
    with sqlite3.connect(logged) as raw:
        raw.execute("UPDATE auditentry SET subject = '!000000ff' WHERE id = 2")
    out = cli(logged, "audit", "verify")
    assert out.returncode == 1
    assert "BROKEN  entry 2 (member.approve): was changed after it was written" in out.stdout
    assert "The audit log was tampered with" in out.stdout


def test_an_edited_encrypted_detail_is_detected(logged: Path) -> None:
    with sqlite3.connect(logged) as raw:
        (detail,) = raw.execute("SELECT detail FROM auditentry WHERE id = 4").fetchone()
        raw.execute("UPDATE auditentry SET detail = ? WHERE id = 4", (detail[:-6] + "AAAAAA",))
    out = cli(logged, "audit", "verify")
    assert out.returncode == 1 and "entry 4 (member.role): its detail was altered" in out.stdout


def test_a_deleted_entry_is_detected_in_the_middle_and_at_the_end(logged: Path, tmp_path: Path) -> None:
    middle = tmp_path / "middle.db"
    middle.write_bytes(logged.read_bytes())
    with sqlite3.connect(middle) as raw:
        raw.execute("DELETE FROM auditentry WHERE id = 2")
    out = cli(middle, "audit", "verify")
    assert out.returncode == 1 and "entry 3 (member.approve): does not follow the entry before it" in out.stdout
    with sqlite3.connect(logged) as raw:
        raw.execute("DELETE FROM auditentry WHERE id = 5")
    out = cli(logged, "audit", "verify")
    assert out.returncode == 1 and "the log should end at entry 5 but has 4" in out.stdout


def test_a_recomputed_unkeyed_chain_does_not_pass_for_the_keyed_one(logged: Path) -> None:
    """Rewriting an entry and its hash as plain SHA-256 (all one can do without the key) shows."""
    import hashlib
    import json

    with sqlite3.connect(logged) as raw:
        row = raw.execute("SELECT at, actor, action, prev_hash FROM auditentry WHERE id = 5").fetchone()
        data = json.dumps([5, row[3], repr(float(row[0])), row[1], row[2], "!000000a1", ""],
                          separators=(",", ":")).encode()
        digest = hashlib.sha256(data).hexdigest()
        raw.execute("UPDATE auditentry SET alg='sha256', subject='!000000a1', detail='', hash=? WHERE id = 5",
                    (digest,))
        head = hashlib.sha256(f"5:{digest}".encode()).hexdigest()
        raw.execute("UPDATE audithead SET last_hash = ?, mac = ?", (digest, head))
    engine = open_engine(logged, unlocker(Settings(db=str(logged)), {"MESHBOT_PASSPHRASE": PASS}))
    verdict = verify(engine)
    assert not verdict.ok
    assert any("entry 5" in p for p in verdict.problems)
    assert any("does not end with a keyed entry" in p for p in verdict.problems)


def test_a_plain_database_keeps_an_unkeyed_log_that_still_catches_edits(tmp_path: Path) -> None:
    from meshbot.people import membership

    engine = open_engine(tmp_path / "plain.db")
    with session(engine) as s, s.begin():
        s.add(Member(node_num=0xA1, name="Ana", status="pending", first_seen=0, last_seen=0))
    with session(engine) as s, s.begin():
        membership.approve(s, 0xA1, "cli:test", 5.0)
    assert verify(engine).ok and not verify(engine).keyed
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE auditentry SET actor = 'cli:mallory'")
    assert not verify(engine).ok
