"""The daemon's threads under faults, as a real process on a fake radio's TCP port.

A database locked by another process for 15 s kills no thread and loses no reply; a
thread that dies or hangs (the `fault_injection` test hook) ends the process non-zero,
naming the thread, for systemd to restart it; systemd's notify socket hears READY=1 and
the WATCHDOG=1 pings.
"""

from __future__ import annotations

import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from meshbot.threads.watchdog import EXIT_THREAD_LOST

from .daemon_process import DaemonProcess
from .test_delivery_process import BOT, RESIDENT_BASE, Radio

LOCKER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA busy_timeout=60000")
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(15)
con.execute("COMMIT")
print("released", flush=True)
"""


@pytest.fixture
def radio() -> Iterator[Radio]:
    r = Radio()
    yield r
    r.close()


def _start(radio: Radio, db: Path, **env: str) -> DaemonProcess:
    daemon = DaemonProcess(radio.server.hostport, db, **env)
    assert radio.server.wait_for_client(timeout=60), daemon.log
    return daemon


@pytest.mark.timeout(240)
def test_a_database_locked_for_15_s_kills_no_thread_and_every_text_is_answered_after(
    radio: Radio, tmp_path: Path
) -> None:
    db = tmp_path / "m.db"
    daemon = _start(radio, db)
    try:
        radio.server.push_text(RESIDENT_BASE, "OFFER thing0", to=BOT, want_ack=True, packet_id=5000)
        radio.wait_for(1, timeout=60)
        locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(db)], stdout=subprocess.PIPE, text=True)
        assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
        for i in range(1, 5):
            radio.server.push_text(RESIDENT_BASE + i, f"OFFER thing{i}", to=BOT, want_ack=True, packet_id=5000 + i)
        assert locker.stdout.readline().strip() == "released"
        assert locker.wait(timeout=30) == 0
        daemon.wait_for_log(r"cannot write received texts down \(database is locked\)", timeout=30)
        radio.wait_for(5, timeout=120)
        assert daemon.proc.poll() is None
    finally:
        daemon.stop()
    assert "Exception in thread" not in daemon.log
    delivered = radio.delivered()
    for i in range(5):
        texts = list(delivered[RESIDENT_BASE + i].values())
        assert len(texts) == 1 and f"thing{i} posted" in texts[0], delivered


@pytest.mark.timeout(180)
@pytest.mark.parametrize("thread", ["meshbot-journal", "meshbot-worker", "meshbot-sender", "meshbot-housekeeping"])
def test_a_thread_that_dies_ends_the_process_non_zero_naming_it(radio: Radio, tmp_path: Path, thread: str) -> None:
    daemon = DaemonProcess(radio.server.hostport, tmp_path / "m.db", MESHBOT_FAULT_INJECTION=f"{thread}:die")
    code = daemon.wait_exit(timeout=120)
    assert code == EXIT_THREAD_LOST, daemon.log
    assert f"CRITICAL meshbot.threads.watchdog: thread {thread} died" in daemon.log


@pytest.mark.timeout(180)
def test_a_thread_that_hangs_ends_the_process_non_zero_naming_it(radio: Radio, tmp_path: Path) -> None:
    daemon = DaemonProcess(radio.server.hostport, tmp_path / "m.db",
                           MESHBOT_FAULT_INJECTION="meshbot-housekeeping:stall", MESHBOT_WATCHDOG_STALL_S="3")
    code = daemon.wait_exit(timeout=120)
    assert code == EXIT_THREAD_LOST, daemon.log
    assert "thread meshbot-housekeeping has hung for" in daemon.log


@pytest.mark.timeout(120)
def test_systemd_hears_ready_then_watchdog_pings_then_stopping(radio: Radio, tmp_path: Path) -> None:
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(str(path))
        listener.settimeout(60)
        daemon = _start(radio, tmp_path / "m.db", NOTIFY_SOCKET=str(path), WATCHDOG_USEC="400000")
        heard: list[bytes] = []
        try:
            while heard.count(b"WATCHDOG=1") < 3:
                heard.append(listener.recv(256))
        finally:
            daemon.proc.send_signal(signal.SIGINT)
        while heard[-1] != b"STOPPING=1":
            heard.append(listener.recv(256))
        daemon.stop()
    assert heard[0] == b"READY=1"


@pytest.mark.timeout(240)
def test_after_a_hung_worker_the_restarted_daemon_answers_what_was_written_down(radio: Radio, tmp_path: Path) -> None:
    """What systemd does after exit 70, by hand: start it again; the journal gives the text back."""
    db = tmp_path / "m.db"
    daemon = _start(radio, db, MESHBOT_FAULT_INJECTION="meshbot-worker:stall", MESHBOT_WATCHDOG_STALL_S="10")
    radio.server.push_text(RESIDENT_BASE, "OFFER thing0", to=BOT, want_ack=True, packet_id=5000)
    assert daemon.wait_exit(timeout=120) == EXIT_THREAD_LOST, daemon.log
    assert "thread meshbot-worker has hung for" in daemon.log
    with sqlite3.connect(db) as con:  # written down on arrival, never handled by the hung worker
        assert con.execute("select handled from seenpacket where packet_id = 5000").fetchall() == [(0,)]
    assert radio.delivered() == {}
    daemon = _start(radio, db)
    try:
        radio.wait_for(1, timeout=60)
    finally:
        daemon.stop()
    [text] = radio.delivered()[RESIDENT_BASE].values()
    assert "thing0 posted" in text
