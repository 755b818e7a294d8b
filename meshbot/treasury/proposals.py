"""Treasury proposals: opened by the committee, voted on by members (secret ballots), and
closed at their deadline by quorum and majority. The result goes in the audit chain; an
approved one becomes ledger entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from meshbot.settings import Settings
from meshbot.treasury import ballots, ledger
from meshbot.security import audit
from store.council import EVERY, Proposal

_REF = re.compile(r"#?p?(\d{1,9})")


class ProposalError(ValueError):
    """A proposal that cannot be opened or found; the message says why."""


def code_of(proposal: Proposal) -> str:
    return f"p{proposal.id}"


def number_of(text: str) -> int:
    found = _REF.fullmatch(text.strip().lower())
    if found is None:
        raise ProposalError(f"a proposal is p3 or 3, not {text!r}")
    return int(found[1])


def find(session: Session, ref: str) -> Proposal | None:
    try:
        return session.get(Proposal, number_of(ref))
    except ProposalError:
        return None


def open_proposal(session: Session, purpose: str, amount: float, now: float, settings: Settings, actor: str, *,
                  kind: str = "grant", every: str = "once", periods: int = 1,
                  days: float | None = None) -> Proposal:
    if not purpose.strip():
        raise ProposalError("a proposal needs a purpose")
    if kind not in ("grant", "stipend", "spending"):
        raise ProposalError(f"a proposal is a grant, stipend or spending, not {kind!r}")
    if every not in EVERY or not 1 <= periods <= 520 or (every == "once" and periods != 1):
        raise ProposalError("a proposal is paid once, or every week or month for 1 to 520 periods")
    if not 0 < amount < 1e12:
        raise ProposalError(f"an amount is above 0, not {amount!r}")
    proposal = Proposal(purpose=purpose.strip(), kind=kind, amount=round(amount, 2), every=every, periods=periods,
                        opened=now, deadline=now + (days or settings.vote_days) * 86400.0,
                        ballot_key=ballots.new_key())
    session.add(proposal)
    session.flush()
    audit.record(session, actor, "treasury.proposal", now, subject=code_of(proposal),
                 detail=f"{kind} {proposal.amount:g} {every} x{periods}: {proposal.purpose}")
    return proposal


@dataclass(frozen=True)
class Result:
    proposal: Proposal
    state: str


def decide(yes: int, no: int, abstain: int, settings: Settings) -> str:
    """approved, rejected or no_quorum: quorum counts every ballot, the majority yes and no only."""
    if yes + no + abstain < settings.vote_quorum:
        return "no_quorum"
    return "approved" if yes > settings.vote_majority * (yes + no) else "rejected"


def close(session: Session, proposal: Proposal, now: float, settings: Settings, actor: str) -> Result:
    """Count, erase who voted, record the result in the audit chain, and write an approved
    proposal to the ledger."""
    proposal.state = decide(proposal.yes, proposal.no, proposal.abstain, settings)
    proposal.closed = now
    ballots.erase(session, proposal)
    audit.record(session, actor, "treasury.vote_result", now, subject=code_of(proposal),
                 detail=f"{proposal.state}: yes {proposal.yes}, no {proposal.no}, abstain {proposal.abstain}, "
                        f"{proposal.recorded} recorded by the committee")
    if proposal.state == "approved":
        ledger.schedule(session, proposal, now, actor)
    return Result(proposal, proposal.state)


def close_due(session: Session, now: float, settings: Settings) -> list[Result]:
    """Every open proposal whose deadline has passed."""
    due = session.exec(select(Proposal).where(Proposal.state == "open", Proposal.deadline <= now)
                       .order_by(col(Proposal.id))).all()
    return [close(session, p, now, settings, "meshbot") for p in due]


def listing(session: Session) -> list[Proposal]:
    return list(session.exec(select(Proposal).order_by(col(Proposal.id))).all())
