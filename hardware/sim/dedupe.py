"""The per-node memory of packets already handled: the firmware's `PacketHistory`.

Covers: a bounded ring of (from, id) keys with the time each was recorded. A key is "seen"
while it is in the ring and younger than `expire_s` (the firmware's FLOOD_EXPIRE_TIME,
10 minutes); the oldest entry makes room when the ring is full. This is what stops a flood
from circulating for ever: every node handles each packet once.
"""

from __future__ import annotations

from collections import OrderedDict

DEFAULT_CAPACITY = 200
FLOOD_EXPIRE_S = 600.0

Key = tuple[int, int]


class PacketHistory:
    """(from, id) keys recently handled by one node."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, expire_s: float = FLOOD_EXPIRE_S) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.expire_s = expire_s
        self._ring: OrderedDict[Key, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._ring)

    def __contains__(self, key: object) -> bool:
        return key in self._ring

    def seen(self, key: Key, now: float) -> bool:
        """Whether `key` was recorded less than `expire_s` ago (does not record it)."""
        at = self._ring.get(key)
        return at is not None and now - at < self.expire_s

    def record(self, key: Key, now: float) -> None:
        ring = self._ring
        if key in ring:
            ring.move_to_end(key)
        ring[key] = now
        while len(ring) > self.capacity:
            ring.popitem(last=False)

    def check_and_record(self, key: Key, now: float) -> bool:
        """`seen(key)`, then record it: the firmware's `wasSeenRecently(p, withUpdate=true)`."""
        was = self.seen(key, now)
        self.record(key, now)
        return was
