"""What leaves the board at its time: matches nobody accepted lapse, postings and alerts
expire, MORE pages end.

One path for all of it (`expire_due`), run once per housekeeping round by the match
chores; the authors hear once, and what came free goes on to the next in line.
"""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from meshbot.board.claims import (
    close, code_of, db_lang_of, dm, posting_ref, queue_notices, rematch_and_announce, sides_of,
)
from meshbot.board.matcher import LIVE, live_matches, sync
from meshbot.delivery.outbox import Outgoing
from meshbot.settings import Settings
from protocol import replies
from store import Alert, Match, Posting
from store.models import PageState


def expire_due(session: Session, now: float, settings: Settings | None = None) -> int:
    """Mark postings and active alerts whose time has passed; returns how many.

    Postings go through `expire_postings`: each author is told once, and matches nobody
    accepted yet are cancelled (their partners matched again at once when `settings` is
    given). MORE pages past their time end with them.
    """
    postings = expire_postings(session, now, settings)
    alerts = session.execute(
        update(Alert).where(Alert.status == "active", Alert.expires <= now).values(status="expired")
    )
    session.execute(delete(PageState).where(col(PageState.expires) <= now))  # MORE has nothing left there
    return postings + (alerts.rowcount or 0)


def lapse_due(db: Session, now: float, settings: Settings) -> int:
    """Matches nobody accepted in time lapse: both sides are told, the goods go to the next need."""
    due = db.exec(select(Match).where(
        Match.status == LIVE, col(Match.held).is_(False), col(Match.accepted).is_(None),
        col(Match.expires).is_not(None), col(Match.expires) <= now,
    )).all()
    lang_of = db_lang_of(db)
    notices: list[Outgoing] = []
    freed: dict[int, Posting] = {}
    for match in due:
        close(db, match, now, "lapsed")
        sides = sides_of(db, match)
        for party in (sides.receiver, sides.giver):
            if party.posting is not None:
                notices.append(dm(party.node, replies.match_lapsed(
                    code_of(match), posting_ref(party.posting), settings.match_lapse_hours, lang=lang_of(party.node))))
        freed.update((p.id, p) for p in sides.postings() if p.id is not None)
    if freed:
        notices += rematch_and_announce(db, freed.values(), now, settings, lang_of)
    queue_notices(db, notices, now, settings)
    return len(due)


def expire_postings(db: Session, now: float, settings: Settings | None = None) -> int:
    """Postings past their time leave the board, each author told once.

    Matches on them that nobody accepted yet are cancelled and their partners go on to
    the next in line (at once when `settings` is given, else at the next whole-board
    pass); accepted ones run on until DONE.
    """
    due = db.exec(select(Posting).where(
        col(Posting.status).in_(("open", "matched")), col(Posting.expires).is_not(None), col(Posting.expires) <= now,
    )).all()
    lang_of = db_lang_of(db)
    notices: list[Outgoing] = []
    freed: dict[int, Posting] = {}
    count = 0
    for posting in due:
        live = live_matches(db, posting)
        if posting.status == "matched" and live and all(m.accepted is not None for m in live):
            continue  # all promised and being handed over: DONE will close it
        for match in live:
            if match.accepted is None:
                close(db, match, now, "expired")
                freed.update((p.id, p) for p in sides_of(db, match).postings() if p.id not in (None, posting.id))
        posting.status, posting.updated = "expired", now
        db.add(posting)
        sync(db, posting, now)
        count += 1
        notices.append(dm(posting.author, replies.posting_expired(_label(posting), lang=lang_of(posting.author))))
    if freed:
        if settings is not None:
            notices += rematch_and_announce(db, freed.values(), now, settings, lang_of)
        else:
            for partner in freed.values():
                sync(db, partner, now)
    queue_notices(db, notices, now, settings)
    return count


def _label(posting: Posting) -> str:
    return replies.label(posting_ref(posting), posting.item, posting.quantity, posting.unit, posting.zone, posting.urgency)
