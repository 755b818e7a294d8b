"""HELP: the command card, one verb's usage, or a person asking for help in words.

`HELP fire at elm` is somebody in trouble, not somebody curious about commands. They get
what to do now (send SOS with their own words) instead of the card, the request is
logged as a warning, and when it names a danger (or carries `!!`) the committee and
responders of the sender's community get it by DM at once.
"""

from __future__ import annotations

import logging

from sqlmodel import select

from hardware.link import node_id
from meshbot.handlers.context import Context, Reply
from meshbot.people.members import display_name
from meshbot.delivery.outbox import Outgoing, Priority
from protocol import Help, replies
from protocol.help import help_reply
from store import Member

log = logging.getLogger(__name__)
TOLD_ROLES = ("committee", "admin", "responder")
TOLD_MAX = 5
"""At most this many people are told of one request: enough to be heard, little airtime."""


def answer(ctx: Context, cmd: Help) -> Reply:
    if not cmd.is_request:
        return Reply(help_reply(cmd))
    log.warning("help asked by %s (%s)", node_id(ctx.sender.node_num), cmd.urgency)
    notices: tuple[Outgoing, ...] = ()
    if cmd.urgency == "critical":
        notices = _tell_committee(ctx, cmd)
    return Reply(help_reply(cmd, told=bool(notices)), notices)


def _tell_committee(ctx: Context, cmd: Help) -> tuple[Outgoing, ...]:
    people = ctx.session.exec(
        select(Member)
        .where(Member.role.in_(TOLD_ROLES), Member.node_num != ctx.sender.node_num,  # type: ignore[attr-defined]
               Member.community == ctx.sender.community)
        .order_by(Member.node_num)
        .limit(TOLD_MAX)
    ).all()
    text = replies.help_request_notice(display_name(ctx.sender), cmd.request, ctx.sender.zone)
    return tuple(Outgoing(text, m.node_num, Priority.REPLY) for m in people)
