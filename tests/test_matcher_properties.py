"""Random residents typing at the real worker: after every burst the board keeps its promises.

Residents post offers and needs (any unit, urgency and zone), accept, finish and
withdraw matches, and time passes (lapses, expiry). The database must then show: no
offer or need promised beyond its quantity, nobody matched with themselves, and no
need (critical or not) open while a compatible offer has something left.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from meshbot.board.expiry import expire_postings, lapse_due
from meshbot.board.board_pass import rematch_board
from meshbot.board.matcher import available_of, blinder, side_of
from meshbot.board.matching.policy import compatible
from store import Match, Posting, session
from tests.conftest import Board

NODES = (0xA1, 0xB2, 0xC3, 0xD4)
ITEMS = ("rice", "arroz", "beans", "food", "blankets", "manta", "water")
AMOUNTS = ("", "2", "5", "10kg", "3 lb", "500g", "2L", "1 gal", "2 bags")
MARKS = ("", " !", " !!")
ZONES = ("", " @elm", " @oak")

posts = st.builds(
    lambda verb, item, amount, mark, zone: f"{verb} {item} {amount}{zone}{mark}".replace("  ", " "),
    st.sampled_from(("OFFER", "NEED")), st.sampled_from(ITEMS), st.sampled_from(AMOUNTS),
    st.sampled_from(MARKS), st.sampled_from(ZONES),
)
acts = st.builds(lambda verb, n: f"{verb} m{n}", st.sampled_from(("TAKE", "DONE", "CANCEL")), st.integers(1, 8))
steps = st.lists(st.tuples(st.sampled_from(NODES), st.one_of(posts, posts, acts), st.sampled_from((0, 0, 60, 30 * 3600))),
                 min_size=1, max_size=18)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_the_board_keeps_its_promises(script: list[tuple[int, str, float]]) -> None:
    board = Board(Path(":memory:"))
    for node, text, wait in script:
        reply = board.send(node, text)
        assert reply is None or not reply.startswith(("Sorry", "Perdón")), f"{text!r} failed: {reply}"
        if wait:
            board.clock.advance(wait)
            chores(board)
        check(board)


def chores(board: Board) -> None:
    """What the daemon's housekeeping runs, without its safety net, so a failure shows."""
    now = board.clock.now
    with session(board.engine) as db, db.begin():
        lapse_due(db, now, board.settings)
        expire_postings(db, now, board.settings)
        # One-at-a-time matching (with the rematch of whatever came free) left nothing to repair.
        assert rematch_board(db, now, board.settings) == []


def check(board: Board) -> None:
    now = board.clock.now
    with session(board.engine) as db:
        postings = {p.id: p for p in db.exec(select(Posting)).all()}
        all_matches = list(db.exec(select(Match)).all())
        promised: dict[int, float] = {}
        lots: dict[int, int] = {}
        for m in all_matches:
            if m.status == "cancelled":
                continue
            offer, need = postings.get(m.offer_id or -1), postings.get(m.need_id or -1)
            if offer is not None and need is not None:
                assert offer.author != need.author, f"self-match {m}"
            for p, amount in ((offer, m.quantity), (need, m.need_quantity)):
                if p is None:
                    continue
                if p.quantity is None:
                    lots[p.id] = lots.get(p.id, 0) + 1  # type: ignore[index]
                else:
                    promised[p.id] = promised.get(p.id, 0.0) + (p.quantity if amount is None else amount)  # type: ignore[index]
        assert all(n <= 1 for n in lots.values()), f"a lot promised twice: {lots}"
        for ident, amount in promised.items():
            assert amount <= postings[ident].quantity + 1e-6, f"{postings[ident]} over-promised: {amount}"  # type: ignore[operator]
        banned = {(m.offer_id, m.need_id) for m in all_matches if m.status == "cancelled"}
        blind = blinder(db)
        sides = [side_of(p, available_of(db, p), blind) for p in postings.values() if p.status == "open"]
        offers = [s for s in sides if s.kind == "offer"]
        for need in (s for s in sides if s.kind == "need"):
            for offer in offers:
                assert not compatible(offer, need, now, banned), f"{need} waits while {offer} has something"
