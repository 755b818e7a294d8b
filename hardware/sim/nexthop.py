"""Next-hop routing of direct messages, as firmware 2.6/2.7's `NextHopRouter` does it.

Covers, on top of managed flooding (broadcasts are flooded as before):

* Learning. A packet that answers another (a routing ACK, or any reply: `request_id`
  set) tells who carried the conversation: if we transmitted the original and the copy
  we heard was transmitted by a node that rebroadcast our copy of it
  (`PacketHistory.was_relayer`), or came straight from the answering node while we were
  the only one known to have transmitted the original, that node's last byte becomes
  our next hop towards the answering node (firmware 2.7.26's rules).
* Sending. Every DM a node transmits (its own, or as a relay) carries `next_hop`, the
  learned byte for its destination (0, "anyone", when none is known or it would point
  back at the node the packet came from). A node relays a DM only when `next_hop` is 0
  or its own byte; the others drop their copy. A dupe heard does not cancel the
  chosen relay's rebroadcast.
* Retransmission. A node that transmits a DM towards a next hop keeps it pending and
  sends it again when it hears no sign of it (a relay's rebroadcast, or the answer)
  within `contention.retransmission_timeout`: NUM_INTERMEDIATE_TRIES for a relayed
  copy, NUM_RELIABLE_TRIES for its own `want_ack` packets (`ReliableRouter`). The
  last try drops the route and floods (`next_hop` 0), and a node that hears that
  flood of a packet whose chosen relay stayed silent relays it itself (fallback).
* The pending timers wait longer by the airtime of every packet the node sends or
  hears meanwhile: it could not have heard an ack while the radio was busy.
* Hearing an answer to a DM it is not part of, a node cancels its queued rebroadcast
  of the DM and stops retransmitting it: the destination has it.
* Over the region's duty cycle (no room left in the last hour's airtime) every send
  is refused, as `Router::send` does: relays and resends are dropped, and the client is
  told of its own packet with a routing NAK, DUTY_CYCLE_LIMIT.

Nodes are known by the last byte of their number, as on air; two nodes sharing a byte
both act on it, as firmware 2.7 does.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from hardware.airtime import time_on_air
from hardware.link import BROADCAST_NUM
from hardware.sim.channel import Reception
from hardware.contention import retransmission_timeout
from hardware.sim.dedupe import Key, PacketHistory
from hardware.sim.flooding import REBROADCAST_FIRST, FloodingRouter, Host
from hardware.sim.packet import DUTY_CYCLE_LIMIT, ROUTING_NONE, SimPacket, routing_packet
from hardware.sim.radio import Radio

NO_NEXT_HOP = 0
NUM_RELIABLE_TRIES = 3
"""NUM_RELIABLE_RETX: a node's own want_ack packet goes out at most three times."""
NUM_INTERMEDIATE_TRIES = 2
"""NUM_INTERMEDIATE_RETX: a relay directed at a next hop tries once more, by flooding."""


@dataclass
class Pending:
    """A packet this node may have to transmit again."""

    packet: SimPacket
    tries_left: int
    due: float
    rx_snr: float | None
    """The SNR a relayed copy was heard at (its resend waits as a rebroadcast); None: our own."""


@dataclass
class NextHopStats:
    routes_learned: int = 0
    directed: int = 0
    """DMs transmitted towards a learned next hop."""
    not_chosen: int = 0
    """DM copies heard that asked another node to relay them."""
    fallbacks: int = 0
    """Floods of a packet whose chosen relay stayed silent, relayed on its behalf."""
    retransmissions: int = 0
    answers_cancelled: int = 0


