"""Store and forward for residents' notes (MSG m3 ...): on air now, or held until heard.

A note to a radio that has not been heard lately would cost airtime on every resend and
then fail; it is held in the `relaynote` table instead, a bounded number per recipient,
and handed to the outbox the next time that radio transmits to us. Notes go at
`Priority.NOTE`, the lowest, so they never delay an alert, a reply or a notice, and the
airtime budget's reserve applies to them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from sqlmodel import Session, col, func, select

from meshbot.delivery.outbox import Outgoing, Priority, enqueue
from meshbot.settings import Settings
from store import Member, OutboxItem
from store.models import RelayNote


class Relayed(enum.Enum):
    """What became of a note."""

    QUEUED = "queued"
    """The recipient was heard lately: it is in the outbox."""
    HELD = "held"
    """The recipient's radio is silent: it goes when they next transmit."""
    FULL = "full"
    """The recipient already has `note_hold_max` notes held: refused, nothing stored."""


def heard_lately(member: Member | None, now: float, settings: Settings) -> bool:
    return member is not None and now - member.last_seen <= settings.note_heard_minutes * 60.0


def held_for(db: Session, recipient: int) -> int:
    """How many notes wait for `recipient`'s radio to be heard."""
    return db.exec(select(func.count()).select_from(RelayNote).where(
        RelayNote.recipient == recipient, RelayNote.state == "held")).one()


def _queue(db: Session, note: RelayNote, now: float, want_ack: bool) -> None:
    ids = enqueue(db, Outgoing(note.text, note.recipient, Priority.NOTE), now, want_ack)
    note.state, note.queued, note.outbox_id = "queued", now, ids[0]
    db.add(note)


def relay(db: Session, sender: int, recipient: int, text: str, match_id: int | None, now: float,
          settings: Settings) -> Relayed:
    """Queue `text` for `recipient` now if their radio was heard lately, else hold it."""
    member = db.get(Member, recipient)
    note = RelayNote(match_id=match_id, sender=sender, recipient=recipient, text=text, created=now)
    if heard_lately(member, now, settings):
        _queue(db, note, now, settings.reply_want_ack)
        return Relayed.QUEUED
    if held_for(db, recipient) >= settings.note_hold_max:
        return Relayed.FULL
    db.add(note)
    return Relayed.HELD


def release(db: Session, heard: Iterable[int], now: float, want_ack: bool) -> int:
    """Hand the notes for radios just heard to the outbox, oldest first; how many.

    Those are the held ones, and those whose delivery failed (the radio went quiet
    between being heard and the note's tries): a note the bot said it would pass on is
    never given up."""
    nodes = set(heard)
    if not nodes:
        return 0
    mine = db.exec(select(RelayNote).where(col(RelayNote.recipient).in_(nodes)).order_by(col(RelayNote.id))).all()
    sent = {note.outbox_id for note in mine if note.state == "queued"}
    failed = set(db.exec(select(OutboxItem.id).where(col(OutboxItem.id).in_(sent), OutboxItem.state == "failed")).all()) \
        if sent else set()
    waiting = [note for note in mine if note.state == "held" or note.outbox_id in failed]
    for note in waiting:
        _queue(db, note, now, want_ack)
    return len(waiting)
