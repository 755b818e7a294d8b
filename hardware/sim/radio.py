"""One node's LoRa radio: a priority TX queue, contention, listen-before-talk, duty cycle.

Covers: `RadioLibInterface`'s send path, as a SimPy process per radio —

1. a packet joins the TX queue (highest `priority` first; within a priority, packets
   already on the mesh (rebroadcasts) before this node's own, then first come first
   served, as `MeshPacketQueue`; at most TX_QUEUE_LEN, the lowest priority is dropped beyond);
2. the radio waits the front packet's contention delay (`contention.py`): own packets
   by channel utilisation, rebroadcasts by the SNR they were heard at and the role;
3. if it then detects someone on air (channel-activity detection) it draws a new delay;
4. if sending would take it over its duty cycle for the last hour it holds the packet
   back until enough old airtime has left the window;
5. it transmits for the packet's time on air (`hardware.airtime`), half-duplex: deaf to
   everything else meanwhile (the channel knows).

A queued packet can be cancelled by key (a node hearing someone else rebroadcast what it
was about to rebroadcast). A radio switched off hears nothing and holds its queue.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from dataclasses import dataclass

import simpy

from hardware.airtime import Preset, time_on_air
from hardware.sim.channel import Airing, Channel, Reception
from hardware.contention import own_tx_delay, rebroadcast_delay
from hardware.sim.packet import SimPacket
from hardware.sim.propagation import Antenna
from hardware.sim.usage import ChannelUtilisation, TxWindow, tx_utilisation

TX_QUEUE_LEN = 16
"""The firmware's MAX_TX_QUEUE."""

StartHook = Callable[[Airing], None]


@dataclass(eq=False)
class TxItem:
    """A packet waiting in the TX queue."""

    packet: SimPacket
    kind: str
    """'tx' (own), 'retx' (own, again), 'relay', 'ack' (own routing packet)."""
    rx_snr: float | None
    """SNR it was heard at (a rebroadcast), None for a packet this node originated."""
    queued: float
    on_start: StartHook | None = None
    seq: int = 0


@dataclass
class RadioStats:
    transmissions: int = 0
    airtime_s: float = 0.0
    cancelled: int = 0
    """Queued rebroadcasts dropped because someone else rebroadcast first."""
    busy_deferrals: int = 0
    """Times listen-before-talk found the channel busy and drew a new delay."""
    held: int = 0
    """Times a packet was held back by the duty cycle."""
    held_s: float = 0.0
    queue_drops: int = 0
    duty_refused: int = 0
    """Packets refused because the last hour's TX share was over the duty cycle."""


