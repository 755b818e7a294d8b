"""How a session is named to a resident, and the texts the bot sends about it.

A session is `s3` when it is a service and `e3` when it is an event (the same row
kind, named for the verb residents answer with). Places go through privacy.coarse,
as every place in a text does.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlmodel import Session

from meshbot.delivery.outbox import Outgoing, Priority, enqueue
from meshbot.delivery.privacy import coarse
from meshbot.people.members import spoken_name
from meshbot.services import catalog
from meshbot.services.roster import roster
from protocol.catalogue import render
from store import Member
from store.services import EVENT_KINDS, Service, ServiceSession

REF_PREFIXES = ("s", "e")


def session_ref(session: ServiceSession, service: Service) -> str:
    return ("e" if service.kind in EVENT_KINDS else "s") + str(session.id)


def find_session(db: Session, ref: str) -> tuple[ServiceSession, Service] | None:
    """The scheduled session a ref names (`s3` a service's, `e3` an event's), or None."""
    if ref[:1] not in REF_PREFIXES or not ref[1:].isdigit():
        return None
    session = db.get(ServiceSession, int(ref[1:]))
    if session is None:
        return None
    service = db.get(Service, session.service_id)
    if service is None or session_ref(session, service)[0] != ref[0]:
        return None
    return session, service


def when_text(starts: float, tz: tzinfo, lang: str, with_date: bool = False) -> str:
    """`tue 17:00`, or `tue 9/12 17:00` for a listing reaching past this week."""
    moment = datetime.fromtimestamp(starts, tz)
    day = render(f"day.{moment.weekday()}", lang)
    return f"{day} {moment.day}/{moment.month} {moment:%H:%M}" if with_date else f"{day} {moment:%H:%M}"


def values(session: ServiceSession, service: Service, tz: tzinfo, lang: str,
           with_date: bool = False) -> dict[str, str]:
    """The fields every session text fills: id, name, when, at."""
    return {"id": session_ref(session, service), "name": service.name,
            "when": when_text(session.starts, tz, lang, with_date),
            "at": f" @{coarse(service.place)}" if service.place else ""}


def lang_of(db: Session, node: int) -> str:
    member = db.get(Member, node)
    return member.lang if member is not None and member.lang else "en"


def notice(db: Session, node: int, message_id: str, session: ServiceSession, service: Service, tz: tzinfo,
           priority: Priority = Priority.NOTICE, **more: str) -> Outgoing:
    """One text about a session to `node`, in the language they last wrote in."""
    lang = lang_of(db, node)
    return Outgoing(render(message_id, lang, **values(session, service, tz, lang), **more), node, priority)


def role_word(role: str, lang: str) -> str:
    return render(f"svc.role.{role}", lang)


def name_of_node(db: Session, node: int) -> str:
    member = db.get(Member, node)
    return spoken_name(member) if member is not None else f"!{node:08x}"[-4:]


def tell_cancelled(db: Session, service_id: int, actor: str, now: float, tz: tzinfo,
                   want_ack: bool) -> int:
    """Cancel the service and tell everyone booked, waiting or helping at its coming sessions."""
    service = catalog.get(db, service_id)
    told = set()
    for session in catalog.cancel(db, service_id, actor, now):
        r = roster(db, session)
        people = {s.node for s in r.booked + r.waiting} | {h.node for h in r.helpers}
        if session.host is not None:
            people.add(session.host)
        for node in sorted(people):
            enqueue(db, notice(db, node, "svc.cancelled", session, service, tz), now, want_ack)
            told.add(node)
    return len(told)
