"""Ending emergency mode: the plan's last progress, the final report, held digests let go.

Apart from `emergency` because the report is the status board's (`emergency_board`),
which itself reads the plan's progress from `emergency`: one direction, no circle.
"""

from __future__ import annotations

import logging

from sqlalchemy import update as sql_update
from sqlmodel import Session, col

from hardware.link import BROADCAST_NUM
from meshbot.alerts.emergency import track_progress
from meshbot.alerts.emergency_board import render_report, snapshot
from meshbot.delivery.outbox import Outgoing, Priority
from meshbot.settings import Settings
from protocol import replies
from store import OutboxItem
from store.models import Emergency

log = logging.getLogger(__name__)


def end(db: Session, settings: Settings, now: float, row: Emergency) -> tuple[Outgoing, ...]:
    """Close the window, release held digests, write the report; everyone hears it is over."""
    track_progress(db, row, now)
    row.ended = now
    row.report = render_report(snapshot(db, row, now, settings))
    db.add(row)
    db.execute(
        sql_update(OutboxItem)
        .where(col(OutboxItem.state) == "pending", col(OutboxItem.held_by_emergency) == row.id)
        .values(not_before=now, held_by_emergency=None)
    )
    log.warning("emergency mode ended")
    return (Outgoing(replies.emergency_over(), BROADCAST_NUM, Priority.ALERT, settings.channel_index),)
