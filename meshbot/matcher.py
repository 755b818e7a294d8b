"""Matcher v1: pair a new posting with the best open posting of the other kind.

Same category, someone else's, open and unexpired. Among those, the most urgent
wins, then the one sharing most item words, then the same zone, then the longest
waiting. Candidates are read from the board index by category.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, select

from store import Match, Posting

CANDIDATE_LIMIT = 200
_URGENCY_RANK = {"critical": 0, "high": 1, "normal": 2}
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Pair:
    offer: Posting
    need: Posting
    match: Match


def _words(text: str) -> set[str]:
    return {w.rstrip("s") for w in _WORD.findall(text.lower()) if len(w) > 1}


def _rank(new: Posting, candidate: Posting) -> tuple[int, int, int, float]:
    """Sort key, smallest best: urgent needs, shared words, same zone, longest waiting."""
    need_urgency = _URGENCY_RANK.get(candidate.urgency, 2) if candidate.kind == "need" else 0
    overlap = len(_words(new.item) & _words(candidate.item))
    same_zone = 0 if new.zone and new.zone == candidate.zone else 1
    return (need_urgency, -overlap, same_zone, candidate.created)


def best_partner(session: Session, new: Posting, now: float) -> Posting | None:
    """The open posting of the other kind that `new` should be matched with, if any."""
    other_kind = "need" if new.kind == "offer" else "offer"
    candidates = session.exec(
        select(Posting)
        .where(
            Posting.status == "open",
            Posting.kind == other_kind,
            Posting.category == new.category,
            Posting.author != new.author,
            or_(Posting.expires.is_(None), Posting.expires > now),  # type: ignore[union-attr]
        )
        .order_by(Posting.created)
        .limit(CANDIDATE_LIMIT)
    ).all()
    if not candidates:
        return None
    return min(candidates, key=lambda c: _rank(new, c))


def match_new_posting(session: Session, new: Posting, now: float) -> Pair | None:
    """Match `new` if a partner exists; both postings become `matched` in this transaction."""
    partner = best_partner(session, new, now)
    if partner is None:
        return None
    offer, need = (new, partner) if new.kind == "offer" else (partner, new)
    match = Match(offer_id=offer.id, need_id=need.id, created=now)
    for posting in (offer, need):
        posting.status, posting.updated = "matched", now
        session.add(posting)
    session.add(match)
    session.flush()
    return Pair(offer=offer, need=need, match=match)
