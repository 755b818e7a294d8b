"""MORE: a LIST or FIND answers one packet; MORE goes on where it stopped, per node,
and forgets after `page_ttl_minutes`."""

from __future__ import annotations

import re

from meshbot.housekeeping import expire_due
from meshbot.inbox import Inbound
from store import session
from store.models import PageState
from tests.conftest import Board

ANA, BEN, CARO = 0xA1, 0xB2, 0xC3


def _ids(reply: str) -> list[str]:
    return re.findall(r"\b[on]\d+\b", reply)


def _fill(board: Board, count: int) -> None:
    for i in range(count):
        board.send(0x100 + i, f"OFFER canned beans {i + 1} cans @elm")
        board.clock.advance(1)


def test_more_walks_the_whole_list_once_each(board: Board) -> None:
    _fill(board, 30)
    first = board.send(CARO, "LIST")
    assert first is not None and first.startswith("Board (30): ") and first.endswith("more (MORE)")
    seen = _ids(first)
    while True:
        page = board.send(CARO, "MORE")
        assert page is not None and len(page.encode()) <= 200
        if page.startswith("End of list"):
            break
        assert re.match(rf"Board {len(seen) + 1}-\d+/30: ", page), page
        seen += _ids(page)
    assert sorted(seen, key=lambda r: int(r[1:])) == [f"o{i}" for i in range(1, 31)]


def test_more_is_per_node_and_follows_find(board: Board) -> None:
    _fill(board, 20)
    board.send(ANA, "LIST")
    found = board.send(BEN, "FIND beans")
    assert found is not None and found.startswith("'beans' (20): ")
    ben_next = board.send(BEN, "MORE")
    ana_next = board.send(ANA, "more")
    assert ben_next is not None and ben_next.startswith("'beans' ")
    assert ana_next is not None and ana_next.startswith("Board ")
    assert board.send(CARO, "MORE") == "End of list. LIST, FIND or MY starts a new one."


def test_more_skips_postings_closed_since_and_expires(board: Board) -> None:
    _fill(board, 20)
    first = board.send(CARO, "LIST")
    assert first is not None
    shown = _ids(first)
    hidden = f"o{min(int(r[1:]) for r in shown) - 1}"  # the next one MORE would show
    author = 0x100 + int(hidden[1:]) - 1
    assert board.send(author, f"CANCEL {hidden}") == f"{hidden} cancelled."
    second = board.send(CARO, "MORE")
    assert second is not None and hidden not in _ids(second)
    board.clock.advance(board.settings.page_ttl_minutes * 60 + 1)
    assert board.send(CARO, "MORE") == "End of list. LIST, FIND or MY starts a new one."
    with session(board.engine) as db, db.begin():  # the expired row goes with the next housekeeping
        expire_due(db, board.clock.now)
    with session(board.engine) as db:
        assert db.get(PageState, CARO) is None


def test_two_mores_in_one_burst_show_two_pages(board: Board) -> None:
    _fill(board, 30)
    first = board.send(CARO, "LIST")
    assert first is not None
    second, third = board.worker.process_batch(
        [Inbound(CARO, 0x42, 9001, 0, "MORE"), Inbound(CARO, 0x42, 9002, 0, "MORE")])
    assert second is not None and third is not None
    assert not set(_ids(first)) & set(_ids(second)) and not set(_ids(second)) & set(_ids(third))
    assert third.startswith(f"Board {len(_ids(first)) + len(_ids(second)) + 1}-")


def test_a_short_answer_keeps_no_page_state(board: Board) -> None:
    _fill(board, 2)
    reply = board.send(CARO, "LIST")
    assert reply is not None and "MORE" not in reply
    with session(board.engine) as db:
        assert db.get(PageState, CARO) is None
    assert board.send(CARO, "MORE") == "End of list. LIST, FIND or MY starts a new one."


def test_more_in_spanish(board: Board) -> None:
    _fill(board, 30)
    first = board.send(CARO, "LISTA")
    assert first is not None and first.startswith("Tablón (30): ") and first.endswith("más (MAS)")
    page = board.send(CARO, "más")
    assert page is not None and page.startswith("Tablón ") and "/30: " in page
