"""Crash barriers for the daemon's threads: an error is logged, the loop goes on.

Each daemon thread runs its loop through `run_guarded`: one pass of the loop is one
call of `step`; an exception from it is logged with its traceback the first time, and
the repeats of the same error (same thread, type and message) are counted into one line
a minute, so a database locked for a while, a full disk or a flood of hostile packets
costs a few log lines, not thousands. Every pass beats the thread's heart in `Heartbeats`, which the watchdog
reads to notice a thread that died or hangs.

`FaultPlan` is a test hook (the `fault_injection` setting): it makes one named thread
die or hang, so the watchdog can be seen to do its job on the real process.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)
REPEAT_EVERY_S = 60.0


@dataclass
class _Burst:
    """One error's repeats since its last log line; `window_end` None: quiet since then."""

    window_end: float | None
    repeats: int = 0


class ErrorLog:
    """Logs an error with its traceback once, then counts its repeats: one line per window.

    Under attack the same failure may come hundreds of times a minute; its traceback is
    worth reading once, the rest is a number ("× 499 more in the last minute"). The count
    line is written when the window closes: at the next `report` or `flush` after it (the
    guarded loops flush on every pass). `detail` (a node id, a verb) goes into the line but
    not into what makes two errors the same, so a spoofer varying it cannot defeat the count.
    """

    MAX_KINDS = 1000
    """Distinct errors remembered; the oldest is forgotten first (messages an attacker shapes)."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic, every_s: float = REPEAT_EVERY_S) -> None:
        self._monotonic = monotonic
        self._every_s = every_s
        self._seen: dict[tuple[str, str, str], _Burst] = {}
        self._next_due = math.inf
        self._lock = threading.Lock()

    def report(self, where: str, exc: BaseException, detail: str = "") -> None:
        key = (where, type(exc).__name__, str(exc)[:200])
        now = self._monotonic()
        with self._lock:
            closed = self._close_windows(now)
            burst = self._seen.get(key)
            if burst is not None and burst.window_end is not None:
                burst.repeats += 1
                first = again = False
            else:
                first, again = burst is None, burst is not None
                self._remember(key, _Burst(window_end=now + self._every_s))
                self._next_due = min(self._next_due, now + self._every_s)
        self._log_counts(closed)
        suffix = f" ({detail})" if detail else ""
        if first:
            log.error("%s: %s: %s%s; the loop goes on", where, type(exc).__name__, exc, suffix, exc_info=exc)
        elif again:
            log.error("%s: %s: %s%s again (its traceback was logged before); the loop goes on",
                      where, type(exc).__name__, exc, suffix)

    def flush(self) -> None:
        """Write the count lines of the windows that have closed (cheap when none has)."""
        now = self._monotonic()
        if now < self._next_due:
            return
        with self._lock:
            closed = self._close_windows(now)
        self._log_counts(closed)

    def _remember(self, key: tuple[str, str, str], burst: _Burst) -> None:
        self._seen.pop(key, None)
        self._seen[key] = burst
        while len(self._seen) > self.MAX_KINDS:
            del self._seen[next(iter(self._seen))]

    def _close_windows(self, now: float) -> list[tuple[tuple[str, str, str], int]]:
        """Under the lock: the (error, repeats) whose window ended by `now`, windows reset."""
        if now < self._next_due:
            return []
        closed = []
        next_due = math.inf
        for key, burst in self._seen.items():
            if burst.window_end is None:
                continue
            if burst.window_end <= now:
                if burst.repeats:
                    closed.append((key, burst.repeats))
                burst.window_end, burst.repeats = None, 0
            else:
                next_due = min(next_due, burst.window_end)
        self._next_due = next_due
        return closed

    def _log_counts(self, closed: list[tuple[tuple[str, str, str], int]]) -> None:
        for (where, kind, message), repeats in closed:
            log.error("%s: %s: %s × %d more in the last %s", where, kind, message, repeats, self._window_words())

    def _window_words(self) -> str:
        return "minute" if self._every_s == 60 else f"{self._every_s:g} s"


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
        errors.flush()
    beats.forget(name)
