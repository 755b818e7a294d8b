"""SHOW o12: one posting whole, for the line a listing had to shorten (`... SHOW o12`)."""

from __future__ import annotations

from meshbot.handlers.context import Context, Reply
from meshbot.handlers.refs import find_posting, posting_label, posting_ref
from meshbot.delivery.privacy import coarse
from protocol import Show, replies

SHOWN_STATES = ("open", "matched")


def show(ctx: Context, cmd: Show) -> Reply:
    """The whole label, its category and, when matched, that it is; then the next step
    (TAKE, or CANCEL for its author). One or two packets: the outbox splits the rest."""
    posting = find_posting(ctx.session, cmd.ref)
    if posting is None or posting.status not in SHOWN_STATES or (
            posting.expires is not None and posting.expires <= ctx.now):
        return Reply(replies.show_none(cmd.ref, lang=ctx.lang))
    short_id = posting_ref(posting)
    own = posting.author == ctx.sender.node_num
    line = posting_label(posting) if own else coarse(posting_label(posting))
    line += f" ({replies.category_name(posting.category, ctx.lang)})"
    if posting.status == "matched":
        line += f", {replies.show_matched(ctx.lang)}"
    return Reply(replies.show_entry(line, short_id, own, lang=ctx.lang))
