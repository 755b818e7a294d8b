"""Wires a radio link, the inbox, the worker and the sender, in threads or in virtual time.

Threads (a real radio): the library's thread publishes packets -> `Inbox` hands them to
the `Journal`, whose thread writes them down in group commits and passes them on; one
worker thread processes them in order; one sender thread drains the outbox and
reconnects the radio when it drops; one housekeeping thread runs the timed chores. Each
loop runs behind a crash barrier (`meshbot.threads.barrier`), and a watchdog ends the process
when one dies or hangs, for systemd to restart it. Virtual time (the simulator): the
caller calls `step()` from its own clock's process, and everything runs in that one
thread.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping

from sqlalchemy.engine import Engine

from hardware.link import LinkDown, RadioLink
from meshbot.alerts.crisis_chores import crisis_chores
from meshbot.threads.barrier import ErrorLog, FaultPlan, Heartbeats, run_guarded
from meshbot.threads.housekeeping import purge_old
from meshbot.inbound.held_status import HeldNote, note_path, remove_note, write_note
from meshbot.inbound.inbox import Inbox
from meshbot.inbound.journal import RETRY_S, Journal
from meshbot.papers.mesh_digest import send_due_digests
from meshbot.delivery.budget import AirtimeBudget
from meshbot.board.chores import MatchChores
from meshbot.council.chores import council_chores
from meshbot.services.reminders import services_chores
from meshbot.delivery.sender import Ack, DeliveryPolicy, Sender
from meshbot.inbound.arrival_log import ArrivalLog, folder_for
from meshbot.settings import Settings
from meshbot.threads.watchdog import Watchdog
from meshbot.inbound.worker import Worker
from store import session
from store.crypto import bound_cipher
from store.schema import require_current

log = logging.getLogger(__name__)
HOUSEKEEPING_EVERY_S = 60.0
RECONNECT_FIRST_S = 1.0
RECONNECT_MAX_S = 30.0
WORKER_POLL_S = 0.5
JOURNAL_POLL_S = 1.0
HOUSEKEEPING_POLL_S = 1.0
UNHANDLED_RETRY_S = 30.0  # texts written down whose handling could not be committed: try again
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
        alert_hop_limit=settings.alert_hop_limit,
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
        environ: Mapping[str, str] = os.environ,
    ) -> None:
        """`environ` is where systemd's NOTIFY_SOCKET and WATCHDOG_USEC are looked up."""
        self.settings = settings
        self.link = link
        self.engine = engine
        self.clock = clock
        self.errors = ErrorLog()
        self.worker = Worker(engine, settings, clock, self._short_name_of, self.errors)
        self.inbox = Inbox(link)
        self.journal = Journal(engine, clock, self.inbox.hand_over, max_held=settings.journal_memory_texts)
        self.inbox.journal = self.journal.put
        self.sender = Sender(engine, link, clock, delivery_policy(settings))
        self.heartbeats = Heartbeats()
        self.faults = FaultPlan(settings.fault_injection)
        self.watchdog = Watchdog(self.heartbeats, settings.watchdog_stall_s, environ, self._status)
        self._next_unhandled_retry = 0.0
        self._held_note = note_path(settings.db, environ)
        self._next_housekeeping = 0.0
        self._next_forget = 0.0
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
        if self.journal.recover():  # read before the last stop, never committed: written down now
            self.journal.write_waiting()
        self.inbox.attach()
        self.link.connect()

    def close(self) -> None:
        self.link.close()
        self.inbox.detach()

    def process_inbox(self) -> int:
        """Process everything received so far; returns how many texts were handled."""
        self.journal.write_waiting()
        messages = [m for m in self.inbox.drain() if m.from_node != self.link.my_node_num]
        for start in range(0, len(messages), BATCH_MAX):
            self.worker.process_batch(messages[start:start + BATCH_MAX])
        return len(messages)

    def process_acks(self) -> None:
        for packet in self.inbox.routing_packets():
            ack = Ack.from_packet(packet)
            if ack is None:
                continue
            try:
                self.sender.record_ack(ack)
            except Exception as exc:  # crash barrier: one ack not recorded costs a retry, not the thread
                self.errors.report("record_ack", exc)

    def housekeeping(self, forget_idle: bool = True) -> None:
        """The timed chores, once a minute; `forget_idle` touches the worker's state (its thread only)."""
        now = self.clock()
        if now < self._next_housekeeping:
            return
        self._next_housekeeping = now + HOUSEKEEPING_EVERY_S
        if forget_idle:
            self.worker.forget_idle(now)
        self.sender.tidy()
        self.match_chores.run(now)  # lapses, expiry (postings, alerts, pages), the whole-board pass
        council_chores(self.engine, self.settings, now)  # agendas, reminders, votes closing
        services_chores(self.engine, self.settings, now)  # sessions planned, pod hosts, reminders
        with session(self.engine) as db, db.begin():
            purged = purge_old(db, now, self.settings.retention_days)
        if purged:
            log.info("retention: purged %d old rows", purged)
        if not crisis_chores(self.engine, self.settings, self.link, now):  # repeats, windows, emergency
            send_due_digests(self.engine, self.settings, now)  # digests wait while emergency mode is on

    def step(self) -> float:
        """One turn in virtual time: process, tidy, send; returns seconds until worth calling again."""
        self.process_inbox()
        self.process_acks()
        self.housekeeping()
        return self.sender.tick()

    # -- threads, for a real radio ------------------------------------------------

    def start(self) -> None:
        """Open the link and start the journal, worker, sender and housekeeping threads (on
        a board whose schema is the one this code expects: `SchemaMismatch` otherwise)."""
        require_current(self.engine)
        folder = folder_for(self.settings.db)
        if folder is not None:  # a kill -9 then loses no text read from the radio
            self.journal.use_arrival_log(ArrivalLog(folder, bound_cipher(self.engine)))
        self.inbox.on_arrival = self._wake_sender.set
        self.open()
        self._stop.clear()
        loops = (("meshbot-journal", self._journal_pass), ("meshbot-worker", self._work_pass),
                 ("meshbot-sender", self._send_pass), ("meshbot-housekeeping", self._housekeeping_pass))
        for name, step in loops:
            thread = threading.Thread(target=run_guarded, name=name, daemon=True,
                                      args=(name, step, self._stop, self.heartbeats, self.errors, self.faults))
            thread.start()
            self._threads.append(thread)
            self.watchdog.watch(thread)
        self.watchdog.start()
        log.info("meshbot running as node %08x", self.link.my_node_num)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the threads after their current item and close the link."""
        self.watchdog.stop()
        self._stop.set()
        self._wake_sender.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
        self.process_acks()  # acks that arrived while stopping still count
        self.close()
        self.journal.write_waiting()  # what arrived while closing is written down for the next start
        self.journal.close()
        remove_note(self._held_note)
        log.info("meshbot stopped")

    def _status(self) -> str | None:
        """One line for systemd's status while something is wrong; None when all is well."""
        state = self.journal.state()
        if state.failing_since is None:
            return None
        return f"database not writable ({state.last_error}): {state.held} received text(s) held in memory"

    def _journal_pass(self) -> None:
        if self.journal.wait_for_arrivals(JOURNAL_POLL_S):
            was_failing = self.journal.failing
            self.journal.write_waiting()
            if self.journal.failing:
                self._leave_held_note()
                self._stop.wait(RETRY_S)
            elif was_failing:
                remove_note(self._held_note)
                self._next_unhandled_retry = 0.0  # handle at once what could not be handled meanwhile

    def _leave_held_note(self) -> None:
        """Tell `meshbot doctor` what is held in memory, outside the database's disk."""
        state = self.journal.state()
        failing_for = time.monotonic() - (state.failing_since or time.monotonic())
        write_note(self._held_note, HeldNote(os.getpid(), state.held, state.dropped,
                                             self.clock() - failing_for, state.last_error or ""))

    def _work_pass(self) -> None:
        if self.journal.failing:  # nothing can be recorded: hold everything until it can
            self._stop.wait(WORKER_POLL_S)
            return
        first = self.inbox.get(timeout=WORKER_POLL_S)
        if first is not None:
            burst = [first, *self.inbox.drain(BATCH_MAX - 1)]
            mine = self.link.my_node_num
            self.worker.process_batch([m for m in burst if m.from_node != mine])
            self._wake_sender.set()
        elif self.worker.needs_retry and time.monotonic() >= self._next_unhandled_retry:
            self._retry_unhandled()
        now = self.clock()
        if now >= self._next_forget:
            self._next_forget = now + HOUSEKEEPING_EVERY_S
            self.worker.forget_idle(now)

    def _retry_unhandled(self) -> None:
        """Texts written down whose handling failed to commit (locked, disk full): again, once."""
        self._next_unhandled_retry = time.monotonic() + UNHANDLED_RETRY_S
        self.worker.needs_retry = False
        waiting = self.worker.unhandled()
        if waiting:
            log.info("handling %d text(s) written down earlier but not yet handled", len(waiting))
        for start in range(0, len(waiting), BATCH_MAX):
            self.worker.process_batch(waiting[start:start + BATCH_MAX])
        self._wake_sender.set()

    def _send_pass(self) -> None:
        self._keep_connected()
        self.process_acks()
        # While received texts cannot be written down, the sender's own records cannot
        # be either: send nothing whose sending could not be recorded.
        wait = RETRY_S if self.journal.failing else self.sender.tick()
        self._wake_sender.wait(timeout=max(0.05, wait))
        self._wake_sender.clear()

    def _housekeeping_pass(self) -> None:
        if not self.journal.failing:
            self.housekeeping(forget_idle=False)
        self._stop.wait(HOUSEKEEPING_POLL_S)

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
