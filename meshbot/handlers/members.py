"""JOIN: a resident tells the bot their name and zone."""

from __future__ import annotations

from meshbot.handlers.context import Context, Reply
from protocol import Join, replies


def join(ctx: Context, cmd: Join) -> Reply:
    ctx.sender.name, ctx.sender.zone, ctx.sender.joined = cmd.name, cmd.zone, True
    ctx.session.add(ctx.sender)
    return Reply(replies.welcome(cmd.name, cmd.zone, lang=ctx.lang))
