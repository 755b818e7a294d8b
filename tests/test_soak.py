"""A day of steady traffic on the simulated block, in virtual time (slow: run with -m slow).

Memory must stay flat and no text may be left stuck in the outbox.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import simpy
from sqlmodel import func, select

from hardware.sim import SimLink, SimMesh, load_scenario
from meshbot.daemon import Daemon
from meshbot.simulation.demo import bot_process
from meshbot.settings import Settings
from store import OutboxItem, open_engine, session

RANDOM_SEED = 42
HOURS = 24
COMMAND_EVERY_S = 120.0
TEXTS = ("OFFER rice 2kg", "NEED water 10L", "NEED insulin !!", "LIST", "FIND rice", "MY",
         "OFFER blankets 3", "NEED ride to clinic", "SAFE", "BANANA")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no /proc/self/status")


def residents(env: simpy.Environment, mesh: SimMesh, nums: list[int], bot: int, rng: random.Random):  # type: ignore[no-untyped-def]
    while True:
        yield env.timeout(rng.expovariate(1 / COMMAND_EVERY_S))
        mesh.node(rng.choice(nums)).send_text(rng.choice(TEXTS), destination=bot, want_ack=True)


@pytest.mark.slow
def test_a_day_of_traffic_keeps_memory_flat_and_nothing_stuck(tmp_path: Path) -> None:
    env = simpy.Environment()
    scenario = load_scenario("block")
    mesh = SimMesh.from_scenario(scenario, env, seed=RANDOM_SEED)
    settings = Settings(db=str(tmp_path / "soak.db"))
    daemon = Daemon(settings, SimLink(mesh, scenario.base), open_engine(settings.db), clock=mesh.now)
    daemon.open()
    env.process(bot_process(env, daemon))
    env.process(residents(env, mesh, [n.num for n in scenario.residents], scenario.base, random.Random(RANDOM_SEED)))
    samples = []
    for hour in range(HOURS):
        mesh.advance(3600)
        samples.append(_rss_mb())
    settled = samples[2:]  # after caches and the first postings warm up
    assert max(settled) - min(settled) < 15, samples
    with session(daemon.engine) as db:
        stuck = db.exec(
            select(func.count()).select_from(OutboxItem).where(
                OutboxItem.state.in_(("pending", "sending")),  # type: ignore[attr-defined]
                OutboxItem.created < mesh.now() - 600,
            )
        ).one()
        total = db.exec(select(func.count()).select_from(OutboxItem)).one()
    assert total > 500 and stuck == 0
    daemon.close()
