"""One node's LoRa radio: half-duplex, one packet on the air at a time.

Covers: the transmitter as a `simpy.Resource(capacity=1)` held for the packet's time on
air (from `hardware.airtime`), an inbox `Store` the channel fills, and airtime totals.
A later version adds duty-cycle accounting and listen-before-talk here.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import simpy

from hardware.airtime import Preset, time_on_air
from hardware.sim.channel import Airing, Channel, Reception
from hardware.sim.packet import SimPacket


class Radio:
    """A transceiver attached to a Channel."""

    def __init__(self, env: simpy.Environment, num: int, channel: Channel, preset: Preset) -> None:
        self.env = env
        self.num = num
        self.channel = channel
        self.preset = preset
        self.transmitter = simpy.Resource(env, capacity=1)
        self.inbox: simpy.Store = simpy.Store(env)
        self.airtime_s = 0.0
        self.tx_count = 0

    def transmit(
        self, packet: SimPacket, on_start: Callable[[Airing], None] | None = None
    ) -> simpy.Process:
        """Queue `packet` for the transmitter; `on_start` runs when it starts keying."""
        return self.env.process(self._transmit(packet, on_start))

    def _transmit(
        self, packet: SimPacket, on_start: Callable[[Airing], None] | None
    ) -> Generator[simpy.Event, object, None]:
        with self.transmitter.request() as req:
            yield req
            duration = time_on_air(packet.phy_bytes, self.preset)
            airing = self.channel.begin(self.num, packet, duration)
            self.airtime_s += duration
            self.tx_count += 1
            if on_start is not None:
                on_start(airing)
            yield self.env.timeout(duration)
            self.channel.end(airing)

    def receive_loop(
        self, handle: Callable[[Reception], None]
    ) -> Generator[simpy.Event, Reception, None]:
        """Process body: hand every reception from the inbox to `handle`."""
        while True:
            reception = yield self.inbox.get()
            handle(reception)
