"""What every handler gets and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from meshbot.outbox import Outgoing
from meshbot.settings import Settings
from store import Member


@dataclass
class Context:
    """One command's world: the open transaction, who sent it, and when."""

    session: Session
    sender: Member
    now: float
    settings: Settings


@dataclass(frozen=True)
class Reply:
    """The answer to the sender, plus any texts for other nodes (match notices, alerts)."""

    text: str
    notices: tuple[Outgoing, ...] = field(default=())
