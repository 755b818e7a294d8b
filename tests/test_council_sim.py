"""A council month on the simulated mesh, on the simulator's clock: reps of three
communities send agenda items from their handhelds, the agenda reaches every rep ahead of
the meeting, members vote on a stipend by DM, and the closed vote puts it in the ledger."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from meshbot.council.meetings import plan
from meshbot.council.notices import proposal_broadcast
from meshbot.council.people import add_community, add_person
from meshbot.board.claims import queue_notices
from meshbot.treasury import ledger
from meshbot.treasury.proposals import open_proposal
from store import Member, session
from store.council import AgendaItem, LedgerEntry, Proposal
from tests.test_e2e_sim import World, world  # noqa: F401  (the fixture)

DAY = 86400.0


def engine_of(world: World) -> Engine:
    assert world.daemon is not None
    return world.daemon.engine


def idle(world: World, seconds: float) -> None:
    """Days pass with the base station off (the laptop shut overnight): the radios' clock runs
    on, and the restarted daemon's first housekeeping catches up on what fell due."""
    world.stop_daemon()
    world.mesh.advance(seconds)
    world.start_daemon()
    world.mesh.advance(120)


def test_a_council_month(world: World) -> None:
    assert world.daemon is not None
    settings = world.daemon.settings
    reps = {"elm": world.resident(2), "oak": world.resident(5), "ash": world.resident(8)}
    voters = [world.resident(3), world.resident(6), world.resident(9)]
    now = world.mesh.now()
    with session(engine_of(world)) as db, db.begin():
        for community, node in reps.items():
            add_community(db, community, now)
            add_person(db, f"rep of {community}", community, now, node_num=node, rep=True, trained=True)
            db.add(Member(node_num=node, status="approved", community=community, first_seen=now, last_seen=now))
        for node in voters:
            db.add(Member(node_num=node, status="approved", first_seen=now, last_seen=now))
        plan(db, now + 5 * DAY, now, "committee")

    # Each rep sends an item from their handheld, one in Spanish.
    assert world.say(reps["elm"], "AGENDA treasury: batteries for the clinic")[0].startswith("Agenda #1 (treasury)")
    assert world.say(reps["oak"], "TEMARIO avisos: perros sueltos en la calle 3")[0].startswith("Punto #2 (avisos)")
    assert world.say(reps["ash"], "AGENDA aid: rides to the clinic on tuesdays")[0].startswith("Agenda #3 (aid)")
    with session(engine_of(world)) as db:
        assert [i.community for i in db.exec(select(AgendaItem).order_by(AgendaItem.id)).all()] == ["elm", "oak", "ash"]

    # Three days ahead (council_agenda_days), the agenda reaches every rep over the air.
    idle(world, 2.2 * DAY)
    for community, node in reps.items():
        agenda = [t for t in world.texts(node) if t.startswith(("Council ", "Consejo "))]
        assert len(agenda) == 1 and 0 < len(agenda[0].encode()) <= 200, (community, agenda)
        assert "batteries for the clinic" in agenda[0] and "rides to the clinic" in agenda[0]

    # The committee puts a stipend to the vote; members vote by DM.
    with session(engine_of(world)) as db, db.begin():
        p = open_proposal(db, "Tuesday childcare pod lead", 40, world.mesh.now(), settings, "committee",
                          kind="stipend", every="week", periods=13, days=1)
        queue_notices(db, [proposal_broadcast(p, settings)], world.mesh.now(), settings)
    world.mesh.advance(120)
    assert any(t.startswith("Proposal p1: stipend 40 hours/week x13") for t in world.texts(voters[0]))
    assert world.say(voters[0], "VOTE p1 yes")[0].startswith("Your secret vote on p1 counts")
    assert world.say(voters[1], "VOTO p1 si")[0].startswith("Tu voto secreto sobre p1 cuenta")
    assert world.say(voters[2], "VOTE p1 no")[0].startswith("Your secret vote on p1 counts")
    assert world.say(voters[2], "VOTE p1 yes")[0].startswith("Your vote on p1 changed")

    # Past the deadline the daemon closes the vote: the result on air, the stipend in the ledger.
    idle(world, 1.1 * DAY)
    assert any(t == "Proposal p1 approved: 3 for, 0 against, 0 abstain." for t in world.texts(voters[0]))
    with session(engine_of(world)) as db:
        closed = db.get(Proposal, 1)
        assert closed is not None and closed.state == "approved" and closed.ballot_key is None
        entries = db.exec(select(LedgerEntry).order_by(LedgerEntry.at)).all()
        assert [(e.kind, e.amount) for e in entries] == [("stipend", 40.0)] * 13
        assert ledger.balance(db, world.mesh.now()) == -40.0
