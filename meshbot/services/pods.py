"""Rotating care pods: each session's host chosen by the rotation, time away respected,
a host's CANT passing the turn on, swaps, and the history kept on the sessions.

The pod's households are its `host` helpers (standing, not per session). A household
away (`PodAway`) for a day is passed over that day; a CANT is recorded as time away
for that one day, so the rotation asks the next household and the history says why.
"""

from __future__ import annotations

from datetime import date, tzinfo

from sqlmodel import Session, col, select

from meshbot.services.rotation import Turn, next_turn
from meshbot.services.schedule import local_day, plan_all, plan_sessions
from store.services import PodAway, Service, ServiceHelper, ServiceSession


def households(db: Session, service_id: int) -> list[int]:
    rows = db.exec(select(ServiceHelper.node).where(
        ServiceHelper.service_id == service_id, ServiceHelper.role == "host",
        ServiceHelper.state == "active", col(ServiceHelper.session_id).is_(None))
        .order_by(col(ServiceHelper.id))).all()
    return list(dict.fromkeys(rows))


def away_on(db: Session, service_id: int, day: date) -> set[int]:
    text = day.isoformat()
    return set(db.exec(select(PodAway.node).where(
        PodAway.service_id == service_id, PodAway.first_day <= text, PodAway.last_day >= text)).all())


def mark_away(db: Session, service_id: int, node: int, first: date, last: date) -> None:
    db.add(PodAway(service_id=service_id, node=node, first_day=first.isoformat(), last_day=last.isoformat()))
    db.flush()


def _history(db: Session, service_id: int, other_than: ServiceSession) -> list[ServiceSession]:
    """The other sessions with a host, past and already planned (the rotation's memory), oldest first.

    Planned turns count: a household already down to host next week has had its turn of the round."""
    return list(db.exec(select(ServiceSession).where(
        ServiceSession.service_id == service_id, col(ServiceSession.host).is_not(None),
        ServiceSession.id != other_than.id,
        ServiceSession.status == "scheduled").order_by(col(ServiceSession.starts))).all())


def choose(db: Session, service: Service, session: ServiceSession, tz: tzinfo) -> Turn | None:
    assert service.id is not None
    past = _history(db, service.id, session)
    current = max((s.turn or 0 for s in past), default=0)
    this_round = {s.host for s in past if s.turn == current}
    history = [s.host for s in past if s.host is not None]
    return next_turn(households(db, service.id), this_round, current, history,
                     away_on(db, service.id, local_day(session.starts, tz)))


def assign(db: Session, service: Service, session: ServiceSession, tz: tzinfo) -> int | None:
    """Give the session its host by the rotation; the host, or None when all are away."""
    turn = choose(db, service, session, tz)
    session.host, session.turn = (turn.household, turn.round) if turn else (None, None)
    session.reminded = None
    db.add(session)
    db.flush()
    return session.host


def assign_planned(db: Session, sessions: list[ServiceSession], tz: tzinfo) -> None:
    """Hosts for newly planned pod sessions, soonest first (each choice sees the one before)."""
    for session in sorted(sessions, key=lambda s: s.starts):
        service = db.get(Service, session.service_id)
        if service is not None and service.pod and session.host is None:
            assign(db, service, session, tz)


def pass_on(db: Session, service: Service, session: ServiceSession, tz: tzinfo) -> int | None:
    """The host said CANT: away that day, and the next household is asked."""
    assert service.id is not None and session.host is not None
    day = local_day(session.starts, tz)
    mark_away(db, service.id, session.host, day, day)
    return assign(db, service, session, tz)


def swap(db: Session, first: ServiceSession, second: ServiceSession) -> None:
    """Two households trade turns (each keeps the round of the turn it takes)."""
    first.host, second.host = second.host, first.host
    first.reminded = second.reminded = None
    db.add(first)
    db.add(second)
    db.flush()


def plan(db: Session, now: float, tz: tzinfo, service: Service | None = None) -> list[ServiceSession]:
    """Plan the coming sessions (of one service, or of all) and give pod sessions without a host one
    (new ones, and those whose households joined after they were planned)."""
    added = plan_sessions(db, service, now, tz) if service is not None else plan_all(db, now, tz)
    hostless = db.exec(select(ServiceSession).join(Service).where(
        Service.pod, Service.status == "active", ServiceSession.status == "scheduled",
        col(ServiceSession.host).is_(None), ServiceSession.starts > now)).all()
    assign_planned(db, list({s.id: s for s in [*added, *hostless]}.values()), tz)
    return added
