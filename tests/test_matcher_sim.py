"""The whole lifecycle from handhelds on the simulated mesh: post -> match DM -> TAKE -> DONE,
and a match nobody accepts lapsing so the goods go on to the next need.

The daemon runs on SimLink with a real SQLite file; every text crosses the simulated air.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from hardware.sim import SimLink
from meshbot.daemon import Daemon
from meshbot.simulation.demo import bot_process
from meshbot.settings import Settings
from store import Match, Posting, open_engine, session
from tests.test_e2e_sim import World

LAPSE_HOURS = 0.1  # six minutes of mesh time


class QuickLapseWorld(World):
    """The demo neighbourhood, with matches that lapse after six minutes."""

    def start_daemon(self) -> None:
        settings = Settings(db=str(self.db_path), match_lapse_hours=LAPSE_HOURS)
        self.daemon = Daemon(settings, SimLink(self.mesh, self.bot), open_engine(self.db_path), clock=self.mesh.now)
        self.daemon.open()
        self._loop = self.env.process(bot_process(self.env, self.daemon))


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = QuickLapseWorld(tmp_path / "meshbot.db")
    yield w
    if w.daemon is not None:
        w.daemon.close()


def rows(world: World) -> tuple[list[Posting], list[Match]]:
    assert world.daemon is not None
    with session(world.daemon.engine) as db:
        return (list(db.exec(select(Posting).order_by(Posting.id)).all()),
                list(db.exec(select(Match).order_by(Match.id)).all()))


def test_post_match_take_done_over_the_air(world: World) -> None:
    ana, ben = world.resident(2), world.resident(8)
    world.say(ana, "JOIN Ana elm")
    world.say(ben, "JOIN Ben oak")
    assert world.say(ana, "OFFER 10kg rice")[0].startswith("o1 rice 10kg posted")
    got = world.say(ben, "NEED rice 3kg")
    assert got == [f"Match m1: Ana !{ana:08x} @elm offers rice 3kg for your n2. TAKE m1 to accept within 0.1h; CANCEL m1 if not."]
    assert world.texts(ana)[-1] == (f"Match m1: Ben !{ben:08x} @oak needs rice 3kg from your o1. "
                                    "TAKE m1 to accept within 0.1h; CANCEL m1 if not.")
    assert world.say(ben, "TAKE m1") == [f"m1 accepted: rice 3kg with Ana !{ana:08x} @elm. Arrange the handover; DONE m1 when done."]
    assert world.texts(ana)[-1] == f"Ben !{ben:08x} accepted m1 (rice 3kg). Arrange the handover; DONE m1 when done."
    world.mesh.advance(LAPSE_HOURS * 3600 * 2)  # accepted: it does not lapse
    assert world.say(ana, "DONE m1") == ["m1 done. Thank you!"]
    postings, matches = rows(world)
    assert [(p.status, p.remaining) for p in postings] == [("open", 7.0), ("done", 0.0)]
    assert [(m.status, m.quantity) for m in matches] == [("done", 3.0)]


def test_an_unanswered_match_lapses_and_the_goods_go_to_the_next_need(world: World) -> None:
    ana, ben, caro = world.resident(2), world.resident(8), world.resident(5)
    world.say(ana, "OFFER tent")
    world.say(ben, "NEED tent")
    world.say(caro, "NEED tent")  # waits: the one tent is promised to Ben
    world.mesh.advance(LAPSE_HOURS * 3600 + 120)  # nobody sends TAKE m1
    assert world.texts(ben)[-1] == "m1 lapsed: nobody accepted it within 0.1h. Your n2 is back on the board."
    assert world.texts(caro)[-1].startswith("Match m2: ") and "offers tent for your n3." in world.texts(caro)[-1]
    assert len([t for t in world.texts(ana) if t.startswith("m1 lapsed")]) == 1
    _, matches = rows(world)
    assert [(m.need_id, m.status, m.reason) for m in matches] == [(2, "cancelled", "lapsed"), (3, "proposed", None)]
