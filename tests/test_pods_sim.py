"""A care pod on the simulated neighbourhood, on the simulator's clock: the host of each
week is reminded the day before over the mesh, the turns rotate, and the airtime the
reminders used is counted. The evening before the pod's first session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import simpy
from sqlmodel import col, select

from hardware.sim import SimLink
from hardware.sim.mesh import SimMesh
from hardware.sim.scenario import load_scenario
from meshbot.daemon import Daemon
from meshbot.services import catalog
from meshbot.services.catalog import Description
from meshbot.services.schedule import zone
from meshbot.settings import Settings
from meshbot.simulation.demo import bot_process
from store import OutboxItem, open_engine, session

HOUR = 3600.0
START = 1_767_282_600.0  # Thursday 1 January 2026, 15:50 UTC: ten minutes before the reminder is due
STEP_S = 120.0  # the bot looks at its outbox at least this often (reminders are not urgent)


class PodWorld:
    def __init__(self, db_path: Path) -> None:
        self.env = simpy.Environment()
        self.scenario = load_scenario("neighbourhood")
        self.mesh = SimMesh.from_scenario(self.scenario, self.env, seed=7, start_epoch=START)
        self.households = [r.num for r in self.scenario.residents[:4]]
        settings = Settings(db=str(db_path), timezone="UTC")
        self.daemon = Daemon(settings, SimLink(self.mesh, self.scenario.base), open_engine(db_path),
                             clock=self.mesh.now)
        self.daemon.open()
        now = self.mesh.now()
        with session(self.daemon.engine) as db, db.begin():
            pod = catalog.add(db, Description(kind="childcare", name="Care pod", place="elm", day="2026-01-02",
                                              start="16:00", minutes=180, pod=True), "cli:test", now, zone("UTC"))
            for node in self.households:
                catalog.add_helper(db, int(pod.id or 0), node, "host", "cli:test", now)
        self.env.process(bot_process(self.env, self.daemon, step_max_s=STEP_S))

    def reminders(self, node: int) -> list[str]:
        return [t for t in self.mesh.node(node).texts() if t.startswith("Reminder: you host")]

    def reminder_airtime(self) -> tuple[int, float]:
        with session(self.daemon.engine) as db:
            rows = db.exec(select(OutboxItem).where(col(OutboxItem.text).startswith("Reminder: you host"))).all()
            return len(rows), sum(r.airtime_s for r in rows)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[PodWorld]:
    w = PodWorld(tmp_path / "meshbot.db")
    yield w
    w.daemon.close()


def test_the_host_is_reminded_the_evening_before_over_the_mesh(world: PodWorld) -> None:
    world.mesh.advance(0.5 * HOUR)  # to Thursday 16:20: the reminder for Friday 16:00 is due from 16:00
    first = world.households[0]
    assert world.reminders(first) == ["Reminder: you host s1 Care pod fri 16:00. CANT s1 if you can't."]
    assert all(world.reminders(h) == [] for h in world.households[1:])
    sent, airtime = world.reminder_airtime()
    assert sent == 1 and 0.3 < airtime < 3.0  # one short DM on LONG_FAST, counted in the outbox
