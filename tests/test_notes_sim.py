"""Residents reach each other through the bot after a match, on the simulated mesh.

The daemon runs on SimLink with a real SQLite file; the residents are the stock
simulated radios, and every text crosses the simulated air. Time is the simulator's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from meshbot.delivery.outbox import Priority
from store import Member, OutboxItem, session
from store.models import RelayNote
from tests.test_e2e_sim import World

OFF_FOR_S = 20 * 60.0  # longer than note_heard_minutes (15): the radio is not heard lately


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path / "meshbot.db")
    yield w
    if w.daemon is not None:
        w.daemon.close()


def notes(world: World) -> list[tuple[int, int, str, str]]:
    assert world.daemon is not None
    with session(world.daemon.engine) as db:
        return [(n.sender, n.recipient, n.state, n.text)
                for n in db.exec(select(RelayNote).order_by(RelayNote.id)).all()]  # type: ignore[arg-type]


def queued_to(world: World, node: int) -> list[str]:
    assert world.daemon is not None
    with session(world.daemon.engine) as db:
        return [o.text for o in db.exec(select(OutboxItem).where(OutboxItem.destination == node)).all()]


def priority_of(world: World, node: int, text: str) -> int:
    assert world.daemon is not None
    with session(world.daemon.engine) as db:
        [row] = [o for o in db.exec(select(OutboxItem).where(OutboxItem.destination == node)).all() if o.text == text]
        return row.priority


def make_committee(world: World, node: int) -> None:
    assert world.daemon is not None
    with session(world.daemon.engine) as db, db.begin():
        member = db.get(Member, node)
        assert member is not None
        member.role = "committee"


def matched(world: World) -> tuple[int, int]:
    """Ana offers a tent, Ben needs one: match m1 between them."""
    ana, ben = world.resident(2), world.resident(5)
    world.say(ana, "JOIN Ana elm")
    world.say(ben, "JOIN Ben oak")
    world.say(ana, "OFFER tent")
    assert world.say(ben, "NEED tent")[0].startswith("Match m1: Ana ")
    return ana, ben


def test_a_note_to_a_radio_that_is_off_is_held_and_delivered_when_it_next_transmits(world: World) -> None:
    ana, ben = matched(world)
    world.mesh.node(ana).radio_off()
    world.mesh.advance(OFF_FOR_S)
    got = world.say(ben, "MSG m1 I can pick it up at 5pm")
    assert got == ["Ana's radio is not heard now. Note held for m1; it goes when they next transmit."]
    relayed = "m1 Ben: I can pick it up at 5pm (MSG m1 to answer)"
    assert notes(world) == [(ben, ana, "held", relayed)]
    assert relayed not in queued_to(world, ana)  # held: no airtime spent on a silent radio

    world.mesh.node(ana).radio_on()
    world.say(ana, "MY")  # Ana's radio is heard again
    assert relayed in world.texts(ana)
    assert notes(world) == [(ben, ana, "queued", relayed)]
    assert priority_of(world, ana, relayed) == Priority.NOTE  # after every text the bot says itself

    # The answer goes back the same way, under the same code.
    assert world.say(ana, "MSG m1 see you at 5, gate by the oak") == ["Note sent to Ben (m1)."]
    assert "m1 Ana: see you at 5, gate by the oak (MSG m1 to answer)" in world.texts(ben)


def test_a_note_through_the_posting_id_reaches_the_taker_and_spanish_gets_spanish(world: World) -> None:
    ana, ben = world.resident(2), world.resident(5)
    world.say(ana, "UNIRSE Ana olmo")
    world.say(ana, "OFREZCO sillas 4")
    world.say(ben, "JOIN Ben oak")
    assert world.say(ben, "TAKE o1")[0].startswith("You took o1 sillas 4 @olmo from Ana ")
    assert world.say(ben, "MSG o1 when can I come?") == ["Note sent to Ana (m1)."]
    assert "m1 Ben: when can I come? (NOTA m1 para responder)" in world.texts(ana)
    assert world.say(ana, "NOTA o1 mañana a las 10") == ["Nota enviada a Ben (m1)."]
    assert "m1 Ana: mañana a las 10 (MSG m1 to answer)" in world.texts(ben)


def test_only_the_two_sides_and_the_committee_use_a_match_thread(world: World) -> None:
    ana, ben = matched(world)
    caro, dave = world.resident(3), world.resident(0)
    refused = "Only the two sides of m1 and the committee can write in it. Nothing sent."
    assert world.say(caro, "MSG m1 is the tent still there?") == [refused]
    assert world.say(caro, "MSG o1 is the tent still there?") == [refused.replace("m1", "o1")]
    assert world.say(caro, "MSG Ana hello") == [
        "Only the committee can write by name. Use MSG m3 words in your match."]
    assert world.say(caro, "MSG m7 hello") == ["No match m7. MSG m3 words: ids are in your match texts."]
    assert world.say(caro, "MSG m1") == ["MSG m3 your words: a note to the other side of match m3 (or o12, n7)"]
    # 8 bytes of `m1 Ben: ` plus 199 of words cannot go in one packet: refused, not cut.
    assert world.say(ben, "MSG m1 " + "abcdefghi " * 20) == ["Note too long by 7 bytes. Nothing sent; shorten it."]
    assert notes(world) == []

    world.say(dave, "JOIN Dave elm")
    make_committee(world, dave)
    assert world.say(dave, "MSG m1 the van can carry it") == ["Note sent to Ana & Ben (m1)."]
    assert "m1 Dave: the van can carry it (MSG m1 to answer)" in world.texts(ana)
    assert "m1 Dave: the van can carry it (MSG m1 to answer)" in world.texts(ben)
    # By name: the committee to anyone, and a resident back to the committee member.
    assert world.say(dave, "MSG caro are you safe?") == ["Note sent to CARO."]
    assert "Note from Dave: are you safe? (MSG Dave to answer)" in world.texts(caro)
    assert world.say(caro, "MSG Dave yes, all fine") == ["Note sent to Dave."]
    assert "Note from CARO: yes, all fine (MSG CARO to answer)" in world.texts(dave)
    assert world.say(dave, "MSG Zed hi") == ["Nobody named Zed. Nothing sent."]


def test_held_notes_are_bounded_per_resident(world: World) -> None:
    ana, ben = matched(world)
    world.mesh.node(ana).radio_off()
    world.mesh.advance(OFF_FOR_S)
    for n in range(5):  # note_hold_max
        assert world.say(ben, f"MSG m1 note {n}")[0].startswith("Ana's radio is not heard now.")
    assert world.say(ben, "MSG m1 note 5") == [
        "Ana already has 5 notes waiting. Nothing sent; try again once they are heard."]
    assert [state for *_, state, _ in notes(world)] == ["held"] * 5


def test_take_and_match_texts_name_the_other_side_never_a_bare_node_id(world: World) -> None:
    ana, gus, iris = world.resident(2), world.resident(7), world.resident(8)
    world.say(ana, "JOIN Ana elm")
    world.say(gus, "OFFER bike pump")  # Gus never sent JOIN: his radio's short name stands for him
    got = world.say(ana, "TAKE o1")
    assert got == [f"You took o1 bike pump from GUS !{gus:08x}. MSG o1 to write; DONE o1 when settled."]
    assert f"Ana !{ana:08x} takes your o1. MSG o1 to write; DONE o1 when settled." in world.texts(gus)
    world.say(iris, "OFFER soup 2 jars")
    match_dm = world.say(ana, "NEED soup")
    assert match_dm[0].startswith(f"Match m2: IRIS !{iris:08x} offers soup")
    every = world.texts(ana) + world.texts(gus) + world.texts(iris)
    for text in every:
        for found in re.finditer(r"!([0-9a-f]{8})", text):
            before = text[:found.start()].rstrip().split()
            assert before and before[-1] in ("Ana", "GUS", "IRIS"), text


def test_an_author_with_several_matches_on_a_posting_is_told_their_codes(world: World) -> None:
    ana, ben, caro = world.resident(2), world.resident(5), world.resident(3)
    world.say(ana, "OFFER rice 4kg")
    assert world.say(ben, "NEED rice 2kg")[0].startswith("Match m1: ")
    assert world.say(caro, "NEED rice 2kg")[0].startswith("Match m2: ")
    assert world.say(ana, "MSG o1 come after 5") == ["o1 has several matches: MSG m1 or m2 words."]
    assert world.say(ana, "MSG m2 come after 5") == ["Note sent to CARO (m2)."]
    assert "m2 ANA: come after 5 (MSG m2 to answer)" in world.texts(caro)
    assert not any(t.startswith("m2 ANA") for t in world.texts(ben))


def test_a_note_whose_tries_failed_goes_again_when_the_radio_is_next_heard(world: World) -> None:
    ana, ben = matched(world)
    world.mesh.node(ana).radio_off()  # just heard, so the note is tried at once, and fails
    assert world.say(ben, "MSG m1 are you home?") == ["Note sent to Ana (m1)."]
    relayed = "m1 Ben: are you home? (MSG m1 to answer)"
    world.mesh.advance(15 * 60)
    assert world.daemon is not None
    with session(world.daemon.engine) as db:
        tries = [o.state for o in db.exec(select(OutboxItem).where(OutboxItem.destination == ana)).all()
                 if o.text == relayed]
    assert tries == ["failed"]
    assert relayed not in world.texts(ana)
    world.mesh.node(ana).radio_on()
    world.say(ana, "MY")
    assert relayed in world.texts(ana)
