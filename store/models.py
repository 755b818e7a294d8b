"""The tables: members, postings, matches, alerts, packets seen, and the outbox.

Times are epoch seconds (floats) handed in by the caller's clock, so the same rows
come out of a simulated hour and a real one. Node numbers are the radio's 32-bit
unsigned numbers.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

ROLES = ("resident", "responder", "committee", "admin")
POSTING_STATES = ("open", "matched", "done", "cancelled", "expired")
MATCH_STATES = ("proposed", "done", "cancelled")
ALERT_STATES = ("active", "cancelled", "expired")
DEFAULT_COMMUNITY = "main"
"""The community of members and postings a base station has not been told otherwise about."""
OUTBOX_STATES = ("pending", "sending", "sent", "relayed", "acked", "failed", "dropped", "merged")
"""pending: waiting its turn; sending: handed to the radio, not yet recorded as sent (a
crash here resends with the same packet id, which receivers drop as a duplicate);
sent: on air (final for broadcasts and texts without want_ack); relayed: our radio heard
the mesh carry it (an implicit ack); acked: the destination confirmed; failed: no ack after every retry; dropped: too old to matter; merged: carried
inside another row's text."""


def _node_column(**kwargs: object) -> Column:
    """Node numbers reach 0xFFFFFFFF: BIGINT so PostgreSQL can hold them."""
    return Column(BigInteger, **kwargs)


class Member(SQLModel, table=True):
    """A node we have heard from, and what its owner told us about themselves."""

    node_num: int = Field(sa_column=_node_column(primary_key=True, autoincrement=False))
    short_name: str | None = None
    name: str | None = Field(default=None, description="name given with JOIN")
    zone: str | None = None
    role: str = "resident"
    joined: bool = False
    first_seen: float
    last_seen: float
    safe_at: float | None = None
    community: str = Field(default=DEFAULT_COMMUNITY, index=True, description="community served")
    lang: str | None = Field(default=None, description="language of their last command: en or es")


class Posting(SQLModel, table=True):
    """An offer or a need on the board."""

    __table_args__ = (Index("ix_posting_board", "status", "kind", "category"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # offer | need
    category: str
    item: str
    quantity: float | None = None
    unit: str | None = None
    zone: str | None = None
    urgency: str = "normal"
    status: str = Field(default="open", index=True)
    author: int = Field(sa_column=_node_column(nullable=False, index=True))
    created: float
    updated: float
    expires: float | None = None
    community: str = Field(default=DEFAULT_COMMUNITY, index=True, description="community served")


class Match(SQLModel, table=True):
    """An offer paired with a need, or a posting taken by a resident."""

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int | None = Field(default=None, foreign_key="posting.id", index=True)
    need_id: int | None = Field(default=None, foreign_key="posting.id", index=True)
    taker: int | None = Field(default=None, sa_column=_node_column(nullable=True))
    status: str = "proposed"
    created: float
    closed: float | None = None


class Alert(SQLModel, table=True):
    """An emergency broadcast."""

    id: int | None = Field(default=None, primary_key=True)
    sender: int = Field(sa_column=_node_column(nullable=False))
    text: str
    zone: str | None = None
    status: str = "active"
    created: float
    expires: float


class SeenPacket(SQLModel, table=True):
    """Every inbound text, written when it arrives and marked `handled` with its effects.

    The primary key drops a replayed backlog; an unhandled row left by a crash is
    processed on the next start, so nothing the radio took in is lost.
    """

    __table_args__ = (
        Index("ix_seen_sender_time", "from_node", "received"),
        Index("ix_seen_unhandled", "handled", "received"),
    )

    from_node: int = Field(sa_column=_node_column(primary_key=True, autoincrement=False))
    packet_id: int = Field(sa_column=_node_column(primary_key=True, autoincrement=False))
    to_node: int = Field(default=0xFFFFFFFF, sa_column=_node_column(nullable=False))
    channel: int = 0
    received: float
    text: str
    handled: bool = False
    reply: str | None = None


class OutboxItem(SQLModel, table=True):
    """A text waiting to go on air (or gone): the sender's only source of work."""

    __table_args__ = (
        Index("ix_outbox_due", "state", "priority", "id"),
        Index("ix_outbox_inflight", "state", "want_ack"),
    )

    id: int | None = Field(default=None, primary_key=True)
    destination: int = Field(sa_column=_node_column(nullable=False))
    channel: int = 0
    text: str
    priority: int
    want_ack: bool = False
    state: str = "pending"
    attempts: int = 0
    created: float
    not_before: float
    sent_at: float | None = None
    packet_id: int | None = Field(default=None, sa_column=_node_column(nullable=True, index=True))
    error: str | None = None
    after_id: int | None = Field(default=None, description="part of a split text: send after this row is done")
    merged_into: int | None = None
    acked_at: float | None = None
    airtime_s: float = 0.0


class Transmission(SQLModel, table=True):
    """Each time the bot put a text on air, so the airtime budget survives restarts."""

    id: int | None = Field(default=None, primary_key=True)
    time: float = Field(index=True)
    airtime_s: float
    outbox_id: int | None = None


class ReportNote(SQLModel, table=True):
    """An issue the committee wants raised at council, for one month's rep report."""

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(index=True, description="YYYY-MM")
    community: str | None = Field(default=None, description="None: every community")
    text: str
    created: float


class SuccessStory(SQLModel, table=True):
    """A completed match the committee chose to tell the council about."""

    id: int | None = Field(default=None, primary_key=True)
    match_id: int = Field(foreign_key="match.id", unique=True)
    text: str
    created: float


class PageState(SQLModel, table=True):
    """Where a node's last LIST or FIND stopped, so MORE can go on: one short-lived row per node."""

    node_num: int = Field(sa_column=_node_column(primary_key=True, autoincrement=False))
    title: str
    remaining: str = ""  # posting ids not yet shown, in order, comma-separated
    shown: int = 0  # how many of `total` the earlier pages showed
    total: int = 0
    expires: float = Field(index=True)
