"""AGENDA / TEMARIO and VOTE / VOTO from a handheld. Who may send them is the gate's
business (reps and the committee; approved members), always by a pinned PKI DM."""

from __future__ import annotations

from hardware.link import node_id
from meshbot.council.agenda import add_item
from meshbot.council.notices import when_text
from meshbot.council.people import by_node
from meshbot.handlers.context import Context, Reply
from meshbot.people.members import spoken_name
from meshbot.treasury import ballots, proposals
from protocol import Agenda, Vote
from protocol.catalogue import render


def agenda(ctx: Context, cmd: Agenda) -> Reply:
    person = by_node(ctx.session, ctx.sender.node_num)
    item = add_item(ctx.session, cmd.text, cmd.heading, ctx.now, author=person.name if person else spoken_name(ctx.sender),
                    author_node=ctx.sender.node_num, community=person.community if person else ctx.sender.community)
    heading = render(f"council.heading.{cmd.heading}", ctx.lang)
    if item.meeting_id is None:
        return Reply(render("council.agenda_waiting", ctx.lang, id=f"#{item.id}", heading=heading))
    from store.council import CouncilMeeting

    meeting = ctx.session.get(CouncilMeeting, item.meeting_id)
    when = when_text(meeting.at, ctx.settings) if meeting else "?"
    return Reply(render("council.agenda_added", ctx.lang, id=f"#{item.id}", heading=heading, when=when))


def vote(ctx: Context, cmd: Vote) -> Reply:
    """A secret ballot: the reply never repeats the choice, and the worker keeps no copy of
    the words (`Reply.secret`)."""
    proposal = proposals.find(ctx.session, cmd.proposal)
    if proposal is None:
        return Reply(render("council.no_proposal", ctx.lang, id=cmd.proposal), secret=True)
    cast = ballots.cast(ctx.session, proposal, f"node:{node_id(ctx.sender.node_num)}", cmd.choice, ctx.now)
    if cast is ballots.Cast.CLOSED:
        return Reply(render("council.vote_closed", ctx.lang, id=cmd.proposal), secret=True)
    which = "council.vote_changed" if cast is ballots.Cast.CHANGED else "council.vote_counted"
    return Reply(render(which, ctx.lang, id=cmd.proposal, when=when_text(proposal.deadline, ctx.settings)),
                 secret=True, remembered=False)
