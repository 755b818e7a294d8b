"""One packet for what waits for one resident, and never a stale answer after a fresh one.

A resident who sends several commands before the first answer could leave gets the
answers folded into one packet (`a | b`), in the order the commands came, while they fit
200 bytes; notices fold the same way. A reply is never sent after a newer copy of
itself: a repeated command queues its stored answer again, and an older copy still
waiting (or waiting for a resend) is superseded by it.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from hardware.link import BROADCAST_NUM
from meshbot.delivery.outbox import Priority
from protocol.replies import REPLY_LIMIT, utf8_len
from store import OutboxItem

MERGE_SEPARATOR = " | "


def _starts_a_split_text(db: Session, item: OutboxItem) -> bool:
    later = db.exec(select(func.count()).select_from(OutboxItem).where(OutboxItem.after_id == item.id)).one()
    return bool(later)


def superseded(db: Session, item: OutboxItem) -> bool:
    """Mark `item` superseded when a newer copy of the same reply waits for the same node."""
    if item.priority != Priority.REPLY or item.destination == BROADCAST_NUM or item.after_id is not None:
        return False
    newer = db.exec(
        select(OutboxItem).where(
            OutboxItem.state == "pending", OutboxItem.destination == item.destination,
            OutboxItem.priority == Priority.REPLY, col(OutboxItem.id) > item.id,
            col(OutboxItem.after_id).is_(None),
        ).order_by(col(OutboxItem.id).desc())
    ).all()
    # Texts are encrypted at rest with a fresh nonce each: compare them here, not in SQL.
    copy = next((other for other in newer if other.text == item.text), None)
    if copy is None:
        return False
    item.state, item.merged_into, item.error = "superseded", copy.id, None
    db.add(item)
    return True


def merge_waiting(db: Session, item: OutboxItem, now: float) -> None:
    """Fold texts waiting for the same node into `item`'s packet while they fit.

    A reply carries the later replies in order (stopping at the first that does not fit,
    so none overtakes another), then notices; a notice carries notices and digests. A text that was
    on air before keeps its words: a late ACK for that earlier packet must not vouch for
    words it never carried.
    """
    if item.destination == BROADCAST_NUM or item.after_id or item.attempts or item.priority == Priority.ALERT:
        return
    kinds = (Priority.REPLY, Priority.NOTICE) if item.priority == Priority.REPLY else (Priority.NOTICE, Priority.DIGEST)
    others = db.exec(
        select(OutboxItem).where(
            OutboxItem.state == "pending", OutboxItem.destination == item.destination,
            col(OutboxItem.priority).in_(kinds), OutboxItem.id != item.id, OutboxItem.attempts == 0,
            col(OutboxItem.after_id).is_(None), OutboxItem.channel == item.channel,
            OutboxItem.not_before <= now,
        ).order_by(OutboxItem.priority, OutboxItem.id)
    ).all()
    for other in others:
        if other.priority == Priority.REPLY and other.text in item.text.split(MERGE_SEPARATOR):
            # the same answer again (a repeated command): once in the packet is enough
            other.state, other.merged_into = "superseded", item.id
            db.add(other)
            continue
        merged = item.text + MERGE_SEPARATOR + other.text
        if utf8_len(merged) > REPLY_LIMIT or _starts_a_split_text(db, other):
            if other.priority == Priority.REPLY:
                break  # a later reply may not go before this one
            continue
        item.text = merged
        item.want_ack = item.want_ack or other.want_ack
        other.state, other.merged_into = "merged", item.id
        db.add(other)