class Radio:
    """A half-duplex transceiver attached to a Channel."""

    def __init__(
        self,
        env: simpy.Environment,
        num: int,
        channel: Channel,
        preset: Preset,
        rng: random.Random,
        *,
        antenna: Antenna | None = None,
        duty_cycle: float = 1.0,
        router: bool = False,
    ) -> None:
        self.env = env
        self.num = num
        self.channel = channel
        self.preset = preset
        self.rng = rng
        self.antenna = antenna or Antenna()
        self.router = router
        self.enabled = True
        self.window = TxWindow(duty_cycle)
        self.util = ChannelUtilisation()
        """Receiving or transmitting, the last minute: the firmware's channel_utilization."""
        self.tx_util = tx_utilisation()
        """Transmitting, the last hour: the firmware's air_util_tx."""
        self.stats = RadioStats()
        self.queue: list[TxItem] = []
        self.sending: TxItem | None = None
        self.hear: Callable[[Reception], None] = lambda reception: None
        """Set by the router: called for every packet this radio decodes."""
        self._seq = 0
        self._wake: simpy.Event | None = None
        env.process(self._run())

    # -- totals -----------------------------------------------------------------------

    @property
    def airtime_s(self) -> float:
        return self.stats.airtime_s

    @property
    def tx_count(self) -> int:
        return self.stats.transmissions

    # -- queue ----------------------------------------------------------------------

    def transmit(
        self,
        packet: SimPacket,
        *,
        kind: str = "tx",
        rx_snr: float | None = None,
        on_start: StartHook | None = None,
    ) -> TxItem | None:
        """Queue `packet`; returns its queue entry, or None when the full queue dropped it."""
        self._seq += 1
        item = TxItem(packet, kind, rx_snr, self.env.now, on_start, self._seq)
        queue = self.queue
        if len(queue) >= TX_QUEUE_LEN:
            lowest = min(queue, key=lambda i: (i.packet.priority, -i.seq))
            if lowest.packet.priority >= packet.priority:
                self.stats.queue_drops += 1
                return None
            queue.remove(lowest)
            self.stats.queue_drops += 1
        index = len(queue)
        while index and self._goes_before(packet, queue[index - 1].packet):
            index -= 1
        queue.insert(index, item)
        self._poke()
        return item

    def _goes_before(self, packet: SimPacket, queued: SimPacket) -> bool:
        """`CompareMeshPacketFunc`: a higher priority, or the same one and `packet` is
        another node's (a rebroadcast) while `queued` is this node's own."""
        if packet.priority != queued.priority:
            return packet.priority > queued.priority
        return packet.sender != self.num and queued.sender == self.num

    def cancel(self, key: tuple[int, int], kinds: tuple[str, ...] = ("relay",)) -> bool:
        """Drop queued (not yet sending) packets with this (from, id); True if any."""
        sender, pid = key
        if not any(i.packet.id == pid and i.packet.sender == sender for i in self.queue):
            return False
        kept = [i for i in self.queue if not (i.packet.key == key and i.kind in kinds)]
        if len(kept) == len(self.queue):
            return False
        self.stats.cancelled += len(self.queue) - len(kept)
        self.queue[:] = kept
        return True

    def drop_lower_relay(self, key: tuple[int, int], heard_hop_limit: int) -> bool:
        """`removePendingTXPacket`: drop a queued rebroadcast of `key` made from a copy heard
        with fewer hops left than `heard_hop_limit`; True if one was dropped."""
        kept = [i for i in self.queue
                if not (i.packet.key == key and i.kind == "relay" and i.packet.hop_limit + 1 < heard_hop_limit)]
        if len(kept) == len(self.queue):
            return False
        self.queue[:] = kept
        return True

    def queued(self, key: tuple[int, int]) -> bool:
        """Whether a packet with this (from, id) waits in the queue."""
        return any(i.packet.key == key for i in self.queue)

    def over_duty_cycle(self, now: float, packet: SimPacket) -> bool:
        """`Router::send`'s check: the last hour leaves no room for `packet` under the limit.

        (The firmware refuses once the hour's share is over the limit, so it may end one
        packet over; here the hour must have room for the packet, as the hold keeps it.)"""
        if self.window.duty_cycle >= 1:
            return False
        return self.window.hold_s(now, time_on_air(packet.phy_bytes, self.preset)) > 0

    def switch(self, on: bool) -> None:
        """Power the radio on or off (off: deaf and silent, the queue waits)."""
        self.enabled = on
        if on:
            self._poke()

    def _poke(self) -> None:
        if self._wake is not None and not self._wake.triggered:
            self._wake.succeed()

    # -- the send loop --------------------------------------------------------------

    def _delay(self, item: TxItem) -> float:
        if item.rx_snr is None:
            return own_tx_delay(self.rng, self.preset, self.util.percent(self.env.now))
        return rebroadcast_delay(self.rng, self.preset, item.rx_snr, self.router)

    def _run(self) -> Generator[simpy.Event, object, None]:
        env = self.env
        queue = self.queue
        while True:
            if not queue or not self.enabled:
                self._wake = env.event()
                yield self._wake
                self._wake = None
                continue
            yield env.timeout(self._delay(queue[0]))
            if not queue or not self.enabled:
                continue
            if self.channel.busy_for(self.num):
                self.stats.busy_deferrals += 1
                continue
            item = queue[0]
            duration = time_on_air(item.packet.phy_bytes, self.preset)
            hold = self.window.hold_s(env.now, duration)
            if hold > 0:
                self.stats.held += 1
                self.stats.held_s += hold
                yield env.timeout(hold)
                continue
            queue.pop(0)
            yield from self._send(item, duration)

    def _send(self, item: TxItem, duration: float) -> Generator[simpy.Event, object, None]:
        env = self.env
        self.sending = item
        airing = self.channel.begin(self.num, item.packet, duration)
        self.window.add(env.now, duration)
        self.util.add(env.now, duration)
        self.tx_util.add(env.now, duration)
        self.stats.transmissions += 1
        self.stats.airtime_s += duration
        if item.on_start is not None:
            item.on_start(airing)
        yield env.timeout(duration)
        self.sending = None
        self.channel.end(airing)
