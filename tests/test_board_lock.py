"""One daemon per board, and CLI writers that wait for the daemon then say so in one line.

Real processes: two `meshbot run` on one board, kill -9, and a write lock held by another
SQLite connection.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from store import Posting, open_engine, session
from store.board_lock import BoardBusy, acquire, holder_of, lock_path


def env_without_settings(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    return env


def meshbot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "meshbot.cli.main", *args], capture_output=True, text=True,
                          env=env_without_settings(tmp_path), timeout=120)


def start_daemon(tmp_path: Path, db: Path) -> subprocess.Popen[str]:
    """`meshbot run --sim` on `db`, returned once it says it is running."""
    daemon = subprocess.Popen([sys.executable, "-m", "meshbot.cli.main", "--db", str(db), "run", "--sim"],
                              stderr=subprocess.PIPE, text=True, env=env_without_settings(tmp_path))
    assert daemon.stderr is not None
    for line in daemon.stderr:
        if "meshbot running" in line:
            return daemon
    raise AssertionError(f"the daemon ended before running (exit {daemon.wait()})")


def test_a_second_run_names_the_holder_and_exits_non_zero_until_the_first_is_killed(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    open_engine(db).dispose()
    first = start_daemon(tmp_path, db)
    try:
        second = meshbot(tmp_path, "--db", str(db), "run", "--sim")
        assert second.returncode == 1
        [line] = second.stderr.splitlines()
        assert f"in use by process {first.pid} meshbot --db {db} run --sim" in line
        assert "Traceback" not in second.stderr
        upgrade = meshbot(tmp_path, "--db", str(db), "db", "upgrade")  # it needs the board to itself
        assert upgrade.returncode == 1 and f"process {first.pid}" in upgrade.stderr
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=60)
    assert holder_of(db) is None  # the kernel let go of the lock with the killed process
    again = meshbot(tmp_path, "--db", str(db), "db", "upgrade")
    assert again.returncode == 0 and "nothing to do" in again.stdout


def test_the_lock_is_exclusive_between_two_holders_and_free_after_release(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    with acquire(db, "meshbot run --host radio") as held:
        assert held.path == lock_path(db)
        assert holder_of(db) == f"{os.getpid()} meshbot run --host radio"
        try:
            acquire(db, "meshbot run --sim")
        except BoardBusy as busy:
            assert busy.holder == f"{os.getpid()} meshbot run --host radio"
        else:
            raise AssertionError("a second holder got the lock")
    assert holder_of(db) is None
    acquire(db, "meshbot run --sim").release()


def test_a_writing_command_waits_for_a_held_write_lock_then_says_so_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    open_engine(db).dispose()
    texts = tmp_path / "in.txt"
    texts.write_text("!000000a1 OFFER rice 10kg @elm\n", encoding="utf-8")
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the busy timeout
    try:
        refused = meshbot(tmp_path, "--db", str(db), "ingest", str(texts))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert refused.returncode == 1
    [line] = refused.stderr.splitlines()
    assert "the database is busy" in line and "nothing was changed" in line
    with session(open_engine(db)) as s:
        assert s.exec(select(Posting)).all() == []
    done = meshbot(tmp_path, "--db", str(db), "ingest", str(texts))
    assert done.returncode == 0, done.stderr
    with session(open_engine(db)) as s:
        assert [p.item for p in s.exec(select(Posting)).all()] == ["rice"]
