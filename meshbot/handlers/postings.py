"""OFFER and NEED, and what residents do next: TAKE, DONE, CANCEL (a posting or a match `m5`), MY.

The rules of a match's life are in `meshbot.board.claims`; this module turns a command and its
sender into those calls and a short answer.
"""

from __future__ import annotations

from sqlalchemy import bindparam, insert
from sqlalchemy import select as core_select
from sqlmodel import select

from meshbot.alerts import emergency_consent
from meshbot.board import claim_replies, claims
from meshbot.board.matcher import LIVE, available_of, live_matches, match_posting, sync
from meshbot.board.matching.items import category_for, zone_of
from meshbot.delivery.outbox import Outgoing, Priority
from meshbot.handlers import paging
from meshbot.board import reposts
from meshbot.handlers.alerts import cancel_alert
from meshbot.handlers.context import Context, Reply
from meshbot.handlers.refs import find_alert, find_posting, posting_label, posting_ref
from meshbot.people.members import display_name, name_of
from protocol import Cancel, Done, My, Need, Offer, Take, replies
from store import Match, Posting

DAY_S = 86_400.0
LIVE_STATES = ("open", "matched")
POSTINGS = Posting.__table__  # type: ignore[attr-defined]
_POST = insert(POSTINGS)
_MINE = (
    core_select(POSTINGS.c.id)
    .where(POSTINGS.c.author == bindparam("author"), POSTINGS.c.status.in_(LIVE_STATES))
    .order_by(POSTINGS.c.created.desc())
)


def _dm(node: int, text: str) -> Outgoing:
    return Outgoing(text=text, destination=node, priority=Priority.NOTICE)


def _is_match(ref: str) -> bool:
    return ref.startswith("m")


def post(ctx: Context, cmd: Offer | Need) -> Reply:
    """Put the posting on the board and match it at once with whoever waits for it."""
    repeated = reposts.check(ctx, cmd)
    if repeated is not None:
        return repeated
    row = {
        "kind": cmd.kind, "category": category_for(cmd.item, cmd.category, ctx.settings), "item": cmd.item, "quantity": cmd.quantity,
        "unit": cmd.unit, "zone": zone_of(cmd.place or ctx.sender.zone, ctx.settings), "urgency": cmd.urgency,
        "status": "open", "window": cmd.when,
        "author": ctx.sender.node_num, "community": ctx.sender.community, "created": ctx.now, "updated": ctx.now,
        "expires": ctx.now + ctx.settings.posting_ttl_days * DAY_S, "remaining": cmd.quantity,
    }
    # A plain insert (every OFFER and NEED runs it); the object below is for reading only,
    # and whoever needs the row itself loads it (the matcher does, for its notices).
    posting_id = ctx.session.connection().execute(_POST, row).inserted_primary_key[0]
    posting = Posting(id=posting_id, **row)
    proposals = match_posting(ctx.session, posting, ctx.now, ctx.settings)
    answer, notices = claims.announce(ctx.session, proposals, ctx.settings, ctx.lang_of, poster=ctx.sender.node_num)
    if answer is None:
        item = " ".join(w for w in (posting.item, replies.amount(posting.quantity, posting.unit)) if w)
        answer = replies.posted(posting_ref(posting), item, lang=ctx.lang)
    return Reply(answer, tuple(notices))


def take(ctx: Context, cmd: Take) -> Reply:
    """TAKE m5 accepts a proposed match; TAKE o12 / n7 claims what is left of a posting."""
    if _is_match(cmd.ref):
        match = claims.find_match(ctx.session, cmd.ref)
        step = emergency_consent.step_of(ctx.session, match)
        if match is not None and step is not None and match.status == LIVE:  # a move of the emergency plan
            text, notices = emergency_consent.receiver_says_yes(
                ctx.session, ctx.settings, match, step, ctx.sender.node_num, cmd.ref, ctx.now, ctx.lang_of)
        else:
            text, notices = claims.accept(ctx.session, match, cmd.ref, ctx.sender.node_num, ctx.now, ctx.lang_of)
        return Reply(text, tuple(notices))
    posting = find_posting(ctx.session, cmd.ref)
    if posting is None or posting.status != "open":
        return Reply(replies.not_found(cmd.ref, lang=ctx.lang))
    if posting.author == ctx.sender.node_num:
        return Reply(replies.own_posting(posting_ref(posting), lang=ctx.lang))
    left = available_of(ctx.session, posting)
    sized = posting.quantity is not None
    match = Match(
        offer_id=posting.id if posting.kind == "offer" else None,
        need_id=posting.id if posting.kind == "need" else None,
        quantity=left if sized and posting.kind == "offer" else None,
        need_quantity=left if sized and posting.kind == "need" else None,
        taker=ctx.sender.node_num, created=ctx.now, accepted=ctx.now, accepted_by=ctx.sender.node_num,
    )
    ctx.session.add(match)
    ctx.session.flush()
    sync(ctx.session, posting, ctx.now)
    short_id = posting_ref(posting)
    owner, taker = name_of(ctx.session, posting.author), display_name(ctx.sender)
    owner_lang = ctx.lang_of(posting.author)
    if posting.kind == "need":  # the taker gives what the need asks
        notice = _dm(posting.author, claim_replies.will_give_you(short_id, taker, lang=owner_lang))
        return Reply(claim_replies.you_will_give(posting_label(posting), owner, short_id, lang=ctx.lang), (notice,))
    notice = _dm(posting.author, replies.taken_by(short_id, taker, lang=owner_lang))
    return Reply(replies.you_took(posting_label(posting), owner, short_id, lang=ctx.lang), (notice,))


