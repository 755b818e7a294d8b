"""Reliable delivery as the firmware does it: routing ACKs, implicit acks, retransmissions.

Covers: `ReliableRouter` of firmware 2.x, on top of managed flooding.

* A packet this node originates with `want_ack` is kept as pending and sent again when
  no ack came within the retransmission timeout (`contention.retransmission_timeout`),
  NUM_RELIABLE_TRIES tries in all. After the last one the node gives its client a NAK
  (`MAX_RETRANSMIT`) from itself.
* Implicit ack: hearing a neighbour rebroadcast one of our pending packets proves it left
  us; retransmissions stop and the client gets an ACK whose `from` is our own node. For a
  broadcast that is all the ack there is; a direct message also gets a real one.
* A direct message with `want_ack` addressed to this node is answered with a routing ACK
  (`requestId` = its id) that floods back with just enough hops
  (`hop_limit_for_response`). A routing packet addressed to us with a `requestId` stops
  the retransmission of that packet and goes to the client (the ACK the sender's app sees).
* A retransmission heard straight from its originator that we would not rebroadcast and
  that is for us gets its ACK again, to the originator only (hop limit 0): our first ACK
  was evidently lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from hardware.sim.channel import Reception
from hardware.sim.contention import retransmission_timeout
from hardware.sim.dedupe import PacketHistory
from hardware.sim.flooding import FloodingRouter, Host
from hardware.sim.packet import MAX_RETRANSMIT, ROUTING_NONE, SimPacket, routing_packet
from hardware.sim.radio import Radio

NUM_RELIABLE_TRIES = 3
"""The first send and two retransmissions (the firmware's NUM_RETRANSMISSIONS)."""


def hop_limit_for_response(hop_start: int, hop_limit: int, configured: int) -> int:
    """`RoutingModule::getHopLimitForResponse`: hops the request used, plus a margin of 2."""
    if hop_start != 0:
        used = configured if hop_start < hop_limit else hop_start - hop_limit
        if used > configured:
            return used
        if used + 2 < configured:
            return used + 2
    return configured


@dataclass
class _Pending:
    packet: SimPacket
    tries_left: int
    generation: int = 0


@dataclass
class ReliableStats:
    retransmissions: int = 0
    implicit_acks: int = 0
    acks_sent: int = 0
    acks_received: int = 0
    naks: int = 0


class ReliableRouter(FloodingRouter):
    """Managed flooding plus acks and retransmissions."""

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
        super().__init__(env, host, radio, role=role, hop_limit=hop_limit, history=history)
        self.pending: dict[tuple[int, int], _Pending] = {}
        self.reliable = ReliableStats()

    # -- sending --------------------------------------------------------------------

    def send(self, packet: SimPacket, kind: str = "tx") -> None:
        super().send(packet, kind)
        if kind == "tx" and packet.want_ack and packet.sender == self.num:
            self.pending[packet.key] = _Pending(packet, NUM_RELIABLE_TRIES - 1)
            self._arm(packet.key)

    def _arm(self, key: tuple[int, int]) -> None:
        pend = self.pending[key]
        pend.generation += 1
        generation = pend.generation
        timeout = retransmission_timeout(
            self.radio.preset, pend.packet.phy_bytes, self.radio.util.percent(self.env.now)
        )
        event = self.env.timeout(timeout)
        event.callbacks.append(lambda _event: self._on_timeout(key, generation))

    def _on_timeout(self, key: tuple[int, int], generation: int) -> None:
        pend = self.pending.get(key)
        if pend is None or pend.generation != generation:
            return  # acked meanwhile
        if pend.tries_left <= 0:
            del self.pending[key]
            self.reliable.naks += 1
            self.send_ack_nak(MAX_RETRANSMIT, self.num, pend.packet.id, self.hop_limit)
            return
        pend.tries_left -= 1
        if not self.radio.queued(key):  # the last copy still waiting: no point in another
            self.reliable.retransmissions += 1
            super().send(pend.packet, "retx")
        self._arm(key)

    def stop_retransmission(self, key: tuple[int, int]) -> bool:
        return self.pending.pop(key, None) is not None

    def send_ack_nak(self, error_reason: int, to: int, request_id: int, hop_limit: int) -> None:
        """An ACK/NAK for packet `request_id`; to ourselves it goes straight to the client."""
        packet = routing_packet(self.num, to, self.host.new_packet_id(), request_id, error_reason, hop_limit)
        if to == self.num:
            self.host.deliver(packet, None)
            return
        self.reliable.acks_sent += 1
        self.send(packet, "ack")

    # -- receiving ------------------------------------------------------------------

    def filter(self, reception: Reception) -> bool:
        packet = reception.packet
        if packet.sender == self.num and self.stop_retransmission(packet.key):
            self.reliable.implicit_acks += 1
            self.send_ack_nak(ROUTING_NONE, self.num, packet.id, self.hop_limit)
        return super().filter(reception)

    def on_repeated(self, reception: Reception) -> None:
        packet = reception.packet
        if self.perhaps_rebroadcast(reception):
            self.stats.repeated_rebroadcasts += 1
        elif packet.to == self.num and packet.want_ack:
            self.send_ack_nak(ROUTING_NONE, packet.sender, packet.id, 0)

    def sniff(self, reception: Reception) -> None:
        packet = reception.packet
        if packet.to != self.num:
            return
        if packet.want_ack:
            hops = hop_limit_for_response(packet.hop_start, packet.hop_limit, self.hop_limit)
            self.send_ack_nak(ROUTING_NONE, packet.sender, packet.id, hops)
        if packet.request_id and self.stop_retransmission((self.num, packet.request_id)):
            self.reliable.acks_received += 1
