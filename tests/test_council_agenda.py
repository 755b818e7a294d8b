"""AGENDA / TEMARIO from a rep's handheld, the agenda sent to the reps ahead of the meeting
in at most three packets, the meeting's paper in Markdown and HTML, and reminders."""

from __future__ import annotations

from sqlmodel import select

from meshbot.council.agenda import add_item, mesh_agenda, paper
from meshbot.council.chores import council_chores
from meshbot.council.meetings import plan
from meshbot.council.people import add_community, add_person
from meshbot.papers.sections import to_html, to_markdown
from protocol.catalogue import utf8_len
from store import Member, session
from store.council import AgendaItem, CouncilMeeting
from tests.conftest import Board

ANA, BEA, CAS, ZED = 0xA1, 0xB2, 0xC3, 0xEE
DAY = 86400.0


def council_of(board: Board) -> None:
    """Three communities, each with a rep on a radio; a meeting in ten days."""
    now = board.clock.now
    with session(board.engine) as db, db.begin():
        for name, node, rep in (("elm", ANA, "Ana"), ("oak", BEA, "Bea"), ("ash", CAS, "Cas")):
            add_community(db, name, now)
            add_person(db, rep, name, now, node_num=node, rep=True, trained=True)
        db.add(Member(node_num=BEA, lang="es", first_seen=now, last_seen=now))
        plan(db, now + 10 * DAY, now, "test")


def items(board: Board) -> list[AgendaItem]:
    with session(board.engine) as db:
        return list(db.exec(select(AgendaItem).order_by(AgendaItem.id)).all())


def test_a_rep_adds_items_in_english_and_spanish_and_others_are_refused(board: Board) -> None:
    council_of(board)
    added = board.send(ANA, "AGENDA treasury: batteries for the clinic")
    assert added is not None and added.startswith("Agenda #1 (treasury) is on the council of ")
    assert (board.send(BEA, "TEMARIO avisos: perros sueltos en la calle 3") or "").startswith("Punto #2 (avisos)")
    assert "for council reps and the committee" in (board.send(ZED, "AGENDA free beer") or "")
    assert "PKI" in (board.send(CAS, "AGENDA aid: rides", direct=False) or "")  # a channel text proves nothing
    assert "AGENDA your item" in (board.send(ANA, "AGENDA") or "")
    rows = items(board)
    assert [(i.heading, i.text, i.community, i.meeting_id) for i in rows] == [
        ("treasury", "batteries for the clinic", "elm", 1), ("warnings", "perros sueltos en la calle 3", "oak", 1)]


def test_an_item_before_any_meeting_waits_for_the_next_one(board: Board) -> None:
    now = board.clock.now
    with session(board.engine) as db, db.begin():
        add_community(db, "elm", now)
        add_person(db, "Ana", "elm", now, node_num=ANA, rep=True)
    assert "no council date yet" in (board.send(ANA, "AGENDA plans: gardening day") or "")
    with session(board.engine) as db, db.begin():
        plan(db, now + 5 * DAY, now, "test")
    assert [i.meeting_id for i in items(board)] == [1]


def test_the_agenda_goes_to_every_rep_in_at_most_three_packets_then_a_reminder(board: Board) -> None:
    council_of(board)
    for n in range(14):  # more than three packets' worth
        assert "Agenda" in (board.send(ANA, f"AGENDA aid: item number {n} about sharing the big water tank") or "")
        board.clock.advance(60)  # within the rate limit
    before = len(board.outbox())
    board.clock.advance(6 * DAY)  # four days ahead: not yet (council_agenda_days = 3)
    assert council_chores(board.engine, board.settings, board.clock.now) == 0
    board.clock.advance(1.5 * DAY)
    council_chores(board.engine, board.settings, board.clock.now)
    sent = board.outbox()[before:]
    for rep in (ANA, BEA, CAS):
        mine = [o.text for o in sent if o.destination == rep]
        assert 1 <= len(mine) <= 3 and all(utf8_len(t) <= 200 for t in mine)
        assert mine[-1].endswith("at the meeting") or mine[-1].endswith("en la reunión")
    assert [o.text for o in sent if o.destination == BEA][0].startswith("Consejo ")
    assert council_chores(board.engine, board.settings, board.clock.now) == 0  # once per meeting
    board.clock.advance(1.6 * DAY)  # within 24 hours of the meeting: the reminder
    council_chores(board.engine, board.settings, board.clock.now)
    reminders = [o.text for o in board.outbox() if "14 agenda items" in o.text]
    assert len(reminders) == 2  # Ana and Cas in English; Bea reads Spanish
    assert any("14 puntos" in o.text for o in board.outbox(BEA))


def test_the_meeting_paper_in_markdown_and_html(board: Board) -> None:
    council_of(board)
    now = board.clock.now
    with session(board.engine) as db, db.begin():
        add_item(db, "batteries for the clinic", "treasury", now, author="Ana", community="elm")
        add_item(db, "<script> in a name", "other", now, author="Bea", community="oak")
        meeting = db.get(CouncilMeeting, 1)
        assert meeting is not None
        doc = paper(db, meeting, "Sun 10 Jan 18:00")
        packets = mesh_agenda(db, meeting, "Sun 10 Jan 18:00")
    markdown = to_markdown(doc)
    assert "## Treasury use" in markdown and "| 1 | batteries for the clinic | Ana (elm) |" in markdown
    page = to_html(doc)
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert packets == ["Council Sun 10 Jan 18:00 @ash, facilitator Ana. Agenda: 1 treasury: batteries for the clinic; "
                       "2 other: <script> in a name"]


def test_an_action_item_nearing_its_date_is_reminded_once_to_its_owner_then_shows_late(board: Board) -> None:
    from meshbot.council.minutes import actions, add_action, status

    council_of(board)
    now = board.clock.now
    with session(board.engine) as db, db.begin():
        add_action(db, 1, "fix the water tank", 1, now + 3 * DAY, now, "test")
    assert council_chores(board.engine, board.settings, now) == 0  # three days out: not yet
    board.clock.advance(2.5 * DAY)
    council_chores(board.engine, board.settings, board.clock.now)
    reminded = [o.text for o in board.outbox(ANA) if o.text.startswith("Council action c1 due ")]
    assert len(reminded) == 1 and reminded[0].endswith(": fix the water tank")
    council_chores(board.engine, board.settings, board.clock.now)  # once only
    assert len([o for o in board.outbox(ANA) if o.text.startswith("Council action")]) == 1
    board.clock.advance(1 * DAY)
    with session(board.engine) as db:
        assert [status(a, board.clock.now) for a in actions(db)] == ["late"]


def test_a_committee_member_may_add_an_item_but_not_without_proof(board: Board) -> None:
    council_of(board)
    with session(board.engine) as db, db.begin():
        db.add(Member(node_num=ZED, role="committee", first_seen=board.clock.now, last_seen=board.clock.now))
    assert "PKI" in (board.send(ZED, "AGENDA plans: first aid training", pki=False) or "")
    assert (board.send(ZED, "AGENDA plans: first aid training") or "").startswith("Agenda #1 (plans)")
    assert [(i.heading, i.author_node) for i in items(board)] == [("plans", ZED)]
