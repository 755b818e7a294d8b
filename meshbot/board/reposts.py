"""The same resident posting the same item again within a window: ask first, or merge.

"The same item" is the matcher's item identity (`fit_items`: same head, synonym,
translation or typo; a shared category alone is not the same item), so `NEED 2 blankets`
and `I need 2 blankets` are one thing, and so are `blankets` and `mantas`.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from meshbot.board import claims
from meshbot.handlers.context import Context, Reply
from meshbot.handlers.refs import posting_ref
from meshbot.board.matcher import sync
from meshbot.board.matching.items import fit_items
from meshbot.settings import Settings
from protocol import Need, Offer, replies
from protocol.catalogue import render
from store import Posting

_STANDING = ("open", "matched")


def earlier_same(db: Session, author: int, cmd: Offer | Need, now: float, window_s: float,
                 settings: Settings) -> Posting | None:
    """The author's newest standing posting of the same kind and item within the window."""
    if window_s <= 0:
        return None
    rows = db.exec(select(Posting).where(
        Posting.author == author, Posting.kind == cmd.kind, col(Posting.status).in_(_STANDING),
        Posting.created >= now - window_s).order_by(col(Posting.created).desc())).all()
    for posting in rows:
        found = fit_items(posting.item, cmd.item, settings, posting.window, cmd.when)
        if found is not None and found.reason != "category":
            return posting
    return None


def what(posting: Posting) -> str:
    """`blankets 2`: the item and how much, as the resident reads it in listings."""
    return f"{posting.item} {replies.amount(posting.quantity, posting.unit)}".strip()


def _mergeable(earlier: Posting, cmd: Offer | Need) -> bool:
    return (earlier.status == "open" and earlier.quantity is not None and cmd.quantity is not None
            and earlier.unit == cmd.unit)


def _merge(ctx: Context, earlier: Posting, cmd: Offer | Need) -> Reply:
    """Add the repeat's quantity to the first posting, and offer the extra to whoever waits."""
    assert earlier.quantity is not None and cmd.quantity is not None
    left = earlier.remaining if earlier.remaining is not None else earlier.quantity
    earlier.quantity, earlier.remaining, earlier.updated = earlier.quantity + cmd.quantity, left + cmd.quantity, ctx.now
    ctx.session.add(earlier)
    sync(ctx.session, earlier, ctx.now)
    notices = claims.rematch_and_announce(ctx.session, [earlier], ctx.now, ctx.settings, ctx.lang_of)
    return Reply(render("repost.merged", ctx.lang, id=posting_ref(earlier), what=what(earlier)), tuple(notices))


def check(ctx: Context, cmd: Offer | Need) -> Reply | None:
    """None: go on and post. Else the answer instead of a second posting: the question
    (not remembered as the answer to these words, so sending them again posts) or the merge."""
    window_s = ctx.settings.repost_window_hours * 3600.0
    earlier = earlier_same(ctx.session, ctx.sender.node_num, cmd, ctx.now, window_s, ctx.settings)
    if earlier is None:
        return None
    if ctx.settings.repost_mode == "merge" and _mergeable(earlier, cmd):
        return _merge(ctx, earlier, cmd)
    member = ctx.sender
    if member.repost_asked == earlier.id:  # asked already: this is the "send it again"
        member.repost_asked = None
        ctx.session.add(member)
        return None
    member.repost_asked = earlier.id
    ctx.session.add(member)
    return Reply(render(f"repost.ask.{cmd.kind}", ctx.lang, what=what(earlier), id=posting_ref(earlier)), remembered=False)
