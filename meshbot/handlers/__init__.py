"""One handler per verb: take a Context and a Command, return a Reply; never touch the radio."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meshbot.handlers import alerts, board, council, help_desk, members, notes, paging, postings, services, show
from meshbot.handlers.context import Context, Reply
from meshbot.handlers.digest import digest as digest_for_committee
from protocol import Digest, More, Show
from protocol import Members
from protocol import (
    Alert, Cancel, Done, Find, Help, Join, ListBoard, My, Need, Offer, Safe, Take,
)
from protocol import Ack, EmergencyMode, Helping, Note, Update
from protocol import Agenda, Vote
from protocol import Cant, Events, Rsvp, Services, Signup, Volunteer


def _help(ctx: Context, cmd: Help) -> Reply:
    return help_desk.answer(ctx, cmd)


def _done(ctx: Context, cmd: Done) -> Reply:
    """DONE s3 records attendance at a session; any other id closes a posting or match."""
    return services.attend(ctx, cmd) if cmd.ref[:1] in ("s", "e") else postings.done(ctx, cmd)


def _more(ctx: Context, cmd: More) -> Reply:
    """MORE goes on with the sender's last listing: sessions (SERVICES, EVENTS) or postings."""
    return services.more(ctx, cmd) or paging.more(ctx, cmd)


HANDLERS: dict[type, Callable[[Context, Any], Reply]] = {
    Offer: postings.post,
    Need: postings.post,
    Take: postings.take,
    Done: _done,
    Cancel: postings.cancel,
    My: postings.mine,
    ListBoard: board.list_board,
    Find: board.find,
    Alert: alerts.raise_alert,
    Safe: alerts.mark_safe,
    Join: members.join,
    Help: _help,
    Digest: digest_for_committee,
    More: _more,
    Members: members.members,
    Update: alerts.update_alert,
    Ack: alerts.acknowledge,
    Helping: alerts.helping,
    EmergencyMode: alerts.emergency_mode,
    Show: show.show,
    Note: notes.note,
    Agenda: council.agenda,
    Vote: council.vote,
    Services: services.services,
    Events: services.events,
    Signup: services.signup,
    Rsvp: services.signup,
    Volunteer: services.volunteer,
    Cant: services.cant,
}

__all__ = ["HANDLERS", "Context", "Reply"]