class NextHopRouter(FloodingRouter):
    """Managed flooding for broadcasts, learned next hops for direct messages."""

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
        self.byte = self.num & 0xFF
        self.next_hops: dict[int, int] = {}
        """Destination node number -> last byte of the neighbour to hand its DMs to."""
        self.pending: dict[Key, Pending] = {}
        self.nexthop = NextHopStats()

    # -- routes ---------------------------------------------------------------------

    def next_hop_for(self, to: int, relay_node: int) -> int:
        """`getNextHop`: the learned byte for `to`, unless it is the node the packet came from."""
        if to == BROADCAST_NUM:
            return NO_NEXT_HOP
        hop = self.next_hops.get(to, NO_NEXT_HOP)
        return hop if hop != relay_node else NO_NEXT_HOP

    # -- sending --------------------------------------------------------------------

    def send(self, packet: SimPacket, kind: str = "tx") -> bool:
        """Queue a packet this node originates (an ack, a text); False: refused (duty cycle)."""
        if self._refused(packet):
            if kind == "tx" and packet.sender == self.num:  # `abortSendAndNak`: the client is told
                self.send_ack_nak(DUTY_CYCLE_LIMIT, self.num, packet.id, self.hop_limit)
            return False
        for pend in self.pending.values():  # busy sending it: no ack can be heard meanwhile
            if pend.packet.key != packet.key:
                pend.due += self._airtime(packet)
        self._transmit(packet, kind, None, flood=False)
        return True

    def _refused(self, packet: SimPacket) -> bool:
        """Over the region's duty cycle, `Router::send` refuses every packet (ours and relays)."""
        if not self.radio.over_duty_cycle(self.env.now, packet):
            return False
        self.radio.stats.duty_refused += 1
        return True

    def _transmit(
        self, packet: SimPacket, kind: str, rx_snr: float | None, *, flood: bool, resend: bool = False
    ) -> SimPacket:
        """Set relay byte and next hop, note it in the history, queue it (`NextHopRouter::send`)."""
        hop = NO_NEXT_HOP if flood else self.next_hop_for(packet.to, self.byte)
        copy = packet.sent_by(self.num, hop)
        self.history.record(copy.key, self.env.now, self.byte, hop, copy.hop_limit, self.byte)
        if hop:
            self.nexthop.directed += 1
            own_reliable = copy.sender == self.num and copy.want_ack
            if not own_reliable and not resend and (copy.hop_limit > 0 or copy.want_ack):
                self.start_retransmission(copy, NUM_INTERMEDIATE_TRIES, rx_snr)
        self.radio.transmit(copy, kind=kind, rx_snr=rx_snr, on_start=self._hook(kind, self.env.now))
        return copy

    def start_retransmission(self, packet: SimPacket, tries: int, rx_snr: float | None = None) -> None:
        self.pending.pop(packet.key, None)
        pend = Pending(packet, tries - 1, 0.0, rx_snr)
        self.pending[packet.key] = pend
        self._arm(packet.key, pend)

    def _airtime(self, packet: SimPacket) -> float:
        return time_on_air(packet.phy_bytes, self.radio.preset)

    def _arm(self, key: Key, pend: Pending) -> None:
        util = self.radio.util.percent(self.env.now)
        pend.due = self.env.now + retransmission_timeout(self.radio.preset, pend.packet.phy_bytes, util)
        self._wait(key, pend)

    def _wait(self, key: Key, pend: Pending) -> None:
        event = self.env.timeout(max(pend.due - self.env.now, 0.0))
        event.callbacks.append(lambda _event: self._on_due(key, pend))

    def _on_due(self, key: Key, pend: Pending) -> None:
        if self.pending.get(key) is not pend:
            return  # acked (or restarted) meanwhile
        if pend.due > self.env.now + 1e-9:
            self._wait(key, pend)  # pushed back by traffic since
            return
        if pend.tries_left <= 0:
            del self.pending[key]
            self.gave_up(pend.packet)
            return
        flood = pend.packet.to == BROADCAST_NUM or pend.tries_left == 1
        if flood and pend.packet.to != BROADCAST_NUM:
            self.next_hops.pop(pend.packet.to, None)  # the route failed: forget it, flood
        pend.tries_left -= 1
        if not self.radio.queued(key) and not self._refused(pend.packet):  # no second copy waiting
            self.nexthop.retransmissions += 1
            kind = "retx" if pend.rx_snr is None else "relay"
            self._transmit(pend.packet, kind, pend.rx_snr, flood=flood, resend=True)
        self._arm(key, pend)

    def gave_up(self, packet: SimPacket) -> None:
        """The last try went unanswered (the reliable router tells its client)."""

    def stop_retransmission(self, key: Key) -> bool:
        """Forget a pending packet; once resent, its queued copy is dropped too."""
        pend = self.pending.pop(key, None)
        if pend is None:
            return False
        if pend.packet.sender == self.num or self.role not in REBROADCAST_FIRST:
            self.radio.cancel(key, kinds=("retx", "relay"))
        return True

    def send_ack_nak(self, error_reason: int, to: int, request_id: int, hop_limit: int) -> None:
        """An ACK/NAK for packet `request_id`; to ourselves it goes straight to the client."""
        packet = routing_packet(self.num, to, self.host.new_packet_id(), request_id, error_reason, hop_limit)
        if to == self.num:
            self.host.deliver(packet, None)
            return
        self.on_ack_sent()
        self.send(packet, "ack")

    def on_ack_sent(self) -> None:
        """Counted by the reliable router."""

    # -- receiving ------------------------------------------------------------------

    def filter(self, reception: Reception) -> bool:
        packet = reception.packet
        for pend in self.pending.values():  # receiving it: no ack could be heard meanwhile
            pend.due += reception.airing.end - reception.airing.start
        if packet.to == BROADCAST_NUM:
            return super().filter(reception)
        if self.upgraded(reception):
            return True
        now = self.env.now
        found = self.history.find(packet.key, now)
        fallback = found is not None and self._is_fallback(packet, found.next_hop, now)
        chosen = found is not None and found.next_hop == self.byte
        self.history.record(packet.key, now, packet.relay_node, packet.next_hop, packet.hop_limit, self.byte)
        if found is None:
            return False
        self.stats.duplicates += 1
        self.stop_retransmission(packet.key)
        if fallback:
            self.nexthop.fallbacks += 1
            if not self.radio.queued(packet.key):
                self.perhaps_rebroadcast(reception)
        elif packet.hop_start > 0 and packet.hop_start == packet.hop_limit:
            self.on_repeated(reception)
        elif not chosen and self.role not in REBROADCAST_FIRST and self.radio.cancel(packet.key):
            self.history.remove_relayer(packet.key, self.byte, now)
        return True

    def _is_fallback(self, packet: SimPacket, first_next_hop: int, now: float) -> bool:
        """A flood of a packet first directed at someone else, who never relayed it."""
        key = packet.key
        return (
            packet.sender != self.num
            and first_next_hop not in (NO_NEXT_HOP, self.byte)
            and packet.next_hop == NO_NEXT_HOP
            and self.history.was_relayer(packet.relay_node, key, now)[0]
            and not self.history.was_relayer(self.byte, key, now)[0]
            and not self.history.was_relayer(first_next_hop, key, now)[0]
        )

    def on_repeated(self, reception: Reception) -> None:
        """A resend heard straight from its originator: relay it again, or ack it again."""
        packet = reception.packet
        if self.radio.queued(packet.key):
            return
        if self.perhaps_rebroadcast(reception):
            self.stats.repeated_rebroadcasts += 1
        elif packet.to == self.num and packet.want_ack:
            self.send_ack_nak(ROUTING_NONE, packet.sender, packet.id, 0)  # our first ACK was lost

    def sniff(self, reception: Reception) -> None:
        packet = reception.packet
        if packet.to == BROADCAST_NUM or not packet.request_id:
            return
        original = (packet.to, packet.request_id)
        now = self.env.now
        relayed, _ = self.history.was_relayer(packet.relay_node, original, now)
        we_relayed, only_us = self.history.was_relayer(self.byte, original, now)
        direct = packet.hop_start > 0 and packet.hop_start == packet.hop_limit
        if (we_relayed and relayed) or (direct and only_us):
            if self.next_hops.get(packet.sender) != packet.relay_node:
                self.nexthop.routes_learned += 1
            self.next_hops[packet.sender] = packet.relay_node
        if packet.to != self.num:  # someone else's conversation is over: stop carrying it
            if self.radio.cancel(original, kinds=("tx", "retx", "relay", "ack")):
                self.nexthop.answers_cancelled += 1
                self.history.remove_relayer(original, self.byte, now)
            self.stop_retransmission(original)

    def perhaps_rebroadcast(self, reception: Reception) -> bool:
        packet = reception.packet
        if (
            packet.to == self.num
            or packet.sender == self.num
            or packet.hop_limit <= 0
            or self.role == "client_mute"
        ):
            return False
        if packet.next_hop not in (NO_NEXT_HOP, self.byte):
            self.nexthop.not_chosen += 1
            return False
        if self._refused(packet):
            return False
        self.stats.relays_queued += 1
        relay = packet.relayed_by(self.num)
        self._transmit(relay, "relay", reception.snr_db, flood=False)
        return True
