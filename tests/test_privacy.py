"""Coarse places: no house number, flat number or phone number in anything broadcast or listed."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from meshbot.delivery.outbox import Outgoing, Priority, enqueue
from meshbot.delivery.privacy import coarse
from store import Member, OutboxItem, session
from tests.conftest import Board

BROADCAST = 0xFFFFFFFF
DEV, ANA, BEN = 0xD1, 0xA1, 0xB2


@pytest.mark.parametrize(("typed", "broadcast"), [
    ("fire at 12 Elm St, call 555 123 4567", "fire at Elm St, call"),
    ("family evicted from 221B Baker Street", "family evicted from Baker Street"),
    ("calle Mayor 5, 3ºB sin luz", "calle Mayor, sin luz"),
    ("Elm St 12 flooding", "Elm St flooding"),
    ("gas leak, flat 4B, Oak Road", "gas leak, flat Oak Road"),
    ("call +34 612 345 678 now", "call now"),
    ("trapped at 40.4168, -3.7038", "trapped at"),
    ("smoke at no. 5", "smoke at"),
    ("house #23 flooded", "house flooded"),
    ("Avenida de la Paz 14, 2º izq", "Avenida de la Paz, izq"),
    ("write to ana@example.org", "write to"),
    # Counts, times, quantities and ids stay.
    ("3 families on Elm St need food", "3 families on Elm St need food"),
    ("rides tue 9-12 until 2026-11-28", "rides tue 9-12 until 2026-11-28"),
    ("need 2 blankets for 4 kids @oak", "need 2 blankets for 4 kids @oak"),
    ("ALERT a3 @oak: fire (Ana !12345678)", "ALERT a3 @oak: fire (Ana !12345678)"),
])
def test_coarse(typed: str, broadcast: str) -> None:
    assert coarse(typed) == broadcast
    assert coarse(broadcast) == broadcast  # idempotent: any layer may apply it again


STREETS = st.sampled_from(["Elm", "Oak", "Wobblestone", "Old Mill", "Mayor", "Río", "de la Paz"])
SUFFIX = st.sampled_from(["St", "Street", "Lane", "Road", "Rd", "Ave", "Avenue", "Drive", "Way", "Court"])
SPANISH = st.sampled_from(["calle", "Calle", "avenida", "Avda.", "paseo", "c/", "plaza", "camino"])
HOUSE = st.integers(min_value=100, max_value=9999)
LETTER = st.sampled_from(["", "b", "B", " A"])


@st.composite
def placed_texts(draw: st.DrawFn) -> tuple[str, str]:
    """A text a resident might type with an exact place in it, and the number that must not go out."""
    n = str(draw(HOUSE))
    street, suffix, letter = draw(STREETS), draw(SUFFIX), draw(LETTER)
    spanish = draw(SPANISH)
    phone = f"{draw(st.integers(600, 699))} {draw(st.integers(100, 999))} {draw(st.integers(100, 999))}"
    template = draw(st.sampled_from([
        "fire at {n}{l} {s} {x}", "{s} {x} {n}, flooding", "family evicted from {n}{l} {s} {x} tonight",
        "{sp} {s} {n}, 2ºB sin luz", "gas leak, flat {n}{l}, {s} {x}", "insulin needed at #{n} {s} {x}",
        "apt {n} at {s} {x}", "call {p} for the keys", "No. {n} {s} {x} roof collapsed", "{n} {s} {x}",
        "trapped, {s} {x} nº {n}", "vecina de {sp} {s} {n} necesita ayuda, tel {p}",
    ]))
    text = template.format(n=n, l=letter, s=street, x=suffix, sp=spanish, p=phone)
    secret = phone if "{p}" in template else n
    return text, secret


def _contains(text: str, secret: str) -> bool:
    digits = re.sub(r"\D", "", secret)
    return bool(re.search(rf"(?<!\d){digits}(?!\d)", re.sub(r"[ \-.()]", "", text))) if " " in secret \
        else bool(re.search(rf"(?<!\d){re.escape(secret)}(?!\d)", text))


@settings(max_examples=300, deadline=None)
@given(placed_texts())
def test_no_house_or_phone_number_survives(case: tuple[str, str]) -> None:
    text, secret = case
    assert _contains(text, secret)
    assert not _contains(coarse(text), secret), (text, coarse(text))


def test_every_broadcast_row_is_coarse_whoever_queues_it(board: Board) -> None:
    with session(board.engine) as db, db.begin():
        enqueue(db, Outgoing("ALERT a9 @oak: fire at 4721 Wobblestone Lane, call 612 998 877"), 0.0, False)
        enqueue(db, Outgoing("a9 repeat: fire at 4721 Wobblestone Lane", ANA, Priority.ALERT), 0.0, True)
        enqueue(db, Outgoing("Your n1: insulin at 4721 Wobblestone Lane", ANA, Priority.NOTICE), 0.0, True)
    rows = board.outbox()
    assert [r.text for r in rows[:2]] == ["ALERT a9 @oak: fire at Wobblestone Lane, call",
                                          "a9 repeat: fire at Wobblestone Lane"]
    assert rows[2].text.endswith("at 4721 Wobblestone Lane")  # a DM to the matched party keeps the door


def test_an_alert_with_a_house_number_goes_on_air_without_it(board: Board) -> None:
    board.send(DEV, "JOIN Dev oak")
    with session(board.engine) as db, db.begin():
        dev = db.get(Member, DEV)
        dev.role, dev.status = "committee", "approved"  # type: ignore[union-attr]
    board.send(DEV, "ALERT fire at 4721 Wobblestone Lane, call 612 998 877 @oak")
    board.send(ANA, "SOS family evicted from 88b Old Mill Road", direct=False)
    board.clock.advance(3600)
    board.send(ANA, "LIST")  # whatever else runs, the broadcasts are what matter
    with session(board.engine) as db:
        on_air = [o.text for o in db.exec(select(OutboxItem).where(OutboxItem.destination == BROADCAST))]
    assert on_air, "the committee member's alert went out"
    assert not [t for t in on_air if re.search(r"4721|612 ?998|88b", t)], on_air
    assert any("Wobblestone Lane" in t for t in on_air)


def test_a_posting_with_a_house_number_is_listed_without_it(board: Board) -> None:
    posted = board.send(ANA, "NEED insulin at 4721 Wobblestone Lane !!")
    assert posted is not None and posted.startswith("n1 insulin at ")
    assert "4721" in (board.send(ANA, "SHOW n1") or "")  # the author's own DM keeps what they typed
    shown = board.send(BEN, "SHOW n1")
    assert shown is not None and "wobblestone" in shown and "4721" not in shown
    listed = board.send(BEN, "LIST needs")
    found = board.send(BEN, "FIND insulin")
    assert listed is not None and "insulin" in listed and "4721" not in listed
    assert found is not None and "insulin" in found and "4721" not in found
