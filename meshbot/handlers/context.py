"""What every handler gets and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from meshbot.delivery.outbox import Outgoing
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
    direct: bool = True
    """The text came as a DM to the bot. False: on a channel, where anyone with the key can
    claim any node number, so nothing privileged is granted on the sender's word."""
    authenticated: bool = False
    """The text came as a PKI direct message under the sender's pinned key: the sender is
    who `sender` says. Channel texts and plain DMs could come from anyone (see gate.py)."""

    def acts_as(self, *roles: str) -> bool:
        """The sender holds one of `roles` AND proved who they are (a pinned PKI DM).

        For handlers whose effect depends on the sender's role (an alert from a
        responder goes out at once, anyone else's waits for the committee)."""
        return self.authenticated and self.sender.role in roles

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
    after_broadcast: bool = False
    """Send the answer only once the first broadcast among `notices` is on air (an alert's
    sender hears "broadcast to all" after it was)."""
    secret: bool = False
    """The text was a secret ballot: its words are not kept with the handled packet, so the
    journal holds no voter-to-choice link (VOTE p3 yes becomes VOTE)."""
    remembered: bool = True
    """False for a question ("Send NEED again to add another"): it is not the answer a
    word-for-word repeat gets, so the same words sent again reach the handler."""
