"""Drains the outbox onto the radio: one text at a time, paced, most urgent first.

Each row goes `pending -> sending -> sent`, then for a direct message `relayed` (our
radio heard the mesh carry it) and `acked` (the destination confirmed). The packet id is chosen and committed *before* the radio gets
the text: if the process dies in between, the row is sent again with the same id and
every receiving node drops the copy as a duplicate, so nothing is lost and nothing is
shown twice. A direct message nothing answered (no ack, not even a relay), or one the
radio gave up on (NAK), is sent again after each of `retry_delays_s`, then marked failed
for the committee to see.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hardware.link import BROADCAST_NUM, LinkDown, NodeInfo, RadioLink
from meshbot.budget import AirtimeBudget
from meshbot.outbox import Priority
from protocol.replies import REPLY_LIMIT, utf8_len
from store import OutboxItem, Transmission, session

log = logging.getLogger(__name__)
IDLE_POLL_S = 1.0
UNKNOWN_HOPS = 3
CANDIDATES = 50
MERGE_SEPARATOR = " | "
# A later part of a split text may go once the part before it reached one of these.
_PART_DONE = {"acked", "relayed", "merged"}
_PART_DEAD = {"failed", "dropped"}


@dataclass(frozen=True)
class Ack:
    """A routing answer from the mesh about one packet we sent."""

    request_id: int
    from_node: int
    error: str | None  # None for an ACK, else the firmware's reason (`MAX_RETRANSMIT`, ...)

    @classmethod
    def from_packet(cls, packet: dict) -> Ack | None:
        """The meshtastic routing packet dict -> Ack; None when it answers nothing."""
        decoded = packet.get("decoded") or {}
        request_id = decoded.get("requestId")
        if request_id is None or "from" not in packet:
            return None
        reason = (decoded.get("routing") or {}).get("errorReason", "NONE")
        return cls(int(request_id), int(packet["from"]), None if reason == "NONE" else str(reason))


@dataclass(frozen=True)
class DeliveryPolicy:
    min_gap_s: float = 2.0
    retry_delays_s: Sequence[float] = (4.0, 8.0, 16.0)
    stale_after_s: float = 6 * 3600.0
    budget: AirtimeBudget = AirtimeBudget()
    broadcast_gap_s: float = 0.0
    """After a broadcast nothing else goes for this long, so its flood is not crossed."""


class Sender:
    """Sends at most one outbox row per call of `tick`, never two within `min_gap_s`."""

    def __init__(
        self,
        engine: Engine,
        link: RadioLink,
        clock: Callable[[], float],
        policy: DeliveryPolicy,
        rng: random.Random | None = None,
    ) -> None:
        self._engine = engine
        self._link = link
        self._clock = clock
        self._policy = policy
        self._rng = rng or random.Random()
        self._last_sent: float | None = None
        self._quiet_until = 0.0
        self._recover()

    def _recover(self) -> None:
        """Rows caught mid-send by a crash go again, with the packet id they already have."""
        with session(self._engine) as db, db.begin():
            result = db.execute(
                update(OutboxItem).where(col(OutboxItem.state) == "sending").values(state="pending")
            )
        if result.rowcount:
            log.warning("%d text(s) were being sent when meshbot stopped; sending again", result.rowcount)

    # -- acks -------------------------------------------------------------------------

    def record_ack(self, ack: Ack) -> None:
        """Match a routing ACK/NAK to the row whose packet it answers."""
        now = self._clock()
        with session(self._engine) as db, db.begin():
            item = db.exec(
                select(OutboxItem).where(
                    OutboxItem.packet_id == ack.request_id,
                    col(OutboxItem.state).in_(("sent", "sending", "relayed", "pending", "failed")),
                )
            ).first()
            if item is None or not item.want_ack:
                return
            if ack.error is None:
                if ack.from_node != item.destination:
                    # An implicit ack: our radio heard a relay, so the text is on its way and
                    # the radio stops retransmitting. A retry would be dropped by every relay
                    # that saw this id, so wait for the destination's own ack without one.
                    if item.state == "sent":
                        item.state = "relayed"
                        db.add(item)
                    return
                item.state, item.acked_at, item.error = "acked", now, None
                log.info("#%s acked by %08x", item.id, ack.from_node)
            elif item.state in ("sent", "sending"):
                log.info("#%s not delivered (%s)", item.id, ack.error)
                item.error = ack.error
                self._retry_or_fail(item, now, wait=self._retry_wait(item))
            db.add(item)

    def _retry_wait(self, item: OutboxItem, nodes: dict[int, NodeInfo] | None = None) -> float:
        """The wait after try number `attempts`, stretched by the hops to the destination.

        The delays are for a direct neighbour; a text and its ack each cross every hop,
        so the wait grows with (1 + hops away). Unknown distance counts as the usual
        hop limit, erring towards patience over airtime.
        """
        delays = self._policy.retry_delays_s
        if not delays:
            return 0.0
        info = (self._link.nodes() if nodes is None else nodes).get(item.destination)
        hops = info.hops_away if info is not None and info.hops_away is not None else UNKNOWN_HOPS
        return delays[min(item.attempts, len(delays)) - 1] * (1 + hops)

    def _retry_or_fail(self, item: OutboxItem, now: float, wait: float) -> None:
        if item.attempts <= len(self._policy.retry_delays_s):
            item.state, item.not_before = "pending", now + wait
        else:
            item.state = "failed"
            item.error = item.error or "no ack"
            log.warning("#%s to %08x failed after %d tries", item.id, item.destination, item.attempts)

    def _expire_unacked(self, db: Session, now: float) -> None:
        """A direct message whose ack is overdue is sent again (same id) or given up."""
        waiting = db.exec(
            select(OutboxItem).where(OutboxItem.state == "sent", col(OutboxItem.want_ack).is_(True))
        ).all()
        nodes = self._link.nodes() if waiting else {}  # one look-up per tick, not per row
        for item in waiting:
            if item.sent_at is not None and now >= item.sent_at + self._retry_wait(item, nodes):
                item.error = "no ack"
                self._retry_or_fail(item, now, wait=0.0)
                db.add(item)

    def tidy(self) -> int:
        """Drop notices and digests too old to matter (run now and then, not every tick)."""
        now = self._clock()
        with session(self._engine) as db, db.begin():
            return self._drop_stale(db, now)

    def _drop_stale(self, db: Session, now: float) -> int:
        result = db.execute(
            update(OutboxItem)
            .where(
                OutboxItem.state == "pending",
                OutboxItem.priority >= Priority.NOTICE,
                OutboxItem.created < now - self._policy.stale_after_s,
            )
            .values(state="dropped", error="stale")
        )
        if result.rowcount:
            log.info("dropped %d stale notice(s)", result.rowcount)
        return int(result.rowcount or 0)

    # -- choosing and sending -------------------------------------------------------------

    def _next_due(self, db: Session, now: float) -> OutboxItem | None:
        """The most urgent pending row whose earlier parts (if any) are through."""
        candidates = db.exec(
            select(OutboxItem)
            .where(OutboxItem.state == "pending", OutboxItem.not_before <= now)
            .order_by(OutboxItem.priority, OutboxItem.id)
            .limit(CANDIDATES)
        ).all()
        for item in candidates:
            if item.after_id is None:
                return item
            before = db.get(OutboxItem, item.after_id)
            state = before.state if before is not None else "acked"
            if state in _PART_DEAD:
                item.state, item.error = state, "an earlier part was not delivered"
                db.add(item)
            elif state in _PART_DONE or (state == "sent" and not before.want_ack):  # type: ignore[union-attr]
                return item
        return None

    def _merge_notices(self, db: Session, item: OutboxItem) -> None:
        """Fold other waiting notices to the same node into this packet while they fit."""
        if item.priority < Priority.NOTICE or item.destination == BROADCAST_NUM or item.after_id:
            return
        others = db.exec(
            select(OutboxItem).where(
                OutboxItem.state == "pending", OutboxItem.destination == item.destination,
                OutboxItem.priority >= Priority.NOTICE, OutboxItem.id != item.id,
                col(OutboxItem.after_id).is_(None), OutboxItem.channel == item.channel,
            ).order_by(OutboxItem.id)
        ).all()
        for other in others:
            merged = item.text + MERGE_SEPARATOR + other.text
            if utf8_len(merged) > REPLY_LIMIT:
                continue
            if db.exec(select(func.count()).select_from(OutboxItem).where(OutboxItem.after_id == other.id)).one():
                continue  # the first part of a split text keeps its own packet
            item.text = merged
            other.state, other.merged_into = "merged", item.id
            db.add(other)

    def _new_packet_id(self) -> int:
        return self._rng.randrange(1, 2**32)

    def tick(self) -> float:
        """Send the most urgent due text if pacing and budget allow; seconds until next try."""
        now = self._clock()
        if self._last_sent is not None and now - self._last_sent < self._policy.min_gap_s:
            return self._policy.min_gap_s - (now - self._last_sent)
        if now < self._quiet_until:
            return self._quiet_until - now
        if not self._link.is_connected:
            return IDLE_POLL_S
        with session(self._engine) as db:
            self._expire_unacked(db, now)
            item = self._next_due(db, now)
            if item is None:
                db.commit()
                return IDLE_POLL_S
            cost = self._policy.budget.cost(item.text, item.destination != BROADCAST_NUM)
            wait = self._policy.budget.wait_s(db, now, cost, item.priority)
            if wait > 0:
                db.commit()
                log.debug("airtime budget: #%s waits %.0f s", item.id, wait)
                return min(wait, IDLE_POLL_S * 30)
            self._merge_notices(db, item)
            item.packet_id = item.packet_id or self._new_packet_id()
            item.state = "sending"
            item.attempts += 1
            db.add(item)
            db.commit()
            sent = self._transmit(db, item, now)
        if sent:
            self._last_sent = now
            if item.destination == BROADCAST_NUM:
                self._quiet_until = now + self._policy.broadcast_gap_s
            return max(self._policy.min_gap_s, self._quiet_until - now)
        return IDLE_POLL_S

    def _transmit(self, db: Session, item: OutboxItem, now: float) -> bool:
        try:
            if item.alert_app:
                self._link.send_text(
                    item.text, item.destination, item.channel, item.want_ack, item.packet_id, alert=True
                )
            else:
                self._link.send_text(item.text, item.destination, item.channel, item.want_ack, item.packet_id)
        except LinkDown as exc:
            log.warning("radio down, #%s waits: %s", item.id, exc)
            item.state = "pending"
            item.attempts -= 1
            db.add(item)
            db.commit()
            return False
        except ValueError as exc:
            log.error("#%s cannot be sent: %s", item.id, exc)
            item.state, item.error = "failed", str(exc)
            db.add(item)
            db.commit()
            return False
        cost = self._policy.budget.cost(item.text, item.destination != BROADCAST_NUM)
        # An UPDATE guarded by the state, not the object we hold: an ack may already
        # have moved the row on from `sending`.
        db.execute(
            update(OutboxItem)
            .where(col(OutboxItem.id) == item.id, col(OutboxItem.state) == "sending")
            .values(state="sent", sent_at=now, airtime_s=OutboxItem.airtime_s + cost)
        )
        db.add(Transmission(time=now, airtime_s=cost, outbox_id=item.id))
        db.commit()
        log.info("sent #%s to %08x (%d bytes)", item.id, item.destination, len(item.text.encode("utf-8")))
        log.debug("#%s: %s", item.id, item.text)  # residents' words only at DEBUG: the journal is seizable too
        return True

    def counts(self) -> dict[str, int]:
        """Rows per state, for the committee and the logs."""
        with session(self._engine) as db:
            rows = db.exec(select(OutboxItem.state, func.count()).group_by(OutboxItem.state)).all()
        return {state: n for state, n in rows}
