"""The matching rules as pure functions: item keys, units, shares, and the whole-board pass.

The property tests check, over random neighbourhoods, what the committee relies on:
nothing is promised twice, nobody is matched with themselves, and no need is left
waiting while a compatible offer still has something to give (least of all a critical
one, and a lower level never gets what a more urgent need could have had).
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meshbot.board.matching.board import match_board
from meshbot.board.matching.items import fit_items
from meshbot.board.matching.policy import (
    Allocation, Policy, Side, compatible, distance, neighbour_map, share, share_out,
)
from meshbot.board.matching.units import convert, dimension, is_counted, nice
from protocol.items import Vocabulary, identify

VOCAB = Vocabulary.load()

NOW = 1_000_000.0
HOUR = 3600.0
_ids = itertools.count(1)


def side(kind: str, item: str = "rice", quantity: float | None = None, unit: str | None = None, *,
         urgency: int = 2, zone: str | None = "elm", author: int | None = None, created: float = NOW - HOUR,
         category: str = "food", expires: float | None = None, community: str = "main") -> Side:
    what = identify(item, VOCAB)
    ident = next(_ids)
    return Side(
        id=ident, kind=kind, author=author if author is not None else 1000 + ident, community=community,
        category=category, keys=frozenset({what.concept}) if what.concept else frozenset(), generic=what.generic,
        unit=unit, quantity=quantity, available=1.0 if quantity is None else quantity, urgency=urgency, zone=zone,
        created=created, expires=expires, ident=what,
    )


# -- items -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), [
    ("rice", "arroz"), ("coat", "jacket"), ("winter coat size M", "chamarra"), ("beans", "frijoles"),
    ("canned beans", "habichuelas"), ("blanket", "mantas"), ("diapers", "pañales"), ("tomatoes", "tomate"),
    ("rice for my kids", "10 kilos de arroz"), ("ride to clinic", "aventón"), ("batteries", "pilas"),
    ("shoes", "zapatos"), ("food", "rice"), ("comida", "rice"), ("ropa", "sweater"),
])
def test_items_that_are_the_same_thing_fit(a: str, b: str) -> None:
    assert fit_items(a, b) is not None


@pytest.mark.parametrize(("a", "b"), [
    ("rice", "beans"), ("kids shoes", "kids jacket"), ("canned beans", "canned tuna"), ("coat", "shoes"),
    ("winter coat", "winter boots"), ("baby formula", "baby wipes"),
])
def test_different_things_do_not_fit(a: str, b: str) -> None:
    assert fit_items(a, b) is None


def test_an_item_naming_only_its_category_is_generic() -> None:
    assert all(identify(item, VOCAB).generic for item in ("food", "Comida", "help"))
    assert not identify("rice", VOCAB).generic


# -- units ---------------------------------------------------------------------------------------------


def test_units_convert_within_their_dimension_only() -> None:
    assert convert(1, "kg", "g") == 1000
    assert convert(2, "lb", "kg") == pytest.approx(0.907, abs=1e-3)
    assert convert(1, "gal", "L") == pytest.approx(3.785, abs=1e-3)
    assert convert(500, "ml", "L") == 0.5
    assert convert(3, None, "pcs") == 3
    assert convert(2, "kg", "L") is None and convert(2, "bags", "kg") is None
    assert dimension("bags") == "bags" and is_counted("bags") and not is_counted("kg")
    assert nice(10 / 3) == 3.33 and nice(123.456) == 123.0


def test_incompatible_units_are_not_matched() -> None:
    offer, need = side("offer", "rice", 10, "kg"), side("need", "rice", 2, "bags")
    assert not compatible(offer, need, NOW)
    assert compatible(offer, side("need", "rice", 5, "lb"), NOW)
    assert compatible(offer, side("need", "rice"), NOW)  # no quantity: anything fits


def test_never_ones_own_posting_nor_another_category_community_or_an_expired_one() -> None:
    offer = side("offer", "rice", 10, "kg", author=7)
    assert not compatible(offer, side("need", "rice", author=7), NOW)
    assert not compatible(offer, side("need", "rice", category="other"), NOW)
    assert not compatible(offer, side("need", "rice", community="north"), NOW)
    assert not compatible(offer, side("need", "rice", expires=NOW - 1), NOW)
    need = side("need", "rice")
    assert not compatible(offer, need, NOW, excluded={(offer.id, need.id)})


# -- shares --------------------------------------------------------------------------------------------


def test_one_offer_serves_several_needs_with_unit_conversion() -> None:
    offer = side("offer", "rice", 10, "kg")
    needs = [side("need", "rice", 2, "kg"), side("need", "arroz", 4, "lb"), side("need", "rice", 1000, "g")]
    made = share_out(offer, needs, Policy())
    assert [(a.need_id, a.need_amount) for a in made] == [(needs[0].id, 2), (needs[1].id, 4), (needs[2].id, 1000)]
    assert sum(a.offer_amount or 0 for a in made) == pytest.approx(2 + 4 * 0.45359237 + 1)
    assert offer.available == pytest.approx(10 - 2 - 4 * 0.45359237 - 1)


def test_nobody_gets_all_of_an_offer_while_others_wait_unless_quantities_allow() -> None:
    offer = side("offer", "rice", 12, "kg")
    a, b = side("need", "rice", 10, "kg", created=NOW - 2 * HOUR), side("need", "rice", 10, "kg")
    made = share_out(offer, [a, b], Policy())
    assert [x.offer_amount for x in made] == [6, 6]  # not 10 and 2
    plenty = side("offer", "rice", 30, "kg")
    c, d = side("need", "rice", 10, "kg"), side("need", "rice", 10, "kg")
    assert [x.offer_amount for x in share_out(plenty, [c, d], Policy())] == [10, 10]


def test_a_need_without_quantity_gets_one_piece_or_one_share() -> None:
    blankets = side("offer", "blankets", 3)
    made = share_out(blankets, [side("need", "blanket") for _ in range(4)], Policy())
    assert [a.offer_amount for a in made] == [1, 1, 1]
    rice = side("offer", "rice", 10, "kg")
    made = share_out(rice, [side("need", "rice") for _ in range(4)], Policy(share_parts=3))
    assert [nice(a.offer_amount or 0) for a in made] == [3.33, 3.33, 3.33] and rice.available == pytest.approx(0)
    assert share(side("offer", "rice", 10, "kg"), Policy(share_parts=4)) == 2.5


def test_an_offer_without_quantity_is_one_lot_for_one_need() -> None:
    drill = side("offer", "drill")
    made = share_out(drill, [side("need", "drill", 2), side("need", "drill")], Policy())
    assert made == [Allocation(drill.id, made[0].need_id, None, 2)] and not drill.open


def test_distance_prefers_the_zone_then_neighbours_and_ages_out() -> None:
    policy = Policy(neighbours=neighbour_map([("elm", "oak")]), aging_s=48 * HOUR)
    offer = side("offer", zone="elm")
    assert distance(side("need", zone="elm"), offer, policy, NOW) == 0
    assert distance(side("need", zone="oak"), offer, policy, NOW) == 1
    assert distance(side("need", zone="pine"), offer, policy, NOW) == 2
    assert distance(side("need", zone="pine", created=NOW - 49 * HOUR), offer, policy, NOW) == 0


# -- the whole-board pass -------------------------------------------------------------------------------


def test_levels_go_first_then_nearest_then_longest_waiting() -> None:
    policy = Policy(neighbours=neighbour_map([("elm", "oak")]))
    offers = [side("offer", "soup", zone="elm"), side("offer", "soup", zone="pine")]
    normal_near = side("need", "soup", zone="elm", created=NOW - 5 * HOUR)
    critical_far = side("need", "soup", urgency=0, zone="oak", created=NOW - HOUR)
    made = match_board(offers, [normal_near, critical_far], policy, NOW)
    assert {(a.offer_id, a.need_id) for a in made} == {(offers[0].id, critical_far.id), (offers[1].id, normal_near.id)}


def test_pairs_that_fell_through_are_not_proposed_again() -> None:
    offer, need = side("offer", "soup"), side("need", "soup")
    assert match_board([offer], [need], Policy(), NOW, excluded=[(offer.id, need.id)]) == []


ITEMS = ("rice", "arroz", "beans", "food", "coat", "chamarra", "blanket", "water")
UNITS = (None, None, "kg", "lb", "g", "L", "gal", "bags")
ZONES = (None, "elm", "oak", "pine")


@st.composite
def neighbourhoods(draw: st.DrawFn) -> tuple[list[Side], list[Side], Policy]:
    authors = st.integers(1, 6)

    def posting(kind: str) -> st.SearchStrategy[Side]:
        return st.builds(
            lambda item, q, unit, urgency, zone, author, age, cat: side(
                kind, item, q, unit if q is not None else None,
                urgency=urgency, zone=zone, author=author, created=NOW - age, category=cat),
            st.sampled_from(ITEMS), st.one_of(st.none(), st.integers(1, 12).map(float)), st.sampled_from(UNITS),
            st.integers(0, 2), st.sampled_from(ZONES), authors, st.floats(0, 100 * HOUR),
            st.sampled_from(("food", "food", "clothing")),
        )

    offers = draw(st.lists(posting("offer"), max_size=12))
    needs = draw(st.lists(posting("need"), max_size=12))
    policy = Policy(share_parts=draw(st.integers(1, 4)), neighbours=neighbour_map([("elm", "oak")]))
    return offers, needs, policy


@settings(max_examples=300, deadline=None)
@given(neighbourhoods())
def test_whole_board_pass_never_over_allocates_never_self_matches_and_leaves_nothing_compatible(
    board: tuple[list[Side], list[Side], Policy],
) -> None:
    offers, needs, policy = board
    before = {s.id: s.available for s in (*offers, *needs)}
    made = match_board(offers, needs, policy, NOW)
    by_id = {s.id: s for s in (*offers, *needs)}
    given_out: dict[int, float] = {}
    got: dict[int, float] = {}
    lots: list[int] = []
    for a in made:
        offer, need = by_id[a.offer_id], by_id[a.need_id]
        assert offer.author != need.author, "self-match"
        assert compatible_before(offer, need)
        if offer.lot:
            lots.append(offer.id)
        else:
            given_out[offer.id] = given_out.get(offer.id, 0.0) + (a.offer_amount or 0.0)
        if need.lot:
            lots.append(need.id)
        else:
            got[need.id] = got.get(need.id, 0.0) + (a.need_amount or 0.0)
    assert len(lots) == len(set(lots)), "a lot promised twice"
    for ident, amount in (*given_out.items(), *got.items()):
        assert amount <= before[ident] + 1e-6, f"{ident} over-allocated: {amount} > {before[ident]}"
    for need in needs:
        for offer in offers:
            assert not compatible(offer, need, NOW), f"{need} left waiting while {offer} has something"
    served_from: dict[int, list[Side]] = {}
    for a in made:
        served_from.setdefault(a.offer_id, []).append(by_id[a.need_id])
    for offer_id, served in served_from.items():
        lowest = max(n.urgency for n in served)
        for need in needs:
            if need.urgency < lowest and need.open:
                fresh = _fresh(by_id[offer_id], before)
                assert not compatible(fresh, _fresh(need, before), NOW), "a less urgent need went first"


def _fresh(s: Side, before: dict[int, float]) -> Side:
    return dataclasses.replace(s, available=before[s.id])


def compatible_before(offer: Side, need: Side) -> bool:
    return compatible(dataclasses.replace(offer, available=1.0), dataclasses.replace(need, available=1.0), NOW)
