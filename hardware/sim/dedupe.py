"""The per-node memory of packets already handled: the firmware's `PacketHistory`.

Covers: a bounded ring of (from, id) keys with the time each was recorded. A key is "seen"
while it is in the ring and younger than `expire_s` (the firmware's FLOOD_EXPIRE_TIME,
10 minutes); the oldest entry makes room when the ring is full. This is what stops a flood
from circulating for ever: every node handles each packet once.

Next-hop routing (firmware 2.7) keeps more per packet, as `PacketRecord`: the
`next_hop` byte of the first copy (who was asked to relay it) and up to NUM_RELAYERS
last bytes of who relayed it, newest first: our own byte when we sent or relayed it, and
then any node heard rebroadcasting OUR copy (its hop limit is ours or one less).
`was_relayer` answers "did that node relay it?".
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

DEFAULT_CAPACITY = 200
FLOOD_EXPIRE_S = 600.0

NUM_RELAYERS = 3
Key = tuple[int, int]


@dataclass
class PacketRecord:
    """What the ring remembers of one packet."""

    at: float
    next_hop: int = 0
    relayed_by: list[int] = field(default_factory=list)
    our_tx_hop_limit: int | None = None


class PacketHistory:
    """(from, id) keys recently handled by one node."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, expire_s: float = FLOOD_EXPIRE_S) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.expire_s = expire_s
        self._ring: OrderedDict[Key, PacketRecord] = OrderedDict()

    def __len__(self) -> int:
        return len(self._ring)

    def __contains__(self, key: object) -> bool:
        return key in self._ring

    def seen(self, key: Key, now: float) -> bool:
        """Whether `key` was recorded less than `expire_s` ago (does not record it)."""
        found = self._ring.get(key)
        return found is not None and now - found.at < self.expire_s

    def find(self, key: Key, now: float) -> PacketRecord | None:
        """The record of a packet seen recently, else None."""
        return self._ring[key] if self.seen(key, now) else None

    def record(
        self, key: Key, now: float, relay_node: int = 0, next_hop: int = 0, hop_limit: int = 0, me: int | None = None
    ) -> None:
        """Note a copy transmitted by `relay_node` for `next_hop`; `me`: our own last byte."""
        ring = self._ring
        old = ring.pop(key, None)
        sending = me is not None and relay_node == me
        if old is None or now - old.at >= self.expire_s:
            found = PacketRecord(now, next_hop, [relay_node] if sending else [], hop_limit if sending else None)
        elif sending:
            found = PacketRecord(now, old.next_hop, ([relay_node] + old.relayed_by)[:NUM_RELAYERS], hop_limit)
        elif (
            me in old.relayed_by
            and old.our_tx_hop_limit is not None
            and hop_limit in (old.our_tx_hop_limit, old.our_tx_hop_limit - 1)
        ):  # a neighbour rebroadcasting our copy
            relayers = ([relay_node] + old.relayed_by)[:NUM_RELAYERS]
            found = PacketRecord(now, old.next_hop, relayers, old.our_tx_hop_limit)
        else:
            found = PacketRecord(now, old.next_hop, old.relayed_by, old.our_tx_hop_limit)
        ring[key] = found
        while len(ring) > self.capacity:
            ring.popitem(last=False)

    def check_and_record(
        self, key: Key, now: float, relay_node: int = 0, next_hop: int = 0, hop_limit: int = 0, me: int | None = None
    ) -> bool:
        """`seen(key)`, then record it: the firmware's `wasSeenRecently(p, withUpdate=true)`."""
        was = self.seen(key, now)
        self.record(key, now, relay_node, next_hop, hop_limit, me)
        return was

    def remove_relayer(self, key: Key, relayer: int, now: float) -> None:
        """We cancelled our queued rebroadcast: we are not a relayer of it after all."""
        found = self.find(key, now)
        if found is not None:
            found.relayed_by = [r for r in found.relayed_by if r != relayer]

    def was_relayer(self, relayer: int, key: Key, now: float) -> tuple[bool, bool]:
        """(did `relayer` transmit this packet, was it the only one we know of)."""
        found = self.find(key, now)
        if found is None or not relayer:
            return False, False
        hit = relayer in found.relayed_by
        return hit, hit and all(r == relayer for r in found.relayed_by)
