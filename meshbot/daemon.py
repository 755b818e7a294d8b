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
from meshbot.housekeeping import expire_due
from meshbot.inbox import Inbox
from meshbot.sender import Sender
from meshbot.settings import Settings
from meshbot.worker import Worker
from store import session

log = logging.getLogger(__name__)
HOUSEKEEPING_EVERY_S = 60.0
RECONNECT_BACKOFF_S = (2.0, 5.0, 10.0, 30.0, 60.0)
WORKER_POLL_S = 0.5


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
        self.inbox = Inbox(link)
        self.worker = Worker(engine, settings, clock, self._short_name_of)
        self.sender = Sender(engine, link, clock, settings.min_gap_s)
        self._next_housekeeping = 0.0
        self._stop = threading.Event()
        self._wake_sender = threading.Event()
        self._threads: list[threading.Thread] = []
        self._reconnect_attempt = 0
        self._next_reconnect = 0.0

    def _short_name_of(self, num: int) -> str | None:
        info = self.link.nodes().get(num)
        return info.short_name if info else None

    # -- shared by both ways of running ---------------------------------------------

    def open(self) -> None:
        """Subscribe first, then connect, so nothing the radio replays is missed."""
        self.inbox.attach()
        self.link.connect()

    def close(self) -> None:
        self.link.close()
        self.inbox.detach()

    def process_inbox(self) -> int:
        """Process everything received so far; returns how many texts were handled."""
        handled = 0
        for message in self.inbox.drain():
            if message.from_node != self.link.my_node_num:
                self.worker.process(message)
                handled += 1
        return handled

    def housekeeping(self) -> None:
        now = self.clock()
        if now < self._next_housekeeping:
            return
        self._next_housekeeping = now + HOUSEKEEPING_EVERY_S
        with session(self.engine) as db, db.begin():
            expired = expire_due(db, now)
        if expired:
            log.info("expired %d postings/alerts", expired)

    def step(self) -> float:
        """One turn in virtual time: process, tidy, send; returns seconds until worth calling again."""
        self.process_inbox()
        self.housekeeping()
        return self.sender.tick()

    # -- threads, for a real radio ------------------------------------------------

    def start(self) -> None:
        """Open the link and start the worker and sender threads."""
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
        self.close()
        log.info("meshbot stopped")

    def _work(self) -> None:
        while not self._stop.is_set():
            message = self.inbox.get(timeout=WORKER_POLL_S)
            if message is not None and message.from_node != self.link.my_node_num:
                self.worker.process(message)
                self._wake_sender.set()
            self.housekeeping()

    def _send(self) -> None:
        while not self._stop.is_set():
            self._keep_connected()
            wait = self.sender.tick()
            self._wake_sender.wait(timeout=max(0.05, wait))
            self._wake_sender.clear()

    def _keep_connected(self) -> None:
        """Reconnect with backoff when the radio dropped (its own events are not always sent)."""
        if self.link.is_connected:
            self._reconnect_attempt = 0
            return
        now = time.monotonic()
        if now < self._next_reconnect:
            return
        delay = RECONNECT_BACKOFF_S[min(self._reconnect_attempt, len(RECONNECT_BACKOFF_S) - 1)]
        self._reconnect_attempt += 1
        self._next_reconnect = now + delay
        try:
            self.link.close()
            self.link.connect()
            log.info("radio reconnected")
        except LinkDown as exc:
            log.warning("radio still down (%s); next try in %.0f s", exc, delay)
