"""Retention: closed postings, ended alerts, sent texts and the words of old messages go away."""

from __future__ import annotations

from pathlib import Path

import simpy
from sqlmodel import select

from hardware.sim import SimLink, SimMesh, load_scenario
from meshbot.daemon import Daemon
from meshbot.simulation.demo import bot_process
from meshbot.threads.housekeeping import purge_old
from meshbot.settings import Settings
from store import Match, OutboxItem, Posting, SeenPacket, open_engine, session
from tests.conftest import Board

DAY = 86_400.0
ANA, BEN, CARO = 0xA1, 0xB2, 0xC3


def purge(board: Board, days: float = 30) -> int:
    with session(board.engine) as db, db.begin():
        return purge_old(db, board.clock.now, days)


def test_closed_postings_are_purged_after_the_retention_and_live_ones_stay(board: Board) -> None:
    board.send(ANA, "OFFER drill")
    board.send(BEN, "TAKE o1")
    board.send(BEN, "DONE o1")  # o1 done, its match done
    board.send(CARO, "NEED blankets")  # open: stays whatever its age
    board.send(ANA, "OFFER soup")
    board.send(ANA, "CANCEL o3")
    with board.engine.begin() as connection:  # the sender delivered them all
        connection.exec_driver_sql("UPDATE outboxitem SET state = 'acked'")
    board.clock.advance(29 * DAY)
    assert purge(board) == 0  # not old enough yet
    assert len(board.postings()) == 3
    board.clock.advance(2 * DAY)
    assert purge(board) > 0
    assert [(p.item, p.status) for p in board.postings()] == [("blankets", "open")]
    with session(board.engine) as db:
        assert db.exec(select(Match)).all() == []
        assert db.exec(select(OutboxItem)).all() == []
        seen = db.exec(select(SeenPacket)).all()
    assert seen and all(p.text == "" and p.reply is None for p in seen)  # the words are gone...
    first = seen[0]
    assert board.send(first.from_node, "OFFER drill", packet_id=first.packet_id) is None  # ...the id still stops a replay


def test_pending_texts_and_live_matches_are_never_purged(board: Board) -> None:
    board.send(ANA, "OFFER bread")
    board.send(BEN, "TAKE o1")  # a match in progress
    board.clock.advance(365 * DAY)
    purge(board)
    assert [p.status for p in board.postings()] == ["matched"]
    assert all(o.state == "pending" for o in board.outbox()) and board.outbox()


def test_the_daemon_purges_in_its_housekeeping(tmp_path: Path) -> None:
    env = simpy.Environment()
    scenario = load_scenario("neighbourhood")
    mesh = SimMesh.from_scenario(scenario, env, seed=7)
    engine = open_engine(tmp_path / "bot.db")
    old = mesh.now() - 100 * DAY
    with session(engine) as db, db.begin():
        db.add(Posting(kind="offer", category="food", item="stale bread", author=ANA, status="done",
                       created=old, updated=old))
        db.add(Posting(kind="need", category="food", item="rice", author=BEN, created=old, updated=old))
    daemon = Daemon(Settings(db=str(tmp_path / "bot.db"), retention_days=90), SimLink(mesh, scenario.base),
                    engine, clock=mesh.now)
    daemon.open()
    loop = env.process(bot_process(env, daemon))
    try:
        mesh.advance(90)
    finally:
        loop.interrupt()
        daemon.close()
    with session(engine) as db:
        assert [p.item for p in db.exec(select(Posting))] == ["rice"]
