"""LIST and FIND: the board one packet at a time (MORE for the next), most urgent and newest first."""

from __future__ import annotations

import functools

from sqlalchemy import Select, bindparam, case, func, or_
from sqlalchemy import select as core_select

from meshbot.handlers import paging
from meshbot.handlers.context import Context, Reply
from meshbot.board.matching.items import zone_of
from protocol import Find, ListBoard, replies
from protocol.catalogue import render

POSTINGS = paging.POSTINGS
"""Read as a table: a listing wants a few columns, not objects."""
_URGENT_FIRST = case((POSTINGS.c.urgency == "critical", 0), (POSTINGS.c.urgency == "high", 1), else_=2)
_BOARD_ORDER = (_URGENT_FIRST, POSTINGS.c.created.desc())
_TITLE_IDS = {"offer": "title.offers", "need": "title.needs", "": "title.board"}
_FILTERS = {"kind": POSTINGS.c.kind, "category": POSTINGS.c.category, "place": POSTINGS.c.zone}


def _open_now(filters: tuple[str, ...]) -> list:  # type: ignore[type-arg]
    """Open, not expired (parameter `now`), and equal to each named filter's parameter."""
    return [
        POSTINGS.c.status == "open",
        or_(POSTINGS.c.expires.is_(None), POSTINGS.c.expires > bindparam("now")),
        *(_FILTERS[name] == bindparam(name) for name in filters),
    ]


@functools.lru_cache(maxsize=None)
def _listing(filters: tuple[str, ...]) -> Select:  # type: ignore[type-arg]
    """The first ids of a LIST, with the count riding along: one query, built once per filter set."""
    return (core_select(POSTINGS.c.id, func.count().over()).where(*_open_now(filters))
            .order_by(*_BOARD_ORDER).limit(paging.PAGE_IDS_MAX))


@functools.lru_cache(maxsize=None)
def _search(filters: tuple[str, ...]) -> Select:  # type: ignore[type-arg]
    return core_select(POSTINGS.c.id, POSTINGS.c.item).where(*_open_now(filters)).order_by(*_BOARD_ORDER)


def list_board(ctx: Context, cmd: ListBoard) -> Reply:
    """One packet now; the ids of the rest are kept for MORE."""
    wanted = {"kind": cmd.kind, "category": cmd.category, "place": zone_of(cmd.place, ctx.settings)}
    filters = {name: value for name, value in wanted.items() if value}
    title = render(_TITLE_IDS[cmd.kind or ""], ctx.lang)
    if cmd.category:
        title += f" {replies.category_name(cmd.category, ctx.lang)}"
    if cmd.place:
        title += f" @{cmd.place}"
    rows = ctx.session.connection().execute(_listing(tuple(filters)), {"now": ctx.now, **filters}).all()
    return paging.first_page(ctx, title, [posting_id for posting_id, _ in rows], rows[0][1] if rows else 0)


def find(ctx: Context, cmd: Find) -> Reply:
    """Open postings whose item holds every word (a plural's `s` dropped), most urgent first.

    Items are encrypted at rest, so SQL cannot search them: the open postings (of the
    zone, if one is given) are read in board order and their items, decrypted on load,
    are compared here. Linear in the open board: ~0.6 s at 100,000 open postings
    (bench/bench_security.py, docs/benchmarks.md).
    """
    filters = {"place": zone_of(cmd.place, ctx.settings)} if cmd.place else {}
    words = [word.rstrip("s") or word for word in cmd.query.lower().split()[:5]]
    rows = ctx.session.connection().execute(_search(tuple(filters)), {"now": ctx.now, **filters})
    ids = [posting_id for posting_id, item in rows if all(word in item.lower() for word in words)]
    return paging.first_page(ctx, replies.fit(f"'{cmd.query}'", 40), ids[:paging.PAGE_IDS_MAX], len(ids))
