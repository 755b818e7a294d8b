"""Reliable delivery as the firmware does it: routing ACKs, implicit acks, retransmissions.

Covers: `ReliableRouter` of firmware 2.6/2.7, on top of next-hop routing
(`nexthop.py`, which floods broadcasts and DMs to nodes it has no route to).

* A packet this node originates with `want_ack` is kept as pending and sent again when
  no ack came within the retransmission timeout (`contention.retransmission_timeout`,
  pushed back by the airtime of whatever the node sends or hears meanwhile),
  NUM_RELIABLE_TRIES transmissions in all, the last one flooded. When the last one too
  goes unanswered the node gives its client a NAK (`MAX_RETRANSMIT`) from itself.
* Implicit ack: hearing a neighbour rebroadcast one of our pending packets proves it left
  us; retransmissions stop and the client gets an ACK whose `from` is our own node. For a
  broadcast that is all the ack there is; a direct message also gets a real one.
* A direct message with `want_ack` addressed to this node is answered with a routing ACK
  (`requestId` = its id) with just enough hops (`hop_limit_for_response`); a reply
  (a packet that itself answers one) is acked only when heard straight from its sender,
  with hop limit 0, as is one that came through a next hop; a packet without `want_ack`
  whose next hop is this node (an ACK, directed to its destination) gets a 0-hop ACK so
  that its sender stops retransmitting it (firmware 2.7.11+). A routing packet
  addressed to us with a `requestId` stops the retransmission of that packet and goes to the client (the ACK the sender's app sees).
* A retransmission heard straight from its originator that we would not rebroadcast and
  that is for us gets its ACK again, to the originator only (hop limit 0): our first ACK
  was evidently lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from hardware.sim.channel import Reception
from hardware.sim.dedupe import PacketHistory
from hardware.sim.flooding import Host
from hardware.sim.nexthop import NO_NEXT_HOP, NUM_RELIABLE_TRIES, NextHopRouter
from hardware.sim.packet import MAX_RETRANSMIT, ROUTING_NONE, SimPacket
from hardware.sim.radio import Radio

__all__ = ["NUM_RELIABLE_TRIES", "ReliableRouter", "ReliableStats", "hop_limit_for_response"]


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
class ReliableStats:
    retransmissions: int = 0
    implicit_acks: int = 0
    acks_sent: int = 0
    acks_received: int = 0
    naks: int = 0


class ReliableRouter(NextHopRouter):
    """Next-hop routing plus acks and retransmissions of our own want_ack packets."""

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
        self.reliable = ReliableStats()

    def send(self, packet: SimPacket, kind: str = "tx") -> bool:
        if not super().send(packet, kind):
            return False
        if kind == "tx" and packet.want_ack and packet.sender == self.num:
            self.start_retransmission(packet, NUM_RELIABLE_TRIES)
        return True

    def _transmit(
        self, packet: SimPacket, kind: str, rx_snr: float | None, *, flood: bool, resend: bool = False
    ) -> SimPacket:
        if resend and packet.sender == self.num:
            self.reliable.retransmissions += 1
        return super()._transmit(packet, kind, rx_snr, flood=flood, resend=resend)

    def gave_up(self, packet: SimPacket) -> None:
        if packet.sender == self.num:
            self.reliable.naks += 1
            self.send_ack_nak(MAX_RETRANSMIT, self.num, packet.id, self.hop_limit)

    def on_ack_sent(self) -> None:
        self.reliable.acks_sent += 1

    # -- receiving ------------------------------------------------------------------

    def filter(self, reception: Reception) -> bool:
        packet = reception.packet
        if packet.sender == self.num and self.stop_retransmission(packet.key):
            self.reliable.implicit_acks += 1
            self.send_ack_nak(ROUTING_NONE, self.num, packet.id, self.hop_limit)
        return super().filter(reception)

    def sniff(self, reception: Reception) -> None:
        packet = reception.packet
        if packet.to == self.num:
            directed = packet.next_hop != NO_NEXT_HOP
            if packet.want_ack:
                if not packet.request_id:
                    hops = hop_limit_for_response(packet.hop_start, packet.hop_limit, self.hop_limit)
                    self.send_ack_nak(ROUTING_NONE, packet.sender, packet.id, hops)
                elif (packet.hop_start > 0 and packet.hop_start == packet.hop_limit) or directed:
                    self.send_ack_nak(ROUTING_NONE, packet.sender, packet.id, 0)
            elif packet.next_hop == self.byte and packet.hop_limit > 0:
                # We were its next hop: without this 0-hop ACK its sender (or relay) would
                # retransmit it, the last time as a flood over the whole mesh.
                self.send_ack_nak(ROUTING_NONE, packet.sender, packet.id, 0)
            if packet.request_id and self.stop_retransmission((self.num, packet.request_id)):
                self.reliable.acks_received += 1
        super().sniff(reception)
