"""The monthly rep report: the five things a community's rep carries to the council.

1. resources flowing (what was offered, asked for and handed over, by category);
2. what is missing or overloaded (needs beyond offers, long waits, overloaded volunteers);
3. services scheduled (arranged, not yet done) or needed (asked for, not yet arranged);
4. issues to raise at council (notes the committee adds with `meshbot report note`);
5. success stories (completed matches the committee marks with `meshbot report story`).

Figures come from the digest over the calendar month; notes and stories are the only
rows this feature writes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from meshbot.papers.digest import URGENCY_RANK, Digest, Volunteer, Waiting, build_digest, match_posting
from meshbot.papers.periods import Window, parse_month
from store import Match, Posting, ReportNote, SuccessStory

SERVICE_CATEGORIES: tuple[str, ...] = (
    "medical", "childcare", "transport", "repair", "education", "labor", "shelter", "communication",
)
"""Categories where what moves is someone's time rather than goods."""
NOTE_MAX_CHARS = 1000
SECTION_TITLES: tuple[str, ...] = (
    "Resources flowing",
    "Missing or overloaded",
    "Services scheduled or needed",
    "Issues to raise at council",
    "Success stories",
)


class ReportError(ValueError):
    """The committee asked for something the report cannot do; the message says why."""


@dataclass(frozen=True)
class Flow:
    """One category over the month: offered, asked for, matched, handed over."""

    category: str
    offers: int
    needs: int
    matches: int
    completed: int


@dataclass(frozen=True)
class Shortfall:
    """A category where needs outran offers, or needs still wait."""

    category: str
    needs: int
    offers: int
    open_needs: int
    oldest_waited_s: float | None


@dataclass(frozen=True)
class Scheduled:
    """A service arranged (matched) and not yet done."""

    match_id: int
    category: str
    item: str
    zone: str | None
    arranged: float


@dataclass(frozen=True)
class Note:
    id: int
    community: str | None
    text: str
    created: float


@dataclass(frozen=True)
class Story:
    match_id: int
    text: str
    category: str
    item: str
    zone: str | None
    completed: float


@dataclass(frozen=True)
class Report:
    month: str
    community: str | None
    window: Window
    now: float
    digest: Digest
    flowing: tuple[Flow, ...]
    missing: tuple[Shortfall, ...]
    overloaded: tuple[Volunteer, ...]
    services_scheduled: tuple[Scheduled, ...]
    services_needed: tuple[Waiting, ...]
    notes: tuple[Note, ...]
    stories: tuple[Story, ...]

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "digest"}
        out["totals"] = asdict(self.digest.totals)
        out["previous"] = asdict(self.digest.previous)
        out["sections"] = list(SECTION_TITLES)
        return out


def _month_rows(db: Session, window: Window, community: str | None) -> tuple[list[Posting], list[tuple[Match, Posting]]]:
    posted = [
        p for p in db.exec(
            select(Posting).where(Posting.created >= window.start, Posting.created < window.end)
        ).all()
        if p.status != "cancelled" and (community is None or p.community == community)
    ]
    matches = db.exec(select(Match).where(Match.created < window.end, or_(
        Match.created >= window.start,
        and_(Match.closed >= window.start, Match.closed < window.end),  # type: ignore[operator]
        Match.status == "proposed",
    ))).all()
    ids = {pid for m in matches for pid in (m.need_id, m.offer_id) if pid is not None}
    postings = {p.id: p for p in db.exec(select(Posting).where(Posting.id.in_(ids))).all()} if ids else {}  # type: ignore[union-attr]
    anchored = []
    for m in matches:
        anchor = match_posting(m, postings)  # type: ignore[arg-type]
        if anchor is not None and (community is None or anchor.community == community):
            anchored.append((m, anchor))
    return posted, anchored


def _flows(posted: list[Posting], matches: list[tuple[Match, Posting]], window: Window) -> list[Flow]:
    counts: Counter[tuple[str, str]] = Counter()
    for p in posted:
        counts[(p.category, p.kind)] += 1
    for m, anchor in matches:
        if window.contains(m.created) and m.status != "cancelled":
            counts[(anchor.category, "match")] += 1
        if m.status == "done" and window.contains(m.closed):
            counts[(anchor.category, "done")] += 1
    categories = sorted({c for c, _ in counts})
    rows = [Flow(c, counts[(c, "offer")], counts[(c, "need")], counts[(c, "match")], counts[(c, "done")])
            for c in categories]
    rows.sort(key=lambda f: (-f.completed, -f.matches, -(f.offers + f.needs), f.category))
    return rows


