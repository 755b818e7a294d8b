"""A match's life from a handheld: texts in, DMs and rows out, on a real SQLite file.

post -> one DM to each side with a claim code -> TAKE m1 -> DONE m1 (quantities go down);
CANCEL m1, lapses, expiry, the committee's approve / reject / make, and the whole-board
pass that repairs what one-at-a-time matching could not see.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from meshbot.board import claims, committee
from meshbot.board.board_pass import rematch_board
from meshbot.board.chores import MatchChores
from meshbot.settings import Settings
from store import Match, OutboxItem, Posting, session
from store.models import MatchKey, ZoneLink
from tests.conftest import Board

ANA, BEN, CARO, DEV, EVA = 0xA1, 0xB2, 0xC3, 0xD4, 0xE5
HOUR = 3600.0


def texts(board: Board, node: int) -> list[str]:
    return [o.text for o in board.outbox(node)]


def matches(board: Board) -> list[Match]:
    with session(board.engine) as db:
        return list(db.exec(select(Match).order_by(Match.id)).all())


def posting(board: Board, ident: int) -> Posting:
    with session(board.engine) as db:
        found = db.get(Posting, ident)
    assert found is not None
    return found


def chores(board: Board) -> None:
    MatchChores(board.engine, board.settings).run(board.clock.now)


@pytest.fixture
def street(board: Board) -> Board:
    for node, name, zone in ((ANA, "Ana", "elm"), (BEN, "Ben", "oak"), (CARO, "Caro", "elm"), (DEV, "Dev", "pine")):
        board.send(node, f"JOIN {name} {zone}")
    return board


def test_post_take_done_with_a_claim_code(street: Board) -> None:
    street.send(ANA, "OFFER rice 10kg")
    reply = street.send(BEN, "NEED rice 4kg")
    assert reply == "Match m1: Ana !000000a1 @elm offers rice 4kg for your n2. TAKE m1 to accept within 24h; CANCEL m1 if not."
    assert texts(street, ANA)[-1] == ("Match m1: Ben !000000b2 @oak needs rice 4kg from your o1. "
                                      "TAKE m1 to accept within 24h; CANCEL m1 if not.")
    assert street.send(BEN, "TAKE m1") == "m1 accepted: rice 4kg with Ana !000000a1 @elm. Arrange the handover; DONE m1 when done."
    assert texts(street, ANA)[-1] == "Ben !000000b2 accepted m1 (rice 4kg). Arrange the handover; DONE m1 when done."
    assert street.send(ANA, "DONE m1") == "m1 done. Thank you!"
    offer, need = posting(street, 1), posting(street, 2)
    assert (offer.status, offer.remaining) == ("open", 6.0)  # 6 kg still on offer
    assert (need.status, need.remaining) == ("done", 0.0)
    [m] = matches(street)
    assert (m.status, m.quantity, m.accepted_by) == ("done", 4.0, BEN)
    street.clock.advance(street.settings.repeat_window_s + 1)  # else the first answer is repeated
    assert street.send(BEN, "TAKE m1").startswith("No open m1")


def test_only_the_two_sides_may_take_done_or_cancel_a_match(street: Board) -> None:
    street.send(ANA, "OFFER soup")
    street.send(BEN, "NEED soup")
    for verb in ("TAKE", "DONE", "CANCEL"):
        assert street.send(CARO, f"{verb} m1") == "m1 is not yours: only its two sides can do that."
    assert street.send(CARO, "TAKE m9").startswith("No open m9")
    assert [m.status for m in matches(street)] == ["proposed"]


def test_one_offer_serves_several_households_in_fair_shares(street: Board) -> None:
    street.send(BEN, "NEED rice 5kg")
    street.send(CARO, "NEED arroz 5 kilos")
    street.send(DEV, "NEED rice")
    reply = street.send(ANA, "OFFER rice 10kg")
    # All wait in the same level; Caro is in Ana's zone, so she is served first. Nobody gets it all.
    assert reply is not None and reply.startswith("o4 posted and matched: m1 Caro !000000c3 @elm 5kg; m2 Ben")
    assert len(reply.encode()) <= 200
    amounts = {m.need_id: m.quantity for m in matches(street)}
    assert amounts[2] == 5 and sum(amounts.values()) == pytest.approx(10)
    # Ben and Dev are equally far: a fair share each (a third of the offer), as far as it goes.
    assert amounts[1] == pytest.approx(10 / 3) and amounts[3] == pytest.approx(10 - 5 - 10 / 3)
    assert posting(street, 4).status == "matched"
    assert all(len(t.encode()) <= 200 for t in texts(street, BEN) + texts(street, CARO) + texts(street, DEV))


def test_critical_first_then_the_same_zone_then_neighbours(street: Board) -> None:
    with session(street.engine) as db, db.begin():
        db.add(ZoneLink(zone="elm", neighbour="oak"))
    street.send(DEV, "NEED blanket")          # far away (pine)
    street.send(BEN, "NEED blanket")          # a neighbouring zone (oak)
    street.send(CARO, "NEED blanket")         # Ana's own zone (elm), newest
    street.send(EVA, "NEED blanket !!")       # critical, no zone
    street.send(ANA, "OFFER blankets 3")
    served = [m.need_id for m in matches(street)]
    assert served == [4, 3, 2]  # Eva (critical), Caro (elm), Ben (oak); Dev waits
    assert posting(street, 1).status == "open"


def test_cancel_of_a_match_tells_the_other_side_and_offers_the_goods_to_the_next_need(street: Board) -> None:
    street.send(BEN, "NEED drill")
    street.send(ANA, "OFFER drill")
    street.send(CARO, "NEED drill")  # waits: the drill is promised to Ben
    assert street.send(BEN, "CANCEL m1") == "m1 cancelled."
    assert texts(street, ANA)[-2].startswith("m1 was withdrawn: drill")
    assert texts(street, CARO)[-1].startswith("Match m2: Ana !000000a1 @elm offers drill for your n3.")
    assert [(m.need_id, m.status, m.reason) for m in matches(street)] == [(1, "cancelled", "withdrawn"), (3, "proposed", None)]
    assert posting(street, 1).status == "open"  # Ben's need is back, but never with Ana's drill again


def test_a_match_nobody_accepts_lapses_and_the_goods_go_to_the_next_need(street: Board) -> None:
    street.send(ANA, "OFFER tent")
    street.send(BEN, "NEED tent")
    street.clock.advance(HOUR)
    street.send(CARO, "NEED tent")
    street.clock.advance(street.settings.match_lapse_hours * HOUR)
    chores(street)
    assert texts(street, ANA)[-2] == "m1 lapsed: nobody accepted it within 24h. Your o1 is back on the board."
    assert texts(street, BEN)[-1] == "m1 lapsed: nobody accepted it within 24h. Your n2 is back on the board."
    assert texts(street, ANA)[-1].startswith("Match m2: Caro")
    assert [(m.need_id, m.status, m.reason) for m in matches(street)] == [(2, "cancelled", "lapsed"), (3, "proposed", None)]
    chores(street)  # nothing new: each notice once
    assert len([t for t in texts(street, ANA) if "lapsed" in t]) == 1


def test_an_accepted_match_does_not_lapse(street: Board) -> None:
    street.send(ANA, "OFFER tent")
    street.send(BEN, "NEED tent")
    street.send(ANA, "TAKE m1")
    street.clock.advance(48 * HOUR)
    chores(street)
    assert [(m.status, m.accepted is not None) for m in matches(street)] == [("proposed", True)]


def test_expired_postings_close_with_one_notice_and_free_their_partner(street: Board) -> None:
    street.send(ANA, "OFFER water 10L")
    street.clock.advance(street.settings.posting_ttl_days * 86_400 - 2 * HOUR)
    street.send(BEN, "NEED water 2L")  # promised Ana's water, which expires in two hours
    street.send(CARO, "OFFER agua 5 litros")  # waits: nobody else needs water
    street.clock.advance(3 * HOUR)
    chores(street)
    chores(street)
    assert [t for t in texts(street, ANA) if "expired" in t] == [
        "Your o1 water 10L @elm expired and left the board. Post it again if it still stands."]
    assert texts(street, BEN)[-1].startswith("Match m2: Caro !000000c3 @elm offers agua 2L for your n2.")
    assert [(m.offer_id, m.status, m.reason) for m in matches(street)] == [
        (1, "cancelled", "expired"), (3, "proposed", None)]
    assert posting(street, 1).status == "expired"


def test_spanish_speakers_get_their_match_in_spanish(street: Board) -> None:
    street.send(CARO, "NECESITO frijoles 2 latas")
    street.send(ANA, "OFFER canned beans 4 cans")
    assert texts(street, CARO)[-1] == ("Pareja m1: Ana !000000a1 @elm ofrece canned beans 2 cans para tu n1. "
                                       "TOMO m1 para aceptar en 24h; CANCELAR m1 si no.")
    assert street.send(CARO, "TOMO m1").startswith("m1 aceptada: canned beans 2 cans con Ana")


def test_incompatible_units_are_left_for_the_committee(street: Board) -> None:
    street.send(ANA, "OFFER rice 10kg")
    assert street.send(BEN, "NEED rice 2 bags").startswith("n2 ")
    assert matches(street) == []
    with session(street.engine) as db, db.begin():
        match, notices = committee.make(db, db.get(Posting, 1), db.get(Posting, 2), 3.0, street.clock.now, street.settings)
    assert (match.quantity, match.need_quantity) == (3.0, 2.0)
    assert [n.destination for n in notices] == [BEN, ANA]
    assert "rice 2 bags" in notices[0].text and "rice 3kg" in notices[1].text


def test_the_committee_holds_approves_and_rejects(tmp_path: Path) -> None:
    board = Board(tmp_path / "held.db", settings=Settings(db=":memory:", match_approval=True))
    board.send(ANA, "OFFER stroller")
    assert board.send(BEN, "NEED stroller").startswith("n2 stroller")  # no DM yet
    [held] = matches(board)
    assert held.held and held.expires is None
    with session(board.engine) as db, db.begin():
        notices = committee.approve(db, db.get(Match, 1), board.clock.now, board.settings)
    assert [n.destination for n in notices] == [BEN, ANA] and notices[0].text.startswith("Match m1:")
    board.send(CARO, "NEED stroller")
    with session(board.engine) as db, db.begin():
        notices = committee.reject(db, db.get(Match, 1), board.clock.now, board.settings)
    assert [n.text for n in notices[:2]] == [
        "The committee cancelled m1. Your n2 is back on the board.",
        "The committee cancelled m1. Your o1 is back on the board."]
    assert [(m.need_id, m.reason, m.held) for m in matches(board)] == [(2, "rejected", False), (3, None, True)]
    with pytest.raises(claims.ClaimError):
        with session(board.engine) as db, db.begin():
            committee.reject(db, db.get(Match, 1), board.clock.now, board.settings)


def test_cancelling_a_posting_frees_its_partners_for_the_next_in_line(street: Board) -> None:
    street.send(BEN, "NEED bread")
    street.send(ANA, "OFFER bread 1")
    street.send(CARO, "OFFER pan")
    assert street.send(BEN, "CANCEL n1") == "n1 cancelled."
    assert texts(street, ANA)[-1].startswith("n1 was withdrawn: bread")
    assert posting(street, 2).status == "open"
    street.send(DEV, "NEED pan")
    assert matches(street)[-1].offer_id == 2  # Ana's bread, the oldest offer, goes on to Dev


def test_done_on_a_posting_by_its_author_closes_it_and_its_matches(street: Board) -> None:
    street.send(ANA, "OFFER jackets 2")
    street.send(BEN, "NEED coat")
    street.send(CARO, "NEED chamarra")
    assert street.send(ANA, "DONE o1") == "o1 done. Thank you!"
    assert [m.status for m in matches(street)] == ["done", "done"]
    assert [p.status for p in (posting(street, 1), posting(street, 2), posting(street, 3))] == ["done"] * 3


def test_the_whole_board_pass_repairs_what_was_missed(street: Board) -> None:
    # Postings restored from elsewhere, written without the matcher (and its index).
    with session(street.engine) as db, db.begin():
        for kind, author in (("offer", ANA), ("need", BEN), ("need", CARO)):
            db.add(Posting(kind=kind, category="food", item="lentils", quantity=2.0, remaining=2.0,
                           author=author, zone="elm", created=street.clock.now, updated=street.clock.now))
    with session(street.engine) as db, db.begin():
        proposals = rematch_board(db, street.clock.now, street.settings)
        assert db.exec(select(MatchKey).where(MatchKey.key == "")).all()  # the index was rebuilt
    assert [(p.offer_id, p.need_id) for p in proposals] == [(1, 2), (1, 3)]
    with session(street.engine) as db:
        assert [m.quantity for m in db.exec(select(Match).order_by(Match.id))] == [1.0, 1.0]
    with session(street.engine) as db, db.begin():
        assert rematch_board(db, street.clock.now, street.settings) == []  # nothing left to repair


def test_the_daemon_chores_queue_the_whole_board_pass_dms(street: Board) -> None:
    with session(street.engine) as db, db.begin():
        for kind, author in (("offer", ANA), ("need", BEN)):
            db.add(Posting(kind=kind, category="food", item="soup", author=author, zone="elm",
                           created=street.clock.now, updated=street.clock.now))
    chores(street)
    assert texts(street, BEN)[-1].startswith("Match m1: Ana !000000a1 @elm offers soup for your n2.")
    with session(street.engine) as db:
        assert all(len(o.text.encode()) <= 200 for o in db.exec(select(OutboxItem)).all())


def test_my_marks_what_is_all_promised(street: Board) -> None:
    street.send(ANA, "OFFER eggs 12")
    street.clock.advance(60)
    street.send(ANA, "OFFER milk")
    street.send(BEN, "NEED leche")
    assert street.send(ANA, "MY") == "Yours (2): o2 milk @elm*; o1 eggs 12 @elm"


def test_an_encrypted_board_keeps_item_words_out_of_the_index(tmp_path: Path) -> None:
    from meshbot.security.keys import NewKey, init

    path = tmp_path / "sealed.db"
    board = Board(path)
    board.send(ANA, "OFFER Quetzalcoatl tonic 2")  # indexed before encryption: plain words
    init(board.engine, NewKey(passphrase="correct horse battery staple"), "interactive", board.clock.now)
    chores(board)  # the first housekeeping notices the index was built another way, and rebuilds it
    board.send(BEN, "NEED quetzalcoatl tonic")  # the same thing: a tonic (the head), not the word
    assert texts(board, BEN)[-1].startswith("Match m1: 00a1 !000000a1 offers quetzalcoatl tonic 1 for your n2.")
    board.send(CARO, "NEED Zorblaxium drops")
    board.send(DEV, "OFFER zorblaxium drops")
    assert [m.need_id for m in matches(board)] == [2, 3]
    with session(board.engine) as db:
        keys = [row.keys for row in db.exec(select(MatchKey)).all()]
    assert keys and not any("quetzal" in k or "zorbla" in k for k in keys)
    raw = (path.read_bytes() + path.with_name(path.name + "-wal").read_bytes()).lower()
    assert b"quetzalcoatl" not in raw and b"zorblaxium" not in raw


def test_postings_with_and_without_a_zone_meet(board: Board) -> None:
    board.send(ANA, "NEED rice @elm")
    assert (board.send(BEN, "OFFER rice") or "").startswith("Match m1: 00a1 !000000a1 @elm needs rice")
    board.send(CARO, "OFFER soup")
    assert (board.send(DEV, "NEED soup @oak") or "").startswith("Match m2: 00c3 !000000c3 offers soup")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_match_text_fits_one_packet(lang: str) -> None:
    from protocol import replies

    long, code = "ñ" * 120, "m9999999"
    texts = [
        replies.match_proposed(code, long, long, long, "n9999999", giving, 1234.5, lang=lang) for giving in (True, False)
    ] + [
        replies.matches_for_poster("o9999999", [f"{code} {long} @{long} 12.5kg"] * 9, 24, lang=lang),
        replies.match_accepted(code, long, long, long, lang=lang), replies.match_accepted_by(code, long, long, lang=lang),
        replies.match_lapsed(code, long, 24, lang=lang), replies.match_rejected(code, long, lang=lang),
        replies.posting_expired(long, lang=lang), replies.not_party(long, lang=lang),
    ]
    for text in texts:
        assert 0 < len(text.encode("utf-8")) <= 200, text
    proposed = replies.match_proposed(code, long, long, long, "n9999999", False, 24, lang=lang)
    assert f"{code}" in proposed.split(":")[0] and ("TAKE" in proposed or "TOMO" in proposed)
    accepted = replies.match_accepted(code, long, long, long, lang=lang)
    assert accepted.endswith((f"DONE {code} when done.", f"HECHO {code} al terminar."))
