"""What handlers ask to send, and how it is queued in the outbox table."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from sqlalchemy import insert
from sqlmodel import Session

from hardware.link import BROADCAST_NUM
from meshbot.delivery.privacy import as_sent
from protocol.replies import split
from store import OutboxItem

OUTBOX = OutboxItem.__table__  # type: ignore[attr-defined]
_QUEUE = insert(OUTBOX)
"""A plain insert per row: every answer goes through here, and the ORM's bookkeeping costs
more than the write itself."""


class Priority(IntEnum):
    """Lower goes first: an alert never waits behind a digest."""

    ALERT = 0
    REPLY = 1
    NOTICE = 2
    DIGEST = 3
    NOTE = 4
    """A resident's note relayed to another (MSG m3): after everything the bot says itself."""


@dataclass(frozen=True)
class Outgoing:
    """One text for the air: to a node (a DM) or to everyone on a channel.

    A text over 200 UTF-8 bytes is queued as numbered parts `(1/3)`; callers should
    shorten first, since every part costs a packet.
    """

    text: str
    destination: int = BROADCAST_NUM
    priority: Priority = Priority.NOTICE
    channel: int = 0
    alert_app: bool = False
    """Send as an ALERT_APP packet (the library's `sendAlert`): handhelds ring their buzzer."""
    delay_s: float = 0.0
    """Not before this many seconds after it is queued (a second flood waits for the first)."""

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("an outgoing text cannot be empty")

    @property
    def is_direct(self) -> bool:
        return self.destination != BROADCAST_NUM

    @property
    def everyone_reads(self) -> bool:
        """A broadcast, or an alert (its DM repeats are the broadcast's words)."""
        return not self.is_direct or self.priority == Priority.ALERT


def enqueue(session: Session, message: Outgoing, now: float, want_ack: bool, after: int | None = None) -> list[int]:
    """Add the row(s) in the caller's transaction, so they commit with the state they report;
    returns their ids, first part first.

    Parts of a split text are chained by `after_id`: each goes only once the one before
    it is done (acked, for a direct message), so they arrive in order. `after` chains the
    first part the same way to another row (an answer goes after the broadcast it reports).
    """
    text = as_sent(message.text, everyone_reads=message.everyone_reads)
    connection = session.connection()
    ids: list[int] = []
    for part in split(text or "…"):
        row = {
            "destination": message.destination, "channel": message.channel, "text": part,
            "priority": int(message.priority), "want_ack": want_ack and message.is_direct, "state": "pending",
            "attempts": 0, "created": now, "not_before": now + message.delay_s,
            "after_id": ids[-1] if ids else after, "alert_app": message.alert_app, "airtime_s": 0.0,
        }
        ids.append(connection.execute(_QUEUE, row).inserted_primary_key[0])
    return ids
