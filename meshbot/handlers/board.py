"""LIST and FIND: the board in one packet, most urgent and newest first."""

from __future__ import annotations

from sqlalchemy import case, func, or_
from sqlmodel import select

from meshbot.handlers.context import Context, Reply
from meshbot.handlers.refs import posting_label
from protocol import Find, ListBoard, replies
from store import Posting

SHOWN_MAX = 12  # more never fits 200 bytes
_URGENT_FIRST = case((Posting.urgency == "critical", 0), (Posting.urgency == "high", 1), else_=2)


def _open_now(ctx: Context) -> list:
    return [
        Posting.status == "open",
        or_(Posting.expires.is_(None), Posting.expires > ctx.now),  # type: ignore[union-attr]
    ]


def _answer(ctx: Context, title: str, conditions: list) -> Reply:
    total = ctx.session.exec(select(func.count()).select_from(Posting).where(*conditions)).one()
    rows = ctx.session.exec(
        select(Posting).where(*conditions)
        .order_by(_URGENT_FIRST, Posting.created.desc())  # type: ignore[attr-defined]
        .limit(SHOWN_MAX)
    ).all()
    return Reply(replies.listing(title, [posting_label(p) for p in rows], total))


def list_board(ctx: Context, cmd: ListBoard) -> Reply:
    conditions = _open_now(ctx)
    title = {"offer": "Offers", "need": "Needs"}.get(cmd.kind or "", "Board")
    if cmd.kind:
        conditions.append(Posting.kind == cmd.kind)
    if cmd.category:
        conditions.append(Posting.category == cmd.category)
        title += f" {cmd.category}"
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
