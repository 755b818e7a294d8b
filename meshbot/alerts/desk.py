"""The committee's desk for alerts: confirm or cancel one; one path for the CLI and the console.

Each call runs in the caller's transaction, queues what goes on air and writes the audit
entry under `actor`, so the terminal and the browser leave the same rows.
"""

from __future__ import annotations

from sqlmodel import Session

from meshbot.alerts import policy
from meshbot.delivery.outbox import Outgoing, enqueue
from meshbot.security import audit
from meshbot.settings import Settings

STATION = 0
"""The node recorded as an alert message's sender when the laptop, not a radio, acted."""


class AlertDeskError(ValueError):
    """Why the action cannot be done, in one line for the committee."""


def _queue_and_audit(db: Session, messages: tuple[Outgoing, ...], actor: str, action: str, ref: str, now: float) -> int:
    for message in messages:
        enqueue(db, message, now, False)
    audit.record(db, actor, action, now, subject=ref)
    return len(messages)


def confirm(db: Session, settings: Settings, ref: str, actor: str, now: float) -> int:
    """Vouch for a pending alert: it goes on air, verified. The texts queued."""
    found = policy.find(db, ref)
    if found is None or found.status != "pending":
        state = "no such alert" if found is None else f"it is {found.status}"
        hint = "; it went out unverified because no committee member existed " \
            "(name one: meshbot members role !node committee)" \
            if found is not None and found.status == "active" and not found.verified else ""
        raise AlertDeskError(f"{ref} is not waiting for confirmation ({state}){hint}")
    return _queue_and_audit(db, policy.confirm(db, found, None, now, settings), actor, "alert.confirm", ref, now)


def cancel(db: Session, settings: Settings, ref: str, actor: str, now: float, by: int = STATION) -> int:
    """End a pending or active alert: on air, everyone hears it is over. The texts queued."""
    found = policy.find(db, ref)
    if found is None or found.status not in ("pending", "active"):
        state = "no such alert" if found is None else f"it is {found.status}"
        raise AlertDeskError(f"{ref} cannot be cancelled ({state})")
    return _queue_and_audit(db, policy.cancel(db, found, by, now, settings), actor, "alert.cancel", ref, now)
