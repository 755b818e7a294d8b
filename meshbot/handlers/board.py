"""LIST and FIND: the board one packet at a time (MORE for the next), most urgent and newest first."""

from __future__ import annotations

from sqlalchemy import case, func, or_
from sqlalchemy import select as core_select

from meshbot.handlers import paging
from meshbot.handlers.context import Context, Reply
from protocol import Find, ListBoard, replies

POSTINGS = paging.POSTINGS
"""Read as a table: a listing wants a few columns, not objects."""
_URGENT_FIRST = case((POSTINGS.c.urgency == "critical", 0), (POSTINGS.c.urgency == "high", 1), else_=2)
_BOARD_ORDER = (_URGENT_FIRST, POSTINGS.c.created.desc())
_TITLES = {"en": {"offer": "Offers", "need": "Needs", "": "Board"},
           "es": {"offer": "Ofertas", "need": "Necesidades", "": "Tablón"}}


def _open_now(ctx: Context) -> list:
    return [
        POSTINGS.c.status == "open",
        or_(POSTINGS.c.expires.is_(None), POSTINGS.c.expires > ctx.now),
    ]


def _answer(ctx: Context, title: str, conditions: list) -> Reply:
    """One packet now; the ids of the rest are kept for MORE."""
    rows = ctx.session.connection().execute(  # the count rides along with the first ids: one query
        core_select(POSTINGS.c.id, func.count().over()).where(*conditions)
        .order_by(*_BOARD_ORDER)
        .limit(paging.PAGE_IDS_MAX)
    ).all()
    return paging.first_page(ctx, title, [posting_id for posting_id, _ in rows], rows[0][1] if rows else 0)


def list_board(ctx: Context, cmd: ListBoard) -> Reply:
    conditions = _open_now(ctx)
    titles = _TITLES.get(ctx.lang, _TITLES["en"])
    title = titles[cmd.kind or ""]
    if cmd.kind:
        conditions.append(POSTINGS.c.kind == cmd.kind)
    if cmd.category:
        conditions.append(POSTINGS.c.category == cmd.category)
        title += f" {replies.category_name(cmd.category, ctx.lang)}"
    if cmd.place:
        conditions.append(POSTINGS.c.zone == cmd.place)
        title += f" @{cmd.place}"
    return _answer(ctx, title, conditions)


def find(ctx: Context, cmd: Find) -> Reply:
    """Open postings whose item holds every word (a plural's `s` dropped), most urgent first.

    Items are encrypted at rest, so SQL cannot search them: the open postings (of the
    zone, if one is given) are read in board order and their items, decrypted on load,
    are compared here. Linear in the open board: ~0.6 s at 100,000 open postings
    (bench/bench_security.py, docs/benchmarks.md).
    """
    conditions = _open_now(ctx)
    if cmd.place:
        conditions.append(POSTINGS.c.zone == cmd.place)
    words = [word.rstrip("s") or word for word in cmd.query.lower().split()[:5]]
    rows = ctx.session.connection().execute(
        core_select(POSTINGS.c.id, POSTINGS.c.item).where(*conditions).order_by(*_BOARD_ORDER))
    ids = [posting_id for posting_id, item in rows if all(word in item.lower() for word in words)]
    return paging.first_page(ctx, replies.fit(f"'{cmd.query}'", 40), ids[:paging.PAGE_IDS_MAX], len(ids))
