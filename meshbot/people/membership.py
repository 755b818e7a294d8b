"""The membership desk: who asked to join, and the committee's answers (approve, reject, role).

Shared by `meshbot members ...` on the laptop and `MEMBERS ...` by DM from a committee
member; every change is written to the audit log in the same transaction.

Policy (docs/security.md): anyone may read help and post offers and needs whatever
their state, so nobody is turned away in a crisis; what changes with approval is that
their postings stop being shown to the committee as unverified, and that a role
(responder, committee, admin) can be given. Giving or taking away `admin` takes an admin.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from hardware.link import node_id
from meshbot.security import audit
from meshbot.inbound.identity import fingerprint, pinned_key
from meshbot.inbound.identity import forget_key as unpin
from meshbot.people.members import touch_member
from protocol.catalogue import render
from store import ROLES, Member
from store.models import DEFAULT_COMMUNITY, MEMBER_STATES

COMMITTEE_ROLES = frozenset({"committee", "admin"})
"""The roles that run the membership desk and the other privileged commands."""
OPERATOR_ROLE = "admin"
"""Whoever runs `meshbot members` on the base station has the machine: they act as admin."""


class MembershipError(ValueError):
    """The action cannot be done; the catalogue's `message_id`, filled with `values`, says why
    (in English as `str`, for the laptop; `text(lang)` for a committee member's DM)."""

    def __init__(self, message_id: str, **values: object) -> None:
        self.message_id, self.values = message_id, values
        super().__init__(render(message_id, "en", **values))

    def text(self, lang: str) -> str:
        return render(self.message_id, lang, **self.values)


def members(session: Session, status: str | None = None, community: str | None = None) -> list[Member]:
    """Members by state (None: all but visitors), most recently heard first."""
    query = select(Member)
    if status is not None:
        if status not in MEMBER_STATES:
            raise MembershipError("member.unknown_state", word=repr(status), choices=", ".join(MEMBER_STATES))
        query = query.where(Member.status == status)
    else:
        query = query.where(Member.status != "visitor")
    if community is not None:
        query = query.where(Member.community == community)
    return list(session.exec(query.order_by(col(Member.last_seen).desc())).all())


def _member(session: Session, node: int) -> Member:
    member = session.get(Member, node)
    if member is None:
        raise MembershipError("member.never_heard", node=node_id(node))
    return member


def approve(session: Session, node: int, actor: str, now: float) -> Member:
    member = _member(session, node)
    if member.status == "approved":
        return member
    member.status = "approved"
    session.add(member)
    audit.record(session, actor, "member.approve", now, subject=node_id(node), detail=_who(session, member))
    return member


def reject(session: Session, node: int, actor: str, now: float, actor_role: str = OPERATOR_ROLE) -> Member:
    """Not a member; any role is taken away (they may still post, marked unverified)."""
    member = _member(session, node)
    if member.role == "admin" and actor_role != "admin":
        raise MembershipError("member.admin_rejects_admin")
    if member.status == "rejected" and member.role == "resident":
        return member
    member.status, member.role = "rejected", "resident"
    session.add(member)
    audit.record(session, actor, "member.reject", now, subject=node_id(node), detail=_who(session, member))
    return member


def set_role(session: Session, node: int, role: str, actor: str, now: float,
             actor_role: str = OPERATOR_ROLE) -> Member:
    """Give a role; a member given any role but resident is approved with it."""
    if role not in ROLES:
        raise MembershipError("member.unknown_role", word=repr(role), choices=", ".join(ROLES))
    member = _member(session, node)
    if "admin" in (role, member.role) and actor_role != "admin" and role != member.role:
        raise MembershipError("member.admin_gives_admin")
    if member.role == role and (role == "resident" or member.status == "approved"):
        return member
    before = member.role
    member.role = role
    if role != "resident":
        member.status = "approved"
    session.add(member)
    audit.record(session, actor, "member.role", now, subject=node_id(node),
                 detail=f"{before} -> {role}; {_who(session, member)}")
    return member


def name_committee(session: Session, node: int, name: str | None, actor: str, now: float,
                   community: str = DEFAULT_COMMUNITY) -> Member:
    """The first committee member, named at the laptop (`meshbot init --committee`) before
    their radio need have written: from then on residents' alerts wait for a committee
    member to confirm them instead of going out unverified."""
    member = session.get(Member, node)
    if member is None:
        member = touch_member(session, node, now, None, community)
    if name and name.strip():
        member.name = name.strip()[:40]
        session.add(member)
    return set_role(session, node, "committee", actor, now)


def forget_key(session: Session, node: int, actor: str, now: float) -> bool:
    """Unpin a node's key (its radio was reset or replaced); its next PKI DM pins the new one."""
    old = pinned_key(session, node)
    if not unpin(session, node):
        return False
    audit.record(session, actor, "member.forget_key", now, subject=node_id(node),
                 detail=f"was {fingerprint(old or '')}")
    return True


def _who(session: Session, member: Member) -> str:
    key = pinned_key(session, member.node_num)
    name = member.name or member.short_name or "?"
    return f"{name} @{member.zone or '?'} key {fingerprint(key) if key else 'none'}"
