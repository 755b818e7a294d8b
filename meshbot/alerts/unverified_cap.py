"""At most N unverified alerts an hour per station, and repeats merged.

An alert nobody on the committee confirmed goes on air unverified, and anyone with the
channel key can raise one in any node's number: ten spoofed ALERTs were twenty floods
that kept a HELP waiting minutes. So within any hour at most
`unverified_alerts_per_hour` go out unverified; one of the same kind for the same place
as an unverified alert already on air is merged into it (not broadcast again); the rest
stay pending, still open to a committee OK, and go when the hour frees up.
"""

from __future__ import annotations

import logging

from sqlmodel import Session, col, select

from meshbot.settings import Settings
from store import Alert

log = logging.getLogger(__name__)
HOUR_S = 3600.0


def hold_back(db: Session, alert: Alert, now: float, settings: Settings) -> str | None:
    """None when `alert` may go on air unverified now; else `merged` or `capped`, with the
    alert's state changed to say so (in the caller's transaction)."""
    recent = db.exec(
        select(Alert).where(
            col(Alert.verified).is_(False), col(Alert.sent).is_not(None), col(Alert.sent) > now - HOUR_S,
            Alert.community == alert.community, Alert.id != alert.id,
        )
    ).all()
    twin = next((a for a in recent if a.status == "active" and a.category == alert.category
                 and (a.zone or "") == (alert.zone or "")), None)
    if twin is not None:
        alert.status, alert.confirm_deadline = "merged", None
        db.add(alert)
        log.info("alert #%s merged into #%s (same kind and place, unverified)", alert.id, twin.id)
        return "merged"
    if len(recent) < settings.unverified_alerts_per_hour:
        return None
    oldest = min(a.sent for a in recent if a.sent is not None)
    alert.status, alert.confirm_deadline = "pending", oldest + HOUR_S
    db.add(alert)
    log.info("alert #%s waits: %d unverified alerts this hour", alert.id, len(recent))
    return "capped"
