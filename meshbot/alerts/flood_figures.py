"""How fast a broadcast reached each node, against an ideal flood.

Two yardsticks:

* the **ideal flood time** (`ideal_channel_worst_s`): the same text, broadcast alone by the
  same node into the same mesh on the simulator's ideal channel (no collisions, nothing
  else on air), with the firmware's random contention windows as they are, averaged over
  seeds: what the mesh itself costs, so what is left over is the bot's doing;
* the **lower bound** (`ideal_times`): along the best path, one time on air per link plus
  the least wait the firmware allows each relay (a router: none; a client: 2 * CW_MAX
  slots), every random wait at its minimum: no real flood is faster.

Measured times come from the simulator's log: from the moment the bot's radio started
sending the packet to the moment each node's client got it.
"""

from __future__ import annotations

import heapq
import statistics
from dataclasses import dataclass

import simpy

from hardware.airtime import text_time_on_air
from hardware.sim import Scenario
from hardware.contention import CW_MAX, slot_time
from hardware.sim.mesh import SimMesh


@dataclass(frozen=True)
class FloodFigures:
    reachable: int
    reached: int
    median_s: float
    worst_s: float
    ideal_worst_s: float
    """Ideal flood time to the farthest node reached."""
    worst_ratio: float
    """Worst latency over the ideal flood time to the farthest node."""
    worst_node_ratio: float
    """The largest latency / ideal of any single node."""

    @property
    def reach(self) -> float:
        return self.reached / self.reachable if self.reachable else 1.0


def relay_wait_s(mesh: SimMesh, node: int) -> float:
    """The least a node waits before rebroadcasting (firmware's contention window)."""
    if mesh.node(node).role in ("router", "repeater"):
        return 0.0
    return 2 * CW_MAX * slot_time(mesh.preset)


def ideal_times(mesh: SimMesh, origin: int, airtime_s: float) -> dict[int, float]:
    """Node -> ideal flood time from `origin` (Dijkstra; a relay costs its wait + airtime)."""
    limit = mesh.hop_limit + 1
    best: dict[int, float] = {origin: 0.0}
    heap: list[tuple[float, int, int]] = [(0.0, 0, origin)]
    done: set[int] = set()
    while heap:
        t, links, here = heapq.heappop(heap)
        if here in done:
            continue
        done.add(here)
        if links >= limit:
            continue
        start = t if here == origin else t + relay_wait_s(mesh, here)
        for nxt in mesh.neighbours(here):
            arrive = start + airtime_s
            if arrive < best.get(nxt, float("inf")):
                best[nxt] = arrive
                heapq.heappush(heap, (arrive, links + 1, nxt))
    best.pop(origin, None)
    return best


def figures(mesh: SimMesh, origin: int, packet_id: int) -> FloodFigures:
    """Reach and latency of one broadcast `packet_id` sent by `origin`."""
    tx = next(e for e in mesh.log if e.kind == "tx" and e.node == origin and e.packet_id == packet_id)
    first: dict[int, float] = {}
    for e in mesh.log:
        if e.kind == "rx" and e.packet_id == packet_id and e.sender == origin and e.node not in first:
            first[e.node] = e.time - tx.time
    reachable = mesh.reachable(origin) - {origin}
    ideal = ideal_times(mesh, origin, text_time_on_air(tx.text, mesh.preset))
    got = {n: t for n, t in first.items() if n in reachable}
    if not got:
        return FloodFigures(len(reachable), 0, 0.0, 0.0, 0.0, 0.0, 0.0)
    ideal_worst = max(ideal[n] for n in got)
    worst = max(got.values())
    return FloodFigures(
        reachable=len(reachable), reached=len(got), median_s=statistics.median(got.values()), worst_s=worst,
        ideal_worst_s=ideal_worst, worst_ratio=worst / ideal_worst,
        worst_node_ratio=max(t / ideal[n] for n, t in got.items()),
    )


IDEAL_SEEDS = tuple(range(1, 21))
QUIET_BEFORE_S = 5.0
FLOOD_WINDOW_S = 60.0


def ideal_channel_worst_s(scenario: Scenario, origin: int, text: str, seeds: tuple[int, ...] = IDEAL_SEEDS) -> float:
    """The ideal flood time: the same text broadcast alone by `origin` into the same mesh
    with an ideal channel (no collisions, nothing else on air), the time to the last
    node, averaged over `seeds` (the firmware's contention windows are random)."""
    worst = []
    for seed in seeds:
        mesh = scenario.build(simpy.Environment(), seed=seed, collisions=False)
        mesh.advance(QUIET_BEFORE_S)
        packet_id = mesh.node(origin).send_text(text)
        mesh.advance(FLOOD_WINDOW_S)
        worst.append(figures(mesh, origin, packet_id).worst_s)
    return statistics.mean(worst)
