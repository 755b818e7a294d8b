"""The committee's digest: the state of the board and how a period went, as plain figures.

A read-only view over `store/`. Renderers (terminal, Markdown, HTML, JSON, the mesh
packets) format a `Digest`; nothing here formats text. Definitions the committee can
rely on (also in docs/digests.md):

- unmet needs: needs open at `now` (not matched, not expired), most urgent then oldest first;
- offers nobody took: offers open at `now`, oldest first; plus how many expired untaken;
- postings withdrawn by their author (cancelled) are not counted as posted;
- a match is *made* when created in the period (and not later cancelled), *completed*
  when closed as done in it;
- fill rate: of the needs posted in the period, the share that found a match (not
  cancelled) or were closed as done by the end of the period;
- time to match: from a need's posting to its first match that was not cancelled;
- volunteers: who gives in a match (the offer's author, or whoever took a need).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from statistics import median
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from hardware.link import node_id
from meshbot.people.members import display_name
from meshbot.papers.periods import Window
from protocol import replies
from store import Alert, Match, Member, Posting

URGENCY_RANK = {"critical": 0, "high": 1, "normal": 2}
TOP_VOLUNTEERS = 5
OVERLOAD_OPEN = 3
"""Open commitments at which a volunteer is flagged as overloaded."""


@dataclass(frozen=True)
class Waiting:
    """An open posting and how long it has waited."""

    ref: str
    item: str
    category: str
    zone: str | None
    urgency: str
    community: str
    posted: float
    waited_s: float


@dataclass(frozen=True)
class UnmetGroup:
    """Open needs of one category in one zone."""

    category: str
    zone: str | None
    count: int
    critical: int
    high: int
    oldest_waited_s: float


@dataclass(frozen=True)
class Totals:
    """How one period went."""

    needs_posted: int = 0
    offers_posted: int = 0
    matches_made: int = 0
    matches_completed: int = 0
    needs_filled: int = 0
    fill_rate: float | None = None
    median_time_to_match_s: float | None = None
    needs_expired: int = 0
    offers_expired: int = 0


@dataclass(frozen=True)
class CategoryTrend:
    """Postings of one category this period against the period before."""

    category: str
    needs: int
    needs_before: int
    offers: int
    offers_before: int
    matches: int
    matches_before: int

    @property
    def needs_trend(self) -> str:
        return direction(self.needs, self.needs_before)

    @property
    def offers_trend(self) -> str:
        return direction(self.offers, self.offers_before)


@dataclass(frozen=True)
class AlertSummary:
    ref: str
    text: str
    zone: str | None
    status: str
    raised: float
    by: str


@dataclass(frozen=True)
class Volunteer:
    """Someone who gives: matches made and completed in the period, and open right now."""

    node: str
    name: str
    short: str
    matches: int
    completed: int
    open_now: int

    @property
    def overloaded(self) -> bool:
        return self.open_now >= OVERLOAD_OPEN


@dataclass(frozen=True)
class Digest:
    period: str
    window: Window
    now: float
    community: str | None
    totals: Totals
    previous: Totals
    unmet: tuple[Waiting, ...]
    unmet_groups: tuple[UnmetGroup, ...]
    untaken_offers: tuple[Waiting, ...]
    trends: tuple[CategoryTrend, ...]
    alerts: tuple[AlertSummary, ...]
    volunteers: tuple[Volunteer, ...]
    communities: tuple[str, ...] = field(default=())

    @property
    def alert_outcomes(self) -> dict[str, int]:
        """How the period's alerts ended: status -> count (`active` ones have not yet)."""
        return dict(Counter(a.status for a in self.alerts))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["alert_outcomes"] = self.alert_outcomes
        for row, trend in zip(out["trends"], self.trends, strict=True):
            row["needs_trend"], row["offers_trend"] = trend.needs_trend, trend.offers_trend
        for row, vol in zip(out["volunteers"], self.volunteers, strict=True):
            row["overloaded"] = vol.overloaded
        return out


def direction(now: int, before: int) -> str:
    return "up" if now > before else "down" if now < before else "same"


def _open_at(now: float) -> list:
    return [
        Posting.status == "open",
        Posting.created <= now,
        or_(Posting.expires.is_(None), Posting.expires > now),  # type: ignore[union-attr]
    ]


