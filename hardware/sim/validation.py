"""Reachability on random placements, set up as Meshtasticator's batch simulations are.

Covers: the check that the simulator's flooding reaches about as many nodes as
Meshtasticator (the Meshtastic project's own discrete-event simulator) reports. Its
`batchSim.py` places N nodes at random in a square (each at least MIN_DIST from the
others and within radio range of at least one node already placed), lets every node
broadcast a 40-byte message at exponential intervals (mean 100 s) for 200 s with
`want_ack` (so a broadcast nobody rebroadcasts is retried), and reports *reachability*:
first receptions / (messages x (N - 1)).

Both figures are computed here for the same placements:

* `graph`: the share of other nodes within hop_limit + 1 radio links, i.e. what a
  flood reaches when nothing is ever lost;
* `simulated`: what the full simulator delivers: contention, cancellation, collisions
  with capture, half-duplex, retransmissions.

Parameters default to Meshtasticator's: LONG_FAST, hop limit 3, the 3GPP suburban
macro-cell path loss at 902 MHz (model 5), 30 dBm (the US power limit), 0 dBi, 1 m
antennas, MIN_DIST 10 m.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Generator
from dataclasses import asdict, dataclass

import simpy

from hardware.airtime import get_preset, text_packet_bytes, time_on_air
from hardware.link import BROADCAST_NUM
from hardware.sim.mesh import SimMesh
from hardware.sim.propagation import Antenna, Suburban3GPP, rx_power_dbm, sensitivity_dbm
from hardware.sim.traffic import filler

MAX_PLACEMENT_TRIES = 1000


@dataclass(frozen=True)
class Setup:
    """One batch: Meshtasticator's defaults unless said otherwise."""

    nodes: int
    area_m: float = 3000.0
    """Side of the square the nodes are placed in (Meshtasticator's XSIZE = YSIZE)."""
    min_dist_m: float = 10.0
    preset: str = "LONG_FAST"
    hop_limit: int = 3
    frequency_hz: float = 902e6
    tx_power_dbm: float = 30.0
    height_m: float = 1.0
    period_s: float = 100.0
    payload_bytes: int = 40
    sim_time_s: float = 200.0


@dataclass(frozen=True)
class Result:
    setup: Setup
    repetitions: int
    graph: float
    graph_std: float
    simulated: float
    simulated_std: float
    messages: int

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out.update(out.pop("setup"))
        return out


def place(setup: Setup, rng: random.Random) -> list[tuple[float, float]]:
    """Random positions as Meshtasticator's `findRandomPosition` draws them."""
    model = Suburban3GPP(setup.frequency_hz)
    antenna = Antenna(setup.tx_power_dbm, 0.0, setup.height_m)
    floor = sensitivity_dbm(get_preset(setup.preset))
    half = setup.area_m / 2
    placed: list[tuple[float, float]] = []
    for _ in range(setup.nodes):
        for _try in range(MAX_PLACEMENT_TRIES):
            x, y = rng.random() * setup.area_m - half, rng.random() * setup.area_m - half
            dists = [math.hypot(x - px, y - py) for px, py in placed]
            if any(d < setup.min_dist_m for d in dists):
                continue
            if placed and not any(rx_power_dbm(model, d, antenna, antenna) >= floor for d in dists):
                continue
            placed.append((x, y))
            break
        else:
            raise RuntimeError("cannot place a node: enlarge the area or lower min_dist_m")
    return placed


def _talker(env: simpy.Environment, mesh: SimMesh, num: int, setup: Setup, rng: random.Random,
            sent: list[int]) -> Generator[simpy.Event, object, None]:
    text = filler(setup.payload_bytes)
    flood_s = setup.hop_limit * time_on_air(text_packet_bytes(len(text)), mesh.preset)
    while True:
        wait = rng.expovariate(1.0 / setup.period_s)
        if env.now + wait + flood_s >= setup.sim_time_s:
            return
        yield env.timeout(wait)
        sent.append(mesh.node(num).send_text(text, BROADCAST_NUM, want_ack=True))


def run_once(setup: Setup, seed: int) -> tuple[float, float, int]:
    """(graph reachability, simulated reachability, messages) of one random placement."""
    rng = random.Random(seed)
    positions = place(setup, rng)
    env = simpy.Environment()
    mesh = SimMesh(
        env,
        preset=setup.preset,
        hop_limit=setup.hop_limit,
        seed=seed,
        path_loss=Suburban3GPP(setup.frequency_hz),
        tx_power_dbm=setup.tx_power_dbm,
        keep_log=False,
    )
    nums = [i + 1 for i in range(setup.nodes)]
    for num, (x, y) in zip(nums, positions):
        mesh.add_node(num, f"N{num}", f"Node {num}", x, y, height_m=setup.height_m)
    others = setup.nodes - 1
    graph = statistics.fmean(len(mesh.reachable(n)) / others for n in nums)
    sent: list[int] = []
    traffic_rng = random.Random(f"{seed}:talk")
    for num in nums:
        env.process(_talker(env, mesh, num, setup, traffic_rng, sent))
    env.run()
    receivers = mesh.stats.broadcast_receivers
    got = sum(len(receivers[pid][1]) for pid in sent)
    simulated = got / (len(sent) * others) if sent else float("nan")
    return graph, simulated, len(sent)


def reachability(setup: Setup, repetitions: int = 100, first_seed: int = 0) -> Result:
    """Mean and spread of both reachabilities over `repetitions` placements."""
    graphs, sims, messages = [], [], 0
    for rep in range(repetitions):
        graph, simulated, sent = run_once(setup, first_seed + rep)
        graphs.append(graph)
        if sent:
            sims.append(simulated)
        messages += sent
    return Result(
        setup,
        repetitions,
        statistics.fmean(graphs),
        statistics.pstdev(graphs),
        statistics.fmean(sims) if sims else float("nan"),
        statistics.pstdev(sims) if sims else float("nan"),
        messages,
    )
