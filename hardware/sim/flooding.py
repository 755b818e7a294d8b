"""Meshtastic's flood routing, v1: dedupe, deliver, rebroadcast once with one hop fewer.

Covers: what a node does with a packet it hears. The first copy of (from, id) is kept:
it is delivered when addressed to this node or broadcast, and, while its hopLimit is above
zero and it is not a direct message to this node, rebroadcast with hopLimit - 1 after a
random contention delay. Later copies are counted and dropped.

The delay is a whole number of slots drawn from the firmware's smallest contention window
(CWmin = 3, so 0..7 slots); a slot is 8.5 symbols of channel-activity detection plus
7.6 ms of propagation, turnaround and MAC processing (Meshtastic's `slotTimeMsec`).
Later versions swap `contention_delay` for the SNR-weighted window and make
`on_duplicate` cancel a pending rebroadcast, as the firmware's managed flooding does.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator

import simpy

from hardware.airtime import Preset
from hardware.link import BROADCAST_NUM
from hardware.sim.channel import Airing, Reception
from hardware.sim.packet import SimPacket
from hardware.sim.radio import Radio

CW_MIN = 3
CW_MAX = 8
SLOT_OVERHEAD_S = 0.0076
"""Propagation (0.2 ms) + TX/RX turnaround (0.4 ms) + MAC processing (7 ms)."""


def slot_time(preset: Preset) -> float:
    """Seconds of one contention slot on `preset`."""
    return 8.5 * preset.symbol_time + SLOT_OVERHEAD_S


def contention_delay(rng: random.Random, preset: Preset, cw_size: int = CW_MIN) -> float:
    """A random rebroadcast delay: 0 .. 2**cw_size - 1 slots."""
    return rng.randrange(2**cw_size) * slot_time(preset)


TransmitHook = Callable[[str, Airing], None]
"""Called with ('tx' | 'relay', airing) when this node starts keying a packet."""


class FloodingRouter:
    """The routing layer of one node."""

    def __init__(
        self,
        env: simpy.Environment,
        radio: Radio,
        rng: random.Random,
        deliver: Callable[[Reception], None],
        on_transmit: TransmitHook,
    ) -> None:
        self.env = env
        self.radio = radio
        self.num = radio.num
        self.rng = rng
        self.deliver = deliver
        self.on_transmit = on_transmit
        self.seen: set[tuple[int, int]] = set()
        self.duplicates = 0
        self.relays = 0

    def originate(self, packet: SimPacket) -> None:
        """Send a packet this node wrote; its own later echoes are duplicates."""
        self.seen.add(packet.key)
        self.radio.transmit(packet, on_start=lambda airing: self.on_transmit("tx", airing))

    def handle(self, reception: Reception) -> None:
        """Everything this node does with one packet it heard."""
        packet = reception.packet
        if packet.key in self.seen:
            self.on_duplicate(reception)
            return
        self.seen.add(packet.key)
        if packet.to in (BROADCAST_NUM, self.num):
            self.deliver(reception)
        if packet.hop_limit > 0 and packet.to != self.num:
            self.env.process(self._relay(packet.relayed_by(self.num)))

    def on_duplicate(self, reception: Reception) -> None:
        self.duplicates += 1

    def _relay(self, packet: SimPacket) -> Generator[simpy.Event, object, None]:
        yield self.env.timeout(contention_delay(self.rng, self.radio.preset))
        self.relays += 1
        self.radio.transmit(packet, on_start=lambda airing: self.on_transmit("relay", airing))
