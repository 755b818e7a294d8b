"""A scenario's traffic over hours of virtual time, and what came of it.

Covers: `run_scenario`, behind `meshbot sim run` and the simulator benchmark. The mesh
runs on a plain `simpy.Environment` (virtual time: a day of mesh in seconds), keeps
statistics but no event log, and the bot's node answers for the bot (`Traffic` with
`simulate_bot`).
"""

from __future__ import annotations

import time
from typing import Any

import simpy

from hardware.sim.mesh import SimMesh
from hardware.sim.scenario import Scenario
from hardware.sim.traffic import Traffic

HOUR_S = 3600.0


def run_scenario(
    scenario: Scenario, hours: float, *, seed: int = 42, loss: float | None = None
) -> dict[str, Any]:
    """Run `scenario` for `hours` of virtual time; its statistics as a JSON-ready dict."""
    if hours <= 0:
        raise ValueError("hours must be positive")
    started = time.perf_counter()
    env = simpy.Environment()
    overrides: dict[str, Any] = {"seed": seed, "keep_log": False}
    if loss is not None:
        overrides["loss"] = loss
    mesh = SimMesh.from_scenario(scenario, env, **overrides)
    traffic = Traffic(mesh, scenario.traffic, scenario.base, [n.num for n in scenario.residents], seed=seed)
    traffic.start()
    env.run(until=hours * HOUR_S)
    wall = time.perf_counter() - started
    summary = mesh.summary()
    return {
        "scenario": scenario.name,
        "nodes": len(mesh.nodes),
        "hours": hours,
        "seed": seed,
        "loss": mesh.loss,
        "preset": mesh.preset.name,
        "region": mesh.region.name if mesh.region else None,
        "wall_seconds": round(wall, 3),
        "speedup": round(hours * HOUR_S / wall) if wall > 0 else None,
        "traffic": dict(traffic.sent),
        **summary,
    }
