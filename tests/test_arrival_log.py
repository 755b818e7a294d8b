"""The arrival log: a text the journal had not committed when the process died is read back
on the next start and written down once; committed texts leave the log's folder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from meshbot.inbound.arrival_log import ArrivalLog, folder_for
from meshbot.inbound.inbox import Inbound
from meshbot.inbound.journal import Journal
from store import open_engine
from store.crypto import Cipher

from .conftest import Clock
from .test_journal import Handed, text


def rows(db: Path) -> list[tuple[int, int]]:
    with sqlite3.connect(db) as con:
        return con.execute("select from_node, packet_id from seenpacket order by rowid").fetchall()


def segments(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_texts_put_but_never_committed_are_written_down_by_the_next_start(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    folder = folder_for(str(db))
    assert folder == tmp_path / "m.db.arrivals"
    first = Journal(open_engine(db), Clock(), Handed(), arrival_log=ArrivalLog(folder))
    committed = [text(i) for i in range(5)]
    for message in committed:
        first.put(message)
    assert first.write_waiting() == 5
    in_flight = [text(i) for i in range(5, 9)]
    for message in in_flight:
        first.put(message)
    # The process dies here: no commit, no close. Only the log's file has these four.
    assert rows(db) == [(m.from_node, m.packet_id) for m in committed]

    handed = Handed()
    second = Journal(open_engine(db), Clock(), handed, arrival_log=ArrivalLog(folder))
    assert second.recover() == 9  # the segment was not full yet: the five committed come back too
    second.write_waiting()
    assert handed.all == in_flight  # only the four are new, handed on to the worker in arrival order
    assert rows(db) == [(m.from_node, m.packet_id) for m in committed + in_flight]
    assert segments(folder) == []  # what was read back is committed: its segment is gone
    second.put(text(9))
    second.write_waiting()
    second.close()  # a clean stop with everything committed leaves nothing behind
    assert segments(folder) == []


def test_full_segments_are_deleted_once_committed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("meshbot.inbound.arrival_log.SEGMENT_TEXTS", 3)
    db = tmp_path / "m.db"
    folder = tmp_path / "m.db.arrivals"
    journal = Journal(open_engine(db), Clock(), Handed(), arrival_log=ArrivalLog(folder))
    for i in range(7):
        journal.put(text(i))
        journal.write_waiting()
    # Sealed at 3 and 6 texts, each deleted after its commit: only the current segment is left.
    assert segments(folder) == ["000000000003.jsonl"]
    assert ArrivalLog(folder).leftovers() == [text(6)]


def test_a_text_both_committed_and_still_in_the_log_is_written_once(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    folder = tmp_path / "m.db.arrivals"
    log = ArrivalLog(folder)
    for i in range(3):
        log.append(text(i))  # appended, then committed, then killed before the log was tidied
    journal = Journal(open_engine(db), Clock(), Handed())
    for i in range(3):
        journal.put(text(i))
    journal.write_waiting()

    handed = Handed()
    again = Journal(open_engine(db), Clock(), handed, arrival_log=ArrivalLog(folder))
    assert again.recover() == 3
    again.write_waiting()
    assert handed.all == []  # all three were written down already: replays, dropped
    assert rows(db) == [(text(i).from_node, text(i).packet_id) for i in range(3)]
    assert segments(folder) == []


def test_a_torn_last_line_is_skipped_and_the_rest_kept(tmp_path: Path) -> None:
    folder = tmp_path / "m.db.arrivals"
    log = ArrivalLog(folder)
    unicode_text = Inbound(0x2000, 0x0B0B0B0B, 42, 1, "NEED agua 💧 @plaza\u2028x", True, "a2V5")
    log.append(text(1))
    log.append(unicode_text)
    log.close()
    [segment] = list(folder.iterdir())
    with segment.open("ab") as f:
        f.write(b'{"from":1,"to":2,"id"')  # cut off mid-line
    assert ArrivalLog(folder).leftovers() == [text(1), unicode_text]


def test_a_board_that_is_not_a_local_file_has_no_arrival_log() -> None:
    assert folder_for(":memory:") is None
    assert folder_for("postgresql://meshbot@localhost/board") is None


def test_on_an_encrypted_board_the_words_are_sealed_in_the_log(tmp_path: Path) -> None:
    folder = tmp_path / "m.db.arrivals"
    cipher = Cipher(bytes(range(32)))
    log = ArrivalLog(folder, cipher)
    log.append(Inbound(0x2000, 0x0B0B0B0B, 42, 0, "NEED insulin @oak flat 3"))
    log.close()
    [segment] = list(folder.iterdir())
    assert b"insulin" not in segment.read_bytes() and b"oak" not in segment.read_bytes()
    assert [m.text for m in ArrivalLog(folder, cipher).leftovers()] == ["NEED insulin @oak flat 3"]
    assert ArrivalLog(folder, Cipher(bytes(32))).leftovers() == []  # another key opens nothing