def _party_matches(ctx: Context, posting: Posting) -> list[Match]:
    """The live matches on `posting` the sender is a side of (all of them for its author)."""
    matches = live_matches(ctx.session, posting)
    me = ctx.sender.node_num
    if posting.author == me:
        return matches
    return [m for m in matches if claims.sides_of(ctx.session, m).of(me) is not None]


def _had_part(ctx: Context, posting: Posting) -> bool:
    """Was the sender the posting's author or a side of one of its finished matches?"""
    me = ctx.sender.node_num
    if posting.author == me:
        return True
    column = Match.offer_id if posting.kind == "offer" else Match.need_id
    finished = ctx.session.exec(select(Match).where(column == posting.id, Match.status == "done")).all()
    return any(claims.sides_of(ctx.session, m).of(me) is not None for m in finished)


def done(ctx: Context, cmd: Done) -> Reply:
    """DONE m5 closes one match; DONE o12 closes the sender's side of a posting: its author
    closes the posting with all its matches, a partner only the matches they are in."""
    if _is_match(cmd.ref):
        match = claims.find_match(ctx.session, cmd.ref)
        return Reply(claims.done(ctx.session, match, cmd.ref, ctx.sender.node_num, ctx.now, ctx.lang_of))
    posting = find_posting(ctx.session, cmd.ref)
    if posting is not None and posting.status == "done" and _had_part(ctx, posting):
        return Reply(claim_replies.already_done(posting_ref(posting), lang=ctx.lang))
    if posting is None or posting.status not in LIVE_STATES:
        return Reply(replies.not_found(cmd.ref, lang=ctx.lang))
    mine = _party_matches(ctx, posting)
    if posting.author != ctx.sender.node_num and not mine:
        return Reply(replies.not_yours(posting_ref(posting), lang=ctx.lang))
    for match in mine:
        claims.finish(ctx.session, match, ctx.now)
    if posting.author == ctx.sender.node_num and posting.status in LIVE_STATES:
        posting.status, posting.updated = "done", ctx.now
        ctx.session.add(posting)
        sync(ctx.session, posting, ctx.now)
    return Reply(replies.done(posting_ref(posting), lang=ctx.lang))


def cancel(ctx: Context, cmd: Cancel) -> Reply:
    """CANCEL m5 withdraws from a match; CANCEL o12 withdraws one's own posting, and each
    partner is told and goes on to the next in line."""
    if cmd.ref.startswith("a"):
        return cancel_alert(ctx, find_alert(ctx.session, cmd.ref), cmd.ref)
    if _is_match(cmd.ref):
        text, notices = claims.withdraw(
            ctx.session, claims.find_match(ctx.session, cmd.ref), cmd.ref, ctx.sender.node_num, ctx.now,
            ctx.settings, ctx.lang_of)
        return Reply(text, tuple(notices))
    posting = find_posting(ctx.session, cmd.ref)
    if posting is None or posting.status not in LIVE_STATES:
        return Reply(replies.not_found(cmd.ref, lang=ctx.lang))
    if posting.author != ctx.sender.node_num:
        return Reply(replies.not_yours(posting_ref(posting), lang=ctx.lang))
    notices: list[Outgoing] = []
    partners: list[Posting] = []
    for match in live_matches(ctx.session, posting):
        claims.close(ctx.session, match, ctx.now, "withdrawn")
        sides = claims.sides_of(ctx.session, match)
        other = sides.receiver if posting.kind == "offer" else sides.giver
        if not match.held:  # a held match was never told to anyone
            notices.append(_dm(other.node, replies.counterpart_cancelled(
                posting_ref(posting), sides.what_for(other), lang=ctx.lang_of(other.node))))
        if other.posting is not None:
            partners.append(other.posting)
    posting.status, posting.updated = "cancelled", ctx.now
    ctx.session.add(posting)
    sync(ctx.session, posting, ctx.now)
    notices += claims.rematch_and_announce(ctx.session, partners, ctx.now, ctx.settings, ctx.lang_of)
    return Reply(replies.cancelled(posting_ref(posting), lang=ctx.lang), tuple(notices))


def mine(ctx: Context, cmd: My) -> Reply:
    """The sender's own live postings, newest first, one packet now and the rest for MORE."""
    ids = [row[0] for row in ctx.session.connection().execute(_MINE, {"author": ctx.sender.node_num})]
    return paging.first_page(ctx, paging.YOURS, ids[:paging.PAGE_IDS_MAX], len(ids))
