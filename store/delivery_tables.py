"""The delivery tables: every inbound text seen, the outbox, what went on air and the radio's verdicts.

Times are epoch seconds handed in by the caller's clock; node numbers are the radio's 32-bit
unsigned numbers (`node_column`).
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.columns import node_column
from store.crypto import EncryptedText

OUTBOX_STATES = ("pending", "sending", "sent", "relayed", "acked", "failed", "dropped", "merged", "superseded")
"""pending: waiting its turn; sending: handed to the radio, not yet recorded as sent (a
crash here resends with the same packet id, which receivers drop as a duplicate);
sent: on air (final for broadcasts and texts without want_ack); relayed: our radio heard
the mesh carry it (an implicit ack); acked: the destination confirmed; failed: no ack after every retry; dropped: too old to matter; merged: carried
inside another row's text; superseded: a newer copy of the same reply went instead (`merged_into`)."""


class SeenPacket(SQLModel, table=True):
    """Every inbound text, written when it arrives and marked `handled` with its effects.

    The primary key drops a replayed backlog; an unhandled row left by a crash is
    processed on the next start, so nothing the radio took in is lost.
    """

    __table_args__ = (
        Index("ix_seen_sender_time", "from_node", "received"),
        Index("ix_seen_unhandled", "handled", "received"),
    )

    from_node: int = Field(sa_column=node_column(primary_key=True, autoincrement=False))
    packet_id: int = Field(sa_column=node_column(primary_key=True, autoincrement=False))
    to_node: int = Field(default=0xFFFFFFFF, sa_column=node_column(nullable=False))
    channel: int = 0
    received: float
    text: str = Field(sa_type=EncryptedText)
    handled: bool = False
    reply: str | None = Field(default=None, sa_type=EncryptedText)
    pki_encrypted: bool = Field(default=False, description="came as a PKI direct message")
    public_key: str | None = Field(default=None, description="the sender's PKI key (base64) the radio used")


class OutboxItem(SQLModel, table=True):
    """A text waiting to go on air (or gone): the sender's only source of work."""

    __table_args__ = (
        Index("ix_outbox_due", "state", "priority", "id"),
        Index("ix_outbox_inflight", "state", "want_ack"),
    )

    id: int | None = Field(default=None, primary_key=True)
    destination: int = Field(sa_column=node_column(nullable=False))
    channel: int = 0
    text: str = Field(sa_type=EncryptedText)
    priority: int
    want_ack: bool = False
    state: str = "pending"
    attempts: int = 0
    created: float
    not_before: float
    sent_at: float | None = None
    packet_id: int | None = Field(default=None, sa_column=node_column(nullable=True, index=True))
    error: str | None = None
    after_id: int | None = Field(default=None, description="part of a split text: send after this row is done")
    merged_into: int | None = None
    acked_at: float | None = None
    airtime_s: float = 0.0
    alert_app: bool = Field(default=False, description="sent as an ALERT_APP packet (rings a handheld's buzzer)")
    held_by_emergency: int | None = Field(
        default=None, description="the emergency (its id) holding this routine text back until its window ends"
    )


class Transmission(SQLModel, table=True):
    """Each time the bot put a text on air, so the airtime budget survives restarts."""

    id: int | None = Field(default=None, primary_key=True)
    time: float = Field(index=True)
    airtime_s: float
    outbox_id: int | None = None


class DeliveryAttempt(SQLModel, table=True):
    """One packet meshbot handed the radio for a direct message, and the radio's verdict on it.

    A resend carries a new packet id (relays drop an id they have seen), so a late ACK
    for an earlier try is matched here to the row it delivered.
    """

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(index=True)
    packet_id: int = Field(sa_column=node_column(nullable=False, index=True))
    sent_at: float
    verdict_due: float = Field(description="no verdict by then: the radio's own tries are long over")
    verdict: str | None = Field(default=None, description="acked, relayed, a NAK's reason, or timeout")
    verdict_at: float | None = None
