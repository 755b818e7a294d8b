"""What every handler gets and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from meshbot.outbox import Outgoing
from meshbot.settings import Settings
from store import Member


@dataclass
class Context:
    """One command's world: the open transaction, who sent it, when, and in which language
    (`en`/`es`, from the command) the answer to the sender is written."""

    session: Session
    sender: Member
    now: float
    settings: Settings
    lang: str = "en"

    def lang_of(self, node_num: int) -> str:
        """The language another node last wrote in: notices to them use it (English if unknown)."""
        if node_num == self.sender.node_num:
            return self.lang
        member = self.session.get(Member, node_num)
        return member.lang if member is not None and member.lang else "en"


@dataclass(frozen=True)
class Reply:
    """The answer to the sender, plus any texts for other nodes (match notices, alerts)."""

    text: str
    notices: tuple[Outgoing, ...] = field(default=())
