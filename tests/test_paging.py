"""MORE: a LIST or FIND answers one packet; MORE goes on where it stopped, per node,
and forgets after `page_ttl_minutes`."""

from __future__ import annotations

import re

from meshbot.board.expiry import expire_due
from meshbot.inbound.inbox import Inbound
from protocol import replies
from store import Posting, session
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


# --- every entry reachable, whatever its length; MY pages; SHOW gives one entry whole --------

WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt "
         "ut labore et dolore magna aliqua ") * 3
MORE_HINT = re.compile(r" \+(\d+) more \(MORE\)$")


def _items(board: Board, ids: list[str]) -> dict[str, str]:
    with session(board.engine) as db:
        return {ref: getattr(db.get(Posting, int(ref[1:])), "item") for ref in ids}


def _paced(board: Board, node: int, text: str) -> str:
    """A resident's command, paced under the rate limit and well within the page's lifetime."""
    board.clock.advance(10)
    return board.send(node, text) or ""


def _walk(board: Board, node: int, first_command: str) -> list[str]:
    """Every page of one answer, MORE after MORE, until the bot says the list ended."""
    pages = [_paced(board, node, first_command)]
    while MORE_HINT.search(pages[-1]):
        pages.append(_paced(board, node, "MORE"))
    assert _paced(board, node, "MORE") == "End of list. LIST, FIND or MY starts a new one."
    return pages


def _check_pages(pages: list[str], total: int) -> list[str]:
    """Each page fits a packet and says how many are left; returns the ids in page order."""
    seen: list[str] = []
    for page in pages:
        assert 0 < len(page.encode("utf-8")) <= 200, page
        seen += [r for r in re.findall(r"(?:^|; |: )([on]\d+) ", page)]
        hint = MORE_HINT.search(page)
        assert (int(hint.group(1)) if hint else 0) == total - len(seen), page
    return seen


def test_entries_of_every_length_from_1_to_200_bytes_are_all_reachable(board: Board) -> None:
    posted: list[str] = []
    for length in range(1, 201):
        item = WORDS[:length].strip()
        zone = "elm" if length <= 100 else "oak"  # a page keeps 100 ids: two listings of 100
        reply = board.send(0x1000 + length, f"OFFER {item} @{zone}")
        assert reply is not None and len(reply.encode("utf-8")) <= 50, reply
        posted.append(reply.split()[0])
    items = _items(board, posted)
    for zone, expected in (("elm", posted[:100]), ("oak", posted[100:])):
        seen = _check_pages(_walk(board, CARO, f"LIST @{zone}"), 100)
        assert sorted(seen) == sorted(expected)
    # a line too long for its share of a page ends with how to see it whole, and SHOW does
    pages = _walk(board, CARO, "LIST @oak")
    shortened = re.findall(r"… SHOW ([on]\d+)", " ".join(pages))
    assert len(shortened) >= 90, "lines of 60 bytes and more are shortened"
    for short_id in shortened:
        whole = _paced(board, CARO, f"SHOW {short_id}")
        assert whole is not None and items[short_id] in whole and whole.endswith(f"TAKE {short_id}")
        assert all(len(part.encode("utf-8")) <= 200 for part in replies.split(whole))
        assert len(replies.split(whole)) <= 2


def test_my_twelve_posts_are_all_reachable_with_more(board: Board) -> None:
    mine = [_paced(board, ANA, f"OFFER {WORDS[:10 * n].strip()} {n} bags").split()[0] for n in range(1, 13)]
    board.send(BEN, "OFFER spare tyre")  # not Ana's: never in her MY
    pages = _walk(board, ANA, "MY")
    assert pages[0].startswith("Yours (12): ") and len(pages) >= 3
    assert sorted(_check_pages(pages, 12)) == sorted(mine)


def test_my_marks_a_matched_post_and_pages_in_spanish(board: Board) -> None:
    things = "arroz frijoles mantas leche pan agua jabón pañales sillas libros zapatos abrigos".split()
    for n, thing in enumerate(things, start=1):  # twelve different things: none is a repeat
        _paced(board, ANA, f"OFREZCO {thing} {WORDS[:12 * n].strip()}")
    page = board.send(ANA, "MIS")
    assert page is not None and page.startswith("Tuyas (12): ") and page.endswith("más (MAS)")
    assert (board.send(ANA, "MAS") or "").startswith("Tuyas ")


def test_show_of_a_missing_or_closed_posting_says_so(board: Board) -> None:
    board.send(ANA, "OFFER rice 5kg")
    assert board.send(ANA, "CANCEL o1") == "o1 cancelled."
    assert board.send(BEN, "SHOW o1") == "No open o1. LIST shows the board."
    assert board.send(BEN, "VER n9") == "No hay n9 abierta. LISTA muestra el tablón."


def test_the_author_sees_how_to_cancel_in_show(board: Board) -> None:
    board.send(ANA, "NEED ride to the clinic tue morning @elm")
    assert board.send(ANA, "SHOW n1") == "n1 ride to the clinic tue morning @elm (transport). Yours: CANCEL n1"


def test_a_ride_keeps_its_time_window_in_list_find_and_my(board: Board) -> None:
    reply = board.send(ANA, "NEED ride to the clinic tue morning @elm")
    assert reply == "n1 ride to the clinic posted. CANCEL n1 undoes"
    line = "n1 ride to the clinic tue morning @elm"
    assert board.send(BEN, "LIST") == f"Board (1): {line}"
    assert board.send(BEN, "FIND ride") == f"'ride' (1): {line}"
    assert board.send(ANA, "MY") == f"Yours (1): {line}"


def test_past_the_hundred_postings_kept_the_last_page_says_how_to_narrow_the_listing(board: Board) -> None:
    _fill(board, 105)
    pages = _walk(board, CARO, "LIST")
    assert pages[-1].endswith(" +5 more: narrow it, e.g. LIST needs food @elm"), pages[-1]
    assert all(len(page.encode("utf-8")) <= 200 for page in pages)
    assert len({ref for page in pages for ref in _ids(page)}) == 100


def test_in_spanish_a_long_line_points_to_ver_and_ver_gives_it_whole(board: Board) -> None:
    item = "sofá cama con dos cojines y estructura plegable, funda azul, cabe en un cuarto pequeño"
    board.send(ANA, f"OFREZCO {item} @olmo")
    page = board.send(BEN, "LISTA")
    assert page is not None and page.startswith("Tablón (1): o1 ") and page.endswith("… VER o1"), page
    whole = board.send(BEN, "VER o1")
    assert whole is not None and "cojines" in whole and "azul" in whole and whole.endswith(". TOMO o1"), whole
    assert _paced(board, BEN, "MAS") == "Fin de la lista. LISTA, BUSCAR o MIS empiezan otra."
