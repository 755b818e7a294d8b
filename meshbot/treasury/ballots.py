"""Secret ballots: one vote per member per proposal, changeable until the deadline, and
no voter-to-choice link kept in clear.

Each open proposal has a random key (`Proposal.ballot_key`, encrypted at rest with the
board's other secrets). A ballot leaves two things: the voter's HMAC under that key (so a
second ballot from the same voter is recognised) and the choice sealed under the same key
(so a changed vote can take the old one back out of the tally). When the vote closes the
key and the marks are erased, with SQLite's secure_delete on: what remains is the tally.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac

from nacl.secret import SecretBox
from nacl.utils import random as random_bytes
from sqlalchemy import delete, text
from sqlmodel import Session, select

from store.council import BallotMark, Proposal


class Cast(enum.Enum):
    COUNTED = "counted"
    CHANGED = "changed"
    CLOSED = "closed"


def new_key() -> str:
    return base64.b64encode(random_bytes(SecretBox.KEY_SIZE)).decode("ascii")


def _key(proposal: Proposal) -> bytes:
    if proposal.ballot_key is None:
        raise ValueError(f"proposal p{proposal.id} has no ballot key: its vote is closed")
    return base64.b64decode(proposal.ballot_key)


def voter_mark(proposal: Proposal, voter: str) -> str:
    """Who voted, as only this proposal's key can recognise it."""
    return hmac.new(_key(proposal), voter.encode("utf-8"), hashlib.sha256).hexdigest()


def _seal(proposal: Proposal, choice: str) -> str:
    return base64.b64encode(SecretBox(_key(proposal)).encrypt(choice.encode("ascii"))).decode("ascii")


def _unseal(proposal: Proposal, sealed: str) -> str:
    return SecretBox(_key(proposal)).decrypt(base64.b64decode(sealed)).decode("ascii")


def _count(proposal: Proposal, choice: str, by: int) -> None:
    setattr(proposal, choice, getattr(proposal, choice) + by)


def cast(session: Session, proposal: Proposal, voter: str, choice: str, now: float, *, recorded: bool = False) -> Cast:
    """Count one ballot. `voter` names the person (`node:!a1b2c3d4`, or `name:ana` for a
    ballot the committee records); a second ballot from them replaces their first."""
    if proposal.state != "open" or now >= proposal.deadline:
        return Cast.CLOSED
    mark = voter_mark(proposal, voter)
    earlier = session.exec(select(BallotMark).where(BallotMark.proposal_id == proposal.id,
                                                    BallotMark.voter == mark)).first()
    if earlier is not None:
        _count(proposal, _unseal(proposal, earlier.sealed), -1)
        earlier.sealed = _seal(proposal, choice)
        session.add(earlier)
    else:
        session.add(BallotMark(proposal_id=proposal.id or 0, voter=mark, sealed=_seal(proposal, choice)))
        proposal.recorded += 1 if recorded else 0
    _count(proposal, choice, +1)
    session.add(proposal)
    return Cast.CHANGED if earlier is not None else Cast.COUNTED


def erase(session: Session, proposal: Proposal) -> None:
    """Forget who voted: the key and every mark go (overwritten on disk, on SQLite)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))
    session.execute(delete(BallotMark).where(BallotMark.proposal_id == proposal.id))  # type: ignore[arg-type]
    proposal.ballot_key = None
    session.add(proposal)