def _shortfalls(posted: list[Posting], unmet: tuple[Waiting, ...]) -> list[Shortfall]:
    needs = Counter(p.category for p in posted if p.kind == "need")
    offers = Counter(p.category for p in posted if p.kind == "offer")
    open_needs = Counter(w.category for w in unmet)
    oldest: dict[str, float] = {}
    for w in unmet:
        oldest[w.category] = max(w.waited_s, oldest.get(w.category, 0.0))
    rows = [
        Shortfall(c, needs[c], offers[c], open_needs[c], oldest.get(c))
        for c in sorted(set(needs) | set(open_needs))
        if needs[c] > offers[c] or open_needs[c]
    ]
    rows.sort(key=lambda s: (-(s.needs - s.offers), -s.open_needs, s.category))
    return rows


def build_report(db: Session, window: Window, month: str, now: float, community: str | None = None) -> Report:
    """The month's report as it stands at `now` (a month still running is reported so far)."""
    seen_at = min(now, window.end)
    digest = build_digest(db, window, seen_at, community=community, period="month")
    posted, matches = _month_rows(db, window, community)
    scheduled = sorted(
        (
            Scheduled(m.id or 0, anchor.category, anchor.item, anchor.zone, m.created)
            for m, anchor in matches
            if m.status == "proposed" and anchor.category in SERVICE_CATEGORIES
        ),
        key=lambda s: s.arranged,
    )
    needed = tuple(w for w in digest.unmet if w.category in SERVICE_CATEGORIES)
    by_match = {m.id: (m, anchor) for m, anchor in matches}
    stories = []
    for story in db.exec(select(SuccessStory).order_by(SuccessStory.id)).all():
        pair = by_match.get(story.match_id)
        if pair is None or not window.contains(pair[0].closed):
            continue
        m, anchor = pair
        stories.append(Story(m.id or 0, story.text, anchor.category, anchor.item, anchor.zone, m.closed or 0.0))
    note_rows = db.exec(select(ReportNote).where(ReportNote.month == month).order_by(ReportNote.id)).all()
    notes = tuple(
        Note(n.id or 0, n.community, n.text, n.created)
        for n in note_rows
        if community is None or n.community in (None, community)
    )
    return Report(
        month=month, community=community, window=window, now=now, digest=digest,
        flowing=tuple(_flows(posted, matches, window)),
        missing=tuple(_shortfalls(posted, digest.unmet)),
        overloaded=tuple(v for v in digest.volunteers if v.overloaded),
        services_scheduled=tuple(scheduled),
        services_needed=tuple(sorted(needed, key=lambda w: (URGENCY_RANK.get(w.urgency, 2), w.posted))),
        notes=notes,
        stories=tuple(sorted(stories, key=lambda s: s.completed)),
    )


def add_note(db: Session, month: str, text: str, now: float, community: str | None = None) -> ReportNote:
    """Record an issue for the council in the caller's transaction."""
    parse_month(month)
    text = text.strip()
    if not text:
        raise ReportError("the note is empty")
    if len(text) > NOTE_MAX_CHARS:
        raise ReportError(f"keep a note under {NOTE_MAX_CHARS} characters (this one has {len(text)})")
    note = ReportNote(month=month, community=community, text=text, created=now)
    db.add(note)
    db.flush()
    return note


def mark_story(db: Session, match_id: int, text: str, now: float) -> SuccessStory:
    """Mark a completed match as a success story (marking it again replaces its words)."""
    text = text.strip()
    if not text:
        raise ReportError("say in a few words what went well")
    if len(text) > NOTE_MAX_CHARS:
        raise ReportError(f"keep a story under {NOTE_MAX_CHARS} characters (this one has {len(text)})")
    match = db.get(Match, match_id)
    if match is None:
        raise ReportError(f"no match m{match_id}; `meshbot matches` lists them")
    if match.status != "done":
        raise ReportError(f"m{match_id} is {match.status}, not completed: only completed matches are stories")
    story = db.exec(select(SuccessStory).where(SuccessStory.match_id == match_id)).first()
    if story is None:
        story = SuccessStory(match_id=match_id, text=text, created=now)
    else:
        story.text, story.created = text, now
    db.add(story)
    db.flush()
    return story