def _waiting(p: Posting, now: float) -> Waiting:
    return Waiting(
        ref=replies.ref(p.kind, p.id or 0), item=p.item, category=p.category, zone=p.zone,
        urgency=p.urgency, community=p.community, posted=p.created, waited_s=now - p.created,
    )


@dataclass
class _Data:
    """The rows one digest reads, loaded once."""

    open_postings: list[Posting]
    postings: dict[int, Posting]
    matches: list[Match]
    members: dict[int, Member]


def _load(db: Session, window: Window, now: float) -> _Data:
    end = min(now, window.end)
    open_rows = list(db.exec(select(Posting).where(*_open_at(now))).all())
    recent = list(db.exec(select(Posting).where(or_(
        and_(Posting.created >= window.previous_start, Posting.created < end),
        and_(Posting.status == "expired", Posting.updated >= window.previous_start, Posting.updated < end),
    ))).all())
    matches = list(db.exec(select(Match).where(or_(
        and_(Match.created >= window.previous_start, Match.created < end),
        and_(Match.closed >= window.start, Match.closed < end),  # type: ignore[operator]
        Match.status == "proposed",
    ))).all())
    postings = {p.id: p for p in [*open_rows, *recent] if p.id is not None}
    wanted = {pid for m in matches for pid in (m.offer_id, m.need_id) if pid is not None} - postings.keys()
    if wanted:
        for p in db.exec(select(Posting).where(Posting.id.in_(wanted))).all():  # type: ignore[union-attr]
            postings[p.id] = p  # type: ignore[index]
    members = {m.node_num: m for m in db.exec(select(Member)).all()}
    return _Data(open_rows, postings, matches, members)


def match_posting(m: Match, postings: dict[int, Posting]) -> Posting | None:
    """The posting that says where and what a match is: its need, else its offer."""
    for pid in (m.need_id, m.offer_id):
        if pid is not None and pid in postings:
            return postings[pid]
    return None


def giver_of(m: Match, postings: dict[int, Posting]) -> int | None:
    """Who gives in a match: the offer's author, or whoever took a need."""
    if m.offer_id is not None and m.offer_id in postings:
        return postings[m.offer_id].author
    return m.taker


def _totals(posted: list[Posting], matches: list[Match], start: float, end: float) -> Totals:
    in_period = [p for p in posted if start <= p.created < end and p.status != "cancelled"]
    needs = [p for p in in_period if p.kind == "need"]
    first_match: dict[int, float] = {}
    for m in matches:
        if m.need_id is not None and m.status != "cancelled" and m.created < end:
            first_match[m.need_id] = min(m.created, first_match.get(m.need_id, m.created))
    filled = [n for n in needs if n.id in first_match or n.status == "done"]
    waits = [first_match[n.id] - n.created for n in needs if n.id in first_match]  # type: ignore[index]
    made = [m for m in matches if start <= m.created < end and m.status != "cancelled"]
    completed = [m for m in matches if m.status == "done" and m.closed is not None and start <= m.closed < end]
    expired = [p for p in posted if p.status == "expired" and start <= p.updated < end]
    return Totals(
        needs_posted=len(needs),
        offers_posted=sum(p.kind == "offer" for p in in_period),
        matches_made=len(made),
        matches_completed=len(completed),
        needs_filled=len(filled),
        fill_rate=len(filled) / len(needs) if needs else None,
        median_time_to_match_s=median(waits) if waits else None,
        needs_expired=sum(p.kind == "need" for p in expired),
        offers_expired=sum(p.kind == "offer" for p in expired),
    )


def _unmet_groups(unmet: list[Waiting]) -> list[UnmetGroup]:
    groups: dict[tuple[str, str | None], list[Waiting]] = defaultdict(list)
    for w in unmet:
        groups[(w.category, w.zone)].append(w)
    rows = [
        UnmetGroup(
            category=cat, zone=zone, count=len(ws),
            critical=sum(w.urgency == "critical" for w in ws), high=sum(w.urgency == "high" for w in ws),
            oldest_waited_s=max(w.waited_s for w in ws),
        )
        for (cat, zone), ws in groups.items()
    ]
    rows.sort(key=lambda g: (g.critical == 0, g.high == 0, -g.count, -g.oldest_waited_s, g.category))
    return rows


