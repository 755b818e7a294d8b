"""The monthly rep report as a printable document: five numbered sections, plain words."""

from __future__ import annotations

from meshbot.papers.digest_render import URGENCY_WORD, duration, percent, when, zone_text
from meshbot.papers.periods import long_duration
from meshbot.papers.reports import SECTION_TITLES, SERVICE_CATEGORIES, Report
from meshbot.papers.sections import Document, Section


def _date(ts: float, tz_name: str) -> str:
    return " ".join(when(ts, tz_name).split()[1:3])


def report_document(r: Report, tz_name: str = "") -> Document:
    t = r.digest.totals
    scope = r.community or "all communities"
    title = f"Monthly report — {scope} — {r.window.label}"
    subtitle = (
        f"{t.needs_posted} needs and {t.offers_posted} offers posted; {t.matches_made} matches made, "
        f"{t.matches_completed} completed; fill rate {percent(t.fill_rate)}, "
        f"median time to match {duration(t.median_time_to_match_s)}."
    )
    flowing = Section(
        f"1. {SECTION_TITLES[0]}", ("Category", "Offered", "Asked for", "Matched", "Handed over"),
        tuple((f.category, str(f.offers), str(f.needs), str(f.matches), str(f.completed)) for f in r.flowing),
        numeric=frozenset({1, 2, 3, 4}), empty="Nothing was posted this month.",
        note="Postings made this month, matches made and completed this month, by category.",
    )
    missing = Section(
        f"2. {SECTION_TITLES[1]}", ("Category", "Asked for", "Offered", "Still open", "Longest wait"),
        tuple(
            (s.category, str(s.needs), str(s.offers), str(s.open_needs), duration(s.oldest_waited_s))
            for s in r.missing
        ),
        numeric=frozenset({1, 2, 3}), empty="No category ran short.",
        note="Categories where more was asked for than offered, or where needs still wait.",
    )
    overloaded = Section(
        "Volunteers carrying the most", ("Volunteer", "Matches this month", "Open now"),
        tuple((v.name, str(v.matches), str(v.open_now)) for v in r.overloaded),
        numeric=frozenset({1, 2}), level=3, empty="Nobody is overloaded.",
    )
    scheduled = Section(
        "Scheduled (arranged, not yet done)", ("Match", "Service", "What", "Zone", "Arranged"),
        tuple((f"#{s.match_id}", s.category, s.item, zone_text(s.zone), _date(s.arranged, tz_name))
              for s in r.services_scheduled),
        level=3, empty="No services waiting to happen.",
    )
    needed = Section(
        "Needed (asked for, nobody yet)", ("Id", "Service", "What", "Zone", "Urgency", "Waiting"),
        tuple((w.ref, w.category, w.item, zone_text(w.zone), URGENCY_WORD.get(w.urgency, w.urgency),
               long_duration(w.waited_s)) for w in r.services_needed),
        level=3, empty="No service needs open.",
    )
    services = Section(
        f"3. {SECTION_TITLES[2]}", note="Services: " + ", ".join(SERVICE_CATEGORIES) + ".",
        paragraphs=(f"{len(r.services_scheduled)} scheduled, {len(r.services_needed)} needed.",),
    )
    notes = Section(
        f"4. {SECTION_TITLES[3]}",
        paragraphs=tuple(f"{n.text}" + (f" ({n.community})" if n.community and not r.community else "")
                         for n in r.notes),
        empty="No issues noted. Add one with: meshbot report note \"...\"",
    )
    stories = Section(
        f"5. {SECTION_TITLES[4]}",
        paragraphs=tuple(
            f"{s.text} — {s.item} ({s.category}{', ' + s.zone if s.zone else ''}), {_date(s.completed, tz_name)}"
            for s in r.stories
        ),
        empty="No stories marked. Mark a completed match with: meshbot report story MATCH_ID \"...\"",
    )
    return Document(title, subtitle, (flowing, missing, overloaded, services, scheduled, needed, notes, stories))

