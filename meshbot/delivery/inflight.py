"""Which direct messages may go now: few awaiting a verdict, in order, not into a burst.

At most a few DMs await the radio's verdict at once, one per resident by default, so
the bot's own texts never crowd the channel the ACKs need. A text to a resident also
waits while an earlier text to them waits to be sent again, or only a relay has
confirmed one (texts arrive in order). And while a resident is still sending a burst
of commands, their answers wait until the burst pauses: their radio cannot hear while
it transmits, and the answers then share a packet. And while direct messages from
anyone are still arriving in a burst (within one retransmission timeout of their radios),
answers wait, at most `max_answer_hold_s`, so the radio's own ACKs for them get the channel
first; a lone command's answer waits only until the radio's ACK of it is on air.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from hardware.link import BROADCAST_NUM
from meshbot.delivery.outbox import Priority
from store import DeliveryAttempt, OutboxItem, SeenPacket

IN_FLIGHT = ("sending", "sent")
BURST = 2
"""Texts from one resident within the hold that make a burst."""


def in_flight(db: Session) -> list[OutboxItem]:
    """Direct messages handed to the radio and still awaiting its verdict."""
    return list(db.exec(
        select(OutboxItem).where(
            col(OutboxItem.state).in_(IN_FLIGHT), col(OutboxItem.want_ack).is_(True),
            OutboxItem.destination != BROADCAST_NUM,
        )
    ).all())


def relayed_open(db: Session) -> list[int]:
    """Destinations of texts a relay carried whose own ACK may still come."""
    return list(db.exec(
        select(OutboxItem.destination)
        .join(DeliveryAttempt, col(DeliveryAttempt.packet_id) == OutboxItem.packet_id)
        .where(OutboxItem.state == "relayed", DeliveryAttempt.verdict == "relayed")
    ).all())


def resend_waiting(db: Session) -> dict[int, int]:
    """destination -> the oldest row of it that waits to be sent again."""
    rows = db.exec(
        select(OutboxItem.destination, func.min(OutboxItem.id))
        .where(OutboxItem.state == "pending", OutboxItem.attempts > 0, col(OutboxItem.want_ack).is_(True))
        .group_by(OutboxItem.destination)
    ).all()
    return {destination: first for destination, first in rows}


def still_talking(db: Session, node: int, now: float, hold_s: float) -> bool:
    """Has `node` sent a burst (two direct messages or more) that has not paused for `hold_s`?

    Channel texts do not count: no radio retransmits them waiting for our ACK, and anyone
    can send them in `node`'s number, which would hold its answers for as long as a
    spoofer kept talking."""
    recent = db.exec(
        select(func.count()).select_from(SeenPacket)
        .where(SeenPacket.from_node == node, SeenPacket.received > now - hold_s,
               SeenPacket.to_node != BROADCAST_NUM)
    ).one()
    return int(recent) >= BURST


def mesh_talking(db: Session, now: float, hold_s: float, ack_s: float) -> bool:
    """Are direct messages (from anyone, the answer's own command too) still coming in?

    Our radio acks each one itself, and on a busy mesh its ACKs queue behind each other:
    a resident whose ACK comes later than their radio's retransmission timeout sends the
    command again (and again), and each copy costs the base another ACK. So while a burst
    of commands is coming in (a command within `hold_s` of the one before it), answers wait
    for a pause of `hold_s` and the channel carries the ACKs first. A lone command holds
    its answer only until our radio's ACK of it is on air (`ack_s`): the resident's radio
    then has it and sends nothing more, so a quiet mesh gets its answer in seconds.
    (`handled IN (0, 1)` lets SQLite use the (handled, received) index.)"""
    last_two = db.exec(
        select(SeenPacket.received).where(
            col(SeenPacket.handled).in_((False, True)),
            SeenPacket.received > now - 2 * hold_s,
            SeenPacket.to_node != BROADCAST_NUM,
        ).order_by(col(SeenPacket.received).desc()).limit(BURST)
    ).all()
    if not last_two or now - last_two[0] >= hold_s:
        return False
    burst = len(last_two) == BURST and last_two[0] - last_two[1] < hold_s
    return burst or now - last_two[0] < ack_s


@dataclass(frozen=True)
class Window:
    """What awaits a verdict now, read once per pass over the queue."""

    flying: list[OutboxItem]
    relayed: list[int]
    resend: dict[int, int]
    total: int
    per_node: int

    @classmethod
    def read(cls, db: Session, total: int, per_node: int) -> Window:
        return cls(in_flight(db), relayed_open(db), resend_waiting(db), total, per_node)

    def blocked(self, item: OutboxItem, interactive: bool = False) -> bool:
        """Must this DM wait for a verdict on another one first? One slot of the window is
        kept for `interactive` answers (replies to a command just received)."""
        if not item.want_ack or item.destination == BROADCAST_NUM or item.priority == Priority.ALERT:
            return False
        if self.resend.get(item.destination, item.id) < item.id:
            return True  # an earlier text to this node goes again first
        kept = 0 if interactive or self.total < 2 else 1
        if len(self.flying) >= self.total - kept:
            return True
        same = sum(1 for f in self.flying if f.destination == item.destination) + self.relayed.count(item.destination)
        return same >= self.per_node
