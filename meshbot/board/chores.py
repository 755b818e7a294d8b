"""The daemon's matching chores, each round: lapses and expiry, and the whole-board pass
every `rematch_minutes`; each in its own transaction, a failure logged and tried again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session

from meshbot.board.board_pass import proposals_of, rematch_board
from meshbot.board.claims import announce, db_lang_of, queue_notices
from meshbot.board.expiry import expire_due, lapse_due
from meshbot.settings import Settings
from store import session

log = logging.getLogger(__name__)


class MatchChores:
    """What the daemon's housekeeping does for matching: lapses and expiry every round, the
    whole-board pass every `rematch_minutes`. Each in its own transaction; a failure is
    logged and tried again next round, never raised into the daemon."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.next_pass = 0.0

    def run(self, now: float) -> None:
        jobs: list[tuple[str, Callable[[Session], object]]] = [
            ("lapse", lambda db: lapse_due(db, now, self.settings)),
            ("expiry", lambda db: expire_due(db, now, self.settings)),
        ]
        if self.settings.rematch_minutes > 0 and now >= self.next_pass:
            self.next_pass = now + self.settings.rematch_minutes * 60.0
            jobs.append(("whole-board pass", lambda db: self._whole_board(db, now)))
        for name, job in jobs:
            try:
                with session(self.engine) as db, db.begin():
                    done_count = job(db)
                if done_count:
                    log.info("matching %s: %s", name, done_count)
            except Exception:  # a chore must not stop the daemon: logged, tried again next round
                log.exception("matching %s failed; it is tried again at the next housekeeping", name)

    def _whole_board(self, db: Session, now: float) -> int:
        made = rematch_board(db, now, self.settings)
        queue_notices(db, announce(db, proposals_of(db, made), self.settings, db_lang_of(db))[1], now, self.settings)
        return len(made)
