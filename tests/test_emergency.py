"""Emergency mode: the planner's rules, and the mode through the real worker and SQLite file
(EMERGENCY ON/OFF, the plan as matches with carriers, one DM per person, DONE, held
digests, the status board, the report, and the `meshbot emergency` commands)."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import col, select

from meshbot.board import expiry

from meshbot.alerts import emergency
from meshbot.cli.main import main
from meshbot.alerts.emergency_board import render_html, render_report, render_text, snapshot
from meshbot.alerts.emergency_plan import Demand, Supply, Volunteer, alike, plan, suggest
from meshbot.people.members import touch_member
from meshbot.delivery.outbox import Outgoing, Priority, enqueue
from meshbot.settings import Settings
from protocol import replies
from store import Match, OutboxItem, session
from store.models import AuditEntry
from store.models import Emergency, PlanStep
from tests.conftest import Board
from tests.test_cli import meshbot

HOUR = 3600.0
NOW = 1_000_000.0
DEADLINE = NOW + 12 * HOUR
BROADCAST = 0xFFFFFFFF


def _offer(id: int, item: str, qty: float | None, unit: str | None = None, category: str = "water",
           zone: str | None = "hill", author: int | None = None, used: float = 0.0) -> Supply:
    return Supply(id, category, item, qty, unit, zone, author or 100 + id, float(id), used)


def _need(id: int, item: str, qty: float | None, unit: str | None = None, category: str = "water",
          zone: str | None = "farms", urgency: str = "normal", author: int | None = None,
          created: float | None = None) -> Demand:
    return Demand(id, category, item, qty, unit, zone, urgency, author or 200 + id,
                  float(id) if created is None else created)


# --- the planner -------------------------------------------------------------------------------


def test_critical_needs_go_first_then_the_most_urgent_then_the_longest_waiting() -> None:
    needs = [_need(1, "ladder", None, category="tools", created=0), _need(2, "water", 10, "L", created=5),
             _need(3, "water", 10, "L", urgency="critical", created=9)]
    offers = [_offer(1, "water", 10, "L"), _offer(2, "ladder", None, category="tools")]
    moves = plan(needs, offers, [], NOW, DEADLINE)
    assert [(m.need_id, m.offer_id) for m in moves] == [(3, 1), (1, 2)]  # water to the critical one


def test_partial_fills_split_an_offer_and_join_two() -> None:
    moves = plan([_need(1, "water", 20, "L"), _need(2, "water", 30, "L")],
                 [_offer(1, "water", 40, "L"), _offer(2, "water", 15, "L")], [], NOW, DEADLINE)
    assert [(m.need_id, m.offer_id, m.quantity) for m in moves] == [(1, 1, 20), (2, 1, 20), (2, 2, 10)]


def test_an_offer_already_promised_gives_only_what_is_left() -> None:
    moves = plan([_need(1, "water", 20, "L")], [_offer(1, "water", 40, "L", used=35)], [], NOW, DEADLINE)
    assert [m.quantity for m in moves] == [5]


def test_across_zones_but_the_nearest_first() -> None:
    needs = [_need(1, "water", 5, "L", zone="farms")]
    offers = [_offer(1, "water", 5, "L", zone="hill"), _offer(2, "water", 5, "L", zone="farms")]
    assert [m.offer_id for m in plan(needs, offers, [], NOW, DEADLINE)] == [2]
    assert [m.offer_id for m in plan(needs, offers[:1], [], NOW, DEADLINE)] == [1]


def test_the_same_thing_only_by_the_matchers_item_identity() -> None:
    insulin = _need(1, "insulin", None, category="medical")
    assert not alike(insulin, _offer(1, "first aid kit", None, category="medical"))
    assert alike(insulin, _offer(2, "insulin pens", 3, category="medical"))
    assert not alike(_need(2, "baby formula", None, category="food"), _offer(3, "rice", 10, "kg", category="food"))
    assert not alike(_need(5, "leche para bebé", None, category="food"), _offer(6, "arroz", 1, "kg", category="food"))
    assert alike(_need(6, "leche para bebé", None, category="food"), _offer(7, "baby formula", 2, category="food"))
    assert alike(_need(7, "water", 5, "L"), _offer(8, "agua", 10, "L"))
    assert alike(_need(3, "blanket", 2, category="shelter"), _offer(4, "wool blankets", 9, category="shelter"))
    assert not alike(_need(4, "water", 1), _offer(5, "water", 1, author=204))  # not one's own offer


def test_baby_milk_never_gets_rice_the_committee_is_offered_it_as_a_suggestion() -> None:
    milk = _need(14, "leche para bebé", None, category="food", urgency="critical")
    rice = _offer(3, "arroz", 1, "kg", category="food")
    assert plan([milk], [rice], [], NOW, DEADLINE) == []
    assert suggest([milk], [rice]) == [(milk, rice)]
    # With baby milk on offer, it goes, and nothing is suggested.
    formula = _offer(4, "leche de fórmula", 2, category="food")
    assert [(m.need_id, m.offer_id) for m in plan([milk], [rice, formula], [], NOW, DEADLINE)] == [(14, 4)]
    assert suggest([milk], [rice, formula]) == []
    # A need that names only its category is the committee's call too.
    food = _need(15, "comida", None, category="food", urgency="critical")
    assert plan([food], [rice], [], NOW, DEADLINE) == [] and suggest([food], [rice]) == [(food, rice)]
    # Only needs of the critical categories (food, water, shelter, medical), and only the same category.
    socks = _offer(9, "socks", 4, category="clothing")
    assert suggest([_need(16, "winter coat", None, category="clothing")], [socks]) == []
    assert suggest([_need(17, "insulin", None, category="medical", urgency="critical")], [rice]) == []


def test_a_lot_goes_whole_and_unlike_units_give_one_for_one() -> None:
    room = _offer(1, "spare room for a family", None, category="shelter")
    moves = plan([_need(1, "room for family", 4, category="shelter")], [room], [], NOW, DEADLINE)
    assert [(m.offer_id, m.quantity) for m in moves] == [(1, None)]
    cans = _offer(2, "canned beans", 20, "cans", category="food")
    moves = plan([_need(2, "beans", 5, "kg", category="food"), _need(3, "frijoles", None, category="food")],
                 [cans], [], NOW, DEADLINE)
    assert [(m.need_id, m.quantity, m.unit) for m in moves] == [(2, 5, "cans"), (3, 1, "cans")]


def test_volunteers_carry_the_least_loaded_and_nearest_first_else_the_giver() -> None:
    needs = [_need(i, "water", 1, "L", zone="farms") for i in (1, 2, 3)]
    offers = [_offer(1, "water", 3, "L", zone="hill")]
    helpers = [Volunteer(901, "farms"), Volunteer(902, "school", load=1), Volunteer(903, "river")]
    assert [m.carrier for m in plan(needs, offers, helpers, NOW, DEADLINE)] == [901, 903, 901]
    assert [m.carrier for m in plan(needs[:1], offers, [], NOW, DEADLINE)] == [101]  # the giver brings it


def test_everything_is_due_within_the_window_critical_within_three_hours() -> None:
    needs = [_need(1, "water", 1, "L", urgency="critical"), _need(2, "water", 1, "L", urgency="high"),
             _need(3, "water", 1, "L")]
    moves = plan(needs, [_offer(1, "water", 3, "L")], [], NOW, DEADLINE)
    assert [m.due - NOW for m in moves] == [3 * HOUR, 6 * HOUR, 12 * HOUR]
    late = plan(needs, [_offer(1, "water", 3, "L")], [], DEADLINE - HOUR, DEADLINE)
    assert all(m.due <= DEADLINE for m in late)


# --- the mode on the database --------------------------------------------------------------------

ANA, BEN, CARO, DAVE, EVA, FEDE = 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6


@pytest.fixture
def town(tmp_path: Path) -> Board:
    """Caro is the committee, Eva a responder; the others residents, each in a zone."""
    board = Board(tmp_path / "town.db", settings=Settings(db=":memory:", timezone="UTC"))
    for node, text in ((ANA, "JOIN Ana hill"), (BEN, "JOIN Ben farms"), (DAVE, "JOIN Dave river"),
                       (FEDE, "JOIN Fede farms")):
        board.send(node, text)
    with session(board.engine) as db, db.begin():
        for node, role, zone in ((CARO, "committee", "hill"), (EVA, "responder", "farms")):
            member = touch_member(db, node, board.clock.now, None)
            member.role, member.zone = role, zone
            db.add(member)
    return board


def _row(board: Board) -> Emergency:
    with session(board.engine) as db:
        row = db.exec(select(Emergency).order_by(col(Emergency.id).desc())).first()
        assert row is not None
        return row


def _plan_dms(board: Board, node: int) -> list[str]:
    return [o.text for o in board.outbox(node) if o.text.startswith(("Emergency plan", "Plan emergencia"))]


def test_only_the_committee_by_pki_dm_turns_emergency_mode_on(town: Board) -> None:
    assert "for the committee" in (town.send(ANA, "EMERGENCY ON") or "")
    assert "private (PKI) DM" in (town.send(CARO, "EMERGENCY ON", direct=False) or "")
    with session(town.engine) as db:
        assert db.exec(select(Emergency)).all() == []
    assert town.send(CARO, "EMERGENCY ON") == replies.emergency_started(12)
    town.clock.advance(11 * 60)  # (the same words within 10 min get the first answer again)
    assert town.send(CARO, "EMERGENCY ON") == replies.emergency_already()
    [told] = [o for o in town.outbox(BROADCAST) if o.text.startswith("EMERGENCY")]
    assert told.priority == Priority.ALERT and "SAFE/BIEN" in told.text
    row = _row(town)
    assert row.started_by == CARO and row.deadline - row.started == 12 * HOUR


def test_the_plan_gives_every_critical_need_a_carrier_and_asks_each_receiver_once(town: Board) -> None:
    town.send(ANA, "OFFER water 40L @hill")
    town.send(DAVE, "OFFER blankets 10 @river")
    town.send(EVA, "OFFER van to carry supplies")
    town.send(CARO, "EMERGENCY ON")
    town.send(BEN, "NEED water 20L !! @farms")
    town.send(FEDE, "NEED blankets 4 @farms")
    town.send(FEDE, "NEED insulin !!")
    town.clock.advance(10 * 60)
    assert emergency.tick(town.engine, town.settings, town.clock.now)
    deadline = _row(town).deadline
    with session(town.engine) as db:
        steps = db.exec(select(PlanStep)).all()
        assert {(s.need_id, s.offer_id, s.quantity) for s in steps} == {(4, 1, 20.0), (5, 2, 4.0)}
        assert all(s.carrier == EVA and s.due <= deadline and s.consent == "asked" for s in steps)
        assert all(db.get(Match, s.match_id).taker == EVA for s in steps)  # type: ignore[union-attr]
        water = next(s for s in steps if s.need_id == 4)
    # Only the receivers hear of it, one DM each; nobody is sent anywhere before a yes.
    [ask] = _plan_dms(town, BEN)
    assert f"00e5 !000000e5 @farms can bring you water 20L: TAKE m{water.match_id} to accept" in ask
    assert len(_plan_dms(town, FEDE)) == 1 and "blankets 4" in _plan_dms(town, FEDE)[0]
    for person in (ANA, DAVE, EVA):
        assert _plan_dms(town, person) == [], hex(person)
    with session(town.engine) as db:
        board = snapshot(db, _row(town), town.clock.now, town.settings)
    assert [(n.ref, n.cover) for n in board.open_critical] == [("n4", "planned"), ("n6", "unmet"), ("n5", "planned")]
    town.clock.advance(10 * 60)
    emergency.tick(town.engine, town.settings, town.clock.now)
    assert len(_plan_dms(town, BEN)) == 1  # nothing new: nobody is asked twice
    # Ben says yes: now Eva (carrier) and Ana (giver) get their part.
    reply = town.send(BEN, f"TAKE m{water.match_id}")
    assert reply == (f"m{water.match_id} accepted: 00e5 !000000e5 @farms brings you water 20L by 03:10. "
                     f"DONE m{water.match_id} when it arrives.")
    [carry] = _plan_dms(town, EVA)
    assert "carry water 20L from Ana !000000a1 @hill to Ben !000000b2 @farms" in carry and "blankets" not in carry
    [give] = _plan_dms(town, ANA)
    assert "hand water 20L to 00e5 !000000e5 @farms for Ben !000000b2 @farms" in give
    assert _plan_dms(town, DAVE) == []  # Fede has not said yes yet


def test_nothing_is_accepted_before_the_receiver_says_yes(town: Board) -> None:
    town.send(ANA, "OFFER water 40L @hill")
    town.send(CARO, "EMERGENCY ON")
    town.send(BEN, "NEED water 20L !! @farms")
    town.clock.advance(10 * 60)
    emergency.tick(town.engine, town.settings, town.clock.now)
    row = _row(town)
    with session(town.engine) as db:
        [step] = db.exec(select(PlanStep)).all()
        match = db.get(Match, step.match_id)
        assert match is not None and (match.accepted, match.accepted_by, match.status) == (None, None, "proposed")
        assert (step.consent, step.consent_by, step.consent_at) == ("asked", None, None)
        board = snapshot(db, row, town.clock.now, town.settings)
    assert [p.code for p in board.by_consent("asked")] == [f"m{step.match_id}"]
    assert board.by_consent("receiver") == board.by_consent("committee") == []
    text = render_text(board)
    assert "Proposed, waiting for the receiver's yes (1):" in text
    assert "Accepted by the receiver, on the way (0):" in text
    assert "Accepted by the committee for the receiver, on the way (0):" in text
    # The plan does not lapse while it waits: hours later it is still asked, not accepted.
    town.clock.advance(30 * HOUR)
    with session(town.engine) as db, db.begin():
        expiry.lapse_due(db, town.clock.now, town.settings)
    with session(town.engine) as db:
        match = db.get(Match, step.match_id)
        assert match is not None and match.status == "proposed" and match.accepted is None


def test_a_yes_from_any_node_but_the_receiver_is_refused(town: Board) -> None:
    town.send(ANA, "OFFER water 40L @hill")
    town.send(CARO, "EMERGENCY ON")
    town.send(BEN, "NEED water 20L !! @farms")
    town.clock.advance(10 * 60)
    emergency.tick(town.engine, town.settings, town.clock.now)
    with session(town.engine) as db:
        [step] = db.exec(select(PlanStep)).all()
    code = f"m{step.match_id}"
    refused = f"Only the one receiving {code} can accept it. Nothing changed."
    for node in (ANA, EVA, DAVE):  # the giver, the carrier, a neighbour
        assert town.send(node, f"TAKE {code}") == refused
    town.send(FEDE, "JOIN Fede farms")
    assert town.send(FEDE, f"TOMO {code}") == f"Solo quien recibe {code} puede aceptarla. Nada cambió."
    row = _row(town)
    with session(town.engine) as db:
        step = db.get(PlanStep, step.id)
        match = db.get(Match, step.match_id)  # type: ignore[union-attr]
        assert step is not None and match is not None
        assert (step.consent, match.accepted) == ("asked", None)
    assert _plan_dms(town, EVA) == [] and _plan_dms(town, ANA) == []
    # The receiver's own yes, in Spanish, counts, and is recorded as theirs.
    town.send(BEN, "NECESITO ayuda")  # Ben now writes in Spanish
    answer = town.send(BEN, f"TOMO {code}")
    assert answer is not None and answer.startswith(f"{code} aceptada: 00e5 !000000e5 @farms te trae water 20L")
    row = _row(town)
    with session(town.engine) as db:
        step = db.get(PlanStep, step.id)
        match = db.get(Match, step.match_id)  # type: ignore[union-attr]
        assert step is not None and match is not None
        assert (step.consent, step.consent_by, match.accepted_by) == ("receiver", "!000000b2", BEN)
        assert match.accepted is not None
        board = snapshot(db, row, town.clock.now, town.settings)
    assert [p.consent_by for p in board.by_consent("receiver")] == ["!000000b2"]
    assert "yes from Ben !000000b2 (!000000b2)" in render_text(board)


def test_the_committee_marks_a_move_accepted_for_the_receiver(town: Board) -> None:
    town.send(ANA, "OFFER water 40L @hill")
    town.send(CARO, "EMERGENCY ON")
    town.send(BEN, "NEED water 20L !! @farms")
    town.clock.advance(10 * 60)
    emergency.tick(town.engine, town.settings, town.clock.now)
    with session(town.engine) as db:
        [step] = db.exec(select(PlanStep)).all()
    code = f"m{step.match_id}"
    done = meshbot("-s", "timezone=UTC", "emergency", "accept", code, db=town.path)
    user = getpass.getuser()
    assert done.stdout.strip() == f"{code} accepted for its receiver by cli:{user}; 3 DM(s) queued"
    row = _row(town)
    with session(town.engine) as db:
        step = db.get(PlanStep, step.id)
        match = db.get(Match, step.match_id)  # type: ignore[union-attr]
        assert step is not None and match is not None
        assert (step.consent, step.consent_by) == ("committee", f"cli:{user}") and step.consent_at is not None
        assert match.accepted is not None and match.accepted_by is None  # not the receiver's own yes
        [entry] = db.exec(select(AuditEntry).where(AuditEntry.action == "emergency.accept")).all()
        assert (entry.actor, entry.subject) == (f"cli:{user}", code)
        board = snapshot(db, row, town.clock.now, town.settings)
    told = [o.text for o in town.outbox(BEN)][-1]
    assert told.startswith(f"The committee accepted {code} for you: 00e5 !000000e5 @farms brings you water 20L")
    assert len(_plan_dms(town, EVA)) == 1 and len(_plan_dms(town, ANA)) == 1
    assert [p.consent for p in board.pledged] == ["committee"]
    assert f"marked for Ben !000000b2 by cli:{user}" in render_html(board)
    again = meshbot("emergency", "accept", code, db=town.path, check=False)
    assert again.returncode == 1 and "already accepted (by the committee" in again.stderr
    assert meshbot("emergency", "accept", "m99", db=town.path, check=False).returncode == 1


def test_match_approve_on_a_plan_move_is_the_committees_yes_for_the_receiver(town: Board) -> None:
    town.send(ANA, "OFFER water 40L @hill")
    town.send(CARO, "EMERGENCY ON")
    town.send(BEN, "NEED water 20L !! @farms")
    town.clock.advance(10 * 60)
    emergency.tick(town.engine, town.settings, town.clock.now)
    with session(town.engine) as db:
        [step] = db.exec(select(PlanStep)).all()
    code = f"m{step.match_id}"
    assert meshbot("match", "approve", code, db=town.path).stdout.startswith(f"{code} approved; 3 DM(s) queued")
    with session(town.engine) as db:
        step = db.get(PlanStep, step.id)
        assert step is not None and (step.consent, step.consent_by) == ("committee", f"cli:{getpass.getuser()}")
    assert len(_plan_dms(town, EVA)) == 1 and len(_plan_dms(town, ANA)) == 1


def test_baby_milk_is_never_planned_from_rice_it_is_a_suggestion_for_the_committee(town: Board) -> None:
    town.send(ANA, "OFREZCO arroz 1kg @hill")
    town.send(CARO, "EMERGENCY ON")
    town.send(BEN, "NECESITO leche para bebé !! @farms")
    town.clock.advance(10 * 60)
    emergency.tick(town.engine, town.settings, town.clock.now)
    row = _row(town)
    with session(town.engine) as db:
        assert db.exec(select(PlanStep)).all() == []
        assert db.exec(select(Match)).all() == []
        board = snapshot(db, row, town.clock.now, town.settings)
    for person in (ANA, BEN, EVA):
        assert _plan_dms(town, person) == []
        assert not any("arroz" in o.text and "leche" in o.text for o in town.outbox(person))
    [idea] = board.suggestions
    assert idea.startswith("n2 leche para bebé <- o1 arroz 1kg (Ana !000000a1): same category (food) only")
    assert "Suggestions for the committee, same category only (1):" in render_text(board)
    assert "meshbot match make o1 n2" in render_html(board)
    # Baby milk offered later is planned for the need, and the suggestion goes away.
    town.send(DAVE, "OFFER baby formula 2 @river")
    town.clock.advance(60 * 60)
    emergency.tick(town.engine, town.settings, town.clock.now)
    row = _row(town)
    with session(town.engine) as db:
        [step] = db.exec(select(PlanStep)).all()
        assert (step.need_id, step.offer_id) == (2, 3)
        assert snapshot(db, row, town.clock.now, town.settings).suggestions == []


def test_done_from_the_receiver_marks_the_move_delivered(town: Board) -> None:
    town.send(ANA, "OFFER water 40L @hill")
    town.send(CARO, "EMERGENCY ON")
    town.send(BEN, "NEED water 20L !! @farms")
    town.clock.advance(10 * 60)
    emergency.tick(town.engine, town.settings, town.clock.now)
    with session(town.engine) as db:
        [step] = db.exec(select(PlanStep)).all()
    assert town.send(BEN, f"DONE m{step.match_id}") == f"m{step.match_id} done. Thank you!"
    town.clock.advance(60)
    emergency.tick(town.engine, town.settings, town.clock.now)
    with session(town.engine) as db:
        board = snapshot(db, _row(town), town.clock.now, town.settings)
    assert [d.need for d in board.delivered] == ["n2"] and board.pledged == []


def test_digests_and_routine_notices_wait_while_emergency_mode_is_on(town: Board) -> None:
    with session(town.engine) as db, db.begin():
        enqueue(db, Outgoing("digest for the committee", CARO, Priority.DIGEST), town.clock.now, False)
        enqueue(db, Outgoing("a routine match notice", ANA, Priority.NOTICE), town.clock.now, False)
        enqueue(db, Outgoing("an answer", ANA, Priority.REPLY), town.clock.now, False)
    town.send(CARO, "EMERGENCY ON")
    emergency.tick(town.engine, town.settings, town.clock.now)
    [held] = [o for o in town.outbox(CARO) if o.priority == Priority.DIGEST]
    assert held.not_before == _row(town).deadline and held.state == "pending"
    assert held.held_by_emergency == _row(town).id and held.error is None
    [notice] = [o for o in town.outbox(ANA) if o.text == "a routine match notice"]
    [answer] = [o for o in town.outbox(ANA) if o.text == "an answer"]
    assert notice.not_before == _row(town).deadline and answer.not_before < _row(town).deadline
    assert town.send(CARO, "EMERGENCY OFF") == replies.emergency_ended()
    [released] = [o for o in town.outbox(CARO) if o.priority == Priority.DIGEST]
    assert released.not_before == town.clock.now and released.error is None and released.held_by_emergency is None
    assert answer.held_by_emergency is None
    assert [o.text for o in town.outbox(BROADCAST)][-1] == replies.emergency_over()


def test_reminders_are_broadcast_at_intervals_with_hours_left(town: Board) -> None:
    town.send(CARO, "EMERGENCY ON")
    town.send(BEN, "NEED water 20L !! @farms")
    for _ in range(7):
        town.clock.advance(HOUR)
        emergency.tick(town.engine, town.settings, town.clock.now)
    reminders = [o.text for o in town.outbox(BROADCAST) if "left/quedan" in o.text]
    assert reminders[0].startswith("EMERGENCY/EMERGENCIA 9h left/quedan, 1 critical needs") and len(reminders) == 2


def test_the_board_and_the_report_show_the_state(town: Board) -> None:
    town.send(ANA, "OFFER water 40L @hill")
    town.clock.advance(60)
    town.send(CARO, "EMERGENCY ON")
    town.send(BEN, "NEED water 20L !! @farms")
    town.send(FEDE, "NEED insulin !!")
    town.send(DAVE, "SAFE")
    town.clock.advance(2 * HOUR)
    emergency.tick(town.engine, town.settings, town.clock.now)
    with session(town.engine) as db:
        board = snapshot(db, _row(town), town.clock.now, town.settings)
    assert board.hours_left == pytest.approx(10.0)
    assert [s.need for s in board.pledged] == ["n2"]
    assert board.safe == ["Dave !000000d4"] and "Ana !000000a1" in board.not_heard
    text = render_text(board)
    assert "10.0 h left of 12" in text and "n3 insulin @farms!!" in text and "unmet" in text
    page = render_html(board)
    assert '<meta http-equiv="refresh" content="60">' in page and "10.0 h left of 12" in page
    assert '<td class="unmet">unmet</td>' in page and "Dave !000000d4" in page
    assert "@media print" in page  # the papers' one page style, not a renderer of its own
    for external in ("<script", "<link", " src=", "http://", "https://"):
        assert external not in page
    town.send(CARO, "EMERGENCY OFF")
    row = _row(town)
    with session(town.engine) as db:
        assert row.report == render_report(snapshot(db, row, town.clock.now, town.settings))
    report = row.report or ""
    assert "## Critical needs that stayed unmet (1)" in report and "n3 insulin @farms!!" in report
    assert "emergency mode on: declared by" in report and "emergency mode ended" in report


def test_the_commands_start_show_and_end_it(town: Board, tmp_path: Path) -> None:
    db = ["--db", str(town.path), "-s", "timezone=UTC"]
    town.send(ANA, "OFFER water 40L @hill")
    town.send(BEN, "NEED water 20L !! @farms")
    result = CliRunner().invoke(main, [*db, "emergency", "start", "--reason", "power cut, river rising"])
    assert result.exit_code == 0, result.output
    assert "Emergency mode on until" in result.output and "1 move(s) planned" in result.output
    again = CliRunner().invoke(main, [*db, "emergency", "start", "--reason", "x"])
    assert again.exit_code != 0 and "already on" in again.output
    page = tmp_path / "board.html"
    shown = CliRunner().invoke(main, [*db, "emergency", "status", "--html", str(page)])
    assert shown.exit_code == 0 and "EMERGENCY: power cut, river rising" in shown.output
    assert "Emergency: power cut, river rising" in page.read_text(encoding="utf-8")
    report = tmp_path / "report.md"
    ended = CliRunner().invoke(main, [*db, "emergency", "end", "--report", str(report)])
    assert ended.exit_code == 0 and report.read_text(encoding="utf-8").startswith("# Emergency report")
    assert CliRunner().invoke(main, [*db, "emergency", "end"]).exit_code != 0
    with session(town.engine) as s:
        assert s.exec(select(OutboxItem).where(OutboxItem.text == replies.emergency_over())).first() is not None


def test_the_daemon_makes_no_digest_while_emergency_mode_is_on(town: Board) -> None:
    """`crisis_chores` (the daemon's housekeeping for alerts and emergencies) says it is on,
    and the daemon then skips the daily digest."""
    import simpy

    from hardware.sim import SimLink, load_scenario
    from meshbot.alerts.crisis_chores import crisis_chores as chores

    scenario = load_scenario("block")
    link = SimLink(scenario.build(simpy.Environment()), scenario.base)
    link.connect()
    assert chores(town.engine, town.settings, link, town.clock.now) is False
    town.send(CARO, "EMERGENCY ON")
    assert chores(town.engine, town.settings, link, town.clock.now) is True
    town.clock.advance(11 * 60)
    town.send(CARO, "EMERGENCY OFF")
    assert chores(town.engine, town.settings, link, town.clock.now) is False
