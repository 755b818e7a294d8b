"""A full disk under the database: texts held in memory, said once a minute, nothing sent that
cannot be recorded, and everything answered once space returns, by itself.

The board lives on a small tmpfs the test mounts (root only: skipped elsewhere, saying why);
the daemon is a real process on the simulator's TCP radio.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .daemon_process import DaemonProcess
from .test_delivery_process import BOT, RESIDENT_BASE, Radio

DISK_MB = 4
FULL_LOG = "cannot write received texts down"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    if shutil.which("mount") is None or shutil.which("umount") is None:
        pytest.skip("no mount/umount on this machine")
    where = tmp_path / "small"
    where.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def radio() -> Iterator[Radio]:
    r = Radio()
    yield r
    r.close()


def fill(folder: Path) -> Path:
    """Write a file until the filesystem has no byte left."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            chunk = b"\0" * size
            try:
                while True:
                    os.write(fd, chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


@pytest.mark.timeout(400)
@pytest.mark.parametrize("while_full", [
    pytest.param(10, id="10-more-while-full"),  # each answer waits its turn on air: fewer is quicker
    pytest.param(25, id="25-more-while-full", marks=pytest.mark.slow),
])
def test_a_full_disk_holds_texts_in_memory_and_answers_them_all_once_space_returns(
    radio: Radio, small_disk: Path, tmp_path: Path, while_full: int
) -> None:
    db = small_disk / "m.db"
    daemon = DaemonProcess(radio.server.hostport, db)
    assert radio.server.wait_for_client(timeout=60), daemon.log
    pushed = 0

    def push(count: int) -> None:
        nonlocal pushed
        for _ in range(count):
            radio.server.push_text(RESIDENT_BASE + pushed, f"OFFER thing{pushed}", to=BOT,
                                   want_ack=True, packet_id=6000 + pushed)
            pushed += 1

    try:
        push(1)
        radio.wait_for(1, timeout=60)
        filler = fill(small_disk)
        # SQLite reuses its log's pages already on disk, so a few texts may still fit:
        # feed texts until the daemon says it cannot write them down.
        deadline = time.monotonic() + 120
        while not any(FULL_LOG in line for line in daemon.lines):
            assert time.monotonic() < deadline, daemon.log[-3000:]
            push(5)
            try:
                daemon.wait_for_log(FULL_LOG, timeout=2)
            except AssertionError:
                continue
        push(while_full)  # more arrive while it is full
        doctor = subprocess.run([sys.executable, "-m", "meshbot.cli.main", "--db", str(db), "doctor", "--no-radio"],
                                capture_output=True, text=True, timeout=120,
                                env={k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")})
        assert "holding" in doctor.stdout and "in memory" in doctor.stdout, doctor.stdout + doctor.stderr
        filler.unlink()  # space returns
        daemon.wait_for_log("the database takes writes again", timeout=120)
        radio.wait_for(pushed, timeout=pushed * 3 + 120)
        assert daemon.proc.poll() is None
    finally:
        daemon.stop()
    delivered = radio.delivered()
    for i in range(pushed):
        texts = list(delivered[RESIDENT_BASE + i].values())
        assert len(texts) == 1 and f"thing{i} posted" in texts[0], (i, texts)
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from seenpacket where handled = 1").fetchone() == (pushed,)
        assert con.execute("select count(*) from posting").fetchone() == (pushed,)
    assert sum(FULL_LOG in line for line in daemon.lines) <= 3  # once a minute, not once per text
    full = next(i for i, line in enumerate(daemon.lines) if FULL_LOG in line)
    back = next(i for i, line in enumerate(daemon.lines) if "the database takes writes again" in line)
    assert not [line for line in daemon.lines[full:back] if " sent #" in line]  # nothing sent while full
    # An error is logged with its traceback once per thread and kind, not once per text
    # (SQLAlchemy's chained errors print two tracebacks each).
    assert daemon.log.count("Traceback") <= 20 < 2 * pushed, daemon.log[-5000:]
    assert "Exception in thread" not in daemon.log
    print(f"disk full: {pushed} texts, all answered once; {daemon.log.count('Traceback')} traceback(s) in the log")
