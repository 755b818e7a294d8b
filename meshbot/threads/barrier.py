"""Crash barriers for the daemon's threads: an error is logged, the loop goes on.

Each daemon thread runs its loop through `run_guarded`: one pass of the loop is one
call of `step`; an exception from it is logged with its traceback the first time, and
a repeat of the same error (same thread, type and message) at most once a minute with
a count, so a database locked for a while or a full disk costs a few log lines, not
thousands. Every pass beats the thread's heart in `Heartbeats`, which the watchdog
reads to notice a thread that died or hangs.

`FaultPlan` is a test hook (the `fault_injection` setting): it makes one named thread
die or hang, so the watchdog can be seen to do its job on the real process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
REPEAT_EVERY_S = 60.0


class ErrorLog:
    """Logs an error with its traceback once, then its repeats at most every `every_s`."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic, every_s: float = REPEAT_EVERY_S) -> None:
        self._monotonic = monotonic
        self._every_s = every_s
        self._seen: dict[tuple[str, str, str], tuple[float, int]] = {}  # key -> (next log time, repeats)
        self._lock = threading.Lock()

    def report(self, where: str, exc: BaseException) -> None:
        key = (where, type(exc).__name__, str(exc)[:200])
        now = self._monotonic()
        with self._lock:
            due, repeats = self._seen.get(key, (0.0, -1))
            if now < due:
                self._seen[key] = (due, repeats + 1)
                return
            self._seen[key] = (now + self._every_s, 0)
        if repeats < 0:
            log.error("%s: %s: %s (the loop goes on)", where, type(exc).__name__, exc, exc_info=exc)
        else:
            log.error("%s: %s: %s again (%d more time(s) in the last %.0f s; the loop goes on)",
                      where, type(exc).__name__, exc, repeats + 1, self._every_s)


class Heartbeats:
    """When each guarded thread last finished or started a pass of its loop."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._beats: dict[str, float] = {}
        self._lock = threading.Lock()

    def beat(self, name: str) -> None:
        now = self._monotonic()
        with self._lock:
            self._beats[name] = now

    def silent_for(self, name: str) -> float:
        """Seconds since `name` last beat (0 for a thread that has not started)."""
        with self._lock:
            last = self._beats.get(name)
        return 0.0 if last is None else self._monotonic() - last

    def forget(self, name: str) -> None:
        with self._lock:
            self._beats.pop(name, None)


class InjectedFault(BaseException):
    """Raised by `FaultPlan` past the barrier (it is no `Exception`), as a real thread death."""


class FaultPlan:
    """`THREAD:die` or `THREAD:stall` (comma-separated) from the `fault_injection` setting."""

    KINDS = ("die", "stall")

    def __init__(self, spec: str) -> None:
        self._faults: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            thread, _, kind = part.partition(":")
            if kind not in self.KINDS:
                raise ValueError(f"fault_injection: {part!r} is not THREAD:die or THREAD:stall")
            self._faults[thread.strip()] = kind

    def strike(self, thread: str, stop: threading.Event) -> None:
        """Called at the top of each pass: die or hang if this thread is named."""
        kind = self._faults.get(thread)
        if kind == "die":
            log.warning("fault injection: %s dies now", thread)
            raise InjectedFault(f"{thread} killed by fault_injection")
        if kind == "stall":
            log.warning("fault injection: %s hangs now", thread)
            stop.wait()


def run_guarded(
    name: str,
    step: Callable[[], None],
    stop: threading.Event,
    beats: Heartbeats,
    errors: ErrorLog,
    faults: FaultPlan | None = None,
) -> None:
    """Call `step` until `stop` is set; an `Exception` is logged and the loop goes on."""
    while not stop.is_set():
        beats.beat(name)
        if faults is not None:
            faults.strike(name, stop)
        try:
            step()
        except Exception as exc:  # the crash barrier: log it (rate-limited) and carry on
            errors.report(name, exc)
            stop.wait(0.1)  # an error that repeats at once must not spin the CPU
    beats.forget(name)
