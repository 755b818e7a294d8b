"""When a service runs: its sessions worked out from a local day and hour.

A weekly service is planned a fortnight ahead, one `ServiceSession` per week, each start
computed in the station's time zone (zoneinfo), so `tuesday 17:00` stays 17:00 across a
daylight-saving change. Planning is idempotent: a session already planned for a start is
never planned twice.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from store.services import Service, ServiceSession

PLAN_AHEAD_DAYS = 14
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def zone(name: str) -> tzinfo:
    """The station's zone; the machine's own when none is configured."""
    if name:
        return ZoneInfo(name)
    local = datetime.now().astimezone().tzinfo
    assert local is not None
    return local


def local_day(ts: float, tz: tzinfo) -> date:
    return datetime.fromtimestamp(ts, tz).date()


def start_of(day: date, at: str, tz: tzinfo) -> float:
    """Epoch seconds of local `at` (HH:MM) on `day`."""
    hour, minute = (int(part) for part in at.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=tz).timestamp()


def occurrences(service: Service, since: date, until: date) -> list[date]:
    """The local days in [since, until] on which the service runs."""
    first = date.fromisoformat(service.first_day)
    last = date.fromisoformat(service.last_day) if service.last_day else None
    if service.weekday is None:
        return [first] if since <= first <= until else []
    day = max(first, since)
    day += timedelta(days=(service.weekday - day.weekday()) % 7)
    days = []
    while day <= until and (last is None or day <= last):
        days.append(day)
        day += timedelta(days=7)
    return days


def plan_sessions(db: Session, service: Service, now: float, tz: tzinfo,
                  days: int = PLAN_AHEAD_DAYS) -> list[ServiceSession]:
    """Add the sessions of the coming `days` not planned yet; returns the new ones."""
    if service.status != "active":
        return []
    assert service.id is not None
    today = local_day(now, tz)
    planned = set(db.exec(select(ServiceSession.starts).where(ServiceSession.service_id == service.id)).all())
    added = []
    for day in occurrences(service, today, today + timedelta(days=days)):
        starts = start_of(day, service.start, tz)
        if starts in planned or starts + service.minutes * 60 < now:
            continue
        session = ServiceSession(service_id=service.id, starts=starts, ends=starts + service.minutes * 60)
        db.add(session)
        added.append(session)
    db.flush()
    return added


def plan_all(db: Session, now: float, tz: tzinfo, days: int = PLAN_AHEAD_DAYS) -> list[ServiceSession]:
    """Plan every active service ahead (each housekeeping round, and before a listing)."""
    added: list[ServiceSession] = []
    for service in db.exec(select(Service).where(Service.status == "active")).all():
        added += plan_sessions(db, service, now, tz, days)
    return added


def upcoming(db: Session, now: float, days: float, kinds: tuple[str, ...]) -> list[tuple[ServiceSession, Service]]:
    """Scheduled sessions of `kinds` starting within `days`, soonest first (ended ones left out)."""
    rows = db.exec(select(ServiceSession, Service).join(Service)
                   .where(ServiceSession.status == "scheduled", Service.status == "active",
                          ServiceSession.ends > now, ServiceSession.starts <= now + days * 86400,
                          col(Service.kind).in_(kinds))
                   .order_by(col(ServiceSession.starts), col(ServiceSession.id))).all()
    return [(s, svc) for s, svc in rows]


def when_label(starts: float, tz: tzinfo) -> str:
    """`tue 17:00` as a listing shows it (day names are the same short words in every listing)."""
    moment = datetime.fromtimestamp(starts, tz)
    return f"{WEEKDAYS[moment.weekday()]} {moment:%d/%m %H:%M}"
