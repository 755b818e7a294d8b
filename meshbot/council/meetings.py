"""Council meetings: the committee sets the date; host and facilitator come from the rotation
unless the committee names them. The meetings, oldest first, are the rotation's history.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from meshbot.council.people import CouncilError, communities, people, person
from meshbot.council.rotation import next_in_turn
from meshbot.security import audit
from store.council import AgendaItem, CouncilCommunity, CouncilMeeting


@dataclass(frozen=True)
class Turn:
    """Who the rotation proposes for the next meeting."""

    host: str | None
    facilitator_id: int | None


def history(session: Session) -> list[CouncilMeeting]:
    """Every meeting that was not cancelled, oldest first."""
    return list(session.exec(select(CouncilMeeting).where(CouncilMeeting.state != "cancelled")
                             .order_by(col(CouncilMeeting.at), col(CouncilMeeting.id))).all())


def proposed_turn(session: Session) -> Turn:
    """The next host (communities that host) and facilitator (people marked trained)."""
    past = history(session)
    hosts = [c.name for c in communities(session) if c.hosts]
    trained = [p.id for p in people(session) if p.trained and p.id is not None]
    return Turn(next_in_turn(hosts, [m.host for m in past]),
                next_in_turn(trained, [m.facilitator_id for m in past if m.facilitator_id is not None]))


def plan(session: Session, at: float, now: float, actor: str, *, host: str | None = None,
         facilitator_id: int | None = None) -> CouncilMeeting:
    """A meeting on the committee's date; who is not named is proposed by the rotation.
    Agenda items waiting for a meeting go on this one if it is the next."""
    turn = proposed_turn(session)
    host = (host or "").strip().lower() or turn.host
    if host is None:
        raise CouncilError("no community hosts yet: add one (meshbot council community add NAME)")
    if session.get(CouncilCommunity, host) is None:
        raise CouncilError(f"no community {host!r}")
    if facilitator_id is not None and not person(session, facilitator_id).trained:
        raise CouncilError(f"#{facilitator_id} is not marked trained: only trained people facilitate")
    meeting = CouncilMeeting(at=at, host=host, facilitator_id=facilitator_id or turn.facilitator_id, created=now)
    session.add(meeting)
    session.flush()
    upcoming = next_meeting(session, now)
    if upcoming is not None and upcoming.id == meeting.id:
        session.execute(update(AgendaItem).where(col(AgendaItem.meeting_id).is_(None)).values(meeting_id=meeting.id))
    audit.record(session, actor, "council.meeting", now, subject=f"meeting {meeting.id}",
                 detail=f"host {meeting.host}, facilitator #{meeting.facilitator_id}")
    return meeting


def next_meeting(session: Session, now: float) -> CouncilMeeting | None:
    """The earliest planned meeting not yet begun."""
    return session.exec(select(CouncilMeeting).where(CouncilMeeting.state == "planned", CouncilMeeting.at >= now)
                        .order_by(col(CouncilMeeting.at))).first()


def meeting(session: Session, meeting_id: int) -> CouncilMeeting:
    found = session.get(CouncilMeeting, meeting_id)
    if found is None:
        raise CouncilError(f"no meeting {meeting_id} (meshbot council meetings lists them)")
    return found


def set_state(session: Session, meeting_id: int, state: str, now: float, actor: str) -> CouncilMeeting:
    found = meeting(session, meeting_id)
    found.state = state
    session.add(found)
    audit.record(session, actor, f"council.meeting_{state}", now, subject=f"meeting {meeting_id}")
    return found
