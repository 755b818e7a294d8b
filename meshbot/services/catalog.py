"""The committee's side of services and events: add, edit, cancel, list, and who helps.

Every change is written to the audit log in the same transaction, and the sessions of
the coming fortnight are planned at once, so a resident's SERVICES sees a new service
the moment the committee adds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from sqlmodel import Session, col, select

from meshbot.security import audit
from meshbot.services.pods import plan
from store.services import (
    EVENT_KINDS, HELPER_ROLES, SERVICE_KINDS, Service, ServiceHelper, ServiceSession, ServiceSignup,
)

LANGUAGES = ("en", "es")


class ServiceError(ValueError):
    """A committee request that cannot be done; the message says why in one line."""


@dataclass(frozen=True)
class Description:
    """What the committee says about a service; None leaves a field as it is (edit)."""

    kind: str | None = None
    name: str | None = None
    place: str | None = None
    capacity: int | None = None
    languages: str | None = None
    bring: str | None = None
    weekday: int | None = None
    day: str | None = None
    until: str | None = None
    start: str | None = None
    minutes: int | None = None
    pod: bool | None = None
    one_off: bool = False


def _check(d: Description) -> None:
    if d.kind is not None and d.kind not in SERVICE_KINDS + EVENT_KINDS:
        raise ServiceError(f"kind must be one of {', '.join(SERVICE_KINDS + EVENT_KINDS)}")
    if d.languages is not None and not set(d.languages.split(",")) <= set(LANGUAGES):
        raise ServiceError("languages are en, es or en,es")
    for day in (d.day, d.until):
        if day is not None:
            try:
                date.fromisoformat(day)
            except ValueError as exc:
                raise ServiceError(f"{day!r} is not a date like 2026-12-08") from exc
    if d.start is not None:
        hour, _, minute = d.start.partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ServiceError(f"{d.start!r} is not a time like 17:00")
    if d.capacity is not None and d.capacity < 1:
        raise ServiceError("capacity is at least 1")


def add(db: Session, d: Description, actor: str, now: float, tz: tzinfo, community: str = "main") -> Service:
    _check(d)
    if not d.kind or not d.name or not d.day:
        raise ServiceError("a service needs a kind, a name and a day")
    weekday = None if d.one_off else (d.weekday if d.weekday is not None else date.fromisoformat(d.day).weekday())
    service = Service(kind=d.kind, name=d.name, place=d.place, capacity=d.capacity,
                      languages=d.languages or "en", bring=d.bring, weekday=weekday, first_day=d.day,
                      last_day=d.until, start=d.start or "10:00", minutes=d.minutes or 120, pod=bool(d.pod),
                      community=community, created=now, updated=now)
    db.add(service)
    db.flush()
    audit.record(db, actor, "service.add", now, subject=f"service {service.id}", detail=service.kind)
    plan(db, now, tz, service)
    return service


def get(db: Session, service_id: int) -> Service:
    service = db.get(Service, service_id)
    if service is None:
        raise ServiceError(f"no service {service_id}")
    return service


def edit(db: Session, service_id: int, d: Description, actor: str, now: float, tz: tzinfo) -> Service:
    """Change what is given; sessions not yet started move to the new day and hour."""
    _check(d)
    service = get(db, service_id)
    changes = {k: v for k, v in vars(d).items() if v is not None and k not in ("day", "until", "one_off")}
    for key, value in changes.items():
        setattr(service, key, value)
    if d.day is not None:
        service.first_day = d.day
    if d.until is not None:
        service.last_day = d.until
    service.updated = now
    if {"weekday", "start", "minutes"} & changes.keys() or d.day is not None or d.until is not None:
        for session in _future(db, service_id, now):
            if not db.exec(select(ServiceSignup.id).where(ServiceSignup.session_id == session.id)).first():
                db.delete(session)
        db.flush()
    audit.record(db, actor, "service.edit", now, subject=f"service {service_id}", detail=",".join(sorted(changes)))
    plan(db, now, tz, service)
    return service


def cancel(db: Session, service_id: int, actor: str, now: float) -> list[ServiceSession]:
    """Stop the service; its coming sessions are cancelled and returned (to tell who signed up)."""
    service = get(db, service_id)
    service.status = "cancelled"
    service.updated = now
    sessions = _future(db, service_id, now)
    for session in sessions:
        session.status = "cancelled"
    audit.record(db, actor, "service.cancel", now, subject=f"service {service_id}")
    return sessions


def _future(db: Session, service_id: int, now: float) -> list[ServiceSession]:
    return list(db.exec(select(ServiceSession).where(
        ServiceSession.service_id == service_id, ServiceSession.starts > now,
        ServiceSession.status == "scheduled")).all())


def add_helper(db: Session, service_id: int, node: int, role: str, actor: str, now: float,
               session_id: int | None = None) -> ServiceHelper:
    """A host or volunteer for every session, or for one."""
    if role not in HELPER_ROLES:
        raise ServiceError(f"role must be one of {', '.join(HELPER_ROLES)}")
    get(db, service_id)
    helper = ServiceHelper(service_id=service_id, session_id=session_id, node=node, role=role, created=now)
    db.add(helper)
    audit.record(db, actor, "service.helper", now, subject=f"service {service_id}", detail=role)
    db.flush()
    return helper


def services(db: Session, kinds: tuple[str, ...], include_cancelled: bool = False) -> list[Service]:
    query = select(Service).where(col(Service.kind).in_(kinds)).order_by(col(Service.id))
    if not include_cancelled:
        query = query.where(Service.status == "active")
    return list(db.exec(query).all())
