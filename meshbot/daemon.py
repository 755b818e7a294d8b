"""Wires a radio link, the inbox, the worker and the sender, in threads or in virtual time.

Threads (a real radio): the library's thread publishes packets -> `Inbox` queues them;
one worker thread processes them in order; one sender thread drains the outbox and
reconnects the radio when it drops. Virtual time (the simulator): the caller calls
`step()` from its own clock's process, and everything runs in that one thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.engine import Engine

from hardware.link import LinkDown, RadioLink
from meshbot.alert_rounds import chores as alert_chores
from meshbot.housekeeping import expire_due, purge_old
from meshbot.inbox import Inbox
from meshbot.mesh_digest import send_due_digests
from meshbot.budget import AirtimeBudget
from meshbot.claims import MatchChores
from meshbot.sender import Ack, DeliveryPolicy, Sender
from meshbot.settings import Settings
from meshbot.worker import Worker
from store import session
from store.schema import require_current

log = logging.getLogger(__name__)
HOUSEKEEPING_EVERY_S = 60.0
RECONNECT_FIRST_S = 1.0
RECONNECT_MAX_S = 30.0
WORKER_POLL_S = 0.5
BATCH_MAX = 64  # texts handled in one transaction when a burst is waiting


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    return DeliveryPolicy(
        min_gap_s=settings.min_gap_s,
        max_gap_s=settings.max_gap_s,
        max_resends=settings.max_resends,
        in_flight_per_node=settings.in_flight_per_node,
        in_flight_total=settings.in_flight_total,
        busy_channel_pct=settings.busy_channel_pct,
        stale_after_s=settings.stale_notice_hours * 3600.0,
        broadcast_gap_s=settings.broadcast_gap_s,
        budget=AirtimeBudget(
            share=settings.airtime_budget_pct / 100.0,
            reserve=settings.budget_reserve_pct / 100.0,
            preset=settings.modem_preset,
        ),
    )


class Daemon:
    """The running bot for one radio link and one database."""

    def __init__(
        self,
        settings: Settings,
        link: RadioLink,
        engine: Engine,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.link = link
        self.engine = engine
        self.clock = clock
        self.worker = Worker(engine, settings, clock, self._short_name_of)
        self.inbox = Inbox(link, journal=self.worker.record)
        self.sender = Sender(engine, link, clock, delivery_policy(settings))
        self._next_housekeeping = 0.0
        self.match_chores = MatchChores(engine, settings)
        self._stop = threading.Event()
        self._wake_sender = threading.Event()
        self._threads: list[threading.Thread] = []
        self._reconnect_delay = RECONNECT_FIRST_S
        self._next_reconnect = 0.0
        self._link_was_up = True

    def _short_name_of(self, num: int) -> str | None:
        info = self.link.node_info(num)
        return info.short_name if info else None

    # -- shared by both ways of running ---------------------------------------------

    def open(self) -> None:
        """Finish what a crash left, subscribe, then connect, so nothing is missed or lost."""
        for message in self.worker.unhandled():
            log.info("processing packet %s left unhandled at the last stop", message.packet_id)
            self.worker.process(message)
        self.inbox.attach()
        self.link.connect()

    def close(self) -> None:
        self.link.close()
        self.inbox.detach()

    def process_inbox(self) -> int:
        """Process everything received so far; returns how many texts were handled."""
        messages = [m for m in self.inbox.drain() if m.from_node != self.link.my_node_num]
        for start in range(0, len(messages), BATCH_MAX):
            self.worker.process_batch(messages[start:start + BATCH_MAX])
        return len(messages)

    def process_acks(self) -> None:
        for packet in self.inbox.routing_packets():
            ack = Ack.from_packet(packet)
            if ack is not None:
                self.sender.record_ack(ack)

    def housekeeping(self) -> None:
        now = self.clock()
        if now < self._next_housekeeping:
            return
        self._next_housekeeping = now + HOUSEKEEPING_EVERY_S
        self.worker.forget_idle(now)
        self.sender.tidy()
        self.match_chores.run(now)  # lapses, expiry with notices, the whole-board pass
        with session(self.engine) as db, db.begin():
            expired = expire_due(db, now)
            purged = purge_old(db, now, self.settings.retention_days)
        if expired:
            log.info("expired %d postings/alerts", expired)
        if purged:
            log.info("retention: purged %d old rows", purged)
        if not alert_chores(self.engine, self.settings, self.link, now):  # repeats, windows, emergency
            send_due_digests(self.engine, self.settings, now)  # digests wait while emergency mode is on

    def step(self) -> float:
        """One turn in virtual time: process, tidy, send; returns seconds until worth calling again."""
        self.process_inbox()
        self.process_acks()
        self.housekeeping()
        return self.sender.tick()

    # -- threads, for a real radio ------------------------------------------------

    def start(self) -> None:
        """Open the link and start the worker and sender threads (on a board whose schema
        is the one this code expects: `SchemaMismatch` otherwise)."""
        require_current(self.engine)
        self.inbox.on_arrival = self._wake_sender.set
        self.open()
        self._stop.clear()
        for name, target in (("meshbot-worker", self._work), ("meshbot-sender", self._send)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("meshbot running as node %08x", self.link.my_node_num)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the threads after their current item and close the link."""
        self._stop.set()
        self._wake_sender.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
        self.process_acks()  # acks that arrived while stopping still count
        self.close()
        log.info("meshbot stopped")

    def _work(self) -> None:
        while not self._stop.is_set():
            first = self.inbox.get(timeout=WORKER_POLL_S)
            if first is not None:
                burst = [first, *self.inbox.drain(BATCH_MAX - 1)]
                mine = self.link.my_node_num
                self.worker.process_batch([m for m in burst if m.from_node != mine])
                self._wake_sender.set()
            self.housekeeping()

    def _send(self) -> None:
        while not self._stop.is_set():
            self._keep_connected()
            self.process_acks()
            wait = self.sender.tick()
            self._wake_sender.wait(timeout=max(0.05, wait))
            self._wake_sender.clear()

    def _keep_connected(self) -> None:
        """Reconnect with backoff (1 s doubling to 30 s) when the radio dropped.

        `is_connected` is polled, since the library does not always publish
        `connection.lost`. While the radio is plainly absent (`probe`), nothing is
        tried and the backoff is reset, so a returning radio is taken back within a
        second or two. Each change of state is logged once.
        """
        if self.link.is_connected:
            if not self._link_was_up:
                log.info("radio link is back")
            self._link_was_up = True
            self._reconnect_delay = RECONNECT_FIRST_S
            return
        now = time.monotonic()
        if self._link_was_up:
            log.warning("radio link lost; reconnecting")
            self._link_was_up = False
            self._next_reconnect = now + self._reconnect_delay
            return
        if not self.link.probe():
            # Away: look again in a second, and try at once when it is back.
            self._reconnect_delay = RECONNECT_FIRST_S
            self._next_reconnect = now
            return
        if now < self._next_reconnect:
            return
        try:
            self.link.close()
            self.link.connect()
        except LinkDown as exc:
            self._reconnect_delay = min(self._reconnect_delay * 2, RECONNECT_MAX_S)
            self._next_reconnect = now + self._reconnect_delay
            log.debug("radio still down (%s); next try in %.0f s", exc, self._reconnect_delay)
