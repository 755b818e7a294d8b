"""The tables: members, postings, matches, alerts, emergencies, reports and the matcher's index.

The delivery tables (packets seen, the outbox) are in `store.delivery_tables`, the
security tables (keys, flags, the audit log, bundles) in `store.security_tables`;
both are re-exported here, so `from store.models import OutboxItem` reads as before.

Times are epoch seconds (floats) handed in by the caller's clock, so the same rows
come out of a simulated hour and a real one. Node numbers are the radio's 32-bit
unsigned numbers.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.columns import node_column
from store.crypto import EncryptedText
from store.delivery_tables import OUTBOX_STATES, DeliveryAttempt, OutboxItem, SeenPacket, Transmission
from store.security_tables import (
    AuditEntry, AuditHead, BundleRow, ImportedBundle, KeyMeta, NodeKey, SecurityFlag,
)

__all__ = [
    "ALERT_STATES", "DEFAULT_COMMUNITY", "MATCH_STATES", "MEMBER_STATES", "NOTE_STATES", "OUTBOX_STATES",
    "POSTING_STATES", "ROLES",
    "Alert", "AlertCopy", "AlertMessage", "AlertResponse", "AuditEntry", "AuditHead", "BundleRow",
    "DeliveryAttempt", "Emergency", "ImportedBundle", "KeyMeta", "Match", "MatchKey", "Member", "NodeKey",
    "OutboxItem", "PageState", "PlanStep", "Posting", "RelayNote", "ReportNote",
    "SecurityFlag", "SeenPacket", "SuccessStory", "Transmission", "ZoneLink",
]

ROLES = ("resident", "responder", "committee", "admin")
MEMBER_STATES = ("visitor", "pending", "approved", "rejected")
"""visitor: heard from, never sent JOIN; pending: sent JOIN, waiting for the committee;
approved / rejected: the committee decided. Anyone may post and read whatever their state:
postings of members not approved are shown to the committee as unverified."""
POSTING_STATES = ("open", "matched", "done", "cancelled", "expired")
MATCH_STATES = ("proposed", "done", "cancelled")
ALERT_STATES = ("pending", "active", "cancelled", "expired")
"""pending: raised by a resident, waiting for a committee member (or the confirmation
window) before it goes on air; active: broadcast; cancelled; expired."""
DEFAULT_COMMUNITY = "main"
"""The community of members and postings a base station has not been told otherwise about."""
class Member(SQLModel, table=True):
    """A node we have heard from, and what its owner told us about themselves."""

    node_num: int = Field(sa_column=node_column(primary_key=True, autoincrement=False))
    short_name: str | None = None
    name: str | None = Field(default=None, sa_type=EncryptedText, description="name given with JOIN")
    zone: str | None = None
    role: str = "resident"
    joined: bool = False
    first_seen: float
    last_seen: float
    safe_at: float | None = None
    community: str = Field(default=DEFAULT_COMMUNITY, index=True, description="community served")
    lang: str | None = Field(default=None, description="language of their last command: en or es")
    status: str = Field(default="visitor", description="membership: visitor, pending, approved, rejected")
    repost_asked: int | None = Field(
        default=None, description="the posting they were last asked about when they posted the same item again")


NOTE_STATES = ("held", "queued")
"""held: waiting until the recipient's radio is next heard; queued: handed to the outbox (`outbox_id`)."""


class RelayNote(SQLModel, table=True):
    """A resident's words for the other side of a match, relayed by the bot (MSG m3 ...).

    Held here until the recipient is heard from, so a note to a radio that is off costs
    no airtime and is not lost."""

    id: int | None = Field(default=None, primary_key=True)
    match_id: int | None = Field(default=None, index=True, description="the match it belongs to (None: the committee wrote by name)")
    sender: int = Field(sa_column=node_column(nullable=False))
    recipient: int = Field(sa_column=node_column(nullable=False, index=True))
    text: str = Field(sa_type=EncryptedText, description="the note as relayed, with its match code and the sender's name")
    state: str = Field(default="held", index=True)
    created: float
    queued: float | None = None
    outbox_id: int | None = None


