"""Treasury votes by DM: one member one vote, changeable before the deadline, quorum and
majority at the close, spoofed and unpinned voters refused, and a secret ballot: the
database never holds who voted what in clear, and forgets even the sealed marks at the close."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sqlmodel import select

from hardware.link import node_id

from meshbot.settings import Settings
from meshbot.treasury import ledger
from meshbot.treasury.proposals import close_due, open_proposal
from store import Member, session
from store.council import BallotMark, LedgerEntry, Proposal
from store.delivery_tables import SeenPacket
from store.security_tables import AuditEntry, SecurityFlag
from tests.conftest import Board

ANA, BEN, CAS, DEV, EVE = 0xA1, 0xB2, 0xC3, 0xD4, 0xE5
DAY = 86400.0


def members(board: Board, *nodes: int, status: str = "approved") -> None:
    with session(board.engine) as db, db.begin():
        for node in nodes:
            db.add(Member(node_num=node, status=status, first_seen=board.clock.now, last_seen=board.clock.now))


def proposal(board: Board, **kw: object) -> int:
    with session(board.engine) as db, db.begin():
        p = open_proposal(db, "stipend for the Tuesday childcare pod lead", 40, board.clock.now, board.settings,
                          "test", **kw)  # type: ignore[arg-type]
        return p.id or 0


def the(board: Board, number: int) -> Proposal:
    with session(board.engine) as db:
        found = db.get(Proposal, number)
        assert found is not None
        return found


def close(board: Board) -> list[str]:
    with session(board.engine) as db, db.begin():
        return [r.state for r in close_due(db, board.clock.now, board.settings)]


def test_a_changed_vote_counts_once_and_quorum_and_majority_decide(board: Board) -> None:
    members(board, ANA, BEN, CAS, DEV)
    p = proposal(board, kind="stipend", every="week", periods=13)
    assert "Your secret vote on p1 counts" in (board.send(ANA, "VOTE p1 no") or "")
    assert "changed; it counts once" in (board.send(ANA, "VOTE p1 yes") or "")
    assert "secreto" in (board.send(BEN, "VOTO p1 si") or "")
    board.send(CAS, "vote p1 abstain")
    t = the(board, p)
    assert (t.yes, t.no, t.abstain) == (2, 0, 1)
    board.clock.advance(8 * DAY)
    assert "is closed" in (board.send(DEV, "VOTE p1 no") or "")  # after the deadline: nothing counts
    assert close(board) == ["approved"]
    t = the(board, p)
    assert (t.state, t.yes, t.no, t.abstain) == ("approved", 2, 0, 1)
    with session(board.engine) as db:  # the stipend is 13 weekly entries, and the result is in the audit chain
        entries = db.exec(select(LedgerEntry).order_by(LedgerEntry.at)).all()
        assert [e.kind for e in entries] == ["stipend"] * 13 and entries[1].at - entries[0].at == 7 * DAY
        assert ledger.balance(db, board.clock.now) == -40
        results = db.exec(select(AuditEntry).where(AuditEntry.action == "treasury.vote_result")).all()
        assert len(results) == 1 and "approved: yes 2, no 0, abstain 1" in results[0].detail


def test_without_quorum_the_proposal_fails_and_nothing_is_written_to_the_ledger(board: Board) -> None:
    members(board, ANA, BEN)
    proposal(board)
    board.send(ANA, "VOTE p1 yes")
    board.send(BEN, "VOTE p1 yes")
    board.clock.advance(8 * DAY)
    assert close(board) == ["no_quorum"]
    with session(board.engine) as db:
        assert db.exec(select(LedgerEntry)).all() == []


def test_a_tie_is_not_a_majority(board: Board) -> None:
    members(board, ANA, BEN, CAS, DEV)
    proposal(board)
    for node, choice in ((ANA, "yes"), (BEN, "no"), (CAS, "yes"), (DEV, "no")):
        board.send(node, f"VOTE p1 {choice}")
    board.clock.advance(8 * DAY)
    assert close(board) == ["rejected"]


def test_a_spoofed_or_unpinned_voter_is_refused_and_nothing_is_counted(board: Board) -> None:
    members(board, ANA)
    members(board, EVE, status="visitor")
    proposal(board)
    assert board.send(ANA, "VOTE p1 yes") is not None  # pins Ana's key
    spoofed = board.send(ANA, "VOTE p1 no", key="somebody else's radio key")
    assert spoofed is not None and "key" in spoofed
    on_channel = board.send(ANA, "VOTE p1 no", direct=False)
    assert on_channel is not None and "PKI" in on_channel
    plain_dm = board.send(ANA, "VOTE p1 no", pki=False)
    assert plain_dm is not None and "PKI" in plain_dm
    assert "approved members" in (board.send(EVE, "VOTE p1 no") or "")
    t = the(board, 1)
    assert (t.yes, t.no, t.abstain) == (1, 0, 0)
    with session(board.engine) as db:
        flags = db.exec(select(SecurityFlag)).all()
        assert flags and all("no" not in (f.detail or "").lower().split() for f in flags)


def test_a_vote_on_an_unknown_proposal_is_answered_and_changes_nothing(board: Board) -> None:
    members(board, ANA)
    assert "No proposal p9" in (board.send(ANA, "VOTE p9 yes") or "")
    assert "VOTE p3 yes, no or abstain" in (board.send(ANA, "VOTE p1 perhaps") or "")


def test_the_database_holds_no_voter_to_choice_link_in_clear(board: Board) -> None:
    members(board, ANA, BEN, CAS)
    proposal(board)
    for node, choice in ((ANA, "yes"), (BEN, "no"), (CAS, "yes")):
        board.send(node, f"VOTE p1 {choice}")
    with session(board.engine) as db:
        marks = db.exec(select(BallotMark)).all()
        seen = db.exec(select(SeenPacket)).all()
    assert len(marks) == 3
    for mark in marks:  # who: an HMAC under the proposal's key; what: sealed under it
        assert re.fullmatch(r"[0-9a-f]{64}", mark.voter)
        assert mark.voter not in {hashlib.sha256(f"node:{node_id(n)}".encode()).hexdigest() for n in (ANA, BEN, CAS)}
        assert "yes" not in mark.sealed and "no" not in mark.sealed
    assert len({m.sealed for m in marks}) == 3  # the same choice seals differently each time
    assert [p.text for p in seen] == ["VOTE"] * 3  # the journal keeps the verb, not the choice
    assert all("yes" not in (p.reply or "") and "no " not in (p.reply or "") for p in seen)
    board.clock.advance(8 * DAY)
    close(board)
    with session(board.engine) as db:
        assert db.exec(select(BallotMark)).all() == []  # the marks are gone at the close
        closed = db.get(Proposal, 1)
        assert closed is not None and closed.ballot_key is None and (closed.yes, closed.no) == (2, 1)


def test_quorum_and_majority_are_settings(board: Board) -> None:
    board.settings = Settings(db=":memory:", vote_quorum=1, vote_majority=0.66)
    members(board, ANA, BEN, CAS)
    proposal(board)
    for node, choice in ((ANA, "yes"), (BEN, "yes"), (CAS, "no")):
        board.send(node, f"VOTE p1 {choice}")
    board.clock.advance(8 * DAY)
    assert close(board) == ["approved"]  # 2 of 3 is more than 0.66


def test_on_an_encrypted_board_the_ballot_key_and_the_councils_words_are_sealed_at_rest(tmp_path: Path) -> None:
    import sqlite3

    from meshbot.council.agenda import add_item
    from tests.test_bundles import station

    engine = station(tmp_path / "board.db")
    with session(engine) as db, db.begin():
        item = add_item(db, "loose dogs on calle 3", "warnings", 0.0, author="Ana")
        p = open_proposal(db, "clinic batteries", 120, 0.0, Settings(db=":memory:"), "test")
        key, text = p.ballot_key, item.text
    raw = sqlite3.connect(tmp_path / "board.db")
    stored_key = raw.execute("SELECT ballot_key FROM proposal").fetchone()[0]
    stored_text, stored_author = raw.execute("SELECT text, author FROM agendaitem").fetchone()
    raw.close()
    assert key and stored_key != key and key not in stored_key
    assert text == "loose dogs on calle 3" and "dogs" not in stored_text and "Ana" not in stored_author
