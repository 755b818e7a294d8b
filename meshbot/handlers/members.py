"""JOIN (a resident asks to be a member) and MEMBERS (the committee answers, by DM).

JOIN makes a visitor a *pending* member and tells the committee; nothing a resident
can do waits for the answer. MEMBERS reaches this handler only through the gate
(gate.py): a committee member, proved by a pinned PKI direct message.
"""

from __future__ import annotations

from sqlmodel import col, select

from hardware.link import node_id
from meshbot.people import membership
from meshbot.board.matching.items import zone_of
from meshbot.people.membership import COMMITTEE_ROLES
from meshbot.handlers.context import Context, Reply
from meshbot.inbound.identity import fingerprint, pinned_key
from meshbot.people.members import display_name
from meshbot.delivery.outbox import Outgoing, Priority
from protocol import Join, Members, replies
from protocol.catalogue import render
from store import Member

TOLD_MAX = 5

def _t(which: str, lang: str, **values: object) -> str:
    return render(f"member.{which}", lang, **values)


def join(ctx: Context, cmd: Join) -> Reply:
    member = ctx.sender
    zone = zone_of(cmd.zone, ctx.settings)
    if member.status == "approved" and not ctx.authenticated and (member.name, member.zone) != (cmd.name, zone):
        return Reply(_t("already", ctx.lang))  # a channel text could be anyone's: no renaming members
    member.name, member.zone, member.joined = cmd.name, zone, True
    notices: tuple[Outgoing, ...] = ()
    if member.status == "visitor":
        member.status = "pending"
        notices = _tell_committee(ctx, member)
    ctx.session.add(member)
    if member.status == "approved":
        return Reply(replies.welcome(cmd.name, cmd.zone, lang=ctx.lang), notices)
    return Reply(_t("pending", ctx.lang, name=cmd.name, zone=cmd.zone), notices)


def _committee(ctx: Context) -> list[Member]:
    return list(ctx.session.exec(
        select(Member).where(col(Member.role).in_(COMMITTEE_ROLES), Member.community == ctx.sender.community,
                             Member.node_num != ctx.sender.node_num)
        .order_by(col(Member.node_num)).limit(TOLD_MAX)
    ).all())


def _tell_committee(ctx: Context, member: Member) -> tuple[Outgoing, ...]:
    key = pinned_key(ctx.session, member.node_num)
    notices = []
    for person in _committee(ctx):
        text = _t("join_notice", ctx.lang_of(person.node_num), who=display_name(member), zone=member.zone,
                  key=fingerprint(key) if key else "-", node=node_id(member.node_num))
        notices.append(Outgoing(text, person.node_num, Priority.NOTICE))
    return tuple(notices)


def members(ctx: Context, cmd: Members) -> Reply:
    """The committee's membership desk over the air (the gate let only the committee in)."""
    if cmd.action == "list" or cmd.node is None:
        waiting = membership.members(ctx.session, "pending", ctx.sender.community)
        if not waiting:
            return Reply(_t("nobody", ctx.lang))
        names = ", ".join(f"{node_id(m.node_num)} {m.name or m.short_name or '?'}@{m.zone or '?'}" for m in waiting)
        return Reply(_t("pending_list", ctx.lang, count=len(waiting), names=names))
    actor = node_id(ctx.sender.node_num)
    try:
        if cmd.action == "approve":
            member = membership.approve(ctx.session, cmd.node, actor, ctx.now)
            told = _t("told_approved", ctx.lang_of(member.node_num))
            return Reply(_t("approved", ctx.lang, who=display_name(member)),
                         (Outgoing(told, member.node_num, Priority.NOTICE),))
        if cmd.action == "reject":
            member = membership.reject(ctx.session, cmd.node, actor, ctx.now, ctx.sender.role)
            return Reply(_t("rejected", ctx.lang, who=display_name(member)))
        role = cmd.role or "resident"
        member = membership.set_role(ctx.session, cmd.node, role, actor, ctx.now, ctx.sender.role)
        told = _t("told_role", ctx.lang_of(member.node_num), role=role)
        return Reply(_t("role", ctx.lang, who=display_name(member), role=role),
                     (Outgoing(told, member.node_num, Priority.NOTICE),))
    except membership.MembershipError as exc:
        return Reply(exc.text(ctx.lang))
