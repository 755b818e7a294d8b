"""Volunteer services from a handheld: one packet in, one back, and the board's rows after.

SERVICES/SERVICIOS, SIGNUP s3 (with a waiting line), VOLUNTEER s3 driver, CANT s3 (the
next in line is told), DONE s3 (attendance), EVENTS and RSVP e2, on a real SQLite file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from meshbot.security.audit import entries
from meshbot.services import catalog, pods
from meshbot.services.catalog import Description
from meshbot.services.schedule import zone
from meshbot.settings import Settings
from store import Member, session
from store.services import PodAway, ServiceHelper, ServiceSession, ServiceSignup
from tests.conftest import Board, Clock, T0

ANA, BEN, CARA, DAN, EVA = 0xA1, 0xB2, 0xC3, 0xD4, 0xE5
TZ = "Europe/Madrid"
DAY = 86400.0


@pytest.fixture
def board(tmp_path: Path) -> Board:
    return Board(tmp_path / "board.db", Clock(T0), Settings(db=":memory:", timezone=TZ))


def add(board: Board, **fields: object) -> int:
    described = {"kind": "repair", "name": "Bike repair", "place": "elm", "day": "2026-01-03",
                 "start": "10:00", **fields}
    with session(board.engine) as db, db.begin():
        service = catalog.add(db, Description(**described), "cli:test", board.clock.now, zone(TZ))  # type: ignore[arg-type]
        return int(service.id or 0)


def sessions(board: Board, service_id: int) -> list[ServiceSession]:
    with session(board.engine) as db:
        return list(db.exec(select(ServiceSession).where(ServiceSession.service_id == service_id)
                            .order_by(ServiceSession.starts)).all())


def signups(board: Board) -> list[tuple[int, int, str]]:
    with session(board.engine) as db:
        return [(s.session_id, s.node, s.state) for s in db.exec(select(ServiceSignup).order_by(ServiceSignup.id))]


def test_a_weekly_service_is_planned_two_weeks_ahead_at_its_local_hour(board: Board) -> None:
    service_id = add(board, weekday=5)
    planned = sessions(board, service_id)
    assert len(planned) == 2  # saturdays 3 and 10 January, within 14 days of 1 January
    assert planned[0].starts == 1_767_430_800.0  # 2026-01-03 10:00 in Madrid = 09:00 UTC
    assert planned[1].starts - planned[0].starts == 7 * DAY
    assert [e.action for e in entries(board.engine)] == ["service.add"]


def test_services_lists_the_next_7_days_in_one_packet(board: Board) -> None:
    add(board, weekday=5)
    add(board, kind="medical", name="Checkups", place="oak", day="2026-01-05", start="17:30", one_off=True)
    reply = board.send(ANA, "SERVICES")
    assert reply == "Services 7d (2): s1 Bike repair sat 10:00 @elm; s3 Checkups mon 17:30 @oak"
    assert board.send(BEN, "SERVICIOS") == "Servicios 7d (2): s1 Bike repair sáb 10:00 @elm; s3 Checkups lun 17:30 @oak"


def test_more_pages_the_services_not_yet_shown(board: Board) -> None:
    for n in range(12):
        add(board, name=f"Tutoring group {n}", kind="tutoring", one_off=True)
    first = board.send(ANA, "SERVICES")
    assert first is not None and first.startswith("Services 7d (12): s1 ") and "(MORE)" in first
    assert len(first.encode()) <= 200
    second = board.send(ANA, "MORE")
    assert second is not None and second.startswith("Services 7d ") and "/12: " in second
    assert "s1 " not in second.split(":", 1)[1]


def test_signup_books_a_place_with_what_to_bring(board: Board) -> None:
    add(board, weekday=5, bring="your bike", capacity=5)
    reply = board.send(ANA, "SIGNUP s1")
    assert reply == "You're in s1 Bike repair sat 10:00 @elm. Bring: your bike. CANT s1 if you can't come."
    assert signups(board) == [(1, ANA, "booked")]
    assert board.send(ANA, "signup s1") == "You're already on s1. CANT s1 if you can't come."
    assert signups(board) == [(1, ANA, "booked")]


def test_a_full_session_puts_the_next_in_line_and_cant_gives_them_the_place(board: Board) -> None:
    add(board, weekday=5, capacity=1)
    board.send(ANA, "SIGNUP s1")
    assert board.send(BEN, "SIGNUP s1") == (
        "s1 is full: you're number 1 in line. We'll tell you if a place opens. CANT s1 to leave.")
    board.send(CARA, "APUNTARME s1")
    assert board.send(ANA, "CANT s1") == "You're off s1. Thanks for saying."
    assert signups(board) == [(1, ANA, "dropped"), (1, BEN, "booked"), (1, CARA, "waiting")]
    told = [o.text for o in board.outbox(BEN)]
    assert told[-1] == "A place opened for you in s1 Bike repair sat 10:00. CANT s1 if you can't come."
    assert not any(o.text.startswith("Se liberó") for o in board.outbox(CARA))


def test_volunteer_offers_help_in_a_role_and_cant_tells_the_committee(board: Board) -> None:
    add(board, weekday=5)
    with session(board.engine) as db, db.begin():
        db.add(Member(node_num=EVA, first_seen=T0, last_seen=T0, role="committee", name="Eva"))
    assert board.send(BEN, "VOLUNTEER s1 driver") == (
        "Thank you! You're driver for s1 Bike repair sat 10:00. CANT s1 if you can't.")
    with session(board.engine) as db:
        helper = db.exec(select(ServiceHelper)).one()
        assert (helper.session_id, helper.node, helper.role, helper.state) == (1, BEN, "driver", "active")
    board.send(BEN, "CANT s1")
    with session(board.engine) as db:
        assert db.exec(select(ServiceHelper.state)).one() == "dropped"
    assert "can't help at s1 Bike repair sat 10:00 (driver)" in board.outbox(EVA)[-1].text


def test_done_records_attendance_once_the_session_has_started(board: Board) -> None:
    add(board, weekday=5)
    board.send(ANA, "SIGNUP s1")
    assert board.send(ANA, "DONE s1") == "s1 has not started yet. DONE s1 once you've been."
    assert signups(board) == [(1, ANA, "booked")]
    board.clock.advance(2 * DAY + 10 * 3600)  # saturday 11:00 in Madrid
    assert board.send(ANA, "DONE s1") == "Thanks for coming to s1! Recorded."
    assert board.send(BEN, "hecho s1") == "¡Gracias por venir a s1! Anotado."
    assert signups(board) == [(1, ANA, "attended"), (1, BEN, "attended")]


@pytest.mark.parametrize("text", ["SIGNUP s99", "CANT s99", "VOLUNTEER s99 driver", "RSVP e1", "DONE s99"])
def test_a_session_that_does_not_exist_gets_a_short_answer_and_changes_nothing(board: Board, text: str) -> None:
    add(board, weekday=5)
    reply = board.send(ANA, text)
    assert reply is not None and reply.startswith("No ") and "coming up" in reply and len(reply.encode()) <= 200
    assert signups(board) == []


def test_cant_when_not_on_the_session_says_so(board: Board) -> None:
    add(board, weekday=5)
    assert board.send(ANA, "CANT s1") == "You're not on s1. SIGNUP s1 to join it."


def test_events_and_rsvp(board: Board) -> None:
    add(board, kind="market", name="Market day", place="plaza", day="2026-01-10", start="09:00", one_off=True,
        bring="what you trade")
    assert board.send(ANA, "EVENTS") == "Events 14d (1): e1 Market day sat 10/1 09:00 @plaza"
    assert board.send(ANA, "RSVP e1") == (
        "See you at e1 Market day sat 10/1 09:00 @plaza. Bring: what you trade. CANT e1 to undo.")
    assert board.send(BEN, "ASISTO 1").startswith("Nos vemos en e1 Market day sáb 10/1 09:00 @plaza.")  # type: ignore[union-attr]
    assert board.send(ANA, "SERVICES") == "No services in the next 7 days. EVENTS lists events."
    assert board.send(CARA, "SIGNUP e1").startswith("See you at e1")  # type: ignore[union-attr]
    assert signups(board) == [(1, ANA, "booked"), (1, BEN, "booked"), (1, CARA, "booked")]


def pod(board: Board, households: list[int]) -> int:
    service_id = add(board, kind="childcare", name="Care pod", place="elm", weekday=1, day="2026-01-06",
                     start="16:00", pod=True)
    with session(board.engine) as db, db.begin():
        for node in households:
            catalog.add_helper(db, service_id, node, "host", "cli:test", board.clock.now)
        for s in db.exec(select(ServiceSession)).all():
            pods.assign(db, catalog.get(db, service_id), s, zone(TZ))
    return service_id


def test_a_pods_host_who_cant_passes_the_turn_to_the_next_household(board: Board) -> None:
    service_id = pod(board, [ANA, BEN, CARA])
    first, second = sessions(board, service_id)
    assert (first.host, second.host) == (ANA, BEN)
    assert board.send(ANA, "CANT s1") == "You're off s1. Thanks for saying."
    first, second = sessions(board, service_id)
    assert first.host == CARA  # BEN already hosts the next week's turn of this round
    assert board.outbox(CARA)[-1].text == "You host s1 Care pod tue 16:00 (your pod's turn). CANT s1 if you can't."
    with session(board.engine) as db:
        away = db.exec(select(PodAway)).one()
        assert (away.node, away.first_day, away.last_day) == (ANA, "2026-01-06", "2026-01-06")


def test_the_host_and_those_coming_are_reminded_the_day_before_but_not_at_night(board: Board) -> None:
    from meshbot.services.reminders import services_chores

    pod(board, [ANA, BEN])
    board.send(CARA, "SIGNUP s1")  # the pod's first session: tuesday 6 January 16:00 in Madrid
    board.clock.now = 1_767_646_800.0  # monday 5 January 22:00 in Madrid: night, within the day before
    assert services_chores(board.engine, board.settings, board.clock.now) == 0
    board.clock.now = 1_767_682_800.0  # tuesday 08:00: morning
    assert services_chores(board.engine, board.settings, board.clock.now) == 2
    assert board.outbox(ANA)[-1].text == "Reminder: you host s1 Care pod tue 16:00. CANT s1 if you can't."
    assert board.outbox(CARA)[-1].text == "Reminder: s1 Care pod tue 16:00 @elm. CANT s1 if you can't come."
    assert board.outbox(ANA)[-1].priority == 3  # low: after answers and notices
    assert services_chores(board.engine, board.settings, board.clock.now + 600) == 0  # once


def test_the_digest_answers_what_is_scheduled_needed_and_overloaded(board: Board) -> None:
    from meshbot.services.overload import services_sections

    add(board, weekday=5, capacity=1)
    board.send(ANA, "SIGNUP s1")
    board.send(BEN, "SIGNUP s1")  # one place, two who want it
    board.send(CARA, "NEED someone to watch 2 kids #childcare")
    with session(board.engine) as db, db.begin():
        catalog.add_helper(db, 1, DAN, "lead", "cli:test", board.clock.now)
        scheduled, missing = services_sections(db, board.clock.now, zone(TZ), hours_cap=3)
    assert scheduled.rows[0][:5] == ("s1", "Bike repair", "sat 3/1 10:00", "1/1", "1")
    whats = {(row[0], row[1]) for row in missing.rows}
    assert ("overbooked", "s1 Bike repair") in whats
    assert ("not offered", "childcare") in whats
    assert any(row[0] == "overloaded" and row[2].startswith("4 h in 30 days") for row in missing.rows)
