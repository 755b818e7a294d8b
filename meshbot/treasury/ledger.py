"""The treasury's ledger: contributions in; grants, stipends and spending out; in the unit
the neighbourhood chose (`treasury_unit`: a currency or hours). An approved stipend is
written ahead as one entry per period, each counting from its date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlmodel import Session, col, select

from meshbot.security import audit
from store.council import LEDGER_KINDS, LedgerEntry, Proposal

WEEK_S = 7 * 86400.0


class LedgerError(ValueError):
    """An entry that cannot be written; the message says why."""


def sign(kind: str) -> int:
    return 1 if kind == "contribution" else -1


def add(session: Session, kind: str, amount: float, memo: str, at: float, now: float, actor: str,
        proposal_id: int | None = None) -> LedgerEntry:
    if kind not in LEDGER_KINDS:
        raise LedgerError(f"unknown kind {kind!r}; use one of {', '.join(LEDGER_KINDS)}")
    if not 0 < amount < 1e12:
        raise LedgerError(f"an amount is above 0, not {amount!r}")
    entry = LedgerEntry(at=at, kind=kind, amount=round(amount, 2), memo=memo.strip() or kind,
                        proposal_id=proposal_id, recorded=now)
    session.add(entry)
    session.flush()
    audit.record(session, actor, "treasury.entry", now, subject=f"ledger {entry.id}",
                 detail=f"{kind} {entry.amount:g} at {at:.0f}")
    return entry


def _month_later(ts: float, months: int) -> float:
    day = datetime.fromtimestamp(ts, timezone.utc)
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):  # the 31st of a shorter month is its last day
        try:
            return day.replace(year=year, month=month, day=min(day.day, last)).timestamp()
        except ValueError:
            continue
    raise AssertionError("unreachable")


def dates(start: float, every: str, periods: int) -> list[float]:
    """When each payment of a proposal falls: once, weekly or monthly from `start`."""
    if every == "once":
        return [start]
    if every == "week":
        return [start + i * WEEK_S for i in range(periods)]
    return [_month_later(start, i) for i in range(periods)]


def schedule(session: Session, proposal: Proposal, now: float, actor: str) -> list[LedgerEntry]:
    """The entries an approved proposal writes: one per payment, from the day it passed."""
    return [add(session, proposal.kind, proposal.amount, f"p{proposal.id} {proposal.purpose}", at, now, actor,
                proposal_id=proposal.id)
            for at in dates(now, proposal.every, proposal.periods)]


def balance(session: Session, at: float) -> float:
    """What the treasury holds at `at`: entries dated later (scheduled stipends) do not count yet."""
    rows = session.exec(select(LedgerEntry).where(LedgerEntry.at <= at)).all()
    return round(sum(sign(r.kind) * r.amount for r in rows), 2)


def entries(session: Session, start: float | None = None, end: float | None = None) -> list[LedgerEntry]:
    query = select(LedgerEntry).order_by(col(LedgerEntry.at), col(LedgerEntry.id))
    if start is not None:
        query = query.where(LedgerEntry.at >= start)
    if end is not None:
        query = query.where(LedgerEntry.at < end)
    return list(session.exec(query).all())


@dataclass(frozen=True)
class Statement:
    """A period's movements: what the monthly report prints."""

    opening: float
    money_in: float
    money_out: float
    closing: float
    rows: tuple[LedgerEntry, ...]


def statement(session: Session, start: float, end: float) -> Statement:
    rows = entries(session, start, end)
    opening = balance(session, start - 1e-6)
    money_in = round(sum(r.amount for r in rows if sign(r.kind) > 0), 2)
    money_out = round(sum(r.amount for r in rows if sign(r.kind) < 0), 2)
    return Statement(opening, money_in, money_out, round(opening + money_in - money_out, 2), tuple(rows))
