"""DIGEST: the state of the board for a committee member away from the laptop."""

from __future__ import annotations

from meshbot.handlers.context import Context, Reply
from meshbot.papers.mesh_digest import station_digest
from meshbot.delivery.outbox import Outgoing, Priority
from protocol import Digest


def digest(ctx: Context, cmd: Digest) -> Reply:
    """One or two packets to the asker, a committee member proved by a pinned PKI DM: anyone
    else gets the catalogue's `gate.not_allowed` from meshbot/inbound/gate.py, before this runs."""
    first, *rest = station_digest(ctx.session, ctx.settings, ctx.now)
    return Reply(first, tuple(Outgoing(text, ctx.sender.node_num, Priority.REPLY) for text in rest))
