"""The committee's question: what services are scheduled or needed, what is overloaded.

Two sections for the digest and the monthly report, read from the same rows residents
change: sessions of the next two weeks with their places and helpers; and what is
missing or overloaded: a session with more sign-ups than places, a volunteer carrying
more than `volunteer_hours_month` hours in 30 days, a session next week with no host
or helper, and open needs of a kind no service offers.
"""

from __future__ import annotations

from collections import Counter
from datetime import tzinfo

from sqlmodel import Session, col, select

from meshbot.people.members import name_of
from meshbot.papers.sections import Section
from meshbot.services.notices import session_ref, when_text
from meshbot.services.roster import roster
from meshbot.services.schedule import upcoming
from store import Posting
from store.services import EVENT_KINDS, SERVICE_KINDS, Service, ServiceSession

DAY_S = 86400.0
NEED_SERVICES = {"childcare": ("childcare",), "medical": ("medical", "wellbeing"), "repair": ("repair", "bikes"),
                 "education": ("tutoring", "preserving")}
"""A board category -> the service kinds that answer its needs."""


def scheduled(db: Session, now: float, tz: tzinfo) -> Section:
    rows = []
    for session, service in upcoming(db, now, 14, SERVICE_KINDS + EVENT_KINDS):
        r = roster(db, session)
        places = f"{r.taken}/{service.capacity}" if service.capacity else str(r.taken)
        helpers = [name_of(db, h.node) + f" ({h.role})" for h in r.helpers]
        if session.host is not None:
            helpers.insert(0, name_of(db, session.host) + " (host)")
        rows.append((session_ref(session, service), service.name, when_text(session.starts, tz, "en", True),
                     places, str(len(r.waiting)), ", ".join(helpers) or "—"))
    return Section("Services scheduled or needed", ("Id", "Service", "When", "Booked", "Waiting", "Hosts and helpers"),
                   tuple(rows), numeric=frozenset({3, 4}), empty="No services or events in the next two weeks.")


def missing(db: Session, now: float, tz: tzinfo, hours_cap: int) -> Section:
    rows: list[tuple[str, str, str]] = []
    for session, service in upcoming(db, now, 14, SERVICE_KINDS + EVENT_KINDS):
        r = roster(db, session)
        ref = session_ref(session, service)
        if service.capacity and r.taken + len(r.waiting) > service.capacity:
            rows.append(("overbooked", f"{ref} {service.name}",
                         f"{r.taken + len(r.waiting)} want {service.capacity} places"))
        if session.starts <= now + 7 * DAY_S and session.host is None and not r.helpers:
            rows.append(("no host", f"{ref} {service.name}", f"nobody hosts {when_text(session.starts, tz, 'en', True)}"))
    for node, minutes in _helper_minutes(db, now).most_common():
        if minutes > hours_cap * 60:
            rows.append(("overloaded", name_of(db, node), f"{minutes // 60} h in 30 days (cap {hours_cap} h)"))
    offered = set(db.exec(select(Service.kind).where(Service.status == "active")).all())
    needs = Counter(db.exec(select(Posting.category).where(Posting.kind == "need", Posting.status == "open",
                                                           col(Posting.category).in_(tuple(NEED_SERVICES)))).all())
    for category, count in sorted(needs.items()):
        if not offered & set(NEED_SERVICES[category]):
            rows.append(("not offered", category, f"{count} open needs, no {category} service"))
    return Section("What's missing or overloaded", ("What", "Where", "Why"), tuple(rows), strong=frozenset({0}),
                   empty="Nothing missing or overloaded.")


def _helper_minutes(db: Session, now: float) -> Counter[int]:
    """Minutes each volunteer or host serves in sessions of the 30 days around now (15 back, 15 ahead)."""
    minutes: Counter[int] = Counter()
    sessions = db.exec(select(ServiceSession).where(
        ServiceSession.status == "scheduled", ServiceSession.starts >= now - 15 * DAY_S,
        ServiceSession.starts <= now + 15 * DAY_S)).all()
    for session in sessions:
        length = int((session.ends - session.starts) // 60)
        people = {h.node for h in roster(db, session).helpers}
        if session.host is not None:
            people.add(session.host)
        for node in people:
            minutes[node] += length
    return minutes


def services_sections(db: Session, now: float, tz: tzinfo, hours_cap: int) -> tuple[Section, Section]:
    return scheduled(db, now, tz), missing(db, now, tz, hours_cap)