class Posting(SQLModel, table=True):
    """An offer or a need on the board."""

    __table_args__ = (Index("ix_posting_board", "status", "kind", "category"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # offer | need
    category: str
    item: str = Field(sa_type=EncryptedText)
    quantity: float | None = None
    unit: str | None = None
    zone: str | None = None
    urgency: str = "normal"
    status: str = Field(default="open", index=True)
    author: int = Field(sa_column=node_column(nullable=False, index=True))
    created: float
    updated: float
    expires: float | None = None
    community: str = Field(default=DEFAULT_COMMUNITY, index=True, description="community served")
    remaining: float | None = Field(
        default=None, description="quantity not yet handed over, in `unit` (None: all of `quantity`)")
    window: str | None = Field(default=None, description="when it is available or wanted, as parsed (`mon 9-12`, `weekends`)")


class Match(SQLModel, table=True):
    """An offer paired with a need, or a posting taken by a resident."""

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int | None = Field(default=None, foreign_key="posting.id", index=True)
    need_id: int | None = Field(default=None, foreign_key="posting.id", index=True)
    taker: int | None = Field(default=None, sa_column=node_column(nullable=True))
    status: str = "proposed"
    created: float
    closed: float | None = None
    quantity: float | None = Field(default=None, description="promised from the offer, in its unit (None: all of it)")
    need_quantity: float | None = Field(default=None, description="what it covers of the need, in its unit (None: all of it)")
    expires: float | None = Field(default=None, description="lapses unless accepted by then (None: accepted, held or closed)")
    accepted: float | None = Field(default=None, description="when a side (or the committee) accepted it")
    accepted_by: int | None = Field(default=None, sa_column=node_column(nullable=True))
    held: bool = Field(default=False, description="waiting for the committee's approval; no DM sent yet")
    reason: str | None = Field(default=None, description="why it was cancelled: withdrawn, lapsed, rejected, expired")
    fit_score: float | None = Field(default=None, description="how sure the matcher was that both name the same thing (0..1)")
    fit_reason: str | None = Field(default=None, description="why: same item, synonym, translation, typo or category")


class Alert(SQLModel, table=True):
    """An emergency broadcast, one row per incident, with the CAP 1.2 fields it carries.

    `text` and `headline` are the latest (an UPDATE replaces them); every message about
    it (alert, update, cancel) is kept in `AlertMessage`.
    """

    id: int | None = Field(default=None, primary_key=True)
    sender: int = Field(sa_column=node_column(nullable=False))
    text: str = Field(sa_type=EncryptedText)
    zone: str | None = None
    status: str = "active"
    created: float
    expires: float
    sent: float | None = Field(default=None, description="when it first went on air (None: not yet)")
    cap_status: str = Field(default="actual", description="CAP status: actual, exercise or test")
    msg_type: str = Field(default="alert", description="CAP msgType of its latest message: alert, update, cancel")
    category: str = Field(default="other", description="evicted, medical, new_family, fire, flood, security, utility, other")
    urgency: str = Field(default="unknown", description="CAP urgency: immediate, expected, future, past, unknown")
    severity: str = Field(default="unknown", description="CAP severity: extreme, severe, moderate, minor, unknown")
    headline: str = Field(default="", sa_type=EncryptedText, description="the text as broadcast, cut to fit one packet with its prefix")
    verified: bool = Field(default=False, description="raised or confirmed by a committee member or responder")
    confirmed_by: int | None = Field(default=None, sa_column=node_column(nullable=True))
    confirm_deadline: float | None = Field(default=None, description="a pending alert goes out unverified at this time")
    repeats_done: int = Field(default=0, description="repeat rounds already sent")
    on_channel: bool = Field(default=False, description="raised by a channel message (unauthenticated)")
    community: str = Field(default=DEFAULT_COMMUNITY, index=True, description="community served")


class AlertMessage(SQLModel, table=True):
    """One CAP message about an alert: the first `alert`, each `update`, the `cancel`.

    `identifier` is `a3` for the first message and `a3.2`, `a3.3`, ... after it;
    `references` names the message it follows.
    """

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    identifier: str
    msg_type: str  # alert | update | cancel
    references: str | None = None
    sender: int = Field(sa_column=node_column(nullable=False))
    sent: float
    text: str = Field(sa_type=EncryptedText)


class AlertResponse(SQLModel, table=True):
    """What one node said or showed about an alert: confirm, ok, helping, safe, delivered.

    `delivered` is the radio's ACK of a repeat sent to it by DM. A node with any
    response is never sent that alert again.
    """

    __table_args__ = (Index("ix_alertresponse_once", "alert_id", "node", "kind", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    node: int = Field(sa_column=node_column(nullable=False))
    kind: str
    at: float
    note: str = Field(default="", sa_type=EncryptedText)


class AlertCopy(SQLModel, table=True):
    """A repeat of an alert sent by DM to one node, so its radio ACK counts as delivery."""

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    round: int
    node: int = Field(sa_column=node_column(nullable=False))
    outbox_id: int | None = Field(default=None, index=True)
    sent: float


class Emergency(SQLModel, table=True):
    """Emergency mode: the 12-hour redistribution protocol, from start to its report."""

    id: int | None = Field(default=None, primary_key=True)
    reason: str = Field(sa_type=EncryptedText)
    started: float
    deadline: float
    ended: float | None = None
    started_by: int | None = Field(default=None, sa_column=node_column(nullable=True))
    community: str = Field(default=DEFAULT_COMMUNITY, index=True)
    last_reminder: float | None = None
    last_plan: float | None = None
    report: str | None = Field(default=None, sa_type=EncryptedText)


class PlanStep(SQLModel, table=True):
    """One move of the redistribution plan: this much of an offer to a need, carried by someone."""

    id: int | None = Field(default=None, primary_key=True)
    emergency_id: int = Field(foreign_key="emergency.id", index=True)
    need_id: int = Field(foreign_key="posting.id", index=True)
    offer_id: int = Field(foreign_key="posting.id", index=True)
    match_id: int | None = Field(default=None, foreign_key="match.id")
    quantity: float | None = None
    unit: str | None = None
    carrier: int = Field(sa_column=node_column(nullable=False))
    due: float
    status: str = "planned"  # planned | done | dropped
    created: float
    done_at: float | None = None
    told: bool = False
    consent: str = Field(default="asked", description="asked (the receiver has not said yes), receiver, or committee "
                                                      "(marked accepted on the receiver's behalf)")
    consent_by: str | None = Field(default=None, description="who said yes: the receiver's node id, or the committee "
                                                             "member's login")
    consent_at: float | None = None


class ReportNote(SQLModel, table=True):
    """An issue the committee wants raised at council, for one month's rep report."""

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(index=True, description="YYYY-MM")
    community: str | None = Field(default=None, description="None: every community")
    text: str = Field(sa_type=EncryptedText)
    created: float


class SuccessStory(SQLModel, table=True):
    """A completed match the committee chose to tell the council about."""

    id: int | None = Field(default=None, primary_key=True)
    match_id: int = Field(foreign_key="match.id", unique=True)
    text: str = Field(sa_type=EncryptedText)
    created: float


class PageState(SQLModel, table=True):
    """Where a node's last LIST or FIND stopped, so MORE can go on: one short-lived row per node."""

    node_num: int = Field(sa_column=node_column(primary_key=True, autoincrement=False))
    title: str = Field(sa_type=EncryptedText)  # holds a FIND's words
    remaining: str = ""  # posting ids not yet shown, in order, comma-separated
    shown: int = 0  # how many of `total` the earlier pages showed
    total: int = 0
    expires: float = Field(index=True)


# -- matching: the candidate index and the committee's zone map -------------------------


class MatchKey(SQLModel, table=True):
    """The matcher's index: one row per item key of each open posting with something left.

    Every posting has a row with key `""` (all of it); then one per item key, or `*` when
    the item names only its category. Keys are blinded when the database is encrypted.
    Rebuilt from `posting` and `match` by `meshbot match reindex`.
    """

    __table_args__ = (
        Index("ix_matchkey_age", "community", "category", "kind", "key", "urgency", "created"),
        Index("ix_matchkey_zone", "community", "category", "kind", "key", "urgency", "zone", "created"),
    )

    posting_id: int = Field(primary_key=True, description="the posting's id (no foreign key: the index is "
                            "rebuilt from `posting`, and SQLite checks a key for every row deleted)")
    key: str = Field(primary_key=True)
    kind: str
    community: str
    category: str
    urgency: int = Field(description="a need's level: 0 critical, 1 high, 2 normal (2 for every offer)")
    zone: str | None = None
    created: float
    expires: float | None = None
    author: int = Field(sa_column=node_column(nullable=False))
    unit: str | None = None
    dim: str = Field(description="what the quantity measures; empty for a posting without one")
    quantity: float | None = None
    available: float = Field(description="left to give or get, not yet promised (1 for a lot)")
    keys: str = Field(default="", description="all the item keys, space-separated; `*` for a generic item")
    blind: str = Field(default="", description="which key blinded the item keys (empty: plain words)")


class ZoneLink(SQLModel, table=True):
    """Two zones the committee calls neighbours: matches prefer them after the same zone."""

    zone: str = Field(primary_key=True)
    neighbour: str = Field(primary_key=True)
