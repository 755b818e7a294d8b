"""The digest as a document for the laptop: the sections the committee reads, in order."""

from __future__ import annotations

from meshbot.papers.digest import OVERLOAD_OPEN, Digest, Totals, Waiting, direction
from meshbot.papers.periods import local, long_duration, zone_of
from meshbot.papers.sections import Document, Section

LISTED_MAX = 20
TREND_MARK = {"up": "▲ up", "down": "▼ down", "same": "= same"}
ALERT_ENDING = {"active": "still active", "cancelled": "called off", "expired": "expired"}
URGENCY_WORD = {"critical": "critical !!", "high": "high !", "normal": "normal"}


def when(ts: float, tz_name: str) -> str:
    """`Tue 3 Nov 07:00` local time: what a committee member reads at a glance."""
    moment = local(ts, zone_of(tz_name))
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


def duration(value: float | None) -> str:
    return "—" if value is None else long_duration(value)


def zone_text(zone: str | None) -> str:
    return zone or "(no zone)"


def _trend(now: float | None, before: float | None) -> str:
    if now is None or before is None or now == before:
        return "= same"
    return "▲ up" if now > before else "▼ down"


def glance(t: Totals, p: Totals) -> Section:
    rows = (
        ("Needs posted", str(t.needs_posted), str(p.needs_posted), _trend(t.needs_posted, p.needs_posted)),
        ("Offers posted", str(t.offers_posted), str(p.offers_posted), _trend(t.offers_posted, p.offers_posted)),
        ("Matches made", str(t.matches_made), str(p.matches_made), _trend(t.matches_made, p.matches_made)),
        ("Matches completed", str(t.matches_completed), str(p.matches_completed),
         _trend(t.matches_completed, p.matches_completed)),
        ("Fill rate (needs that found a match)", percent(t.fill_rate), percent(p.fill_rate),
         _trend(t.fill_rate, p.fill_rate)),
        ("Median time to match", duration(t.median_time_to_match_s), duration(p.median_time_to_match_s),
         _trend(t.median_time_to_match_s, p.median_time_to_match_s)),
        ("Needs expired unmet", str(t.needs_expired), str(p.needs_expired), _trend(t.needs_expired, p.needs_expired)),
        ("Offers expired untaken", str(t.offers_expired), str(p.offers_expired),
         _trend(t.offers_expired, p.offers_expired)),
    )
    return Section("At a glance", ("Figure", "This period", "Period before", "Trend"), rows, numeric=frozenset({1, 2}))


def _change(before: int, now: int) -> str:
    return f"{before} → {now} {TREND_MARK[direction(now, before)].split()[0]}"


def waiting_rows(items: tuple[Waiting, ...], with_urgency: bool) -> tuple[tuple[str, ...], ...]:
    rows = []
    for w in items[:LISTED_MAX]:
        row = [w.ref, w.item, w.category, zone_text(w.zone)]
        if with_urgency:
            row.append(URGENCY_WORD.get(w.urgency, w.urgency))
        row.append(long_duration(w.waited_s))
        rows.append(tuple(row))
    return tuple(rows)


def _more(items: tuple[Waiting, ...]) -> str:
    return f"Showing {LISTED_MAX} of {len(items)}." if len(items) > LISTED_MAX else ""


def digest_document(d: Digest, tz_name: str = "") -> Document:
    """Every section of the digest, as plain strings any renderer can lay out."""
    scope = d.community or "all communities"
    title = f"Committee digest — {scope}"
    subtitle = f"{d.window.label}: {when(d.window.start, tz_name)} to {when(min(d.now, d.window.end), tz_name)}"
    groups = tuple(
        (g.category, zone_text(g.zone), str(g.count), str(g.critical), str(g.high), long_duration(g.oldest_waited_s))
        for g in d.unmet_groups
    )
    untaken_note = f"{d.totals.offers_expired} offers expired untaken in this period. " if d.totals.offers_expired else ""
    trends = tuple(
        (t.category, _change(t.needs_before, t.needs), _change(t.offers_before, t.offers),
         _change(t.matches_before, t.matches))
        for t in d.trends
    )
    alerts = tuple(
        (a.ref, when(a.raised, tz_name), zone_text(a.zone), a.text, a.by, ALERT_ENDING.get(a.status, a.status))
        for a in d.alerts
    )
    outcome_note = ", ".join(f"{n} {ALERT_ENDING.get(s, s)}" for s, n in sorted(d.alert_outcomes.items()))
    volunteers = tuple(
        (v.name, str(v.matches), str(v.completed), str(v.open_now), "overloaded" if v.overloaded else "")
        for v in d.volunteers
    )
    sections = (
        glance(d.totals, d.previous),
        Section(
            "Unmet needs by category and zone", ("Category", "Zone", "Open", "Critical", "High", "Longest wait"),
            groups, numeric=frozenset({2, 3, 4}),
            strong=frozenset(i for i, g in enumerate(d.unmet_groups) if g.critical),
            note="Open now; groups with critical needs first, then the most needs, then the longest wait.",
            empty="No open needs.",
        ),
        Section(
            "Needs waiting, most urgent and oldest first", ("Id", "Item", "Category", "Zone", "Urgency", "Waiting"),
            waiting_rows(d.unmet, True), strong=frozenset(i for i, w in enumerate(d.unmet) if w.urgency == "critical"),
            note=_more(d.unmet), empty="No open needs.", level=3,
        ),
        Section(
            "Offers nobody took", ("Id", "Item", "Category", "Zone", "Waiting"), waiting_rows(d.untaken_offers, False),
            note=(untaken_note + _more(d.untaken_offers)).strip(), empty="Every offer has been taken.",
        ),
        Section(
            "Trends by category", ("Category", "Needs", "Offers", "Matches"), trends,
            note="The period before → this period; ▲ up, ▼ down, = same.", empty="No postings in either period.",
        ),
        Section(
            "Alerts raised", ("Id", "Raised", "Zone", "Alert", "By", "How it ended"), alerts,
            note=outcome_note, empty="No alerts in this period.",
        ),
        Section(
            "Volunteers most relied on", ("Volunteer", "Matches", "Completed", "Open now", ""), volunteers,
            numeric=frozenset({1, 2, 3}), strong=frozenset(i for i, v in enumerate(d.volunteers) if v.overloaded),
            note=f"Who gives in matches this period; {OVERLOAD_OPEN}+ open commitments is flagged as overloaded.",
            empty="No matches in this period.",
        ),
    )
    return Document(title, subtitle, sections)
