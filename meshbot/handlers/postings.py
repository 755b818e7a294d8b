"""OFFER and NEED, and what their authors and takers do next: TAKE, DONE, CANCEL, MY."""

from __future__ import annotations

from sqlmodel import select

from meshbot.handlers.context import Context, Reply
from meshbot.handlers.refs import find_alert, find_posting, posting_label, posting_ref
from meshbot.matcher import match_new_posting
from meshbot.handlers.alerts import cancel_alert
from meshbot.members import display_name, name_of
from meshbot.outbox import Outgoing, Priority
from protocol import Cancel, Done, My, Need, Offer, Take, replies
from store import Match, Posting

DAY_S = 86_400.0
LIVE_STATES = ("open", "matched")


def _dm(node: int, text: str) -> Outgoing:
    return Outgoing(text=text, destination=node, priority=Priority.NOTICE)


def post(ctx: Context, cmd: Offer | Need) -> Reply:
    """Put the posting on the board and match it at once if someone is waiting for it."""
    posting = Posting(
        kind=cmd.kind, category=cmd.category, item=cmd.item, quantity=cmd.quantity,
        unit=cmd.unit, zone=cmd.place or ctx.sender.zone, urgency=cmd.urgency,
        author=ctx.sender.node_num, community=ctx.sender.community, created=ctx.now, updated=ctx.now,
        expires=ctx.now + ctx.settings.posting_ttl_days * DAY_S,
    )
    ctx.session.add(posting)
    ctx.session.flush()
    pair = match_new_posting(ctx.session, posting, ctx.now)
    if pair is None:
        return Reply(replies.posted(posting.kind, posting_ref(posting), posting_label(posting), posting.category, lang=ctx.lang))
    partner = pair.need if posting.kind == "offer" else pair.offer
    to_partner = replies.match_for_author(
        posting_ref(partner), posting_label(posting), display_name(ctx.sender), lang=ctx.lang_of(partner.author)
    )
    to_sender = replies.match_for_author(
        posting_ref(posting), posting_label(partner), name_of(ctx.session, partner.author), lang=ctx.lang
    )
    return Reply(to_sender, (_dm(partner.author, to_partner),))


def take(ctx: Context, cmd: Take) -> Reply:
    """Claim someone's open offer, or answer someone's open need."""
    posting = find_posting(ctx.session, cmd.ref)
    if posting is None or posting.status != "open":
        return Reply(replies.not_found(cmd.ref, lang=ctx.lang))
    if posting.author == ctx.sender.node_num:
        return Reply(replies.own_posting(posting_ref(posting), lang=ctx.lang))
    posting.status, posting.updated = "matched", ctx.now
    match = Match(
        offer_id=posting.id if posting.kind == "offer" else None,
        need_id=posting.id if posting.kind == "need" else None,
        taker=ctx.sender.node_num, created=ctx.now,
    )
    ctx.session.add_all([posting, match])
    short_id = posting_ref(posting)
    notice = _dm(posting.author, replies.taken_by(short_id, display_name(ctx.sender), lang=ctx.lang_of(posting.author)))
    return Reply(replies.you_took(posting_label(posting), name_of(ctx.session, posting.author), short_id, lang=ctx.lang), (notice,))


def _live_matches(ctx: Context, posting: Posting) -> list[Match]:
    column = Match.offer_id if posting.kind == "offer" else Match.need_id
    return list(ctx.session.exec(select(Match).where(column == posting.id, Match.status == "proposed")).all())


def _is_party(ctx: Context, posting: Posting, matches: list[Match]) -> bool:
    me = ctx.sender.node_num
    if posting.author == me or any(m.taker == me for m in matches):
        return True
    partner_ids = [m.need_id if posting.kind == "offer" else m.offer_id for m in matches]
    return any((p := ctx.session.get(Posting, pid)) is not None and p.author == me
               for pid in partner_ids if pid is not None)


def done(ctx: Context, cmd: Done) -> Reply:
    """Close a posting (and the match it is in) as fulfilled; either party may say so."""
    posting = find_posting(ctx.session, cmd.ref)
    if posting is None or posting.status not in LIVE_STATES:
        return Reply(replies.not_found(cmd.ref, lang=ctx.lang))
    matches = _live_matches(ctx, posting)
    if not _is_party(ctx, posting, matches):
        return Reply(replies.not_yours(posting_ref(posting), lang=ctx.lang))
    closing = [posting]
    for match in matches:
        match.status, match.closed = "done", ctx.now
        ctx.session.add(match)
        partner_id = match.need_id if posting.kind == "offer" else match.offer_id
        partner = ctx.session.get(Posting, partner_id) if partner_id is not None else None
        if partner is not None and partner.status in LIVE_STATES:
            closing.append(partner)
    for row in closing:
        row.status, row.updated = "done", ctx.now
        ctx.session.add(row)
    return Reply(replies.done(posting_ref(posting), lang=ctx.lang))


def cancel(ctx: Context, cmd: Cancel) -> Reply:
    """Withdraw one's own posting (or alert); a matched partner is told and reopened."""
    if cmd.ref.startswith("a"):
        alert = find_alert(ctx.session, cmd.ref)
        return cancel_alert(ctx, alert, cmd.ref)
    posting = find_posting(ctx.session, cmd.ref)
    if posting is None or posting.status not in LIVE_STATES:
        return Reply(replies.not_found(cmd.ref, lang=ctx.lang))
    if posting.author != ctx.sender.node_num:
        return Reply(replies.not_yours(posting_ref(posting), lang=ctx.lang))
    notices: list[Outgoing] = []
    for match in _live_matches(ctx, posting):
        match.status, match.closed = "cancelled", ctx.now
        ctx.session.add(match)
        partner_id = match.need_id if posting.kind == "offer" else match.offer_id
        partner = ctx.session.get(Posting, partner_id) if partner_id is not None else None
        if partner is not None and partner.status == "matched":
            partner.status, partner.updated = "open", ctx.now
            ctx.session.add(partner)
            notices.append(_dm(partner.author, replies.counterpart_cancelled(posting_ref(posting), posting.item, lang=ctx.lang_of(partner.author))))
        elif match.taker is not None:
            notices.append(_dm(match.taker, replies.counterpart_cancelled(posting_ref(posting), posting.item, lang=ctx.lang_of(match.taker))))
    posting.status, posting.updated = "cancelled", ctx.now
    ctx.session.add(posting)
    return Reply(replies.cancelled(posting_ref(posting), lang=ctx.lang), tuple(notices))


def mine(ctx: Context, cmd: My) -> Reply:
    rows = ctx.session.exec(
        select(Posting)
        .where(Posting.author == ctx.sender.node_num, Posting.status.in_(LIVE_STATES))  # type: ignore[attr-defined]
        .order_by(Posting.created.desc())  # type: ignore[attr-defined]
    ).all()
    labels = [posting_label(p) + ("*" if p.status == "matched" else "") for p in rows]
    return Reply(replies.listing("Yours", labels, len(labels), lang=ctx.lang))
