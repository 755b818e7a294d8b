"""DIGEST: the state of the board for a committee member away from the laptop."""

from __future__ import annotations

from meshbot.handlers.context import Context, Reply
from meshbot.mesh_digest import COMMITTEE_ROLES, station_digest
from meshbot.outbox import Outgoing, Priority
from protocol import Digest

REFUSAL = "DIGEST is for the committee. LIST shows the board."


def digest(ctx: Context, cmd: Digest) -> Reply:
    """One or two packets to the asker; anyone else gets a short refusal and nothing is read."""
    if ctx.sender.role not in COMMITTEE_ROLES:
        return Reply(REFUSAL)
    first, *rest = station_digest(ctx.session, ctx.settings, ctx.now)
    return Reply(first, tuple(Outgoing(text, ctx.sender.node_num, Priority.REPLY) for text in rest))
