"""Backups taken while the daemon writes restore to a consistent board; old ones are pruned."""

from __future__ import annotations

import io
import itertools
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlmodel import select

from meshbot.ops.backup import backups_in
from meshbot.inbound.inbox import Inbound
from meshbot.ops.progress import progress
from meshbot.settings import Settings
from meshbot.inbound.worker import Worker
from store import OutboxItem, Posting, SeenPacket, open_engine, session

BOT = 0x0B0B0B0B
T0 = 1_767_225_600.0
SEED_ROWS = 6000
"""Enough rows that the copy takes many steps (several MB), so the daemon writes between them."""


def meshbot(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    env["XDG_CONFIG_HOME"] = str(db.parent / "config")
    return subprocess.run([sys.executable, "-m", "meshbot.cli.main", "--create", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def seed(engine, rows: int, first: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Rows as the worker writes them: a packet seen, a posting, its reply; one set per text."""
    with session(engine) as db, db.begin():
        for i in range(first, first + rows):
            node = 0x20000 + i
            db.add(SeenPacket(from_node=node, packet_id=i, received=T0, text=f"OFFER seed item {i} " + "x" * 200,
                              reply="posted"))
            db.add(Posting(kind="offer", category="other", item=f"seed item {i} " + "x" * 200, author=node,
                           created=T0, updated=T0))
            db.add(OutboxItem(destination=node, text="posted", priority=1, created=T0, not_before=T0))


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("posting", "seenpacket", "outboxitem")}
    finally:
        conn.close()


class Writer(threading.Thread):
    """The daemon's worker, fed one OFFER after another from different nodes until stopped."""

    def __init__(self, db: Path) -> None:
        super().__init__(daemon=True)
        clock = itertools.count(T0, 0.01)
        # Thousands of texts a minute, more than any channel carries: the station-wide budget
        # for unproved senders is lifted, as this is a load on the disk, not on the mesh.
        self.worker = Worker(open_engine(db), Settings(db=str(db), unauthenticated_per_minute=100_000), lambda: next(clock))
        self.processed = 0
        self.stop = threading.Event()

    def run(self) -> None:
        for i in itertools.count():
            if self.stop.is_set():
                return
            reply = self.worker.process(Inbound(0x10000 + i, BOT, i + 1, 0, f"OFFER blanket {i + 1}"))
            assert reply is not None and " posted. CANCEL " in reply
            self.processed += 1


def test_backup_under_write_load_restores_to_a_consistent_board(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    seed(open_engine(live), SEED_ROWS)
    writer = Writer(live)
    writer.start()
    try:
        while writer.processed < 20:
            time.sleep(0.01)
        before = writer.processed
        out = meshbot("backup", "--to", str(tmp_path / "backups"), "--json", db=live)
        after = writer.processed
        time.sleep(0.2)
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    assert out.returncode == 0, out.stderr
    assert after > before, "the daemon must have written while the backup ran"
    made = json.loads(out.stdout)
    backup_file = Path(made["path"])
    assert backup_file.parent == tmp_path / "backups" and backup_file.name.startswith("meshbot-")

    restored = tmp_path / "restored.db"
    out = meshbot("restore", str(backup_file), "--json", db=restored)
    assert out.returncode == 0, out.stderr
    tables = json.loads(out.stdout)["tables"]

    board = counts(restored)  # integrity_check ok inside
    assert board["posting"] == tables["posting"] == made["tables"]["posting"]
    # One transaction per text: every posting has its packet and its reply, none half-written.
    assert board["posting"] == board["seenpacket"] == board["outboxitem"], board
    assert SEED_ROWS + before <= board["posting"] <= SEED_ROWS + after
    engine = open_engine(restored)
    with session(engine) as db:
        ids = [p.id for p in db.exec(select(Posting).order_by(Posting.id)).all()]
        assert ids == list(range(1, len(ids) + 1))
        assert db.exec(select(Posting).where(Posting.item == "blanket")).first() is not None
    assert sqlite3.connect(restored).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # The restored board takes new commands.
    worker = Worker(engine, Settings(db=str(restored)), lambda: T0 + 10_000)
    assert worker.process(Inbound(0xABC, BOT, 1, 0, "NEED blanket")).startswith("Match m1: ")


def test_backup_keeps_the_newest_n(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    seed(open_engine(live), 3)
    folder = tmp_path / "bk"
    made = []
    for _ in range(4):
        out = meshbot("backup", "--to", str(folder), "--keep", "2", "--json", db=live)
        assert out.returncode == 0, out.stderr
        made.append(Path(json.loads(out.stdout)["path"]))
    assert backups_in(folder) == made[-2:]
    assert not list(folder.glob("*.partial"))


def test_backup_goes_beside_the_database_by_default(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    seed(open_engine(live), 1)
    out = meshbot("backup", db=live)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"backup: {tmp_path / 'backups'}/meshbot-") and "1 postings" in out.stdout


def test_restore_over_a_board_saves_it_first_and_asks(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    seed(open_engine(live), 2)
    backup_file = Path(json.loads(meshbot("backup", "--json", db=live).stdout)["path"])
    seed(open_engine(live), 5, first=2)  # the board moves on after the backup
    refused = meshbot("restore", str(backup_file), db=live)
    assert refused.returncode == 1 and "add --yes" in refused.stderr
    assert counts(live)["posting"] == 7
    out = meshbot("restore", str(backup_file), "--yes", "--json", db=live)
    assert out.returncode == 0, out.stderr
    previous = Path(json.loads(out.stdout)["previous"])
    assert previous.name.startswith("pre-restore-") and counts(previous)["posting"] == 7
    assert counts(live)["posting"] == 2


def test_restore_refuses_what_is_not_a_meshbot_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite at all" * 100)
    out = meshbot("restore", str(junk), db=tmp_path / "m.db")
    assert out.returncode == 1 and "is not an SQLite database" in out.stderr
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    out = meshbot("restore", str(other), db=tmp_path / "m.db")
    assert out.returncode == 1 and "is not a meshbot database" in out.stderr
    assert not (tmp_path / "m.db").exists()


def test_nothing_to_back_up(tmp_path: Path) -> None:
    out = meshbot("backup", db=tmp_path / "none.db")
    assert out.returncode == 1 and "no database at" in out.stderr
    out = meshbot("backup", db=Path(":memory:"))
    assert out.returncode == 1 and "in memory" in out.stderr


@pytest.mark.parametrize("enabled", [None, True])
def test_progress_draws_only_on_a_terminal(enabled: bool | None) -> None:
    stream = io.StringIO()  # not a terminal
    with progress("copying", total=10, stream=stream, enabled=enabled) as advance:
        for _ in range(10):
            advance(1)
    drawn = stream.getvalue()
    assert ("copying" in drawn) is bool(enabled)
