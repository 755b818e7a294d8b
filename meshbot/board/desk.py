"""The committee's desk for matches: approve, reject, make; one path for the CLI and the console.

Each call runs in the caller's transaction, queues the DMs it causes in the outbox and
writes the audit entry under `actor` (`cli:LOGIN`, `console:NAME`), so an action taken
at the terminal and one taken in the browser leave the same rows.
"""

from __future__ import annotations

import re

from sqlmodel import Session

from meshbot.board import claims, committee
from meshbot.board.claims import ClaimError
from meshbot.delivery.outbox import Outgoing, enqueue
from meshbot.handlers.refs import find_posting
from meshbot.security import audit
from meshbot.settings import Settings
from store import Match, Posting

__all__ = ["ClaimError", "approve", "make", "posting", "reject"]


def _queue(db: Session, notices: list[Outgoing], now: float, settings: Settings) -> None:
    for notice in notices:
        enqueue(db, notice, now, settings.reply_want_ack)


def _decide(db: Session, settings: Settings, match_id: int, actor: str, now: float, action: str) -> tuple[str, int]:
    from meshbot.alerts import emergency_consent

    match = db.get(Match, match_id)
    try:
        if action == "approve" and emergency_consent.step_of(db, match) is not None:
            # a move of the emergency plan: the committee's yes for its receiver, recorded as such
            notices = emergency_consent.committee_accepts(db, settings, match, actor, now)
        else:
            act = committee.approve if action == "approve" else committee.reject
            notices = act(db, match, now, settings)
    except emergency_consent.ConsentError as exc:
        raise ClaimError(str(exc)) from exc
    _queue(db, notices, now, settings)
    code = claims.code_of(match)  # type: ignore[arg-type]
    audit.record(db, actor, f"match.{action}", now, subject=code)
    return code, len(notices)


def approve(db: Session, settings: Settings, match_id: int, actor: str, now: float) -> tuple[str, int]:
    """Send a held match (or confirm a sent one): its claim code and the DMs queued."""
    return _decide(db, settings, match_id, actor, now, "approve")


def reject(db: Session, settings: Settings, match_id: int, actor: str, now: float) -> tuple[str, int]:
    """Turn a live match down; both postings go on to the next in line."""
    return _decide(db, settings, match_id, actor, now, "reject")


def posting(db: Session, ref: str, kind: str) -> Posting:
    """The posting `ref` names, which must be of `kind`: a ClaimError that says which id is
    wrong (`no offer o99`), or that the two were given the wrong way round."""
    ref = ref.strip().lower()
    prefix, digits = ref[:1], ref[1:]
    if prefix not in ("o", "n") or not re.fullmatch(r"[0-9]{1,18}", digits):
        raise ClaimError(f"{ref!r} is not a posting id: give an offer id and a need id, e.g. o12 n7")
    if prefix != kind[0]:
        raise ClaimError(f"{ref} is not an offer: give an offer id and a need id, e.g. o12 n7"
                         if kind == "offer" else
                         f"{ref} is not a need: give an offer id and a need id, e.g. o12 n7")
    row = find_posting(db, ref)
    if row is None:
        stored = db.get(Posting, int(digits))
        if stored is not None:  # o7 where posting 7 is a need: say what it is
            raise ClaimError(f"no {kind} {ref} ({stored.kind[0]}{digits} is a {stored.kind})")
        raise ClaimError(f"no {kind} {ref}; `meshbot matches` and the board list them")
    return row


def make(db: Session, settings: Settings, offer: str, need: str, quantity: float | None, actor: str,
         now: float) -> tuple[str, int]:
    """Pair an offer with a need by hand: the claim code and the DMs queued."""
    offer_row, need_row = posting(db, offer, "offer"), posting(db, need, "need")
    match, notices = committee.make(db, offer_row, need_row, quantity, now, settings)
    _queue(db, notices, now, settings)
    code = claims.code_of(match)
    amount = "" if quantity is None else f" quantity {quantity:g}"
    audit.record(db, actor, "match.make", now, subject=code, detail=f"{offer.lower()} {need.lower()}{amount}")
    return code, len(notices)
