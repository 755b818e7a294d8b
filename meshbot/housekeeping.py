"""Periodic chores: postings and alerts past their time leave the board."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from store import Alert, Posting


def expire_due(session: Session, now: float) -> int:
    """Mark open postings and active alerts whose time has passed; returns how many."""
    postings = session.execute(
        update(Posting)
        .where(Posting.status == "open", Posting.expires.is_not(None), Posting.expires <= now)  # type: ignore[union-attr]
        .values(status="expired", updated=now)
    )
    alerts = session.execute(
        update(Alert).where(Alert.status == "active", Alert.expires <= now).values(status="expired")
    )
    return (postings.rowcount or 0) + (alerts.rowcount or 0)
