"""Drains the outbox onto the radio: one text at a time, paced, most urgent first."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import select

from hardware.link import LinkDown, RadioLink
from store import OutboxItem, session

log = logging.getLogger(__name__)
IDLE_POLL_S = 1.0


class Sender:
    """Sends at most one outbox row per call of `tick`, never two within `min_gap_s`."""

    def __init__(
        self, engine: Engine, link: RadioLink, clock: Callable[[], float], min_gap_s: float
    ) -> None:
        self._engine = engine
        self._link = link
        self._clock = clock
        self._min_gap_s = min_gap_s
        self._last_sent: float | None = None

    def tick(self) -> float:
        """Send the most urgent due text if pacing allows; return seconds until the next try."""
        now = self._clock()
        if self._last_sent is not None and now - self._last_sent < self._min_gap_s:
            return self._min_gap_s - (now - self._last_sent)
        if not self._link.is_connected:
            return IDLE_POLL_S
        with session(self._engine) as db:
            item = db.exec(
                select(OutboxItem)
                .where(OutboxItem.state == "pending", OutboxItem.not_before <= now)
                .order_by(OutboxItem.priority, OutboxItem.id)
                .limit(1)
            ).first()
            if item is None:
                return IDLE_POLL_S
            try:
                packet_id = self._link.send_text(
                    item.text, item.destination, item.channel, item.want_ack
                )
            except LinkDown as exc:
                log.warning("radio down, outbox item %s waits: %s", item.id, exc)
                return IDLE_POLL_S
            except ValueError as exc:
                log.error("outbox item %s cannot be sent: %s", item.id, exc)
                item.state, item.error = "failed", str(exc)
            else:
                item.state, item.packet_id, item.sent_at = "sent", packet_id, now
                log.info("sent #%s to %08x: %s", item.id, item.destination, item.text)
            item.attempts += 1
            db.add(item)
            db.commit()
        self._last_sent = now
        return self._min_gap_s

    def pending(self) -> int:
        with session(self._engine) as db:
            return len(db.exec(select(OutboxItem.id).where(OutboxItem.state == "pending")).all())
