"""The one gate for privileged commands: a pinned PKI direct message from a member with the role.

Every text passes here between parsing and its handler (`Worker._answer`), so no handler
checks roles itself. For a privileged verb (the `PRIVILEGED` table):

- the sender's node does not hold the role -> a short refusal (and a quiet flag row);
- it holds the role but the text did not prove it (a channel message, or a DM without
  PKI: anyone can write any node number there) -> refused, and flagged to the committee;
- otherwise the command runs, and is written to the audit log.

A PKI DM under a key other than the node's pinned one is refused whatever it says, and
flagged (`refuse_changed_key`). Flags are rows the committee lists (`meshbot flags`);
the committee also gets a DM, at most once an hour per reason whatever node numbers the
flags carry: a spoofer writing many numbers earns one notice, and `meshbot flags` has the
rest. Refusals are counted in the sender's rate limit (`Worker`), so a flood of them
yields one "slow down" and no further rows.

Handlers whose effect merely depends on the role (not refused, but treated differently)
ask the gate too: `standing(ctx, roles)` says whether the sender lacks the role, holds
it without proof, or holds it and proved it; `ctx.acts_as(...)` is the last of those.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from sqlmodel import Session, col, select

from hardware.link import node_id
from meshbot.delivery.outbox import Outgoing, Priority
from meshbot.handlers.context import Context, Reply
from meshbot.inbound.identity import fingerprint
from meshbot.council.people import is_rep
from meshbot.people.members import display_name
from meshbot.people.membership import COMMITTEE_ROLES
from meshbot.security import audit
from protocol.catalogue import render
from protocol.vocab import VERB_NAMES
from store import Member
from store.models import SecurityFlag

PRIVILEGED: Mapping[str, frozenset[str]] = MappingProxyType({
    "digest": COMMITTEE_ROLES,
    "members": COMMITTEE_ROLES,
    "emergency": COMMITTEE_ROLES,
})
"""Verb -> the roles that may run it. A verb added here is gated; nothing else is needed."""
COUNCIL: Mapping[str, str] = MappingProxyType({"agenda": "rep", "vote": "member"})
"""The council's verbs -> who may send them: `rep` (a council rep's radio, or the committee)
or `member` (an approved member, or the committee). Like `PRIVILEGED`, only by a pinned
PKI DM; a ballot's words are not kept even when it is refused (`Reply.secret`)."""
FLAG_QUIET_S = 3600.0
"""After the committee was told about a reason, further flags of it in this window are rows only."""
FLAG_NOTICE_MAX = 5
REFUSALS_ANSWERED = 3
"""Refusals per node and reason answered within `FLAG_QUIET_S`; later ones are rows only."""


class Refusal(Reply):
    """A Reply saying no. Not remembered as the answer to those words: the same command
    sent again with proof (after a spoofed copy, or once a new key is confirmed) runs."""


class SilentRefusal(Refusal):
    """A refusal its node was already given `REFUSALS_ANSWERED` times within `FLAG_QUIET_S`: only its notices (if
    any) are sent. A spoofer repeating a privileged command in a member's number would
    otherwise fill that member's queue with refusals ahead of their own answers."""


def _refusal(session: Session, member: Member, reason: str, now: float, text: str,
             notices: tuple[Outgoing, ...]) -> Refusal:
    """The refusal, silent once the node was refused `REFUSALS_ANSWERED` times for the same
    reason within the window (the flag just added is flushed by the query and counted too)."""
    earlier = session.exec(
        select(SecurityFlag.id).where(
            SecurityFlag.node_num == member.node_num, SecurityFlag.reason == reason,
            SecurityFlag.created >= now - FLAG_QUIET_S,
        ).limit(REFUSALS_ANSWERED + 1)
    ).all()
    kind = SilentRefusal if len(earlier) > REFUSALS_ANSWERED else Refusal
    return kind(text, notices)


def _verb(verb: str, lang: str) -> str:
    return VERB_NAMES.get(lang, VERB_NAMES["en"]).get(verb, verb.upper())


def check(ctx: Context, verb: str, text: str) -> Reply | None:
    """None when `verb` may run for this sender; else the refusal (with any committee notices)."""
    if verb in COUNCIL:
        return _check_council(ctx, verb, text)
    roles = PRIVILEGED.get(verb)
    if roles is None:
        return None
    if ctx.sender.role not in roles:
        flag(ctx.session, ctx.sender, "not_allowed", ctx.now, verb=verb, notify=False)
        return Refusal(render("gate.not_allowed", ctx.lang, verb=_verb(verb, ctx.lang)))
    if not ctx.authenticated:
        return _unproven(ctx, verb, text)
    return None


