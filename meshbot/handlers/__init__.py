"""One handler per verb: take a Context and a Command, return a Reply; never touch the radio."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meshbot.handlers import alerts, board, council, help_desk, members, notes, paging, postings, show
from meshbot.handlers.context import Context, Reply
from meshbot.handlers.digest import digest as digest_for_committee
from protocol import Digest, More, Show
from protocol import Members
from protocol import (
    Alert, Cancel, Done, Find, Help, Join, ListBoard, My, Need, Offer, Safe, Take,
)
from protocol import Ack, EmergencyMode, Helping, Note, Update
from protocol import Agenda, Vote


def _help(ctx: Context, cmd: Help) -> Reply:
    return help_desk.answer(ctx, cmd)


HANDLERS: dict[type, Callable[[Context, Any], Reply]] = {
    Offer: postings.post,
    Need: postings.post,
    Take: postings.take,
    Done: postings.done,
    Cancel: postings.cancel,
    My: postings.mine,
    ListBoard: board.list_board,
    Find: board.find,
    Alert: alerts.raise_alert,
    Safe: alerts.mark_safe,
    Join: members.join,
    Help: _help,
    Digest: digest_for_committee,
    More: paging.more,
    Members: members.members,
    Update: alerts.update_alert,
    Ack: alerts.acknowledge,
    Helping: alerts.helping,
    EmergencyMode: alerts.emergency_mode,
    Show: show.show,
    Note: notes.note,
    Agenda: council.agenda,
    Vote: council.vote,
}

__all__ = ["HANDLERS", "Context", "Reply"]
