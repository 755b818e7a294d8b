"""MSG / NOTA: a note to the other side of a match, or (committee) to a resident by name.

Who may write where:
- in match m3 (or through the posting o12 / n7 it is on): its two sides, and the committee
  (whose note goes to both sides);
- by name: the committee to anyone, anyone to a committee member (so a resident can
  answer a note the committee sent by name). Nobody else learns whether a name exists.
The note travels under the sender's name and the match code, never a node id, and the
recipient answers with the same `MSG m3 ...`.
"""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from meshbot.board import claims
from meshbot.people import notes
from meshbot.handlers.context import Context, Reply
from meshbot.handlers.refs import find_posting
from meshbot.board.matcher import LIVE, live_matches
from meshbot.people.members import spoken_name
from meshbot.people.membership import COMMITTEE_ROLES
from protocol import Note, note_replies, replies
from protocol.catalogue import render
from protocol.vocab import fold
from store import Match, Member

_REF_RE = re.compile(r"[onma]?\d+")
_NODE_RE = re.compile(r"!([0-9a-f]{1,8})")
_RANK = {notes.Relayed.QUEUED: 0, notes.Relayed.HELD: 1, notes.Relayed.FULL: 2}


def note(ctx: Context, cmd: Note) -> Reply:
    if _REF_RE.fullmatch(cmd.to):
        return _in_match(ctx, cmd)
    return _by_name(ctx, cmd)


def _committee(ctx: Context) -> bool:
    return ctx.acts_as(*COMMITTEE_ROLES)


def _or(ctx: Context, choices: list[str]) -> str:
    return render("error.or", ctx.lang).join(choices)


def _say(ctx: Context, which: str, **values: object) -> Reply:
    """One of the catalogue's `note.*` answers, in the sender's language."""
    return Reply(render(f"note.{which}", ctx.lang, **values))


def _match_of(ctx: Context, ref: str) -> Match | Reply:
    """The match a ref names for this sender, or the answer saying why there is none."""
    if ref.startswith("m"):
        match = claims.find_match(ctx.session, ref)
        if match is None or (match.held and not _committee(ctx)):  # a held match was never told
            return _say(ctx, "not_found", code=ref)
        return match
    posting = find_posting(ctx.session, ref)
    if posting is None:
        return Reply(replies.not_found(ref, lang=ctx.lang))
    me = ctx.sender.node_num
    mine = live_matches(ctx.session, posting)
    if posting.author != me and not _committee(ctx):
        mine = [m for m in mine if claims.sides_of(ctx.session, m).of(me) is not None]
        if not mine:
            return _say(ctx, "not_party", code=ref)
    mine = [m for m in mine if not m.held]
    if not mine:
        return _say(ctx, "no_match", code=ref)
    if len(mine) > 1:
        return _say(ctx, "many", code=ref, choices=_or(ctx, [claims.code_of(m) for m in mine[:3]]))
    return mine[0]


def _in_match(ctx: Context, cmd: Note) -> Reply:
    found = _match_of(ctx, cmd.to)
    if isinstance(found, Reply):
        return found
    match, code = found, claims.code_of(found)
    sides = claims.sides_of(ctx.session, match)
    me = sides.of(ctx.sender.node_num)
    if me is None and not _committee(ctx):
        return _say(ctx, "not_party", code=code)
    if match.status != LIVE:
        return _say(ctx, "closed", code=code)
    recipients = [sides.other(me).node] if me is not None else [sides.giver.node, sides.receiver.node]
    who = spoken_name(ctx.sender)
    texts = {node: note_replies.relayed(code, who, cmd.text, ctx.lang_of(node)) for node in recipients}
    if any(text is None for text in texts.values()):
        return _say(ctx, "too_long", over=note_replies.overflow(code, who, cmd.text))
    return _relay(ctx, texts, match.id, code)


def _relay(ctx: Context, texts: dict[int, str | None], match_id: int | None, code: str | None) -> Reply:
    """Relay to each recipient (two when the committee writes in a match); the answer speaks
    of those that fared worst: refused as full, then held, then sent."""
    outcomes: list[tuple[int, str]] = []
    for node, text in texts.items():
        assert text is not None
        outcome = notes.relay(ctx.session, ctx.sender.node_num, node, text, match_id, ctx.now, ctx.settings)
        member = ctx.session.get(Member, node)
        outcomes.append((_RANK[outcome], spoken_name(member) if member is not None else f"{code}"))
    worst = max(rank for rank, _ in outcomes)
    who = " & ".join(name for rank, name in outcomes if rank == worst)
    if worst == _RANK[notes.Relayed.FULL]:
        return _say(ctx, "full", names=who, count=ctx.settings.note_hold_max)
    which = "sent" if worst == _RANK[notes.Relayed.QUEUED] else "held"
    if code is None:
        return _say(ctx, which + "_direct", who=who)
    return _say(ctx, which, names=who, code=code)


def _named(session: Session, community: str, name: str) -> list[Member]:
    """Members a committee note may be addressed to by `name`: a node id, a JOIN name or a radio's short name."""
    node = _NODE_RE.fullmatch(name.lower())
    if node is not None:
        member = session.get(Member, int(node.group(1), 16))
        return [member] if member is not None else []
    wanted = fold(name)
    candidates = session.exec(select(Member).where(Member.community == community)
                              .order_by(col(Member.node_num))).all()
    by_name = [m for m in candidates if m.name and fold(m.name) == wanted]
    return by_name or [m for m in candidates if m.short_name and fold(m.short_name) == wanted]


def _by_name(ctx: Context, cmd: Note) -> Reply:
    committee = _committee(ctx)
    found = [m for m in _named(ctx.session, ctx.sender.community, cmd.to) if m.node_num != ctx.sender.node_num]
    if not committee:
        found = [m for m in found if m.role in COMMITTEE_ROLES]
        if not found:
            return _say(ctx, "by_name_refused")
    if not found:
        return _say(ctx, "nobody", name=cmd.to)
    if len(found) > 1:
        ids = _or(ctx, [f"!{m.node_num:08x}" for m in found[:3]])
        return _say(ctx, "ambiguous", name=cmd.to, choices=ids)
    target = found[0]
    who = spoken_name(ctx.sender)
    text = note_replies.relayed_direct(who, cmd.text, ctx.lang_of(target.node_num))
    if text is None:
        return _say(ctx, "too_long", over=note_replies.overflow("", who, cmd.text) + 2)
    return _relay(ctx, {target.node_num: text}, None, None)
