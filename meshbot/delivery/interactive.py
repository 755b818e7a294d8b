"""Which texts answer a command just received, and the place each takes in the radio's queue.

An answer to a command that came a moment ago is what a resident is watching their
screen for. It goes at HIGH priority in the radio's TX queue (`MeshPacket.Priority`; the
firmware's `MeshPacketQueue` sends the highest first) and may take the in-flight slot
kept free for such answers, so a backlog of bulk replies (after a flood of hostile texts
from many nodes) never holds a resident's HELP back. Other direct messages go RELIABLE;
broadcasts other than alerts, and digests, go BACKGROUND: they yield to what residents
wait for.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from hardware.link import BROADCAST_NUM, PRIORITY_ALERT, PRIORITY_BACKGROUND, PRIORITY_HIGH, PRIORITY_RELIABLE
from meshbot.delivery.outbox import Priority
from store import OutboxItem, SeenPacket


def is_interactive(db: Session, item: OutboxItem, now: float, window_s: float) -> bool:
    """Is `item` a reply to a direct message its resident sent within `window_s` (before it
    was made)? A channel text does not count: anyone can send one in any node's number, so
    replies to spoofed texts stay bulk."""
    if item.priority != Priority.REPLY or item.destination == BROADCAST_NUM:
        return False
    asked = db.exec(
        select(func.count()).select_from(SeenPacket).where(
            SeenPacket.from_node == item.destination,
            SeenPacket.to_node != BROADCAST_NUM,
            SeenPacket.received > now - window_s,
            SeenPacket.received <= item.created,
        )
    ).one()
    return int(asked) > 0


def air_priority(item: OutboxItem, interactive: bool) -> int:
    """The `MeshPacket.Priority` the radio gives `item` in its TX queue."""
    if item.priority == Priority.ALERT:
        return PRIORITY_ALERT
    if interactive:
        return PRIORITY_HIGH
    if item.destination == BROADCAST_NUM or item.priority == Priority.DIGEST:
        return PRIORITY_BACKGROUND
    return PRIORITY_RELIABLE
