"""Who is where: a session's hosts and volunteers, its booked places and waiting line.

Read by the committee's roster, the resident verbs (is there room? who is next in line?)
and the overload figures, so they all count a place the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from store.services import Service, ServiceHelper, ServiceSession, ServiceSignup


@dataclass(frozen=True)
class Roster:
    session: ServiceSession
    helpers: tuple[ServiceHelper, ...]
    booked: tuple[ServiceSignup, ...]
    waiting: tuple[ServiceSignup, ...]
    attended: tuple[ServiceSignup, ...]

    @property
    def taken(self) -> int:
        return len(self.booked) + len(self.attended)


def helpers(db: Session, session: ServiceSession) -> tuple[ServiceHelper, ...]:
    """Active helpers of the session: the service's standing ones and its own, less those
    who said CANT for it (a `dropped` row for the session)."""
    rows = db.exec(select(ServiceHelper).where(
        ServiceHelper.service_id == session.service_id,
        or_(col(ServiceHelper.session_id).is_(None), ServiceHelper.session_id == session.id))
        .order_by(col(ServiceHelper.id))).all()
    out = {h.node for h in rows if h.session_id == session.id and h.state == "dropped"}
    return tuple(h for h in rows if h.state == "active" and h.node not in out)


def roster(db: Session, session: ServiceSession) -> Roster:
    signups = db.exec(select(ServiceSignup).where(ServiceSignup.session_id == session.id)
                      .order_by(col(ServiceSignup.created), col(ServiceSignup.id))).all()
    return Roster(session=session, helpers=helpers(db, session),
                  booked=tuple(s for s in signups if s.state == "booked"),
                  waiting=tuple(s for s in signups if s.state == "waiting"),
                  attended=tuple(s for s in signups if s.state == "attended"))


def has_room(service: Service, r: Roster) -> bool:
    return service.capacity is None or r.taken < service.capacity


def signup_of(db: Session, session_id: int, node: int) -> ServiceSignup | None:
    return db.exec(select(ServiceSignup).where(ServiceSignup.session_id == session_id,
                                               ServiceSignup.node == node)).first()
