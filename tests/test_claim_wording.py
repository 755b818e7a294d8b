"""Who gives to whom, said right: TAKE on a need, a second DONE, and the committee's ids.

A resident's text in, the reply and the rows out; the committee's commands as real
processes on a real database file.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from store import Match, SuccessStory, open_engine, session
from tests.conftest import Board
from tests.test_cli import meshbot

ANA, BEN, CARO = 0xA1, 0xB2, 0xC3


def _matches(board: Board) -> list[Match]:
    with session(board.engine) as db:
        return list(db.exec(select(Match).order_by(Match.id)).all())


def test_take_on_a_need_makes_the_taker_the_giver(board: Board) -> None:
    board.send(ANA, "JOIN Ana elm")
    board.send(BEN, "JOIN Ben oak")
    board.send(ANA, "NEED water 10L")
    reply = board.send(BEN, "TAKE n1")
    assert reply == "You'll give n1 water 10L @elm to Ana !000000a1. MSG n1 to write; DONE n1 when settled."
    to_ana = [o.text for o in board.outbox(ANA)][-1]
    assert to_ana == "Ben !000000b2 will give what your n1 asks. MSG n1 to write; DONE n1 when settled."
    [m] = _matches(board)
    assert (m.need_id, m.offer_id, m.taker, m.need_quantity, m.accepted is not None) == (1, None, BEN, 10.0, True)
    assert board.postings()[0].status == "matched"


def test_take_on_a_need_in_spanish(board: Board) -> None:
    board.send(ANA, "UNIRSE Ana olmo")
    board.send(BEN, "UNIRSE Beto roble")
    board.send(ANA, "NECESITO agua 10L")
    reply = board.send(BEN, "TOMO n1")
    assert reply == "Darás n1 agua 10L @olmo a Ana !000000a1. NOTA n1 para escribir; HECHO n1 al terminar."
    to_ana = [o.text for o in board.outbox(ANA)][-1]
    assert to_ana == "Beto !000000b2 te dará lo que pide tu n1. NOTA n1 para escribir; HECHO n1 al terminar."
    [m] = _matches(board)
    assert (m.need_id, m.taker) == (1, BEN)


def test_take_on_an_offer_still_reads_as_taking(board: Board) -> None:
    board.send(ANA, "JOIN Ana elm")
    board.send(ANA, "OFFER drill")
    reply = board.send(BEN, "TAKE o1")
    assert reply is not None and reply.startswith("You took o1 drill @elm from Ana")


def _matched_rice(board: Board, lang: str) -> None:
    if lang == "es":
        board.send(ANA, "OFREZCO arroz 10kg")
        board.send(BEN, "NECESITO arroz 4kg")
        board.send(BEN, "TOMO m1")
    else:
        board.send(ANA, "OFFER rice 10kg")
        board.send(BEN, "NEED rice 4kg")
        board.send(BEN, "TAKE m1")


def test_a_second_done_on_a_match_says_already_done_and_changes_nothing(board: Board) -> None:
    _matched_rice(board, "en")
    assert board.send(BEN, "DONE m1") == "m1 done. Thank you!"
    offer_left = board.postings()[0].remaining
    assert offer_left == 6.0
    assert board.send(ANA, "DONE m1") == "m1 is already done. Nothing to change. Thank you!"
    board.clock.advance(board.settings.repeat_window_s + 1)  # within it, a repeat gets the first answer again
    assert board.send(BEN, "DONE m1") == "m1 is already done. Nothing to change. Thank you!"
    assert board.postings()[0].remaining == 6.0  # not taken off twice
    [m] = _matches(board)
    assert m.status == "done"
    # Someone who had no part in it is not told anything about it.
    assert board.send(CARO, "DONE m1").startswith("No open m1")  # type: ignore[union-attr]


def test_a_second_done_in_spanish(board: Board) -> None:
    _matched_rice(board, "es")
    assert board.send(BEN, "HECHO m1") == "m1 hecha. ¡Gracias!"
    board.clock.advance(board.settings.repeat_window_s + 1)
    assert board.send(BEN, "HECHO m1") == "m1 ya está hecha. Nada que cambiar. ¡Gracias!"
    assert board.postings()[0].remaining == 6.0


def test_a_second_done_on_a_posting_says_already_done(board: Board) -> None:
    board.send(ANA, "OFFER drill")
    board.send(BEN, "TAKE o1")
    assert board.send(BEN, "DONE o1") == "o1 done. Thank you!"
    board.clock.advance(board.settings.repeat_window_s + 1)
    assert board.send(BEN, "DONE o1") == "o1 is already done. Nothing to change. Thank you!"
    assert board.send(ANA, "DONE o1") == "o1 is already done. Nothing to change. Thank you!"
    assert board.send(CARO, "DONE o1").startswith("No open o1")  # type: ignore[union-attr]
    assert [p.status for p in board.postings()] == ["done"]


SCRIPT = """\
!000000a1 JOIN Ana elm
!000000b2 JOIN Ben oak
!000000a1 OFFER rice 10kg
!000000b2 NEED rice 4kg
!000000c3 NEED ride to clinic
"""


def _db(tmp_path: Path) -> Path:
    db = tmp_path / "w.db"
    script = tmp_path / "in.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    meshbot("ingest", str(script), "--json", db=db)
    return db


def _match_count(db: Path) -> int:
    with session(open_engine(db)) as s:
        return len(s.exec(select(Match)).all())


def test_match_make_names_the_id_that_is_wrong(tmp_path: Path) -> None:
    db = _db(tmp_path)
    before = _match_count(db)
    missing = meshbot("match", "make", "o99", "n2", db=db, check=False)
    assert missing.returncode == 1 and "no offer o99" in missing.stderr
    missing_need = meshbot("match", "make", "o1", "n22", db=db, check=False)
    assert missing_need.returncode == 1 and "no need n22" in missing_need.stderr
    swapped = meshbot("match", "make", "n2", "o1", db=db, check=False)
    assert swapped.returncode == 1 and "give an offer id and a need id" in swapped.stderr
    kind = meshbot("match", "make", "o2", "n3", db=db, check=False)  # posting 2 is a need
    assert kind.returncode == 1 and "no offer o2 (n2 is a need)" in kind.stderr
    assert _match_count(db) == before


def test_report_story_takes_the_m_id_that_matches_shows(tmp_path: Path) -> None:
    db = _db(tmp_path)
    assert "m1     waiting" in meshbot("matches", db=db).stdout
    refused = meshbot("report", "story", "m1", "Rice for Ben", db=db, check=False)
    assert refused.returncode == 1 and "m1 is proposed, not completed" in refused.stderr
    done = tmp_path / "done.txt"
    done.write_text("!000000b2 DONE m1\n", encoding="utf-8")
    meshbot("ingest", str(done), "--json", db=db)
    assert "m1     done" in meshbot("matches", db=db).stdout
    out = meshbot("report", "story", "m1", "Rice for Ben", db=db)
    assert out.stdout.strip() == "m1 marked as a success story"
    with session(open_engine(db)) as s:
        [story] = s.exec(select(SuccessStory)).all()
        assert (story.match_id, story.text) == (1, "Rice for Ben")
    bad = meshbot("report", "story", "x1", "nope", db=db, check=False)
    assert bad.returncode == 2 and "m5 or 5" in bad.stderr
