"""The council's tables: communities and their people, meetings, agenda, minutes, actions,
proposals and their secret ballots, and the treasury's ledger.

Times are epoch seconds from the caller's clock. Words people wrote (agenda items,
minutes, actions, names) are encrypted at rest like the board's other personal texts.
A ballot is never stored as voter -> choice: see `BallotMark`.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.crypto import EncryptedText

MEETING_STATES = ("planned", "held", "cancelled")
MINUTE_KINDS = ("decision", "issue", "warning")
ACTION_STATES = ("open", "done")
PROPOSAL_STATES = ("open", "approved", "rejected", "no_quorum")
LEDGER_KINDS = ("contribution", "grant", "stipend", "spending")
"""A contribution adds to the treasury; the other kinds take from it."""
EVERY = ("once", "week", "month")


class CouncilCommunity(SQLModel, table=True):
    """A community that sends a representative to the council and may host it."""

    name: str = Field(primary_key=True)
    added: float
    hosts: bool = Field(default=True, description="takes its turn hosting the meeting")


class CouncilPerson(SQLModel, table=True):
    """Someone the council knows: a community's rep, a committee member, a trained facilitator."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=EncryptedText)
    community: str = Field(index=True)
    node_num: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True, index=True))
    rep: bool = False
    trained: bool = Field(default=False, description="trained in inclusive process: may facilitate")
    trained_on: float | None = None
    added: float


class CouncilMeeting(SQLModel, table=True):
    """One monthly meeting: its date (set by the committee), host community and facilitator.
    The meetings, oldest first, are the rotation's history."""

    id: int | None = Field(default=None, primary_key=True)
    at: float = Field(index=True)
    host: str
    facilitator_id: int | None = None
    state: str = Field(default="planned", index=True)
    published: float | None = Field(default=None, description="when the agenda went to the reps")
    reminded: float | None = Field(default=None, description="when the reps were reminded of the date")
    created: float


class AgendaItem(SQLModel, table=True):
    """One item for a meeting, under one of the council's headings; from a rep's handheld or the laptop."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int | None = Field(default=None, index=True, description="None: no meeting planned yet")
    heading: str = Field(default="other", description="updates, aid, treasury, plans, warnings or other")
    text: str = Field(sa_type=EncryptedText)
    author_node: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    author: str = Field(sa_type=EncryptedText, description="who put it on the agenda, as shown")
    community: str | None = None
    created: float


class MinuteEntry(SQLModel, table=True):
    """A line of a meeting's minutes: a decision, an issue raised, or a warning passed on."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(index=True)
    kind: str = "decision"
    text: str = Field(sa_type=EncryptedText)
    community: str | None = None
    alert_id: int | None = Field(default=None, description="the alert a warning went out as")
    created: float


class ActionItem(SQLModel, table=True):
    """Something a meeting asked someone to do by a date."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(index=True)
    text: str = Field(sa_type=EncryptedText)
    owner_id: int | None = None
    due: float
    state: str = Field(default="open", index=True)
    done_at: float | None = None
    reminded: float | None = None
    created: float


class Proposal(SQLModel, table=True):
    """A use of the treasury put to the members' vote (`p3`); tallies are public."""

    id: int | None = Field(default=None, primary_key=True)
    purpose: str
    kind: str = Field(default="grant", description="what an approval writes to the ledger: grant, stipend or spending")
    amount: float
    every: str = Field(default="once", description="once, week or month")
    periods: int = 1
    opened: float
    deadline: float = Field(index=True)
    state: str = Field(default="open", index=True)
    yes: int = 0
    no: int = 0
    abstain: int = 0
    recorded: int = Field(default=0, description="ballots the committee recorded for people without a radio")
    ballot_key: str | None = Field(
        default=None, sa_type=EncryptedText,
        description="the secret that hides who voted what; erased when the vote closes")
    closed: float | None = None


class BallotMark(SQLModel, table=True):
    """That someone voted on a proposal, and their sealed choice, so a changed vote counts once.

    `voter` is an HMAC of the voter under the proposal's `ballot_key`; `sealed` is the
    choice encrypted under the same key. Neither says anything without that key, and both
    the key and these rows are erased when the vote closes: the tally is all that stays."""

    __table_args__ = (UniqueConstraint("proposal_id", "voter"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(index=True)
    voter: str
    sealed: str


class LedgerEntry(SQLModel, table=True):
    """Money or hours in or out of the treasury, effective at `at` (stipends are scheduled ahead)."""

    id: int | None = Field(default=None, primary_key=True)
    at: float = Field(index=True)
    kind: str
    amount: float = Field(description="always positive; the kind says which way it goes")
    memo: str
    proposal_id: int | None = Field(default=None, index=True)
    recorded: float
