"""The committee's digest on the air: at most two packets of ≤200 bytes, by DM, on request
(DIGEST, committee only) and every morning once."""

from __future__ import annotations

from pathlib import Path

import pytest
import simpy
from sqlalchemy.engine import Engine
from sqlmodel import select

from hardware.sim import SimLink, SimMesh, load_scenario
from meshbot.daemon import Daemon
from meshbot.simulation.demo import bot_process
from meshbot.papers.digest import build_digest
from meshbot.papers.mesh_digest import due_mesh_digests, mesh_digest
from meshbot.delivery.outbox import Priority
from meshbot.papers.periods import rolling
from meshbot.settings import Settings
from store import Member, OutboxItem, Posting, open_engine, session
from tests.conftest import Board
from tests.test_digest import DEV, NOW, build_neighbourhood

HOUR, DAY = 3600.0, 86_400.0
LIMIT = 200
MIDNIGHT = 1_767_225_600.0  # 2026-01-01 00:00 UTC


def utf8(text: str) -> int:
    return len(text.encode("utf-8"))


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_engine(tmp_path / "mesh.db")
    build_neighbourhood(engine)
    return engine


def test_mesh_digest_says_the_essentials_in_at_most_two_packets(engine: Engine) -> None:
    with session(engine) as db:
        parts = mesh_digest(build_digest(db, rolling("day", NOW), NOW, period="day"), "UTC")
    assert 1 <= len(parts) <= 2 and all(utf8(p) <= LIMIT for p in parts)
    text = " ".join(parts)
    assert text.startswith("Digest 10 Feb 00:00:")
    assert "Needs open 5 (1!! 1!), first n2 insulin@oak!! 1h." in text
    # n2 is the day's only need (o16 was withdrawn); H was completed exactly a day ago.
    assert "24h: needs 1, offers 0, matched 0, done 1, fill 0%." in text
    assert "Alerts 1: 1 active." in text


def test_a_crowded_board_of_long_multibyte_items_still_fits_two_packets(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "crowded.db")
    with session(engine) as db, db.begin():
        for i in range(60):
            db.add(Posting(kind="need" if i % 3 else "offer", category=["food", "medical", "childcare"][i % 3],
                           item="pañales y leche para bebé recién nacido 🍼" * 2, zone=f"zoña-{i % 7}",
                           urgency=["normal", "high", "critical"][i % 3], author=0x100 + i % 9,
                           created=NOW - i * HOUR, updated=NOW - i * HOUR, expires=NOW + DAY))
    with session(engine) as db:
        for period in ("day", "week", "month"):
            parts = mesh_digest(build_digest(db, rolling(period, NOW), NOW, period=period))
            assert 1 <= len(parts) <= 2, parts
            assert all(utf8(p) <= LIMIT for p in parts), [utf8(p) for p in parts]
            assert parts[-1].endswith(("(2/2)", ".")), parts


def committee_member(board: Board, node: int, role: str = "committee") -> None:
    board.send(node, "JOIN Dev elm")
    with session(board.engine) as db, db.begin():
        member = db.get(Member, node)
        assert member is not None
        member.role = role


def test_digest_by_dm_answers_a_committee_member_in_one_or_two_packets(board: Board) -> None:
    committee_member(board, DEV)
    board.send(0xA1, "NEED insulin !!")
    board.send(0xB2, "OFFER drill")
    before = len(board.outbox(DEV))
    reply = board.send(DEV, "DIGEST")
    parts = board.outbox(DEV)[before:]
    assert reply is not None and reply == parts[0].text and reply.startswith("Digest ")
    assert 1 <= len(parts) <= 2
    assert all(utf8(o.text) <= LIMIT and o.priority == Priority.REPLY for o in parts)
    assert "Needs open 1 (1!!), first n1 insulin!! 0m." in " ".join(o.text for o in parts)
    assert "Idle offers 1, oldest o2 drill 0m." in " ".join(o.text for o in parts)


def test_spanish_alias_and_admins_get_it_too(board: Board) -> None:
    committee_member(board, 0xAD, role="admin")
    reply = board.send(0xAD, "resumen")
    assert reply is not None and reply.startswith("Digest ") and "No needs open." in reply


REFUSAL = "DIGEST is for the committee. LIST shows the board."


