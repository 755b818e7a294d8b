"""A resident's own moves on a session: a place (or a place in line), help offered,
dropping out, and attendance. Each returns what happened; the handler words it.

When a guest drops out, the first in the waiting line gets the place and is told; when
a pod's host drops out, the rotation asks the next household (pods.pass_on).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from sqlmodel import Session, select

from meshbot.services import pods
from meshbot.services.roster import has_room, roster, signup_of

from store.services import Service, ServiceHelper, ServiceSession, ServiceSignup


@dataclass(frozen=True)
class Place:
    state: str
    """booked, waiting or already"""
    position: int = 0
    """the place in line (waiting)"""


def sign_up(db: Session, session: ServiceSession, service: Service, node: int, now: float) -> Place:
    assert session.id is not None
    mine = signup_of(db, session.id, node)
    if mine is not None and mine.state in ("booked", "attended"):
        return Place("already")
    if mine is not None and mine.state == "waiting":
        return Place("waiting", _position(db, session, mine))
    state = "booked" if has_room(service, roster(db, session)) else "waiting"
    if mine is None:
        mine = ServiceSignup(session_id=session.id, node=node, state=state, created=now, updated=now)
    else:  # dropped before, back again: to the end of the line
        mine.state, mine.created, mine.updated = state, now, now
    db.add(mine)
    db.flush()
    return Place(state, _position(db, session, mine) if state == "waiting" else 0)


def _position(db: Session, session: ServiceSession, mine: ServiceSignup) -> int:
    return 1 + [s.id for s in roster(db, session).waiting].index(mine.id)


def volunteer(db: Session, session: ServiceSession, node: int, role: str, now: float) -> ServiceHelper:
    """Help offered for this one session (again, or after a CANT: the same row, role updated)."""
    helper = db.exec(select(ServiceHelper).where(ServiceHelper.session_id == session.id,
                                                 ServiceHelper.node == node)).first()
    if helper is None:
        helper = ServiceHelper(service_id=session.service_id, session_id=session.id, node=node, role=role,
                               created=now)
    helper.role, helper.state = role, "active"
    db.add(helper)
    db.flush()
    return helper


@dataclass(frozen=True)
class Dropped:
    """What a CANT changed: as guest, helper and/or host; who takes over."""

    guest: bool = False
    helper_roles: tuple[str, ...] = ()
    was_host: bool = False
    promoted: int | None = None
    """the first in line, who now has the place"""
    new_host: int | None = None

    @property
    def anything(self) -> bool:
        return self.guest or bool(self.helper_roles) or self.was_host


def cant(db: Session, session: ServiceSession, service: Service, node: int, now: float, tz: tzinfo) -> Dropped:
    assert session.id is not None
    guest = False
    promoted = None
    mine = signup_of(db, session.id, node)
    if mine is not None and mine.state in ("booked", "waiting"):
        was_booked = mine.state == "booked"
        mine.state, mine.updated = "dropped", now
        db.add(mine)
        db.flush()
        guest = True
        waiting = roster(db, session).waiting
        if was_booked and waiting and has_room(service, roster(db, session)):
            first = waiting[0]
            first.state, first.updated = "booked", now
            db.add(first)
            promoted = first.node
    roles = []
    for helper in roster(db, session).helpers:
        if helper.node != node or service.pod and helper.role == "host":
            continue  # a pod's households take turns through `session.host`
        if helper.session_id == session.id:
            helper.state = "dropped"
            db.add(helper)
        else:  # a standing helper out for this one session
            db.add(ServiceHelper(service_id=session.service_id, session_id=session.id, node=node,
                                 role=helper.role, state="dropped", created=now))
        roles.append(helper.role)
    was_host = session.host == node
    new_host = pods.pass_on(db, service, session, tz) if was_host and service.pod else None
    if was_host and not service.pod:
        session.host = None
        db.add(session)
    db.flush()
    return Dropped(guest=guest, helper_roles=tuple(roles), was_host=was_host, promoted=promoted, new_host=new_host)


def attend(db: Session, session: ServiceSession, node: int, now: float) -> bool:
    """Attendance recorded (a walk-in too); False before the session started."""
    assert session.id is not None
    if now < session.starts:
        return False
    mine = signup_of(db, session.id, node)
    if mine is None:
        mine = ServiceSignup(session_id=session.id, node=node, state="attended", created=now, updated=now)
    mine.state, mine.updated = "attended", now
    db.add(mine)
    db.flush()
    return True
