"""The council's timed chores, each housekeeping round: agendas and reminders to the reps,
action items due, and treasury votes whose deadline passed (closed, result broadcast).
One transaction; a failure is logged and tried again next round, never raised."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from meshbot.board.claims import queue_notices
from meshbot.council.notices import actions_due, publish_due, result_broadcast
from meshbot.settings import Settings
from meshbot.treasury.proposals import close_due
from store import session

log = logging.getLogger(__name__)


def council_chores(engine: Engine, settings: Settings, now: float) -> int:
    """Queue what is due; returns how many texts were queued."""
    try:
        with session(engine) as db, db.begin():
            out = publish_due(db, now, settings) + actions_due(db, now, settings)
            out += [result_broadcast(r) for r in close_due(db, now, settings)]
            queue_notices(db, out, now, settings)
    except Exception:  # a chore must not stop the daemon: logged, tried again next round
        log.exception("council chores failed; they are tried again at the next housekeeping")
        return 0
    if out:
        log.info("council: %d texts queued", len(out))
    return len(out)
