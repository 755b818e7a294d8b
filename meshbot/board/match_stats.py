"""The matcher's figures for the committee (`meshbot stats`): is it getting things to people?

* fill rate: of the needs posted in the window, the share that found a match (one not
  cancelled) or were closed as done;
* median time to match: from a need's posting to its first match that was not cancelled;
* open needs by category and by zone, right now (unexpired);
* offers nobody needed: offers posted in the window that never found a match, by category;
* matches by state: held, waiting for TAKE, accepted, done, lapsed, rejected, withdrawn, expired.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from statistics import median
from typing import Any

from sqlmodel import Session, col, select

from meshbot.board.views import match_state
from store import Match, Posting

DAY_S = 86_400.0


@dataclass
class MatchStats:
    since: float | None
    needs_posted: int = 0
    needs_filled: int = 0
    median_time_to_match_s: float | None = None
    open_needs: int = 0
    open_needs_by_category: dict[str, int] = field(default_factory=dict)
    open_needs_by_zone: dict[str, int] = field(default_factory=dict)
    offers_posted: int = 0
    offers_unneeded: int = 0
    offers_unneeded_by_category: dict[str, int] = field(default_factory=dict)
    matches_by_state: dict[str, int] = field(default_factory=dict)

    @property
    def fill_rate(self) -> float | None:
        return self.needs_filled / self.needs_posted if self.needs_posted else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "fill_rate": self.fill_rate}


def _ordered(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def match_stats(db: Session, now: float, days: float | None = None, community: str | None = None) -> MatchStats:
    """Figures over postings made in the last `days` (all of them when None)."""
    since = None if days is None else now - days * DAY_S
    query = select(Posting).where(col(Posting.status) != "cancelled")
    if since is not None:
        query = query.where(col(Posting.created) >= since)
    if community is not None:
        query = query.where(Posting.community == community)
    posted = list(db.exec(query).all())
    ids = {p.id for p in posted}
    match_query = select(Match) if since is None else select(Match).where(col(Match.created) >= since)
    matches = [m for m in db.exec(match_query).all() if m.need_id in ids or m.offer_id in ids]
    first_match: dict[int, float] = {}
    matched_offers: set[int] = set()
    for m in matches:
        if m.status == "cancelled":
            continue
        if m.need_id is not None:
            first_match[m.need_id] = min(m.created, first_match.get(m.need_id, m.created))
        if m.offer_id is not None:
            matched_offers.add(m.offer_id)
    needs = [p for p in posted if p.kind == "need"]
    offers = [p for p in posted if p.kind == "offer"]
    waits = [first_match[n.id] - n.created for n in needs if n.id in first_match]  # type: ignore[index]
    open_now = [n for n in needs if n.status == "open" and (n.expires is None or n.expires > now)]
    unneeded = [o for o in offers if o.id not in matched_offers and o.status in ("open", "expired")]
    return MatchStats(
        since=since,
        needs_posted=len(needs),
        needs_filled=sum(1 for n in needs if n.id in first_match or n.status == "done"),
        median_time_to_match_s=median(waits) if waits else None,
        open_needs=len(open_now),
        open_needs_by_category=_ordered(Counter(n.category for n in open_now)),
        open_needs_by_zone=_ordered(Counter(n.zone or "-" for n in open_now)),
        offers_posted=len(offers),
        offers_unneeded=len(unneeded),
        offers_unneeded_by_category=_ordered(Counter(o.category for o in unneeded)),
        matches_by_state=_ordered(Counter(match_state(m) for m in matches)),
    )
