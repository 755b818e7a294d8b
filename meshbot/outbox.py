"""What handlers ask to send, and how it is queued in the outbox table."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from sqlmodel import Session

from hardware.link import BROADCAST_NUM
from protocol.replies import REPLY_LIMIT, utf8_len
from store import OutboxItem


class Priority(IntEnum):
    """Lower goes first: an alert never waits behind a digest."""

    ALERT = 0
    REPLY = 1
    NOTICE = 2
    DIGEST = 3


@dataclass(frozen=True)
class Outgoing:
    """One text for the air: to a node (a DM) or to everyone on a channel."""

    text: str
    destination: int = BROADCAST_NUM
    priority: Priority = Priority.NOTICE
    channel: int = 0

    def __post_init__(self) -> None:
        if not self.text or utf8_len(self.text) > REPLY_LIMIT:
            raise ValueError(f"outgoing text must be 1..{REPLY_LIMIT} bytes: {self.text!r}")

    @property
    def is_direct(self) -> bool:
        return self.destination != BROADCAST_NUM


def enqueue(session: Session, message: Outgoing, now: float, want_ack: bool) -> OutboxItem:
    """Add one row in the caller's transaction, so it commits with the state it reports."""
    item = OutboxItem(
        destination=message.destination,
        channel=message.channel,
        text=message.text,
        priority=int(message.priority),
        want_ack=want_ack and message.is_direct,
        created=now,
        not_before=now,
    )
    session.add(item)
    return item
