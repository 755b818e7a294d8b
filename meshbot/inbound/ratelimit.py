"""Rate limits keyed on what a spoofer cannot forge: one "slow down" answer, then silence.

Anyone with the channel key can write any node number in `from`, so a count kept per
node number alone lets a spoofer spend a member's budget and mute them. A text that
proves its sender (a PKI DM under the pinned key) is counted in that key's own budget,
which channel-level spoofing never touches. Texts that prove nothing are counted per
claimed node number *and* in one shared budget for all of them, so a spoofer rotating
node numbers cannot flood the board either.

Kept in memory: a restart forgives everyone, which is the right side to err on.
"""

from __future__ import annotations

from collections import deque
from enum import Enum

WINDOW_S = 60.0
_EVERYONE = ("unproved", -1)
"""The key of the shared budget for texts that prove nothing."""


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit for the first time: tell them once
    IGNORE = "ignore"  # still over: say nothing, spend no airtime


class RateLimiter:
    """At most `per_minute` commands per sender in any sliding minute, and at most
    `unproved_per_minute` from all unproved senders together."""

    def __init__(self, per_minute: int, unproved_per_minute: int | None = None) -> None:
        self._per_minute = per_minute
        self._unproved_per_minute = unproved_per_minute
        self._recent: dict[tuple[str, int], deque[float]] = {}
        self._warned: set[tuple[str, int]] = set()

    def check(self, node: int, now: float, proved: bool = False) -> Verdict:
        """Count one command from `node` at `now` and say what to do with it.

        `proved`: the text came as a PKI DM under the node's pinned key.
        """
        if proved:
            return self._count(("pki", node), now, self._per_minute)
        own = self._count(("node", node), now, self._per_minute)
        if own is not Verdict.ALLOW or self._unproved_per_minute is None:
            return own
        # The shared budget warns nobody: the one over it may be someone else's spoofer.
        shared = self._count(_EVERYONE, now, self._unproved_per_minute)
        return Verdict.ALLOW if shared is Verdict.ALLOW else Verdict.IGNORE

    def _count(self, key: tuple[str, int], now: float, limit: int) -> Verdict:
        recent = self._recent.setdefault(key, deque())
        while recent and recent[0] <= now - WINDOW_S:
            recent.popleft()
        recent.append(now)
        if len(recent) <= limit:
            self._warned.discard(key)
            return Verdict.ALLOW
        if key in self._warned:
            return Verdict.IGNORE
        self._warned.add(key)
        return Verdict.WARN

    def forget_idle(self, now: float) -> None:
        """Drop senders not heard from in the last window, so memory stays flat."""
        for key in [k for k, q in self._recent.items() if not q or q[-1] <= now - WINDOW_S]:
            del self._recent[key]
            self._warned.discard(key)
