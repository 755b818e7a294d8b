"""A meeting's minutes: decisions, issues raised (by community, for the reps' report-back),
warnings passed on, and action items with an owner and a due date.

A warning goes out through the alert path with its confirmation (`alerts.policy`): it is
raised in the name of the person who brought it, unproven, so the committee confirms it
before it goes on air, exactly as a resident's alert would.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from meshbot.alerts.policy import raise_alert
from meshbot.council.meetings import meeting
from meshbot.council.people import CouncilError, person
from meshbot.delivery.outbox import Outgoing
from meshbot.security import audit
from meshbot.settings import Settings
from store import Member
from store.council import MINUTE_KINDS, ActionItem, MinuteEntry


@dataclass(frozen=True)
class Recorded:
    entry: MinuteEntry
    notices: tuple[Outgoing, ...] = ()


def record(session: Session, meeting_id: int, kind: str, text: str, now: float, settings: Settings, actor: str, *,
           community: str | None = None, by_id: int | None = None) -> Recorded:
    """One line of minutes; a warning also raises an alert (`by_id`: whose radio it stands on)."""
    if kind not in MINUTE_KINDS:
        raise CouncilError(f"a minute is one of {', '.join(MINUTE_KINDS)}, not {kind!r}")
    if not text.strip():
        raise CouncilError("a minute needs words")
    meeting(session, meeting_id)
    entry = MinuteEntry(meeting_id=meeting_id, kind=kind, text=" ".join(text.split()), community=community,
                        created=now)
    notices: tuple[Outgoing, ...] = ()
    if kind == "warning":
        who = person(session, by_id) if by_id is not None else None
        if who is None or who.node_num is None:
            raise CouncilError("a warning goes out as an alert in someone's name: give --by with a person who has a radio")
        member = session.get(Member, who.node_num) or Member(node_num=who.node_num, name=who.name,
                                                             first_seen=now, last_seen=now)
        session.add(member)
        raised = raise_alert(session, member, entry.text, None, now, settings, proven=False, direct=False)
        entry.alert_id, notices = raised.alert.id, raised.notices
    session.add(entry)
    session.flush()
    audit.record(session, actor, f"council.{kind}", now, subject=f"meeting {meeting_id}", detail=f"minute {entry.id}")
    return Recorded(entry, notices)


def minutes_of(session: Session, meeting_id: int) -> list[MinuteEntry]:
    return list(session.exec(select(MinuteEntry).where(MinuteEntry.meeting_id == meeting_id)
                             .order_by(col(MinuteEntry.id))).all())


def add_action(session: Session, meeting_id: int, text: str, owner_id: int | None, due: float, now: float,
               actor: str) -> ActionItem:
    meeting(session, meeting_id)
    if owner_id is not None:
        person(session, owner_id)
    action = ActionItem(meeting_id=meeting_id, text=" ".join(text.split()), owner_id=owner_id, due=due, created=now)
    session.add(action)
    session.flush()
    audit.record(session, actor, "council.action", now, subject=f"action c{action.id}", detail=f"owner #{owner_id}")
    return action


def finish_action(session: Session, action_id: int, now: float, actor: str) -> ActionItem:
    action = session.get(ActionItem, action_id)
    if action is None:
        raise CouncilError(f"no action c{action_id}")
    action.state, action.done_at = "done", now
    session.add(action)
    audit.record(session, actor, "council.action_done", now, subject=f"action c{action_id}")
    return action


def status(action: ActionItem, now: float) -> str:
    """open, done, or late (open past its due date)."""
    return "late" if action.state == "open" and now > action.due else action.state


def actions(session: Session) -> list[ActionItem]:
    return list(session.exec(select(ActionItem).order_by(col(ActionItem.due), col(ActionItem.id))).all())


def issues_between(session: Session, start: float, end: float, community: str | None = None) -> list[MinuteEntry]:
    """What arose in council in a period (issues, decisions, warnings): a rep's report-back."""
    query = select(MinuteEntry).where(MinuteEntry.created >= start, MinuteEntry.created < end)
    rows = session.exec(query.order_by(col(MinuteEntry.id))).all()
    return [r for r in rows if community is None or r.community in (None, community)]