def _trends(posted: list[Posting], matches: list[Match], postings: dict[int, Posting], window: Window) -> list[CategoryTrend]:
    counts: Counter[tuple[str, str, bool]] = Counter()
    for p in posted:
        if p.status != "cancelled" and (window.contains(p.created) or window.in_previous(p.created)):
            counts[(p.category, p.kind, window.contains(p.created))] += 1
    for m in matches:
        anchor = match_posting(m, postings)
        if anchor is None or m.status == "cancelled":
            continue
        if window.contains(m.created) or window.in_previous(m.created):
            counts[(anchor.category, "match", window.contains(m.created))] += 1
    categories = sorted({cat for cat, _kind, _now in counts})
    rows = [
        CategoryTrend(
            category=cat,
            needs=counts[(cat, "need", True)], needs_before=counts[(cat, "need", False)],
            offers=counts[(cat, "offer", True)], offers_before=counts[(cat, "offer", False)],
            matches=counts[(cat, "match", True)], matches_before=counts[(cat, "match", False)],
        )
        for cat in categories
    ]
    rows.sort(key=lambda t: (-(t.needs + t.offers), t.category))
    return rows


def _short_name(member: Member | None, num: int) -> str:
    """The name alone, for the mesh digest where every byte costs airtime."""
    if member is not None and (member.name or member.short_name):
        return member.name or member.short_name or ""
    return node_id(num)


def _volunteers(
    matches: list[Match], postings: dict[int, Posting], members: dict[int, Member], window: Window,
) -> list[Volunteer]:
    made: Counter[int] = Counter()
    completed: Counter[int] = Counter()
    open_now: Counter[int] = Counter()
    for m in matches:
        giver = giver_of(m, postings)
        if giver is None:
            continue
        if window.contains(m.created) and m.status != "cancelled":
            made[giver] += 1
        if m.status == "done" and window.contains(m.closed):
            completed[giver] += 1
        if m.status == "proposed":
            open_now[giver] += 1
    people = set(made) | set(completed) | set(open_now)
    rows = [
        Volunteer(
            node=node_id(n), name=display_name(members[n]) if n in members else node_id(n),
            short=_short_name(members.get(n), n),
            matches=made[n], completed=completed[n], open_now=open_now[n],
        )
        for n in people
    ]
    rows.sort(key=lambda v: (-v.matches, -v.open_now, -v.completed, v.node))
    return rows[:TOP_VOLUNTEERS]


def _alerts(db: Session, window: Window, members: dict[int, Member], community: str | None) -> list[AlertSummary]:
    rows = db.exec(
        select(Alert).where(Alert.created >= window.start, Alert.created < window.end).order_by(Alert.created)
    ).all()
    out = []
    for a in rows:
        sender = members.get(a.sender)
        if community is not None and (sender is None or sender.community != community):
            continue
        out.append(AlertSummary(
            ref=replies.ref("alert", a.id or 0), text=a.text, zone=a.zone, status=a.status, raised=a.created,
            by=display_name(sender) if sender else node_id(a.sender),
        ))
    return out


def build_digest(
    db: Session, window: Window, now: float, community: str | None = None, period: str = "",
) -> Digest:
    """Every figure of the digest for `window`, seen at `now`, for one community or all (None)."""
    data = _load(db, window, now)

    def mine(p: Posting | None) -> bool:
        return p is not None and (community is None or p.community == community)

    postings = data.postings
    matches = [m for m in data.matches if mine(match_posting(m, postings))]
    posted = [p for p in postings.values() if mine(p)]
    open_rows = [p for p in data.open_postings if mine(p)]
    unmet = sorted(
        (_waiting(p, now) for p in open_rows if p.kind == "need"),
        key=lambda w: (URGENCY_RANK.get(w.urgency, 2), w.posted),
    )
    untaken = sorted((_waiting(p, now) for p in open_rows if p.kind == "offer"), key=lambda w: w.posted)
    end = min(now, window.end)
    communities = sorted({p.community for p in postings.values()} | {p.community for p in data.open_postings})
    return Digest(
        period=period, window=window, now=now, community=community,
        totals=_totals(posted, matches, window.start, end),
        previous=_totals(posted, matches, window.previous_start, window.start),
        unmet=tuple(unmet), unmet_groups=tuple(_unmet_groups(unmet)), untaken_offers=tuple(untaken),
        trends=tuple(_trends(posted, matches, postings, window)),
        alerts=tuple(_alerts(db, window, data.members, community)),
        volunteers=tuple(_volunteers(matches, postings, data.members, window)),
        communities=tuple(communities),
    )
