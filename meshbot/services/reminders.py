"""Reminders the day before: a pod's host of the week, and those coming to a session or
event. Low priority (they go after every answer and notice, inside the airtime budget),
and never at night: a reminder due at night waits for the morning.

Each session is reminded once (`reminded`); a host who changes (a CANT, a swap) gets a
fresh reminder, since changing the host clears it.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from meshbot.board.claims import queue_notices
from meshbot.delivery.outbox import Outgoing, Priority
from meshbot.services.notices import notice
from meshbot.services.pods import plan
from meshbot.services.roster import roster
from meshbot.services.schedule import zone
from meshbot.settings import Settings
from store import session
from store.services import Service, ServiceSession

log = logging.getLogger(__name__)
AHEAD_S = 24 * 3600.0
NIGHT_HOURS = frozenset({*range(21, 24), *range(0, 8)})
"""Local hours at which no reminder goes out (21:00 to 08:00)."""


def night(now: float, tz: tzinfo) -> bool:
    return datetime.fromtimestamp(now, tz).hour in NIGHT_HOURS


def due(db: Session, now: float, tz: tzinfo) -> list[Outgoing]:
    """The reminders due now, marking their sessions reminded."""
    if night(now, tz):
        return []
    rows = db.exec(select(ServiceSession, Service).join(Service).where(
        ServiceSession.status == "scheduled", Service.status == "active", col(ServiceSession.reminded).is_(None),
        ServiceSession.starts > now, ServiceSession.starts <= now + AHEAD_S)
        .order_by(col(ServiceSession.starts))).all()
    out: list[Outgoing] = []
    for session_, service in rows:
        if session_.host is not None:
            out.append(notice(db, session_.host, "svc.host_reminder", session_, service, tz, Priority.DIGEST))
        coming = roster(db, session_).booked
        out += [notice(db, s.node, "svc.rsvp_reminder", session_, service, tz, Priority.DIGEST) for s in coming]
        session_.reminded = now
        db.add(session_)
    return out


def services_chores(engine: Engine, settings: Settings, now: float) -> int:
    """Plan the coming sessions (pod hosts chosen) and queue the reminders due; one transaction.
    A failure is logged and tried again at the next housekeeping, never raised."""
    try:
        tz = zone(settings.timezone)
        with session(engine) as db, db.begin():
            plan(db, now, tz)
            out = due(db, now, tz)
            queue_notices(db, out, now, settings)
    except Exception:  # a chore must not stop the daemon: logged, tried again next round
        log.exception("services chores failed; they are tried again at the next housekeeping")
        return 0
    if out:
        log.info("services: %d reminders queued", len(out))
    return len(out)
