"""LIST and FIND: the board one packet at a time (MORE for the next), most urgent and newest first."""

from __future__ import annotations

from sqlalchemy import case, func, or_
from sqlmodel import select

from meshbot.handlers import paging
from meshbot.handlers.context import Context, Reply
from protocol import Find, ListBoard, replies
from store import Posting

_URGENT_FIRST = case((Posting.urgency == "critical", 0), (Posting.urgency == "high", 1), else_=2)
_TITLES = {"en": {"offer": "Offers", "need": "Needs", "": "Board"},
           "es": {"offer": "Ofertas", "need": "Necesidades", "": "Tablón"}}


def _open_now(ctx: Context) -> list:
    return [
        Posting.status == "open",
        or_(Posting.expires.is_(None), Posting.expires > ctx.now),  # type: ignore[union-attr]
    ]


def _answer(ctx: Context, title: str, conditions: list) -> Reply:
    """One packet now; the ids of the rest are kept for MORE."""
    total = ctx.session.exec(select(func.count()).select_from(Posting).where(*conditions)).one()
    ids = ctx.session.exec(
        select(Posting.id).where(*conditions)
        .order_by(_URGENT_FIRST, Posting.created.desc())  # type: ignore[attr-defined]
        .limit(paging.PAGE_IDS_MAX)
    ).all()
    return paging.first_page(ctx, title, [i for i in ids if i is not None], total)


def list_board(ctx: Context, cmd: ListBoard) -> Reply:
    conditions = _open_now(ctx)
    titles = _TITLES.get(ctx.lang, _TITLES["en"])
    title = titles[cmd.kind or ""]
    if cmd.kind:
        conditions.append(Posting.kind == cmd.kind)
    if cmd.category:
        conditions.append(Posting.category == cmd.category)
        title += f" {replies.category_name(cmd.category, ctx.lang)}"
    if cmd.place:
        conditions.append(Posting.zone == cmd.place)
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
        conditions.append(Posting.zone == cmd.place)
    words = [word.rstrip("s") or word for word in cmd.query.lower().split()[:5]]
    rows = ctx.session.exec(
        select(Posting.id, Posting.item).where(*conditions)
        .order_by(_URGENT_FIRST, Posting.created.desc())  # type: ignore[attr-defined]
    )
    ids = [posting_id for posting_id, item in rows
           if posting_id is not None and all(word in item.lower() for word in words)]
    return paging.first_page(ctx, replies.fit(f"'{cmd.query}'", 40), ids[:paging.PAGE_IDS_MAX], len(ids))