def _unproven(ctx: Context, verb: str, detail: str, secret: bool = False) -> Refusal:
    notices = flag(ctx.session, ctx.sender, "unauthenticated", ctx.now, verb=verb, detail=detail)
    refusal = _refusal(ctx.session, ctx.sender, "unauthenticated", ctx.now,
                       render("gate.unauthenticated", ctx.lang, verb=_verb(verb, ctx.lang)), notices)
    return type(refusal)(refusal.text, refusal.notices, secret=secret)


def _check_council(ctx: Context, verb: str, text: str) -> Reply | None:
    """AGENDA from a rep or the committee, VOTE from an approved member or the committee."""
    secret = verb == "vote"
    committee = ctx.sender.role in COMMITTEE_ROLES
    if COUNCIL[verb] == "rep":
        allowed, refusal = committee or is_rep(ctx.session, ctx.sender.node_num), "gate.council_reps"
    else:
        allowed, refusal = committee or ctx.sender.status == "approved", "gate.members_only"
    if not allowed:
        flag(ctx.session, ctx.sender, "not_allowed", ctx.now, verb=verb, notify=False)
        return Refusal(render(refusal, ctx.lang, verb=_verb(verb, ctx.lang)), secret=secret)
    if not ctx.authenticated:  # a spoofed voter: anyone can write a member's number on the channel
        return _unproven(ctx, verb, verb.upper() if secret else text, secret)
    return None


class Standing(enum.Enum):
    """How a sender stands for a role-dependent effect."""

    WITHOUT_ROLE = "without_role"
    UNPROVEN = "unproven"
    """Holds the role, but the text did not prove who sent it (a channel or a plain DM)."""
    PROVEN = "proven"


def standing(ctx: Context, roles: Iterable[str]) -> Standing:
    """For a handler whose answer depends on the sender's role (OK on a waiting alert
    confirms it from the committee, and is an ordinary OK from anyone else)."""
    if ctx.sender.role not in tuple(roles):
        return Standing.WITHOUT_ROLE
    return Standing.PROVEN if ctx.authenticated else Standing.UNPROVEN


def admit(ctx: Context, verb: str, text: str) -> None:
    """Write an accepted privileged command to the audit log (in the command's transaction)."""
    if verb in PRIVILEGED:
        audit.record(ctx.session, node_id(ctx.sender.node_num), f"dm.{verb}", ctx.now, detail=text)


def refuse_changed_key(session: Session, sender: Member, offered: str, pinned: str, now: float,
                       lang: str = "en") -> Reply:
    """A PKI DM under a new key for a known node: nothing it asks is done."""
    detail = f"pinned {fingerprint(pinned)}, offered {fingerprint(offered)}"
    notices = flag(session, sender, "key_changed", now, detail=detail)
    return _refusal(session, sender, "key_changed", now, render("gate.key_changed", lang), notices)


def flag(session: Session, member: Member, reason: str, now: float, *, verb: str | None = None,
         detail: str | None = None, notify: bool = True) -> tuple[Outgoing, ...]:
    """Record a flag; returns the DMs telling the committee (none within the quiet window)."""
    told_recently = notify and session.exec(
        select(SecurityFlag.id).where(
            SecurityFlag.reason == reason,
            col(SecurityFlag.notified).is_(True), SecurityFlag.created >= now - FLAG_QUIET_S,
        ).limit(1)
    ).first() is not None
    notices = _notices(session, member, reason, verb, detail) if notify and not told_recently else ()
    session.add(SecurityFlag(node_num=member.node_num, reason=reason, verb=verb, detail=detail,
                             created=now, notified=bool(notices)))
    return notices


def _notices(session: Session, member: Member, reason: str, verb: str | None,
             detail: str | None) -> tuple[Outgoing, ...]:
    committee = session.exec(
        select(Member).where(col(Member.role).in_(COMMITTEE_ROLES), Member.community == member.community)
        .order_by(col(Member.node_num)).limit(FLAG_NOTICE_MAX)
    ).all()
    who = display_name(member)
    if reason == "key_changed":
        text = render("gate.notice_key_changed", "en", who=who, detail=detail or "", node=node_id(member.node_num))
    else:
        text = render("gate.notice_unauthenticated", "en", verb=(verb or "").upper(), who=who)
    return tuple(Outgoing(text, m.node_num, Priority.NOTICE) for m in committee)


def recent_flags(session: Session, limit: int = 50) -> list[SecurityFlag]:
    return list(session.exec(select(SecurityFlag).order_by(col(SecurityFlag.id).desc()).limit(limit)).all())
