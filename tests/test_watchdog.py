"""Crash barriers and the watchdog, in process: errors logged once (repeats counted), loops that
go on, dead or hung threads named, and sd_notify datagrams on a real unix socket."""

from __future__ import annotations

import logging
import os
import socket
import threading
from pathlib import Path

import pytest

from meshbot.threads.barrier import ErrorLog, FaultPlan, Heartbeats, InjectedFault, run_guarded
from meshbot.threads.watchdog import Watchdog, notify, ping_interval

from .conftest import Clock


def test_an_error_is_logged_once_with_its_traceback_and_its_repeats_counted_once_a_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock(now=0.0)
    errors = ErrorLog(monotonic=clock)
    with caplog.at_level(logging.ERROR, logger="meshbot.threads.barrier"):
        for _ in range(500):
            errors.report("meshbot-sender", RuntimeError("database is locked"))
            clock.advance(0.1)  # 50 s of the same error
        errors.report("meshbot-worker", RuntimeError("database is locked"))  # another thread: its own line
        clock.advance(11)
        errors.report("meshbot-sender", RuntimeError("database is locked"))
    lines = [r for r in caplog.records]
    assert [r.exc_info is not None for r in lines] == [True, True, False, False]
    assert "meshbot-sender" in lines[0].getMessage() and "meshbot-worker" in lines[1].getMessage()
    assert "meshbot-sender" in lines[2].getMessage() and "× 499 more in the last minute" in lines[2].getMessage()
    assert "again" in lines[3].getMessage()


def test_a_guarded_loop_goes_on_after_errors() -> None:
    stop = threading.Event()
    calls = []

    def step() -> None:
        calls.append(1)
        if len(calls) == 5:
            stop.set()
        raise ValueError("boom")

    run_guarded("meshbot-worker", step, stop, Heartbeats(), ErrorLog())
    assert len(calls) == 5


def test_the_watchdog_names_a_dead_thread_and_a_hung_one() -> None:
    clock = Clock(now=0.0)
    beats = Heartbeats(monotonic=clock)
    fatal: list[int] = []
    watchdog = Watchdog(beats, stall_s=30, environ={}, on_fatal=fatal.append, monotonic=clock)
    stop = threading.Event()
    dead = threading.Thread(target=run_guarded, name="meshbot-journal",
                            args=("meshbot-journal", lambda: None, stop, beats, ErrorLog(),
                                  FaultPlan("meshbot-journal:die")))
    with pytest.raises(InjectedFault):  # what threading's excepthook would print
        dead.run()
    watchdog.watch(dead)
    assert watchdog.trouble() == "thread meshbot-journal died"

    hung = threading.Thread(target=stop.wait, name="meshbot-sender")
    hung.start()
    try:
        watchdog2 = Watchdog(beats, stall_s=30, environ={}, on_fatal=fatal.append, monotonic=clock)
        watchdog2.watch(hung)
        beats.beat("meshbot-sender")
        clock.advance(29)
        assert watchdog2.trouble() is None
        clock.advance(2)
        assert watchdog2.trouble() == "thread meshbot-sender has hung for 31 s (watchdog_stall_s is 30)"
    finally:
        stop.set()
        hung.join()


def test_fault_injection_names_a_thread_and_a_kind() -> None:
    with pytest.raises(ValueError, match="THREAD:die or THREAD:stall"):
        FaultPlan("meshbot-worker:explode")


def test_sd_notify_sends_datagrams_to_the_socket_systemd_names(tmp_path: Path) -> None:
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(str(path))
        listener.settimeout(5)
        assert notify("READY=1", {"NOTIFY_SOCKET": str(path)})
        assert listener.recv(256) == b"READY=1"
    assert not notify("READY=1", {})  # not under systemd: nothing to do
    assert ping_interval({"WATCHDOG_USEC": "60000000"}) == 30.0
    assert ping_interval({"WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "1"}) is None  # meant for another process
    assert ping_interval({}) is None


def test_sd_notify_reaches_an_abstract_socket() -> None:
    name = f"meshbot-test-{os.getpid()}-{threading.get_ident()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind("\0" + name)
        listener.settimeout(5)
        assert notify("WATCHDOG=1", {"NOTIFY_SOCKET": "@" + name})
        assert listener.recv(256) == b"WATCHDOG=1"