def test_a_resident_asking_for_the_digest_is_refused_and_nothing_else_is_sent(board: Board) -> None:
    board.send(0xA1, "NEED insulin !!")
    before = len(board.outbox())
    assert board.send(0xB2, "DIGEST") == REFUSAL
    after = board.outbox()
    assert len(after) == before + 1 and after[-1].text == REFUSAL and after[-1].destination == 0xB2
    assert utf8(REFUSAL) <= LIMIT


def digests(engine: Engine) -> list[OutboxItem]:
    with session(engine) as db:
        return list(db.exec(select(OutboxItem).where(OutboxItem.priority == int(Priority.DIGEST))).all())


def queue_at(engine: Engine, settings: Settings, now: float) -> int:
    with session(engine) as db, db.begin():
        return due_mesh_digests(db, settings, now)


def test_morning_digest_goes_once_a_day_after_the_hour_to_committee_members_only(engine: Engine) -> None:
    settings = Settings(db=":memory:", timezone="UTC", digest_hour=7)
    day = NOW  # 00:00 UTC
    assert queue_at(engine, settings, day + 6 * HOUR + 59 * 60) == 0
    queued = queue_at(engine, settings, day + 7 * HOUR + 30)
    rows = digests(engine)
    assert queued == len(rows) >= 1 and {r.destination for r in rows} == {DEV}  # Dev is the only committee member
    assert all(utf8(r.text) <= LIMIT and r.text for r in rows) and rows[0].text.startswith("Digest 10 Feb 07:00")
    assert queue_at(engine, settings, day + 7 * HOUR + 90) == 0
    assert queue_at(engine, settings, day + 23 * HOUR) == 0
    assert queue_at(engine, settings, day + DAY + 7 * HOUR) == queued  # the next morning
    assert len(digests(engine)) == 2 * queued


def test_morning_digest_follows_the_local_hour_and_can_be_turned_off(engine: Engine) -> None:
    mexico = Settings(db=":memory:", timezone="America/Mexico_City", digest_hour=7)  # UTC-6
    assert queue_at(engine, mexico, NOW + 12 * HOUR + 59 * 60) == 0
    assert queue_at(engine, mexico, NOW + 13 * HOUR) > 0
    off = Settings(db=":memory:", timezone="UTC", digest_enabled=False)
    assert queue_at(engine, off, NOW + 2 * DAY + 8 * HOUR) == 0


def test_no_committee_no_digest(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "nobody.db")
    assert queue_at(engine, Settings(db=":memory:", timezone="UTC", digest_hour=0), MIDNIGHT + HOUR) == 0
    assert digests(engine) == []


def test_the_running_daemon_sends_the_morning_digest_over_the_air_once(tmp_path: Path) -> None:
    """The real daemon on the simulated mesh: the committee member's radio receives it."""
    env = simpy.Environment()
    scenario = load_scenario("neighbourhood")
    mesh = SimMesh.from_scenario(scenario, env, seed=7)  # its clock starts at MIDNIGHT
    chair, resident = scenario.residents[2].num, scenario.residents[5].num
    engine = open_engine(tmp_path / "bot.db")
    with session(engine) as db, db.begin():
        db.add(Member(node_num=chair, name="Chair", role="committee", first_seen=MIDNIGHT, last_seen=MIDNIGHT))
        db.add(Member(node_num=resident, name="Res", first_seen=MIDNIGHT, last_seen=MIDNIGHT))
        db.add(Posting(kind="need", category="medical", item="insulin", urgency="critical", zone="oak",
                       author=resident, created=MIDNIGHT - 2 * HOUR, updated=MIDNIGHT, expires=MIDNIGHT + DAY))
    settings = Settings(db=str(tmp_path / "bot.db"), timezone="UTC", digest_hour=0)
    daemon = Daemon(settings, SimLink(mesh, scenario.base), engine, clock=mesh.now)
    daemon.open()
    loop = env.process(bot_process(env, daemon))
    try:
        mesh.advance(180)  # three housekeeping rounds
    finally:
        loop.interrupt()
        daemon.close()
    got = [t for t in mesh.node(chair).texts() if t.startswith("Digest") or t.endswith("(2/2)")]
    assert got and got[0].startswith("Digest 1 Jan 00:00: Needs open 1 (1!!), first n1 insulin@oak!! 2h.")
    assert len(got) <= 2 and all(utf8(t) <= LIMIT for t in got)
    assert not [t for t in mesh.node(resident).texts() if t.startswith("Digest")]
