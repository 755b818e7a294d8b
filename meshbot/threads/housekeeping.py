"""Retention: what the board no longer needs is purged after `retention_days`.

What leaves the board at its time (postings, alerts, pages) is `meshbot.board.expiry`."""

from __future__ import annotations

from sqlalchemy import Table, delete, or_, update
from sqlmodel import Session, SQLModel, col, select

from store import Alert, Match, OutboxItem, Posting, SeenPacket
from store.models import SecurityFlag


DAY_S = 86_400.0
CLOSED_POSTINGS = ("done", "cancelled", "expired")
ENDED_ALERTS = ("cancelled", "expired")
ENDED_MATCHES = ("done", "cancelled", "lapsed", "rejected", "expired")
FINISHED_TEXTS = ("sent", "relayed", "acked", "failed", "dropped", "merged")


def purge_old(session: Session, now: float, retention_days: float) -> int:
    """Retention: delete what the board no longer needs after `retention_days`; returns rows touched.

    Closed postings (with their closed matches and whatever refers to those), ended
    alerts (with their messages and responses), texts the radio is done with, old
    security flags; handled inbound messages keep only their (sender, packet id), so a
    replayed packet is still recognised, but lose their words. The audit log is kept.
    """
    cutoff = now - retention_days * DAY_S
    touched = 0
    live_match = select(Match.id).where(col(Match.status).not_in(ENDED_MATCHES))
    busy = {i for row in session.execute(
        select(Match.offer_id, Match.need_id).where(col(Match.id).in_(live_match))
    ) for i in row if i is not None}
    postings = [i for i in session.exec(
        select(Posting.id).where(col(Posting.status).in_(CLOSED_POSTINGS), Posting.updated <= cutoff)
    ) if i not in busy]
    if postings:
        matches = list(session.exec(select(Match.id).where(
            or_(col(Match.offer_id).in_(postings), col(Match.need_id).in_(postings)))))
        touched += _delete_with_dependents(session, Match.__table__, matches)  # type: ignore[attr-defined]
        touched += _delete_with_dependents(session, Posting.__table__, postings)  # type: ignore[attr-defined]
    alerts = list(session.exec(select(Alert.id).where(col(Alert.status).in_(ENDED_ALERTS), Alert.expires <= cutoff)))
    touched += _delete_with_dependents(session, Alert.__table__, alerts)  # type: ignore[attr-defined]
    touched += session.execute(delete(OutboxItem).where(
        col(OutboxItem.state).in_(FINISHED_TEXTS), OutboxItem.created <= cutoff)).rowcount or 0
    touched += session.execute(delete(SecurityFlag).where(SecurityFlag.created <= cutoff)).rowcount or 0
    touched += session.execute(update(SeenPacket).where(
        col(SeenPacket.handled).is_(True), SeenPacket.received <= cutoff, SeenPacket.text != "",
    ).values(text="", reply=None)).rowcount or 0
    return touched


def _delete_with_dependents(session: Session, target: Table, ids: list[int]) -> int:
    """Delete rows of `target` by id, first deleting rows of any table whose foreign key points at them."""
    if not ids:
        return 0
    deleted = 0
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is not target or fk.parent.table is not table:
                continue
            keys = list(table.primary_key.columns)
            if len(keys) == 1:
                refs = [r for (r,) in session.execute(select(keys[0]).where(fk.parent.in_(ids)))]
                deleted += _delete_with_dependents(session, table, refs)
            else:
                deleted += session.execute(delete(table).where(fk.parent.in_(ids))).rowcount or 0
    (key,) = target.primary_key.columns
    for start in range(0, len(ids), 500):
        deleted += session.execute(delete(target).where(key.in_(ids[start:start + 500]))).rowcount or 0
    return deleted
