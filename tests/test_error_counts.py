"""Logs stay useful under attack: one traceback per kind of failure, then a count a minute.

The failures are injected (a step or a handler that raises), 500 alike, as a flood of
hostile packets makes them; the log records are read back with caplog.
"""

from __future__ import annotations

import logging
import threading

import pytest

from meshbot.inbound.inbox import Inbound
from meshbot.inbound.worker import Worker
from meshbot.threads.barrier import ErrorLog, Heartbeats, run_guarded

from .conftest import BOT, Board, Clock

FAILURES = 500


class _NoPause(threading.Event):
    """The loop's pause after an error takes no real time: the test's clock is virtual."""

    def wait(self, timeout: float | None = None) -> bool:
        return self.is_set()


def _records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_guarded_loop_logs_500_identical_failures_as_one_traceback_and_one_count_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock(now=0.0)
    errors = ErrorLog(monotonic=clock)
    stop = _NoPause()
    passes = 0

    def step() -> None:  # 500 failing passes within 50 s, then the clock passes the minute
        nonlocal passes
        passes += 1
        if passes <= FAILURES:
            clock.advance(0.1)
            raise OSError("garbage frame from the radio")
        if passes == FAILURES + 1:
            clock.advance(61)
            return
        stop.set()

    with caplog.at_level(logging.ERROR, logger="meshbot.threads.barrier"):
        run_guarded("meshbot-journal", step, stop, Heartbeats(), errors)
    records = _records(caplog)
    assert len(records) == 2
    assert records[0].exc_info is not None and "garbage frame" in records[0].getMessage()
    assert records[1].exc_info is None
    assert "× 499 more in the last minute" in records[1].getMessage()


def test_the_workers_500_failing_packets_give_one_traceback_a_count_and_no_residents_words(
    board: Board, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    errors = ErrorLog(monotonic=board.clock)
    worker = Worker(board.engine, board.settings, board.clock, errors=errors)

    def broken_answer(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("handler broke")

    monkeypatch.setattr(Worker, "_answer", broken_answer)
    with caplog.at_level(logging.ERROR):
        for i in range(FAILURES):  # from 500 different (spoofed) node numbers
            reply = worker.process(Inbound(0x1000 + i, BOT, 5000 + i, 0, f"OFFER secret words {i}", True, None))
            assert reply is not None  # every sender still gets its one apology
        board.clock.advance(61)
        errors.flush()
    records = _records(caplog)
    assert [r.exc_info is not None for r in records] == [True, False]
    assert "× 499 more in the last minute" in records[1].getMessage()
    assert not any("secret" in r.getMessage() for r in caplog.records)


def test_a_different_error_gets_its_own_traceback_and_a_quiet_one_no_count_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock(now=0.0)
    errors = ErrorLog(monotonic=clock)
    with caplog.at_level(logging.ERROR, logger="meshbot.threads.barrier"):
        errors.report("meshbot-sender", RuntimeError("database is locked"))
        errors.report("meshbot-sender", ValueError("bad frame"))
        clock.advance(61)
        errors.flush()
    records = _records(caplog)
    assert [r.exc_info is not None for r in records] == [True, True]


def test_distinct_errors_beyond_the_memory_forget_the_oldest(caplog: pytest.LogCaptureFixture) -> None:
    errors = ErrorLog(monotonic=Clock(now=0.0))
    with caplog.at_level(logging.ERROR, logger="meshbot.threads.barrier"):
        for i in range(ErrorLog.MAX_KINDS + 1):
            errors.report("meshbot-worker", RuntimeError(f"frame {i}"))
        caplog.clear()
        errors.report("meshbot-worker", RuntimeError("frame 1"))  # still remembered: counted
        errors.report("meshbot-worker", RuntimeError("frame 0"))  # forgotten: a traceback again
    assert [r.getMessage().split(":")[2].strip()[:7] for r in _records(caplog)] == ["frame 0"]
    assert _records(caplog)[0].exc_info is not None
