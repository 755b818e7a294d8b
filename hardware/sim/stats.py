"""What a simulated run amounted to: packets, reach, acks, airtime, duty cycle, utilisation.

Covers: counters the mesh updates as texts are sent and delivered, and `summary()`, the
JSON-ready figures `meshbot sim run --json` prints and the benchmarks quote.

* packets: texts originated (broadcast / direct), transmissions by kind, and what the
  channel did with every (transmission, receiver in range): decoded, collided, lost to
  half-duplex, lost at random;
* broadcast reach: for each text broadcast, the share of the nodes a flood could reach at
  all (within the hop limit, nothing lost) that got it;
* direct messages: delivered to the destination, acked by it, only implicitly acked,
  NAKed after the last retry;
* per node: airtime, duty cycle over the run and its worst hour, channel utilisation.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from hardware.link import BROADCAST_NUM
from hardware.sim.channel import Channel
from hardware.sim.packet import ROUTING_NONE, TEXT_PORT, SimPacket
from hardware.sim.radio import Radio


class NodeView(Protocol):
    """What the summary reads of one node (`hardware.sim.mesh.SimNode` is one)."""

    @property
    def id(self) -> str: ...

    @property
    def radio(self) -> Radio: ...


class MeshView(Protocol):
    """What the summary reads of the whole mesh (`hardware.sim.mesh.SimMesh` is one): the
    mesh keeps these counters, so they must not need the mesh's module to be read."""

    @property
    def channel(self) -> Channel: ...

    @property
    def nodes(self) -> Mapping[int, NodeView]: ...

    def reachable(self, num: int, hop_limit: int | None = None) -> set[int]: ...


@dataclass
class _Direct:
    sender: int
    to: int
    want_ack: bool
    delivered: bool = False
    acked: bool = False
    implicit: bool = False
    nak: bool = False


@dataclass
class MeshStats:
    texts_broadcast: int = 0
    texts_direct: int = 0
    transmissions: Counter[str] = field(default_factory=Counter)
    texts_delivered: int = 0
    broadcast_receivers: dict[int, tuple[int, set[int]]] = field(default_factory=dict)
    direct: dict[int, _Direct] = field(default_factory=dict)

    def on_originate(self, packet: SimPacket) -> None:
        if packet.portnum != TEXT_PORT:
            return
        if packet.to == BROADCAST_NUM:
            self.texts_broadcast += 1
            self.broadcast_receivers[packet.id] = (packet.sender, set())
        else:
            self.texts_direct += 1
            self.direct[packet.id] = _Direct(packet.sender, packet.to, packet.want_ack)

    def on_transmit(self, kind: str) -> None:
        self.transmissions[kind] += 1

    def on_deliver(self, node: int, packet: SimPacket) -> None:
        if packet.portnum == TEXT_PORT:
            self.texts_delivered += 1
            if packet.to == BROADCAST_NUM:
                entry = self.broadcast_receivers.get(packet.id)
                if entry is not None and entry[0] == packet.sender:
                    entry[1].add(node)
            else:
                dm = self.direct.get(packet.id)
                if dm is not None and dm.to == node:
                    dm.delivered = True
            return
        if packet.is_routing:
            dm = self.direct.get(packet.request_id)
            if dm is None or dm.sender != node:
                return
            if packet.error_reason != ROUTING_NONE:
                dm.nak = True
            elif packet.sender == dm.to:
                dm.acked = True
            elif packet.sender == node:
                dm.implicit = True

    def summary(self, mesh: MeshView, elapsed_s: float) -> dict[str, Any]:
        elapsed = max(elapsed_s, 1e-9)
        channel = mesh.channel.stats
        reach = []
        for sender, receivers in self.broadcast_receivers.values():
            reachable = mesh.reachable(sender) - {sender}
            if reachable:
                reach.append(len(receivers & reachable) / len(reachable))
        dms = list(self.direct.values())
        wanted = [d for d in dms if d.want_ack]
        nodes = mesh.nodes.values()
        util = {n.id: round(100 * n.radio.util.total_busy_s / elapsed, 2) for n in nodes}
        return {
            "virtual_seconds": round(elapsed_s, 1),
            "packets": {
                "texts_broadcast": self.texts_broadcast,
                "texts_direct": self.texts_direct,
                "transmissions": dict(sorted(self.transmissions.items())),
                "sent": sum(self.transmissions.values()),
                "delivered": self.texts_delivered,
                "decoded": channel.decoded,
                "collided": channel.collided,
                "captured": channel.captured,
                "half_duplex": channel.half_duplex,
                "lost": channel.lost,
                "relays_cancelled": sum(n.radio.stats.cancelled for n in nodes),
                "held_by_duty_cycle": sum(n.radio.stats.held for n in nodes),
                "queue_drops": sum(n.radio.stats.queue_drops for n in nodes),
            },
            "broadcast_reach": _distribution(reach),
            "direct": {
                "sent": len(dms),
                "delivered": sum(d.delivered for d in dms),
                "want_ack": len(wanted),
                "acked": sum(d.acked for d in wanted),
                "implicit_ack_only": sum(d.implicit and not d.acked for d in wanted),
                "nak": sum(d.nak for d in wanted),
                "retransmissions": self.transmissions.get("retx", 0),
            },
            "airtime_s": {n.id: round(n.radio.stats.airtime_s, 3) for n in nodes},
            "duty_cycle_percent": {n.id: round(100 * n.radio.stats.airtime_s / elapsed, 3) for n in nodes},
            "worst_hour_duty_cycle_percent": {
                n.id: round(100 * n.radio.window.peak_s / n.radio.window.window_s, 3) for n in nodes
            },
            "channel_utilisation_percent": {
                "mean": round(statistics.fmean(util.values()), 2) if util else 0.0,
                "max": max(util.values(), default=0.0),
                "per_node": util,
            },
        }


def _distribution(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"broadcasts": 0, "mean": None, "median": None, "min": None}
    return {
        "broadcasts": len(values),
        "mean": round(statistics.fmean(values), 4),
        "median": round(statistics.median(values), 4),
        "min": round(min(values), 4),
    }
