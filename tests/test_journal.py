"""The journal: arrivals written down in group commits on a real SQLite file, replays dropped,
a database that refuses writes held off in memory, in order, until it takes them again."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

import pytest

from meshbot.inbound.inbox import Inbound
from meshbot.inbound.journal import Journal
from store import open_engine

from .conftest import Clock

BOT = 0x0B0B0B0B


def text(i: int, node: int = 0x1000) -> Inbound:
    return Inbound(from_node=node + i, to_node=BOT, packet_id=7000 + i, channel=0, text=f"OFFER thing{i}")


class Handed:
    def __init__(self) -> None:
        self.batches: list[list[Inbound]] = []

    def __call__(self, messages: list[Inbound]) -> None:
        self.batches.append(list(messages))

    @property
    def all(self) -> list[Inbound]:
        return [m for batch in self.batches for m in batch]


def rows(db: Path) -> list[tuple[int, int, int, str]]:
    with sqlite3.connect(db) as con:
        return con.execute("select from_node, packet_id, handled, text from seenpacket order by rowid").fetchall()


def test_a_burst_is_written_in_one_commit_and_handed_on_in_order(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    handed = Handed()
    journal = Journal(open_engine(db), Clock(), handed)
    burst = [text(i) for i in range(400)]
    for message in burst:
        journal.put(message)
    assert journal.write_waiting() == 400
    assert journal.commits == 1  # one fsync for the burst, not 400
    assert handed.all == burst
    assert [(n, p, h) for n, p, h, _ in rows(db)] == [(m.from_node, m.packet_id, 0) for m in burst]
    assert journal.state().held == 0


def test_a_replayed_packet_is_dropped_and_a_repeat_inside_one_batch_is_written_once(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    handed = Handed()
    journal = Journal(open_engine(db), Clock(), handed)
    journal.put(text(1))
    journal.write_waiting()
    for message in (text(1), text(2), text(2), text(3)):  # the radio replays its backlog on connect
        journal.put(message)
    journal.write_waiting()
    assert handed.all == [text(1), text(2), text(3)]
    assert len(rows(db)) == 3


def test_arrivals_on_another_thread_meanwhile_are_all_written_once(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    handed = Handed()
    journal = Journal(open_engine(db), Clock(), handed)
    burst = [text(i) for i in range(300)]
    done = threading.Event()

    def radio() -> None:
        for message in burst:
            journal.put(message)
        done.set()

    thread = threading.Thread(target=radio)
    thread.start()
    while not (done.is_set() and journal.state().held == 0):
        if journal.wait_for_arrivals(0.05):
            journal.write_waiting()
    thread.join()
    assert handed.all == burst
    assert len(rows(db)) == 300


def test_the_memory_queue_is_bounded_and_counts_what_it_refused(tmp_path: Path) -> None:
    journal = Journal(open_engine(tmp_path / "m.db"), Clock(), Handed(), max_held=3)
    for i in range(5):
        journal.put(text(i))
    state = journal.state()
    assert (state.held, state.dropped) == (3, 2)


def test_a_database_that_refuses_writes_keeps_texts_in_memory_then_writes_them_in_order(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "m.db"
    handed = Handed()
    engine = open_engine(db)
    journal = Journal(engine, Clock(), handed)
    with sqlite3.connect(db) as con:  # a table the journal needs is taken away: every write fails
        con.execute("alter table seenpacket rename to seenpacket_away")
    with caplog.at_level(logging.ERROR, logger="meshbot.inbound.journal"):
        for i in range(3):
            journal.put(text(i))
            journal.write_waiting()
    assert journal.failing and handed.all == []
    assert journal.state().held == 3
    complaints = [r for r in caplog.records if "cannot write received texts down" in r.getMessage()]
    assert len(complaints) == 1  # once a minute, not once per text
    assert "holding 1 in memory" in complaints[0].getMessage()
    with sqlite3.connect(db) as con:
        con.execute("alter table seenpacket_away rename to seenpacket")
    journal.write_waiting()
    assert not journal.failing
    assert handed.all == [text(0), text(1), text(2)]
    assert [p for _, p, _, _ in rows(db)] == [7000, 7001, 7002]
