"""A direct reply travels as far as its resident and no farther.

On the simulated air (virtual clock): a reply's hop limit is the relays the radio's node
database says the resident is away, plus one spare, so relays beyond the resident do not
carry it on across the mesh (every such relay is airtime the busy channel's ACKs need).
"""

from __future__ import annotations

from pathlib import Path

import simpy
from sqlmodel import select

from hardware.sim import SimLink, SimMesh
from meshbot.daemon import Daemon
from meshbot.simulation.demo import bot_process
from meshbot.delivery.outbox import Outgoing, Priority, enqueue
from meshbot.settings import Settings
from store import OutboxItem, open_engine, session

BOT, ANA, XAV, YVE, ZOE = 0x10, 0x20, 0x30, 0x40, 0x50


class Street:
    """ANA next to the bot; XAV, YVE and ZOE in a line the other way, 800 m apart
    (each hears only its neighbours)."""

    def __init__(self, db: Path) -> None:
        self.env = simpy.Environment()
        self.mesh = SimMesh(self.env, seed=5)
        for num, name, x, y in ((BOT, "BOT", 0, 0), (ANA, "ANA", 800, 0), (XAV, "XAV", 0, 800),
                                (YVE, "YVE", 0, 1600), (ZOE, "ZOE", 0, 2400)):
            self.mesh.add_node(num, name, name.title(), x, y)
        self.daemon = Daemon(Settings(db=str(db)), SimLink(self.mesh, BOT), open_engine(db), clock=self.mesh.now)
        self.daemon.open()
        self.env.process(bot_process(self.env, self.daemon))

    def reply(self, text: str, to: int) -> None:
        with session(self.daemon.engine) as db, db.begin():
            enqueue(db, Outgoing(text, to, Priority.REPLY), self.mesh.now(), True)

    def carried_by(self, text: str) -> set[int]:
        """Nodes that rebroadcast the bot's packet carrying `text`."""
        return {e.node for e in self.mesh.log if e.kind == "relay" and e.sender == BOT and e.text == text}

    def heard(self, num: int, text: str) -> bool:
        return any(e.kind == "rx" and e.node == num and e.text == text for e in self.mesh.log) or \
            text in self.mesh.node(num).texts()

    def rows(self) -> list[OutboxItem]:
        with session(self.daemon.engine) as db:
            return list(db.exec(select(OutboxItem).order_by(OutboxItem.id)).all())


def test_a_reply_to_a_neighbour_is_not_carried_across_the_mesh(tmp_path: Path) -> None:
    street = Street(tmp_path / "m.db")
    street.reply("Offer o1 rice 10kg posted.", to=ANA)
    street.mesh.advance(120)
    assert street.mesh.node(ANA).texts() == ["Offer o1 rice 10kg posted."]
    [row] = street.rows()
    assert row.state == "acked" and row.attempts == 1
    on_air = [e for e in street.mesh.log if e.kind == "tx" and e.node == BOT]
    assert [e.hop_limit for e in on_air] == [1]  # ANA is 0 relays away, one spare
    # XAV, the only other radio that hears the bot, relays it once with no hops left;
    # YVE hears that and carries it no farther, ZOE never hears of it.
    assert street.carried_by("Offer o1 rice 10kg posted.") <= {XAV}
    assert not any(e.node == ZOE and e.packet_id == on_air[0].packet_id for e in street.mesh.log)


def test_a_reply_to_a_far_resident_still_gets_the_relays_it_needs(tmp_path: Path) -> None:
    street = Street(tmp_path / "m.db")
    street.reply("Need n2 water posted.", to=ZOE)  # three links out: two relays, one spare
    street.mesh.advance(300)
    assert street.mesh.node(ZOE).texts() == ["Need n2 water posted."]
    [row] = street.rows()
    assert row.state == "acked"
    assert [e.hop_limit for e in street.mesh.log if e.kind == "tx" and e.node == BOT] == [3]
