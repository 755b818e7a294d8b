"""The committee's tables of services and rosters (`meshbot services list|roster`, the board poster)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from sqlmodel import Session, col, select

from meshbot.people.members import name_of
from meshbot.services.catalog import get, services
from meshbot.services.roster import roster
from meshbot.services.schedule import WEEKDAYS, plan_sessions, when_label
from store.services import Service, ServiceSession


def schedule_text(service: Service) -> str:
    """`weekly tue 17:00 (120 min)` or `once 2026-12-12 10:00 (240 min)`."""
    if service.weekday is None:
        return f"once {service.first_day} {service.start} ({service.minutes} min)"
    until = f" until {service.last_day}" if service.last_day else ""
    return f"weekly {WEEKDAYS[service.weekday]} {service.start} ({service.minutes} min){until}"


def service_rows(db: Session, kinds: tuple[str, ...], include_cancelled: bool = False) -> list[dict[str, Any]]:
    return [{"id": s.id, "kind": s.kind, "name": s.name, "place": s.place, "capacity": s.capacity,
             "languages": s.languages, "bring": s.bring, "pod": s.pod, "schedule": schedule_text(s),
             "status": s.status} for s in services(db, kinds, include_cancelled)]


def roster_rows(db: Session, service_id: int, now: float, tz: tzinfo) -> list[dict[str, Any]]:
    """Each session not yet over, with names (the committee reads them at the laptop)."""
    service = get(db, service_id)
    plan_sessions(db, service, now, tz)
    sessions = db.exec(select(ServiceSession).where(ServiceSession.service_id == service_id,
                                                    ServiceSession.ends > now)
                       .order_by(col(ServiceSession.starts))).all()
    rows = []
    for session in sessions:
        r = roster(db, session)
        rows.append({
            "session": session.id, "when": when_label(session.starts, tz), "status": session.status,
            "capacity": service.capacity,
            "host": name_of(db, session.host) if session.host is not None else None,
            "helpers": [f"{name_of(db, h.node)} ({h.role})" for h in r.helpers],
            "booked": [name_of(db, s.node) for s in r.booked],
            "waiting": [name_of(db, s.node) for s in r.waiting],
            "attended": [name_of(db, s.node) for s in r.attended],
        })
    return rows
