"""The whole bot on the simulated mesh: residents' radios in, radio texts out.

Nothing of ours is mocked: the daemon runs on SimLink, a real SQLite file, and the
residents' texts travel the simulated air (time on air, hops, dedupe at each node).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import simpy
from pubsub import pub
from sqlmodel import func, select

from hardware.link import TOPIC_TEXT
from hardware.sim import SimLink, SimMesh, load_scenario
from meshbot.daemon import Daemon
from meshbot.simulation.demo import bot_process
from meshbot.settings import Settings
from store import Member, Posting, SeenPacket, open_engine, session

SETTLE_S = 60.0  # long enough for a DM to cross 3 hops and the answer to come back


class World:
    """The demo neighbourhood with the daemon on its base station, on virtual time."""

    def __init__(self, db_path: Path) -> None:
        self.env = simpy.Environment()
        self.scenario = load_scenario("block")
        self.mesh = SimMesh.from_scenario(self.scenario, self.env, seed=7)
        self.bot = self.scenario.base
        self.db_path = db_path
        self.daemon: Daemon | None = None
        self.start_daemon()

    def start_daemon(self) -> None:
        settings = Settings(db=str(self.db_path))
        link = SimLink(self.mesh, self.bot)
        self.daemon = Daemon(settings, link, open_engine(self.db_path), clock=self.mesh.now)
        self.daemon.open()
        self._loop = self.env.process(bot_process(self.env, self.daemon))

    def stop_daemon(self) -> None:
        assert self.daemon is not None
        self._loop.interrupt()
        self.daemon.close()
        self.daemon.engine.dispose()
        self.daemon = None

    def resident(self, index: int) -> int:
        return self.scenario.residents[index].num

    def say(self, who: int, text: str, settle_s: float = SETTLE_S) -> list[str]:
        """Send a DM to the bot and run the air; returns the texts `who` got meanwhile."""
        before = len(self.mesh.node(who).received)
        self.mesh.node(who).send_text(text, destination=self.bot, want_ack=True)
        self.mesh.advance(settle_s)
        return self.mesh.node(who).texts()[before:]

    def texts(self, who: int) -> list[str]:
        return self.mesh.node(who).texts()

    def count(self, model: type) -> int:
        assert self.daemon is not None
        with session(self.daemon.engine) as db:
            return db.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path / "meshbot.db")
    yield w
    if w.daemon is not None:
        w.daemon.close()



def test_offer_and_need_get_exactly_one_match_dm_each(world: World) -> None:
    ana, ben = world.resident(2), world.resident(8)
    assert world.say(ana, "OFFER 10kg rice")[0].startswith("o1 rice 10kg")
    got = world.say(ben, "NEED rice for my kids !")
    assert len([t for t in got if t.startswith("Match m1: ") and " for your n2. TAKE m1 " in t]) == 1
    ana_matches = [t for t in world.texts(ana) if t.startswith("Match")]
    assert ana_matches == [t for t in ana_matches if t.startswith("Match m1: ") and " needs rice for my kids " in t]
    assert len(ana_matches) == 1
    assert world.count(Posting) == 2


def test_alert_reaches_every_node_in_range(world: World) -> None:
    sender = world.resident(5)
    got = world.say(sender, "ALERT flood on the river road", settle_s=120)
    assert any(t.startswith("Alert a1 broadcast") for t in got)
    reachable = world.mesh.reachable(world.bot) - {world.bot}
    assert len(reachable) == 11
    for num in reachable:
        alerts = [t for t in world.texts(num) if t.startswith("ALERT a1")]
        assert len(alerts) == 1, f"{num:08x} got {alerts}"


def test_bad_command_gets_an_error_reply_and_changes_nothing(world: World) -> None:
    who = world.resident(0)
    got = world.say(who, "BANANA 5")
    assert len(got) == 1 and "BANANA" in got[0] and len(got[0].encode()) <= 200
    assert world.count(Posting) == 0


def test_the_same_packet_twice_is_processed_once(world: World) -> None:
    who = world.resident(1)
    world.say(who, "NEED blankets 2")
    assert world.daemon is not None
    [packet] = [p for p in world.mesh.node(world.bot).received if p["decoded"]["text"] == "NEED blankets 2"]
    # What a radio does on reconnect: the library publishes its backlog again.
    pub.sendMessage(TOPIC_TEXT, packet=packet, interface=world.daemon.link.interface)
    world.mesh.advance(SETTLE_S)
    assert world.count(Posting) == 1
    assert world.count(SeenPacket) == 1
    assert len([t for t in world.texts(who) if t.startswith("n1 ")]) == 1


def test_restarting_the_daemon_keeps_the_board(world: World) -> None:
    ana, ben = world.resident(2), world.resident(6)
    world.say(ana, "JOIN Ana elm")
    world.say(ana, "OFFER soup 4 jars")
    world.stop_daemon()
    world.mesh.advance(10)
    world.start_daemon()
    got = world.say(ben, "LIST offers")
    assert got == ["Offers (1): o1 soup 4 jars @elm"]
    with session(world.daemon.engine) as db:  # type: ignore[union-attr]
        assert db.get(Member, ana).name == "Ana"  # type: ignore[union-attr]
