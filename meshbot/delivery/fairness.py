"""Fair queueing across destinations: a fresh answer never waits behind a backlog for others.

Within a priority, destinations take turns (the one served longest ago first, one never
served before all others); within a destination the oldest row goes first. So after a
flood of hostile texts from two hundred nodes has queued nine hundred replies, a
resident's HELP is answered on the next free slot instead of after all of them, and a
spoofer who makes us answer one node many times only delays that node's own queue.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func
from sqlmodel import Session, col, select

from store import OutboxItem

HEADS_PER_QUEUE = 3
"""Rows looked at per destination and priority: the head, and a few behind it for when the
head waits on an earlier part or a pause."""
NEVER = float("-inf")


def fair_order(db: Session, now: float, served: Mapping[int, float], limit: int) -> list[OutboxItem]:
    """Due pending rows in sending order: priority, then the destination served longest ago,
    then oldest first; at most `limit` rows and `HEADS_PER_QUEUE` per destination queue."""
    place = func.row_number().over(
        partition_by=(OutboxItem.destination, OutboxItem.priority), order_by=col(OutboxItem.id)
    ).label("place")
    heads = (
        select(col(OutboxItem.id).label("id"), place)
        .where(OutboxItem.state == "pending", OutboxItem.not_before <= now)
        .subquery()
    )
    rows = db.exec(
        select(OutboxItem)
        .join(heads, heads.c.id == col(OutboxItem.id))
        .where(heads.c.place <= HEADS_PER_QUEUE)
    ).all()
    rows = sorted(rows, key=lambda r: (r.priority, served.get(r.destination, NEVER), r.id))
    return list(rows[:limit])
