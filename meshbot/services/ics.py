"""Events as an iCalendar file (RFC 5545) for the committee's phones and the community
centre's calendar, written with the `icalendar` library. Times are UTC; places are the
coarse ones residents see."""

from __future__ import annotations

from datetime import datetime, timezone

from icalendar import Calendar, Event
from sqlmodel import Session

from meshbot.delivery.privacy import coarse
from meshbot.services.notices import session_ref
from meshbot.services.schedule import upcoming

PRODID = "-//meshbot//services and events//EN"


def calendar(db: Session, now: float, days: int, kinds: tuple[str, ...], community: str) -> bytes:
    """The scheduled sessions of `kinds` in the next `days`, one VEVENT each."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"meshbot {community}")
    for session, service in upcoming(db, now, days, kinds):
        event = Event()
        ref = session_ref(session, service)
        event.add("uid", f"{ref}@{community}.meshbot")
        event.add("summary", f"{service.name} ({ref})")
        event.add("dtstart", datetime.fromtimestamp(session.starts, timezone.utc))
        event.add("dtend", datetime.fromtimestamp(session.ends, timezone.utc))
        event.add("dtstamp", datetime.fromtimestamp(now, timezone.utc))
        event.add("categories", [service.kind])
        if service.place:
            event.add("location", coarse(service.place))
        if service.bring:
            event.add("description", f"Bring: {service.bring}. RSVP {ref} from a radio.")
        cal.add_component(event)
    return cal.to_ical()
