"""Drains the outbox onto the radio: one text at a time, paced, most urgent first.

Each row goes `pending -> sending -> sent`, then for a direct message `relayed` (our
radio heard the mesh carry it) and `acked` (the destination confirmed). The packet id
is chosen and committed *before* the radio gets the text: if the process dies in
between, the row is sent again with the same id and every receiving node drops the copy
as a duplicate, so nothing is lost and nothing is shown twice.

A direct message goes on air once. The radio's firmware retransmits it itself and then
gives its verdict; only a NAK, or no verdict at all by `congestion.verdict_wait_s`,
sends it again, with a NEW packet id (relays drop an id they have seen), at most
`max_resends` times, then it is `failed` for the committee to see. A late ACK still
turns it `acked`. At most a few DMs await a verdict at once (`Pace.window`).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hardware.link import BROADCAST_NUM, LinkDown, RadioLink
from meshbot.delivery.budget import AirtimeBudget
from meshbot.delivery.fairness import fair_order
from meshbot.delivery.hops import hop_limit_for
from meshbot.delivery.congestion import Pace, ack_on_air_s, first_try_s, radio_owes_s, relayed_wait_s, verdict_wait_s
from meshbot.delivery.interactive import air_priority, is_interactive
from meshbot.delivery.inflight import IN_FLIGHT, Window, in_flight, mesh_talking, still_talking
from meshbot.delivery.merging import merge_waiting, superseded
from meshbot.delivery.outbox import Priority
from store import DeliveryAttempt, OutboxItem, Transmission, session

log = logging.getLogger(__name__)
IDLE_POLL_S = 1.0
UNKNOWN_HOPS = 3
CANDIDATES = 50
NOT_ON_AIR = ("DUTY_CYCLE_LIMIT",)
"""NAKs for a packet the radio never transmitted."""
DUTY_CYCLE_WAIT_S = 60.0
# A later part of a split text may go once the part before it reached one of these.
_PART_DONE = {"acked", "relayed", "merged", "superseded"}
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
    max_gap_s: float = 60.0
    """The widest the gap between texts grows while NAKs and timeouts come back."""
    max_resends: int = 2
    """Resends (each with a new packet id) after a NAK or no verdict, then `failed`."""
    in_flight_per_node: int = 1
    in_flight_total: int = 2
    busy_channel_pct: float = 25.0
    """Above this channel utilisation (the radio's own figure) ordinary texts slow down."""
    hop_limit: int = UNKNOWN_HOPS
    stale_after_s: float = 6 * 3600.0
    budget: AirtimeBudget = AirtimeBudget()
    broadcast_gap_s: float = 0.0
    """After a broadcast nothing else goes for this long, so its flood is not crossed."""
    alert_hop_limit: int = 0
    """Hop limit of alert broadcasts; 0 keeps the radio's own."""
    max_answer_hold_s: float = 60.0
    """Longest an answer waits for the residents' direct messages to pause."""
    interactive_s: float = 120.0
    """A reply to a command received this recently is an interactive answer: HIGH priority
    on the radio, and the in-flight slot kept free for such answers."""


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
        self._served: dict[int, float] = {}
        """Destination -> when we last sent to it: the round-robin's memory (a restart forgets it)."""
        self.pace = Pace(policy.min_gap_s, max(policy.max_gap_s, policy.min_gap_s), busy_pct=policy.busy_channel_pct)
        self._recover()

    def _recover(self) -> None:
        """Rows caught mid-send by a crash go again, with the packet id they already have."""
        with session(self._engine) as db, db.begin():
            result = db.execute(
                update(OutboxItem).where(col(OutboxItem.state) == "sending").values(state="pending")
            )
        if result.rowcount:
            log.warning("%d text(s) were being sent when meshbot stopped; sending again", result.rowcount)

    @property
    def _preset(self) -> str:
        return self._policy.budget.preset

    def _utilisation(self) -> float | None:
        """The channel utilisation our radio reports (percent), None when it has not."""
        try:
            return self._link.channel_utilization()
        except LinkDown:
            return None

    # -- verdicts ---------------------------------------------------------------------

    def _row_for(self, db: Session, packet_id: int) -> tuple[OutboxItem | None, DeliveryAttempt | None]:
        attempt = db.exec(
            select(DeliveryAttempt).where(DeliveryAttempt.packet_id == packet_id)
            .order_by(col(DeliveryAttempt.id).desc())
        ).first()
        if attempt is not None:
            return db.get(OutboxItem, attempt.outbox_id), attempt
        return db.exec(select(OutboxItem).where(OutboxItem.packet_id == packet_id)).first(), None

    def record_ack(self, ack: Ack) -> None:
        """Match a routing ACK/NAK to the row whose packet (this try or an earlier one) it answers."""
        now = self._clock()
        with session(self._engine) as db, db.begin():
            item, attempt = self._row_for(db, ack.request_id)
            if item is None or not item.want_ack or item.destination == BROADCAST_NUM:
                return
            current = item.packet_id == ack.request_id
            quick = attempt is not None and now - attempt.sent_at <= first_try_s(
                item.text, self._preset, self._utilisation() or 0.0)
            if ack.error is None and ack.from_node == item.destination:
                self._settle(attempt, "acked", now)
                if item.state != "acked":
                    item.state, item.acked_at, item.error = "acked", now, None
                    log.info("#%s acked by %08x", item.id, ack.from_node)
                    if current and quick:
                        self.pace.narrow()
            elif ack.error is None:
                # An implicit ack: our radio heard a relay, so the text is on its way and the
                # radio stops retransmitting. A resend would be dropped by every relay that
                # saw this id; the destination's own ack may still come.
                self._settle(attempt, "relayed", now)
                if current and item.state in IN_FLIGHT:
                    item.state = "relayed"
                    if attempt is not None:  # the radio is done; the destination's ACK is due soon
                        onward = relayed_wait_s(item.text, self._preset, self._utilisation(), self._hops(item))
                        attempt.verdict_due = min(attempt.verdict_due, now + onward)
                        db.add(attempt)
                    if quick:
                        self.pace.narrow()
            elif ack.error in NOT_ON_AIR:
                # The radio refused it (its duty cycle is spent): nothing went on air, so
                # the same id goes again once the hour has room, and it is no try.
                self._settle(attempt, ack.error, now)
                if current and item.state in IN_FLIGHT:
                    item.state, item.error = "pending", ack.error
                    item.not_before, item.attempts = now + DUTY_CYCLE_WAIT_S, max(item.attempts - 1, 0)
                    self.pace.widen(item.sent_at or now, now)
            else:
                self._settle(attempt, ack.error, now)
                if current and item.state in (*IN_FLIGHT, "relayed"):
                    log.info("#%s not delivered (%s)", item.id, ack.error)
                    item.error = ack.error
                    self.pace.widen(item.sent_at or now, now)
                    # Relays with a learned route retry a hop on their own: let them finish.
                    self._resend_or_fail(item, now, wait=first_try_s(item.text, self._preset, self._utilisation()))
            db.add(item)

    @staticmethod
    def _settle(attempt: DeliveryAttempt | None, verdict: str, now: float) -> None:
        if attempt is not None and (attempt.verdict is None or verdict == "acked"):
            attempt.verdict, attempt.verdict_at = verdict, now

    def _resend_or_fail(self, item: OutboxItem, now: float, wait: float) -> None:
        if item.attempts <= self._policy.max_resends:
            item.state, item.not_before, item.packet_id = "pending", now + wait, None  # a new id when it goes
        else:
            item.state = "failed"
            item.error = item.error or "no ack"
            log.warning("#%s to %08x failed after %d tries", item.id, item.destination, item.attempts)

    def _expire_overdue(self, db: Session, now: float) -> None:
        """A DM whose try got no verdict by its due time (the radio's own tries long over) is
        sent again under a new id. One a relay carried but whose destination never
        confirmed goes once more under the same id (a new id would show twice wherever
        only the ACK was lost), then stays `relayed` and frees its resident's turn."""
        overdue = db.exec(
            select(DeliveryAttempt, OutboxItem)
            .join(OutboxItem, col(OutboxItem.id) == DeliveryAttempt.outbox_id)
            .where(
                or_(col(DeliveryAttempt.verdict).is_(None), DeliveryAttempt.verdict == "relayed"),
                DeliveryAttempt.verdict_due <= now,
            )
        ).all()
        for attempt, item in overdue:
            if attempt.verdict == "relayed":
                attempt.verdict = "relayed, no ack"
                db.add(attempt)
                same_id = db.exec(select(func.count()).select_from(DeliveryAttempt).where(
                    DeliveryAttempt.outbox_id == item.id, DeliveryAttempt.packet_id == attempt.packet_id)).one()
                if item.state == "relayed" and item.packet_id == attempt.packet_id and same_id == 1:
                    # Once more under the same id, as the radio's own retransmission: a
                    # destination that has it drops the copy and acks again.
                    item.state, item.not_before = "pending", now
                    db.add(item)
                continue
            attempt.verdict, attempt.verdict_at = "timeout", now
            db.add(attempt)
            if item.state == "sent" and item.packet_id == attempt.packet_id:
                item.error = "no ack"
                self.pace.widen(attempt.sent_at, now)
                self._resend_or_fail(item, now, wait=0.0)
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
                col(OutboxItem.priority).in_((Priority.NOTICE, Priority.DIGEST)),  # a relayed note is never stale
                OutboxItem.created < now - self._policy.stale_after_s,
            )
            .values(state="dropped", error="stale")
        )
        if result.rowcount:
            log.info("dropped %d stale notice(s)", result.rowcount)
        return int(result.rowcount or 0)

    # -- choosing and sending -------------------------------------------------------------

    def _next_due(self, db: Session, now: float, utilisation: float | None) -> OutboxItem | None:
        """The most urgent pending row whose earlier parts are through and whose node is free."""
        candidates = fair_order(db, now, self._served, CANDIDATES)
        window = Window.read(db, self._policy.in_flight_total, self._policy.in_flight_per_node)
        for item in candidates:
            if window.blocked(item, is_interactive(db, item, now, self._policy.interactive_s)) or superseded(db, item):
                continue
            if item.priority in (Priority.REPLY, Priority.NOTICE):
                hold = first_try_s(item.text, self._preset, utilisation or 0.0)
                if still_talking(db, item.destination, now, hold):
                    continue
                ack_s = ack_on_air_s(self._preset, utilisation)
                if now - item.created < self._policy.max_answer_hold_s and mesh_talking(db, now, hold, ack_s):
                    continue
            if item.after_id is None:
                return item
            before = db.get(OutboxItem, item.after_id)
            state = before.state if before is not None else "acked"
            if state in _PART_DEAD and before.destination != item.destination:  # type: ignore[union-attr]
                return item  # an answer waits for the broadcast it reports, it does not die with it
            if state in _PART_DEAD:
                item.state, item.error = state, "an earlier part was not delivered"
                db.add(item)
            elif state in _PART_DONE or (state == "sent" and not before.want_ack):  # type: ignore[union-attr]
                return item
        return None

    def _hops(self, item: OutboxItem) -> int:
        """Links to the destination as the radio's node list says (the hop limit when unknown)."""
        info = self._link.node_info(item.destination)
        return info.hops_away if info is not None and info.hops_away is not None else self._policy.hop_limit

    def _verdict_due(self, item: OutboxItem, flying: list[OutboxItem], now: float, utilisation: float | None) -> float:
        ahead = sum(radio_owes_s(f.text, self._preset) for f in flying if f.id != item.id)
        return now + verdict_wait_s(item.text, self._preset, utilisation, self._hops(item), ahead)

    def _new_packet_id(self) -> int:
        return self._rng.randrange(1, 2**32)

    def tick(self) -> float:
        """Send the most urgent due text if pacing, window and budget allow; seconds until next try."""
        now = self._clock()
        since = None if self._last_sent is None else now - self._last_sent
        if since is not None and since < self._policy.min_gap_s:
            return self._policy.min_gap_s - since
        if now < self._quiet_until:
            return self._quiet_until - now
        if not self._link.is_connected:
            return IDLE_POLL_S
        utilisation = self._utilisation()
        with session(self._engine) as db:
            self._expire_overdue(db, now)
            item = self._next_due(db, now, utilisation)
            if item is None:
                db.commit()
                return IDLE_POLL_S
            interactive = is_interactive(db, item, now, self._policy.interactive_s)
            # An answer a resident waits for keeps the AIMD gap but not the busy channel's stretch.
            gap = self.pace.gap_s if interactive else self.pace.gap_for(utilisation)
            if item.priority != Priority.ALERT and since is not None and since < gap:
                db.commit()
                return gap - since
            cost = self._policy.budget.cost(item.text, item.destination != BROADCAST_NUM)
            wait = self._policy.budget.wait_s(db, now, cost, item.priority)
            if wait > 0:
                db.commit()
                log.debug("airtime budget: #%s waits %.0f s", item.id, wait)
                return min(wait, IDLE_POLL_S * 30)
            merge_waiting(db, item, now)
            self._served[item.destination] = now
            item.packet_id = item.packet_id or self._new_packet_id()
            item.state = "sending"
            item.attempts += 1
            db.add(item)
            due = self._verdict_due(item, in_flight(db), now, utilisation)
            db.commit()
            sent = self._transmit(db, item, now, due, interactive)
        if sent:
            self._last_sent = now
            if item.destination == BROADCAST_NUM:
                self._quiet_until = now + self._policy.broadcast_gap_s
            return max(self._policy.min_gap_s, self._quiet_until - now)
        return IDLE_POLL_S

    def _transmit(self, db: Session, item: OutboxItem, now: float, verdict_due: float, interactive: bool) -> bool:
        info = None if item.destination == BROADCAST_NUM else self._link.node_info(item.destination)
        hop_limit = hop_limit_for(item, info, self._policy.hop_limit, self._policy.alert_hop_limit)
        priority = air_priority(item, interactive)
        try:
            self._link.send_text(item.text, item.destination, item.channel, item.want_ack, item.packet_id,
                                 alert=item.alert_app, hop_limit=hop_limit, priority=priority)
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
        moved = db.execute(
            update(OutboxItem)
            .where(col(OutboxItem.id) == item.id, col(OutboxItem.state) == "sending")
            .values(state="sent", sent_at=now, airtime_s=OutboxItem.airtime_s + cost)
        )
        db.add(Transmission(time=now, airtime_s=cost, outbox_id=item.id))
        if item.want_ack and item.destination != BROADCAST_NUM and item.packet_id is not None:
            attempt = DeliveryAttempt(outbox_id=item.id, packet_id=item.packet_id, sent_at=now, verdict_due=verdict_due)
            if not moved.rowcount:  # the verdict came while the radio still had it
                db.refresh(item)
                attempt.verdict, attempt.verdict_at = item.state, now
            db.add(attempt)
        db.commit()
        log.info("sent #%s to %08x (%d bytes)", item.id, item.destination, len(item.text.encode("utf-8")))
        return True

    def counts(self) -> dict[str, int]:
        """Rows per state, for the committee and the logs."""
        with session(self._engine) as db:
            rows = db.exec(select(OutboxItem.state, func.count()).group_by(OutboxItem.state)).all()
        return {state: n for state, n in rows}
