"""Writes received texts down as they arrive, in group commits, on a thread of its own.

The radio library's thread only calls `put` (an append under a lock: it never waits for
the disk). The journal thread takes everything that arrived while the previous commit
was being flushed and writes it in ONE transaction (one fsync), so a burst costs one
fsync per few milliseconds of arrivals, not one per text, and the gap between reading a
packet and its durable record stays in milliseconds. Only texts written down are handed
on to the worker; a packet already written (a backlog the radio replays on connect) is
dropped here.

With an `ArrivalLog`, `put` also appends each text to a plain file (one `write()`, no
fsync), so a kill -9 between the arrival and its commit loses nothing: the next start
reads the file back (`recover`). The file's sealed segments are deleted once their
texts are committed.

When the database cannot be written (disk full, locked for longer than the busy
timeout), arrivals stay in a bounded memory queue, in order, and are written as soon as
it works again. The trouble is logged once a minute, not once per text.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, tuple_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from meshbot.inbound.arrival_log import ArrivalLog
from meshbot.inbound.inbox import Inbound
from store import SeenPacket

log = logging.getLogger(__name__)
SEEN = SeenPacket.__table__  # type: ignore[attr-defined]
BATCH_MAX = 500
"""Most texts in one commit (SQLite's bound-parameter limit is far above what this uses)."""
RETRY_S = 1.0
"""While the database cannot be written, how often to try again."""
COMPLAIN_EVERY_S = 60.0


def arrival_row(message: Inbound, now: float) -> dict[str, object]:
    """The `seenpacket` row of a text just received: not handled yet."""
    return {
        "from_node": message.from_node, "packet_id": message.packet_id, "to_node": message.to_node,
        "channel": message.channel, "received": now, "text": message.text[:1000], "handled": False,
        "reply": None, "pki_encrypted": message.pki_encrypted, "public_key": message.public_key,
    }


@dataclass(frozen=True)
class JournalState:
    """What the journal holds, for the log, `doctor` and the watchdog's status line."""

    held: int
    """Texts received and not yet written down (in memory only)."""
    dropped: int
    """Texts refused because the memory queue was full (lost: said in the log)."""
    failing_since: float | None
    """Monotonic time since which writes fail; None while the database takes them."""
    last_error: str | None
    commits: int
    written: int


class Journal:
    """The durable record of arrivals, between the radio's thread and the worker."""

    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], float],
        hand_over: Callable[[list[Inbound]], None],
        *,
        max_held: int = 10_000,
        monotonic: Callable[[], float] = time.monotonic,
        arrival_log: ArrivalLog | None = None,
    ) -> None:
        self._engine = engine
        self._arrival_log = arrival_log
        self._sealed: int | None = None
        """The last sealed segment of the arrival log whose texts are not all committed yet."""
        self._clock = clock
        self._hand_over = hand_over
        self._max_held = max_held
        self._monotonic = monotonic
        self._arrived: deque[Inbound] = deque()
        self._unwritten: list[Inbound] = []  # taken from `_arrived`, the last commit failed
        self._cond = threading.Condition()
        self._dropped = 0
        self._failing_since: float | None = None
        self._last_error: str | None = None
        self._next_complaint = 0.0
        self.commits = 0
        self.written = 0

    # -- the radio's thread ----------------------------------------------------------

    def put(self, message: Inbound) -> None:
        """Queue one arrival (and append it to the arrival log); never waits for a flush."""
        with self._cond:
            if len(self._arrived) + len(self._unwritten) >= self._max_held:
                self._dropped += 1
            else:
                if self._arrival_log is not None:
                    self._arrival_log.append(message)
                self._arrived.append(message)
            self._cond.notify()

    def use_arrival_log(self, arrival_log: ArrivalLog) -> None:
        """Append every arrival from now on to `arrival_log` (a daemon on a board file)."""
        with self._cond:
            self._arrival_log = arrival_log

    def close(self) -> None:
        """Let go of the arrival log's file; empty it if everything in it is committed."""
        with self._cond:
            if self._arrival_log is None:
                return
            if not self._arrived and not self._unwritten:
                last = self._arrival_log.seal()
                if last is not None or self._sealed is not None:
                    self._arrival_log.discard_through(max(n for n in (last, self._sealed) if n is not None))
            self._arrival_log.close()

    def recover(self) -> int:
        """Queue what the arrival log kept from a run that ended before committing it.

        Call before the radio connects; `write_waiting` then writes it down (texts
        already committed are dropped there as replays) and hands the rest on.
        """
        if self._arrival_log is None:
            return 0
        with self._cond:
            kept = self._arrival_log.leftovers()
            self._arrived.extendleft(reversed(kept))
            if kept:  # the segments they came from go once they are committed
                self._sealed = self._arrival_log.seal(at_least=0)
            self._cond.notify()
        if kept:
            log.warning("read back %d text(s) from the arrival log of the last run; those already "
                        "written down are dropped as replays", len(kept))
        return len(kept)

    # -- the journal's thread (or the virtual-time step) ---------------------------------

    @property
    def failing(self) -> bool:
        """True while the database refuses writes: the daemon then sends nothing."""
        return self._failing_since is not None

    def state(self) -> JournalState:
        with self._cond:
            held = len(self._arrived) + len(self._unwritten)
            dropped = self._dropped
        return JournalState(held, dropped, self._failing_since, self._last_error, self.commits, self.written)

    def wait_for_arrivals(self, timeout: float) -> bool:
        """Block until something arrived (or `timeout` passes); True if something waits."""
        with self._cond:
            if not self._arrived and not self._unwritten:
                self._cond.wait(timeout)
            return bool(self._arrived or self._unwritten)

    def write_waiting(self) -> int:
        """Write down everything waiting, one commit per `BATCH_MAX`; returns texts written.

        On failure the texts stay held, in order, for the next call (the journal
        thread tries again after `RETRY_S`).
        """
        total = 0
        while True:
            with self._cond:
                while self._arrived and len(self._unwritten) < BATCH_MAX:
                    self._unwritten.append(self._arrived.popleft())
                batch = list(self._unwritten)
                # Every text appended so far is in this batch or an earlier one: once they
                # are committed, the sealed segments can go.
                if self._arrival_log is not None and not self._arrived:
                    self._sealed = self._arrival_log.seal_if_full() or self._sealed
            if not batch:
                return total
            try:
                fresh = self._write(batch)
            except SQLAlchemyError as exc:
                self._complain(exc)
                return total
            with self._cond:
                del self._unwritten[:len(batch)]
                if self._sealed is not None and not self._unwritten:
                    self._arrival_log.discard_through(self._sealed)  # type: ignore[union-attr]
                    self._sealed = None
            self._recovered()
            total += len(batch)
            if fresh:
                self._hand_over(fresh)

    def _write(self, batch: Sequence[Inbound]) -> list[Inbound]:
        """One transaction: insert the texts not seen before; returns them, in order."""
        unique: dict[tuple[int, int], Inbound] = {}
        for message in batch:
            unique.setdefault((message.from_node, message.packet_id), message)  # the first of repeats wins
        now = self._clock()
        with self._engine.begin() as connection:
            keys = list(unique)
            seen: set[tuple[int, int]] = set()
            for start in range(0, len(keys), BATCH_MAX):
                chunk = keys[start:start + BATCH_MAX]
                rows = connection.execute(select(SEEN.c.from_node, SEEN.c.packet_id).where(
                    tuple_(SEEN.c.from_node, SEEN.c.packet_id).in_(chunk)))
                seen.update((node, packet) for node, packet in rows)
            fresh = [m for key, m in unique.items() if key not in seen]
            if fresh:
                connection.execute(insert(SEEN), [arrival_row(m, now) for m in fresh])
        self.commits += 1
        self.written += len(fresh)
        dropped = len(batch) - len(fresh)
        if dropped:
            log.info("%d replayed packet(s) already written down; dropped", dropped)
        return fresh

    def _complain(self, exc: SQLAlchemyError) -> None:
        """Say it once a minute while it lasts: a flood of tracebacks helps nobody."""
        now = self._monotonic()
        first = self._failing_since is None
        if first:
            self._failing_since = now
        self._last_error = str(exc.orig if getattr(exc, "orig", None) is not None else exc).splitlines()[0]
        if first or now >= self._next_complaint:
            self._next_complaint = now + COMPLAIN_EVERY_S
            state = self.state()
            log.error("cannot write received texts down (%s): holding %d in memory (at most %d), "
                      "sending paused until the database takes writes again%s",
                      self._last_error, state.held, self._max_held,
                      f"; {state.dropped} refused since the memory queue filled" if state.dropped else "")

    def _recovered(self) -> None:
        if self._failing_since is not None:
            held_for = self._monotonic() - self._failing_since
            self._failing_since = None
            self._last_error = None
            log.warning("the database takes writes again after %.0f s; held texts written down", held_for)
