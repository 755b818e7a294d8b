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
    conditions = _open_now(ctx)
    for word in cmd.query.lower().split()[:5]:
        conditions.append(func.lower(Posting.item).contains(word.rstrip("s") or word, autoescape=True))
    if cmd.place:
        conditions.append(Posting.zone == cmd.place)
    return _answer(ctx, replies.fit(f"'{cmd.query}'", 40), conditions)
