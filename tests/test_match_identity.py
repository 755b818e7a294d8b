"""Item identity on the board, from a handheld: what is matched and told, what is held for
the committee, days that must meet, and one name per zone (texts in, rows and DMs out)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from meshbot.board import committee
from meshbot.board.board_pass import rematch_board
from meshbot.papers.needs_map import build_map
from meshbot.papers.periods import Window
from meshbot.settings_sources import build_settings
from store import Match, Posting, session
from tests.conftest import Board

ANA, BEN, CARO, DEV = 0xA1, 0xB2, 0xC3, 0xD4
ZONES = {"olmo": "elm", "roble": "oak"}


def _board(tmp_path: Path, **values: object) -> Board:
    return Board(tmp_path / "board.db", settings=build_settings({"db": ":memory:", **values}))


def _matches(board: Board) -> list[Match]:
    with session(board.engine) as db:
        return list(db.exec(select(Match).order_by(Match.id)).all())


def _category(board: Board, posting_id: int) -> str:
    with session(board.engine) as db:
        posting = db.get(Posting, posting_id)
        assert posting is not None
        return posting.category


def test_a_translation_is_told_to_both_sides_with_its_reason(tmp_path: Path) -> None:
    board = _board(tmp_path)
    board.send(ANA, "tengo silla de ruedas")
    reply = board.send(BEN, "NEED wheelchair for my mom")
    assert reply is not None and reply.startswith("Match m1:")
    [match] = _matches(board)
    assert (match.fit_reason, match.fit_score, match.held) == ("translation", 0.9, False)


def test_a_shared_word_is_not_a_match(tmp_path: Path) -> None:
    board = _board(tmp_path)
    board.send(ANA, "OFFER 10kg rice")
    assert (board.send(BEN, "NEED rice cooker") or "")== "n2 rice cooker posted. CANCEL n2 undoes"
    assert _category(board, 2) == "other"
    board.send(CARO, "OFFER cooking oil 5L")
    assert (board.send(DEV, "NEED motor oil 1L") or "").startswith("n4 motor oil")
    assert _matches(board) == []


def test_a_typo_below_the_committees_threshold_is_held_untold_until_approved(tmp_path: Path) -> None:
    board = _board(tmp_path, match_min_score=0.8)
    board.send(ANA, "OFFER insulin")
    reply = board.send(BEN, "NEED insuln !!")
    assert (reply or "").startswith("n2 insuln")  # posted; nothing said of the held match
    [match] = _matches(board)
    assert (match.fit_reason, match.held, match.expires) == ("typo", True, None)
    assert not [o for o in board.outbox(ANA) if "m1" in o.text]
    with session(board.engine) as db:
        notices = committee.approve(db, db.get(Match, match.id), board.clock.now, board.settings)
        db.commit()
    assert sorted(n.destination for n in notices) == [ANA, BEN]


def test_a_typo_above_the_threshold_goes_out(tmp_path: Path) -> None:
    board = _board(tmp_path)
    board.send(ANA, "OFFER 6 blankets")
    assert (board.send(BEN, "need 2 blankts") or "").startswith("Match m1:")
    assert _matches(board)[0].fit_reason == "typo"


def test_a_category_only_match_is_never_sent_unasked(tmp_path: Path) -> None:
    board = _board(tmp_path, match_min_score=0.0)
    board.send(ANA, "OFFER rice 2kg")
    assert (board.send(BEN, "NEED food") or "")== "n2 food posted. CANCEL n2 undoes"
    assert _category(board, 2) == "food"
    [match] = _matches(board)
    assert (match.fit_reason, match.held) == ("category", True)
    assert [o.destination for o in board.outbox() if o.destination in (ANA, BEN) and "m1" in o.text] == []


def test_a_monday_ride_does_not_serve_a_thursday_need(tmp_path: Path) -> None:
    board = _board(tmp_path)
    board.send(ANA, "OFFER rides to the market monday")
    assert (board.send(BEN, "NEED ride to the market thursday") or "").startswith("n2 ")
    assert (board.send(CARO, "NEED ride to the market on monday") or "").startswith("Match m1:")
    assert [(m.offer_id, m.need_id) for m in _matches(board)] == [(1, 3)]


def test_a_ride_to_dialysis_is_not_a_ride_to_the_market(tmp_path: Path) -> None:
    board = _board(tmp_path)
    board.send(ANA, "OFFER rides to the market")
    board.send(BEN, "NEED ride to dialysis")
    board.send(CARO, "OFFER rides to the clinic")
    assert [(m.offer_id, m.need_id) for m in _matches(board)] == [(3, 2)]


def test_sizes_must_agree(tmp_path: Path) -> None:
    board = _board(tmp_path)
    board.send(ANA, "OFFER 40 diapers size 3")
    board.send(BEN, "need diapers size 5")
    board.send(CARO, "necesito pañales talla 3")
    assert [(m.offer_id, m.need_id) for m in _matches(board)] == [(1, 3)]


def test_zone_aliases_are_one_place_for_matching_listing_and_the_map(tmp_path: Path) -> None:
    board = _board(tmp_path, matching={"zones": ZONES})
    board.send(ANA, "NEED blankets @oak")
    board.send(BEN, "necesito cobijas @olmo")
    board.send(CARO, "OFFER blanket @elm")  # one lot: the same zone first, though the @oak need is older
    assert [(m.offer_id, m.need_id) for m in _matches(board)] == [(3, 2)]
    assert [p.zone for p in board.postings()] == ["oak", "elm", "elm"]
    board.send(DEV, "NEED soap @elm")
    assert "soap" in (board.send(ANA, "LIST @olmo") or "")
    with session(board.engine) as db:
        rows = build_map(db, Window(0.0, board.clock.now + 1, 0.0, "all"), board.clock.now).rows
    assert sorted(r.zone for r in rows if r.zone) == ["elm", "oak"]  # no "olmo" row


def test_the_committees_words_extend_the_tables(tmp_path: Path) -> None:
    board = _board(tmp_path, matching={"synonyms": {"wheelchair": ["silla rodante"]}})
    board.send(ANA, "OFFER wheelchair")
    board.send(BEN, "necesito silla rodante")
    [match] = _matches(board)
    assert match.fit_reason == "synonym"


def test_the_whole_board_pass_keeps_identity_on_an_encrypted_board(tmp_path: Path) -> None:
    from meshbot.security.keys import NewKey, init

    board = _board(tmp_path)
    init(board.engine, NewKey(passphrase="correct horse battery staple"), "interactive", board.clock.now)
    board.send(ANA, "NEED arroz 2kg")
    board.send(BEN, "NEED rice cooker")
    with session(board.engine) as db:  # an offer written without matching, for the pass to find
        from store import Posting

        now = board.clock.now
        db.add(Posting(kind="offer", category="food", item="rice", quantity=10.0, unit="kg", author=CARO,
                       created=now, updated=now, remaining=10.0))
        db.commit()
        rematch_board(db, now, board.settings)
        db.commit()
    assert [(m.offer_id, m.need_id, m.fit_reason) for m in _matches(board)] == [(3, 1, "translation")]
