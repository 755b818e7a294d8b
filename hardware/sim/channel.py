"""The shared LoRa channel: who hears a transmission, when, and how strongly.

Covers: propagation, kept out of senders and receivers like SimPy's `Cable`, and fan-out
to one inbox per receiver like its `BroadcastPipe`.

A transmission is an `Airing` from `begin` (the sender starts keying) to `end` (the last
symbol leaves). At `end` every radio in range gets a `Reception` in its own inbox, unless
`receivable` says no. In v1 it always says yes; collisions, capture and half-duplex
deafness belong there, and they can use `on_air`/`recent`, the airings that overlap.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import simpy

from hardware.sim.packet import SimPacket
from hardware.sim.propagation import RangeModel

if TYPE_CHECKING:
    from hardware.sim.radio import Radio


@dataclass(frozen=True)
class Airing:
    """One transmission on the channel."""

    sender: int
    packet: SimPacket
    start: float
    end: float


@dataclass(frozen=True)
class Reception:
    """One airing as one receiver got it."""

    receiver: int
    airing: Airing
    snr_db: float
    rssi_dbm: int

    @property
    def packet(self) -> SimPacket:
        return self.airing.packet

    @property
    def time(self) -> float:
        return self.airing.end


class Channel:
    """The medium every radio of a mesh shares."""

    def __init__(self, env: simpy.Environment, model: RangeModel) -> None:
        self.env = env
        self.model = model
        self._radios: dict[int, Radio] = {}
        self._positions: dict[int, tuple[float, float]] = {}
        self.on_air: list[Airing] = []

    def attach(self, radio: Radio, x: float, y: float) -> None:
        if radio.num in self._radios:
            raise ValueError(f"node {radio.num:#x} is already on the channel")
        self._radios[radio.num] = radio
        self._positions[radio.num] = (float(x), float(y))

    def position(self, num: int) -> tuple[float, float]:
        return self._positions[num]

    def distance(self, a: int, b: int) -> float:
        (ax, ay), (bx, by) = self._positions[a], self._positions[b]
        return math.hypot(ax - bx, ay - by)

    def neighbours(self, num: int) -> Iterator[int]:
        """Radios that hear `num` directly, in the order they were attached."""
        for other in self._radios:
            if other != num and self.model.in_range(self.distance(num, other)):
                yield other

    def begin(self, sender: int, packet: SimPacket, duration_s: float) -> Airing:
        airing = Airing(sender, packet, self.env.now, self.env.now + duration_s)
        self.on_air.append(airing)
        return airing

    def end(self, airing: Airing) -> None:
        """The airing is over: put a Reception in every in-range radio's inbox."""
        self.on_air.remove(airing)
        for num in self.neighbours(airing.sender):
            d = self.distance(airing.sender, num)
            rec = Reception(num, airing, self.model.snr_db(d), self.model.rssi_dbm(d))
            if self.receivable(rec):
                self._radios[num].inbox.put(rec)

    def receivable(self, reception: Reception) -> bool:
        """Whether the receiver decodes it. v1: always (no collisions, no capture)."""
        return True
