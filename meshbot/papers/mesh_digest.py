"""The digest for a committee member away from the laptop: one or two packets by DM.

Sent on request (`DIGEST`) and every morning at `Settings.digest_hour`. The most useful
facts go in first (what is open, the need to work first, how the day went, alerts);
what does not fit two packets is left out rather than sending a third.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from meshbot.papers.digest import Digest, build_digest
from meshbot.delivery.outbox import Outgoing, Priority, enqueue
from meshbot.papers.periods import local, rolling, short_duration, todays_mark, zone_of
from meshbot.settings import Settings
from protocol import replies
from protocol.catalogue import render
from store import Member, OutboxItem, session

log = logging.getLogger(__name__)

COMMITTEE_ROLES = ("committee", "admin")
MAX_PARTS = 2
ITEM_BYTES = 18
ZONE_BYTES = 16
_PERIOD_SHORT = {"day": "24h", "week": "7d", "month": "30d"}


@dataclass(frozen=True)
class _Clause:
    """A piece of the digest: `order` places it in the text, `rank` decides if it gets in."""

    order: int
    rank: int
    text: str


def _where(zone: str | None) -> str:
    return f"@{replies.fit(zone, ZONE_BYTES)}" if zone else ""


def _needs_clause(d: Digest) -> str:
    if not d.unmet:
        return render("digest.no_needs")
    critical = sum(w.urgency == "critical" for w in d.unmet)
    high = sum(w.urgency == "high" for w in d.unmet)
    marks = " ".join(f"{n}{m}" for n, m in ((critical, "!!"), (high, "!")) if n)
    first = d.unmet[0]
    top = (f"{first.ref} {replies.fit(first.item, ITEM_BYTES)}{_where(first.zone)}"
           f"{replies.URGENCY_MARK.get(first.urgency, '')} {short_duration(first.waited_s)}")
    return render("digest.needs", count=len(d.unmet), marks=f" ({marks})" if marks else "", entry=top)


def _period_clause(d: Digest) -> str:
    t = d.totals
    fill = f"{round(100 * t.fill_rate)}%" if t.fill_rate is not None else "-"
    ttm = (render("digest.ttm", duration=short_duration(t.median_time_to_match_s))
           if t.median_time_to_match_s is not None else "")
    span = _PERIOD_SHORT.get(d.period, "period")
    return render("digest.period", span=span, needs=t.needs_posted, offers=t.offers_posted, matched=t.matches_made,
                  closed=t.matches_completed, fill=fill, ttm=ttm)


def _alerts_clause(d: Digest) -> str:
    outcomes = d.alert_outcomes
    parts = [f"{n} {status}" for status, n in sorted(outcomes.items())]
    return render("digest.alerts", count=len(d.alerts), entries=", ".join(parts))


def _groups_clause(d: Digest) -> str:
    shown = [
        f"{g.category}{_where(g.zone)} {g.count}{'!!' if g.critical else '!' if g.high else ''}"
        for g in d.unmet_groups[:4]
    ]
    return render("digest.unmet", entries=", ".join(shown))


def _offers_clause(d: Digest) -> str:
    oldest = d.untaken_offers[0]
    entry = f"{oldest.ref} {replies.fit(oldest.item, ITEM_BYTES)} {short_duration(oldest.waited_s)}"
    return render("digest.idle_offers", count=len(d.untaken_offers), entry=entry)


def _busy_clause(d: Digest) -> str:
    shown = [f"{replies.fit(v.short, 16)} {v.matches}/{v.open_now}" for v in d.volunteers[:3]]
    return render("digest.busiest", entries=", ".join(shown))


def _trends_clause(d: Digest) -> str:
    ups = [f"{t.category}+{t.needs - t.needs_before}" for t in d.trends if t.needs_trend == "up"]
    downs = [f"{t.category}{t.needs - t.needs_before}" for t in d.trends if t.needs_trend == "down"]
    pieces = ([render("digest.up", entries=" ".join(ups[:3]))] if ups else []) + (
        [render("digest.down", entries=" ".join(downs[:3]))] if downs else [])
    return render("digest.trends", entries="; ".join(pieces))


def _clauses(d: Digest, tz_name: str) -> list[_Clause]:
    when = local(d.now, zone_of(tz_name))
    head = render("digest.head", when=f"{when.day} {when:%b %H:%M}", community=f" {d.community}" if d.community else "")
    clauses = [_Clause(0, 0, head), _Clause(1, 0, _needs_clause(d)), _Clause(3, 1, _period_clause(d))]
    if d.alerts:
        clauses.append(_Clause(4, 2, _alerts_clause(d)))
    if d.unmet_groups:
        clauses.append(_Clause(2, 3, _groups_clause(d)))
    if d.untaken_offers:
        clauses.append(_Clause(5, 4, _offers_clause(d)))
    if d.volunteers:
        clauses.append(_Clause(6, 5, _busy_clause(d)))
    if any(t.needs_trend != "same" for t in d.trends):
        clauses.append(_Clause(7, 6, _trends_clause(d)))
    return clauses


def _pack(texts: list[str], max_parts: int) -> list[str] | None:
    """Whole clauses into numbered packets, never cutting a clause; None if they need more."""
    joined = " ".join(texts)
    if replies.utf8_len(joined) <= replies.REPLY_LIMIT:
        return [joined]
    budget = replies.REPLY_LIMIT - replies.utf8_len(f" ({max_parts}/{max_parts})")
    parts: list[str] = []
    for text in texts:
        candidate = f"{parts[-1]} {text}" if parts else text
        if parts and replies.utf8_len(candidate) <= budget:
            parts[-1] = candidate
        elif replies.utf8_len(text) <= budget:
            parts.append(text)
        else:
            return None
    if len(parts) > max_parts:
        return None
    return [f"{part} ({i}/{len(parts)})" for i, part in enumerate(parts, 1)]


def mesh_digest(d: Digest, tz_name: str = "", max_parts: int = MAX_PARTS) -> list[str]:
    """The digest as at most `max_parts` texts of ≤200 UTF-8 bytes each, most useful facts kept.

    Clauses are added most useful first while they still fit; packets break between
    clauses, so each one reads on its own.
    """
    chosen: list[_Clause] = []
    for clause in sorted(_clauses(d, tz_name), key=lambda c: c.rank):
        trial = sorted([*chosen, clause], key=lambda c: c.order)
        if _pack([c.text for c in trial], max_parts) is not None:
            chosen = trial
    packed = _pack([c.text for c in chosen], max_parts)
    return packed if packed is not None else replies.split(" ".join(c.text for c in chosen))[:max_parts]


def station_digest(db: Session, settings: Settings, now: float) -> list[str]:
    """The last 24 hours across every community this station serves, as mesh texts."""
    digest = build_digest(db, rolling("day", now), now, community=None, period="day")
    return mesh_digest(digest, settings.timezone)


def committee(db: Session) -> list[Member]:
    return list(db.exec(
        select(Member).where(Member.role.in_(COMMITTEE_ROLES)).order_by(Member.node_num)  # type: ignore[attr-defined]
    ).all())


def due_mesh_digests(db: Session, settings: Settings, now: float) -> int:
    """Queue today's digest to each committee member once, after the digest hour.

    "Once" is read from the outbox itself: a DIGEST-priority row created since today's
    digest hour means it went out (or is waiting), so a restart never sends it twice and a
    station that was off at the hour sends it when it comes back. Returns rows queued.
    """
    if not settings.digest_enabled:
        return 0
    mark = todays_mark(now, settings.digest_hour, zone_of(settings.timezone))
    if now < mark:
        return 0
    sent = db.exec(
        select(OutboxItem.id).where(OutboxItem.priority == int(Priority.DIGEST), OutboxItem.created >= mark).limit(1)
    ).first()
    members = committee(db)
    if sent is not None or not members:
        return 0
    parts = station_digest(db, settings, now)
    for member in members:
        for text in parts:
            enqueue(db, Outgoing(text, member.node_num, Priority.DIGEST), now, settings.reply_want_ack)
    return len(parts) * len(members)


def send_due_digests(engine: Engine, settings: Settings, now: float) -> int:
    """The daemon's housekeeping entry: its own transaction, and a failure is logged, not raised,
    so a bug in a digest can never stop the worker thread that calls it."""
    try:
        with session(engine) as db, db.begin():
            queued = due_mesh_digests(db, settings, now)
    except Exception:  # crash barrier for the daemon's thread; the traceback is logged
        log.exception("the daily digest failed; it is tried again at the next housekeeping")
        return 0
    if queued:
        log.info("daily digest queued: %d texts to the committee", queued)
    return queued
