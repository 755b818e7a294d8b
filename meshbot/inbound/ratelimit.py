"""Per-node rate limit: one "slow down" answer, then silence until the node calms down.

Kept in memory: a restart forgives everyone, which is the right side to err on.
"""

from __future__ import annotations

from collections import deque
from enum import Enum

WINDOW_S = 60.0


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit for the first time: tell them once
    IGNORE = "ignore"  # still over: say nothing, spend no airtime


class RateLimiter:
    """At most `per_minute` commands per node in any sliding minute."""

    def __init__(self, per_minute: int) -> None:
        self._per_minute = per_minute
        self._recent: dict[int, deque[float]] = {}
        self._warned: set[int] = set()

    def check(self, node: int, now: float) -> Verdict:
        """Count one command from `node` at `now` and say what to do with it."""
        recent = self._recent.setdefault(node, deque())
        while recent and recent[0] <= now - WINDOW_S:
            recent.popleft()
        recent.append(now)
        if len(recent) <= self._per_minute:
            self._warned.discard(node)
            return Verdict.ALLOW
        if node in self._warned:
            return Verdict.IGNORE
        self._warned.add(node)
        return Verdict.WARN

    def forget_idle(self, now: float) -> None:
        """Drop nodes not heard from in the last window, so memory stays flat."""
        for node in [n for n, q in self._recent.items() if not q or q[-1] <= now - WINDOW_S]:
            del self._recent[node]
            self._warned.discard(node)
