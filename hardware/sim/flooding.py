"""Meshtastic's managed flooding: what a node does with every packet it decodes.

Covers: `FloodingRouter` of firmware 2.x.

* Dedupe: the first copy of (from, id) is handled, later copies are dropped
  (`PacketHistory`, a ring per node). Without it a flood would circulate for ever.
* Delivery: a packet addressed to this node, or broadcast, goes up to its client.
* Rebroadcast: a packet not addressed to this node with hopLimit above zero is queued
  again with hopLimit - 1, after an SNR-weighted contention delay (`contention.py`).
* Cancellation: hearing a duplicate means someone else rebroadcast it already, so a
  client drops its own queued rebroadcast; routers and repeaters always rebroadcast.
* A duplicate heard straight from its originator (hopStart == hopLimit: a
  retransmission, the originator missed every rebroadcast) is rebroadcast again so the
  originator gets its implicit ack.
* Hop-limit upgrade (firmware 2.7.11+): a copy heard with more hops left than the one
  waiting in the TX queue replaces it, so the rebroadcast carries the most hops.
* Roles: `client` (the default), `client_mute` (never rebroadcasts), `router` and
  `repeater` (rebroadcast first, never cancelled).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import simpy

from hardware.link import BROADCAST_NUM
from hardware.sim.channel import Airing, Reception
from hardware.sim.dedupe import PacketHistory
from hardware.sim.packet import SimPacket
from hardware.sim.radio import Radio

ROLES = ("client", "client_mute", "router", "repeater")
REBROADCAST_FIRST = ("router", "repeater")


class Host(Protocol):
    """What a router needs from the node it routes for."""

    num: int

    def deliver(self, packet: SimPacket, reception: Reception | None) -> None:
        """Hand `packet` to the client (reception None: generated inside the node)."""

    def on_transmit(self, kind: str, airing: Airing, queued: float) -> None:
        """The radio started keying a packet of this kind."""

    def new_packet_id(self) -> int: ...


@dataclass
class RouterStats:
    duplicates: int = 0
    relays_queued: int = 0
    repeated_rebroadcasts: int = 0
    upgrades: int = 0
    """Queued rebroadcasts replaced by a copy heard with more hops left."""


class FloodingRouter:
    """The routing layer of one node."""

    def __init__(
        self,
        env: simpy.Environment,
        host: Host,
        radio: Radio,
        *,
        role: str = "client",
        hop_limit: int = 3,
        history: PacketHistory | None = None,
    ) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        self.env = env
        self.host = host
        self.radio = radio
        self.num = host.num
        self.role = role
        self.hop_limit = hop_limit
        self.history = history if history is not None else PacketHistory()
        self.stats = RouterStats()
        radio.hear = self.receive

    @property
    def seen(self) -> PacketHistory:
        """The dedupe ring (`key in router.seen`)."""
        return self.history

    @property
    def duplicates(self) -> int:
        return self.stats.duplicates

    @property
    def relays(self) -> int:
        """Rebroadcasts queued (some are cancelled before they go out)."""
        return self.stats.relays_queued

    def _hook(self, kind: str, queued: float) -> Callable[[Airing], None]:
        return lambda airing: self.host.on_transmit(kind, airing, queued)

    # -- sending --------------------------------------------------------------------

    def send(self, packet: SimPacket, kind: str = "tx") -> bool:
        """Queue a packet this node originates; its own later echoes are duplicates."""
        self.history.record(packet.key, self.env.now)
        self.radio.transmit(packet, kind=kind, on_start=self._hook(kind, self.env.now))
        return True

    def originate(self, packet: SimPacket) -> None:
        self.send(packet, "tx")

    # -- receiving ------------------------------------------------------------------

    def receive(self, reception: Reception) -> None:
        """Everything this node does with one packet it decoded."""
        if self.filter(reception):
            return
        packet = reception.packet
        if packet.to == BROADCAST_NUM or packet.to == self.num:
            self.host.deliver(packet, reception)
        self.sniff(reception)
        self.perhaps_rebroadcast(reception)

    def filter(self, reception: Reception) -> bool:
        """True for a packet already handled (FloodingRouter::shouldFilterReceived)."""
        packet = reception.packet
        history = self.history
        if self.upgraded(reception):
            return True
        if not history.check_and_record(
            packet.key, self.env.now, packet.relay_node, packet.next_hop, packet.hop_limit, self.num & 0xFF
        ):
            return False
        self.stats.duplicates += 1
        if self.role not in REBROADCAST_FIRST and self.radio.cancel(packet.key):
            history.remove_relayer(packet.key, self.num & 0xFF, self.env.now)
        if packet.hop_start > 0 and packet.hop_start == packet.hop_limit:
            self.on_repeated(reception)
        return True

    def upgraded(self, reception: Reception) -> bool:
        """`perhapsHandleUpgradedPacket`: a copy with more hops left than our queued rebroadcast
        replaces it (the queued one goes, this one is rebroadcast); True if so."""
        packet = reception.packet
        if self.role == "client_mute" or packet.hop_limit <= 0 or packet.key not in self.history:
            return False
        if not self.radio.drop_lower_relay(packet.key, packet.hop_limit):
            return False
        self.stats.duplicates += 1
        self.stats.upgrades += 1
        self.history.record(
            packet.key, self.env.now, packet.relay_node, packet.next_hop, packet.hop_limit, self.num & 0xFF
        )
        self.perhaps_rebroadcast(reception)
        return True

    def on_repeated(self, reception: Reception) -> None:
        """A retransmission heard from its originator: rebroadcast it again."""
        if self.perhaps_rebroadcast(reception):
            self.stats.repeated_rebroadcasts += 1

    def sniff(self, reception: Reception) -> None:
        """Look at a new packet before it is rebroadcast (reliability lives in the subclass)."""

    def perhaps_rebroadcast(self, reception: Reception) -> bool:
        packet = reception.packet
        if (
            packet.to == self.num
            or packet.sender == self.num
            or packet.hop_limit <= 0
            or self.role == "client_mute"
        ):
            return False
        self.stats.relays_queued += 1
        self.radio.transmit(
            packet.relayed_by(self.num),
            kind="relay",
            rx_snr=reception.snr_db,
            on_start=self._hook("relay", self.env.now),
        )
        return True
