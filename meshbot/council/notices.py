"""What the council sends over the mesh: the agenda to the reps ahead of the meeting,
reminders of the date and of action items due, and the treasury's proposals and results
(one broadcast each: every member may vote). Texts are the catalogue's `council.*`.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from meshbot.council.agenda import facilitator_name, items_of, mesh_agenda
from meshbot.council.people import reps
from meshbot.delivery.outbox import Outgoing, Priority
from meshbot.papers.periods import local, zone_of
from meshbot.settings import Settings
from meshbot.treasury.proposals import Result, code_of
from protocol.catalogue import render
from store import Member
from store.council import ActionItem, CouncilMeeting, CouncilPerson, Proposal


def when_text(ts: float, settings: Settings) -> str:
    """A date as the mesh reads it: `Sun 10 Jan 18:00`, in the neighbourhood's zone."""
    return local(ts, zone_of(settings.timezone)).strftime("%a %d %b %H:%M")


def _lang(session: Session, node_num: int) -> str:
    member = session.get(Member, node_num)
    return member.lang if member is not None and member.lang else "en"


def _rep_nodes(session: Session) -> list[int]:
    return [r.node_num for r in reps(session) if r.node_num is not None]


def agenda_for_reps(session: Session, meeting: CouncilMeeting, settings: Settings) -> list[Outgoing]:
    """The mesh agenda (at most 3 packets) to every rep with a radio, in their language."""
    when = when_text(meeting.at, settings)
    return [Outgoing(text, node, Priority.NOTICE)
            for node in _rep_nodes(session) for text in mesh_agenda(session, meeting, when, _lang(session, node))]


def reminder_for_reps(session: Session, meeting: CouncilMeeting, settings: Settings) -> list[Outgoing]:
    count = len(items_of(session, meeting.id or 0))
    out = []
    for node in _rep_nodes(session):
        lang = _lang(session, node)
        out.append(Outgoing(render("council.reminder", lang, when=when_text(meeting.at, settings), community=meeting.host,
                                   who=facilitator_name(session, meeting, lang), count=count), node, Priority.NOTICE))
    return out


def publish_due(session: Session, now: float, settings: Settings) -> list[Outgoing]:
    """Agendas whose day has come (`council_agenda_days` ahead), and reminders
    (`council_reminder_hours` ahead); each once per meeting."""
    out: list[Outgoing] = []
    upcoming = session.exec(select(CouncilMeeting).where(CouncilMeeting.state == "planned", CouncilMeeting.at > now)
                            .order_by(col(CouncilMeeting.at))).all()
    for meeting in upcoming:
        if meeting.published is None and now >= meeting.at - settings.council_agenda_days * 86400.0:
            out += agenda_for_reps(session, meeting, settings)
            meeting.published = now
        if meeting.reminded is None and now >= meeting.at - settings.council_reminder_hours * 3600.0:
            out += reminder_for_reps(session, meeting, settings)
            meeting.reminded = now
        session.add(meeting)
    return out


def actions_due(session: Session, now: float, settings: Settings) -> list[Outgoing]:
    """One reminder per open action item nearing its date, to its owner's radio."""
    out = []
    due = session.exec(select(ActionItem).where(ActionItem.state == "open", col(ActionItem.reminded).is_(None),
                                                ActionItem.due <= now + settings.council_reminder_hours * 3600.0)).all()
    for action in due:
        owner = session.get(CouncilPerson, action.owner_id) if action.owner_id else None
        action.reminded = now
        session.add(action)
        if owner is not None and owner.node_num is not None:
            text = render("council.action_due", _lang(session, owner.node_num), id=f"c{action.id}",
                          due=when_text(action.due, settings), text=action.text)
            out.append(Outgoing(text, owner.node_num, Priority.NOTICE))
    return out


def proposal_broadcast(proposal: Proposal, settings: Settings) -> Outgoing:
    """A new proposal to everyone: one packet, in English (the channel has no one language)."""
    what = f"{proposal.kind} {proposal.amount:g} {settings.treasury_unit}"
    if proposal.every != "once":
        what += f"/{proposal.every} x{proposal.periods}"
    return Outgoing(render("council.proposal", "en", id=code_of(proposal), text=f"{what}, {proposal.purpose}",
                           when=when_text(proposal.deadline, settings)), priority=Priority.NOTICE)


def result_broadcast(result: Result) -> Outgoing:
    p = result.proposal
    return Outgoing(render("council.result", "en", id=code_of(p), result=render(f"council.result.{result.state}", "en"),
                           yes=p.yes, no=p.no, abstain=p.abstain), priority=Priority.NOTICE)
