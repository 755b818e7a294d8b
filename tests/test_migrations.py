"""Schema migrations: a board from the first release is upgraded and answers like a new one;
a board behind or ahead is refused with one line; the scripts and the models agree."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel, select

from meshbot.inbound.inbox import Inbound
from meshbot.settings import Settings
from meshbot.inbound.worker import Worker
from store import Match, Member, OutboxItem, Posting, SeenPacket, open_engine, session
from store.schema import Status, head, revision_of, upgrade
from tests.conftest import Clock

ROOT = Path(__file__).resolve().parent.parent
V1_SCHEMA = Path(__file__).parent / "fixtures" / "schema_v1.sql"
ANA, BEN = 0xA1, 0xB2
BOT = 0x0B0B0B0B
T_OLD = 1_767_000_000.0


def meshbot(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    env["XDG_CONFIG_HOME"] = str(db.parent / "config")
    return subprocess.run([sys.executable, "-m", "meshbot.cli.main", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def differences(url: str) -> list[object]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    return found


def first_release_board(path: Path) -> None:
    """A board as the first release left it: its DDL, and rows written the way it wrote them."""
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA.read_text(encoding="utf-8"))
    db.executescript(f"""
        INSERT INTO member VALUES ({ANA}, 'ANA', 'Ana', 'elm', 'resident', 1, {T_OLD}, {T_OLD}, NULL);
        INSERT INTO posting VALUES (1, 'offer', 'food', 'rice', 10.0, 'kg', 'elm', 'normal', 'open',
                                    {ANA}, {T_OLD}, {T_OLD}, NULL);
        INSERT INTO seenpacket VALUES ({ANA}, 77, {T_OLD}, 'OFFER rice 10kg @elm',
                                       'Offer o1 rice 10kg @elm (food) posted. CANCEL o1 to remove.');
        INSERT INTO outboxitem VALUES (1, {ANA}, 0, 'Offer o1 rice 10kg @elm (food) posted. CANCEL o1 to remove.',
                                       1, 1, 'acked', 1, {T_OLD}, {T_OLD}, {T_OLD}, 4242, NULL);
        INSERT INTO "match" VALUES (1, 1, NULL, {BEN}, 'cancelled', {T_OLD}, {T_OLD} + 60);
        INSERT INTO alert VALUES (1, {ANA}, 'water main burst @elm', 'elm', 'expired', {T_OLD}, {T_OLD} + 3600);
    """)
    db.commit()
    db.close()


def test_a_new_board_is_stamped_with_the_newest_revision_and_matches_the_models(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    engine = open_engine(db)
    assert revision_of(engine).status is Status.CURRENT
    assert revision_of(engine).current == head()
    assert differences(f"sqlite:///{db}") == []


def test_the_migrations_alone_build_the_schema_of_the_models(tmp_path: Path) -> None:
    db = tmp_path / "migrated.db"
    engine = create_engine(f"sqlite:///{db}")
    assert revision_of(engine).status is Status.EMPTY
    assert upgrade(engine).status is Status.CURRENT
    assert differences(f"sqlite:///{db}") == []


def test_a_first_release_board_is_refused_then_upgraded_with_a_backup_and_answers(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    first_release_board(db)

    refused = meshbot("run", "--sim", db=db)
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "meshbot db upgrade" in refused.stderr
    assert "Traceback" not in refused.stderr
    doctor = meshbot("doctor", "--no-radio", db=db)
    assert "FAIL  schema" in doctor.stdout and "made before migrations" in doctor.stdout

    upgraded = meshbot("db", "upgrade", db=db)
    assert upgraded.returncode == 0, upgraded.stderr
    [backup] = (tmp_path / "backups").glob("meshbot-*.db")
    assert f"backup: {backup}" in upgraded.stdout
    with sqlite3.connect(backup) as copy:  # the backup is the board as it was, before any change
        assert "community" not in [row[1] for row in copy.execute("PRAGMA table_info(posting)")]
    current = meshbot("db", "current", db=db)
    assert current.returncode == 0 and f"schema revision {head()} (the newest)" in current.stdout
    assert differences(f"sqlite:///{db}") == []

    engine = open_engine(db)
    clock = Clock(T_OLD + 86_400)
    worker = Worker(engine, Settings(db=str(db)), clock)
    assert worker.unhandled() == []  # the old release's texts were all answered: none is redone
    reply = worker.process(Inbound(BEN, BOT, 9001, 0, "NEED rice !!"))
    assert reply is not None
    assert reply.startswith("Match m2: Ana !000000a1 @elm offers rice") and "for your n2" in reply
    with session(engine) as s:
        ana = s.get(Member, ANA)
        assert ana is not None and (ana.status, ana.community, ana.name) == ("approved", "main", "Ana")
        [old, need] = s.exec(select(Posting).order_by(Posting.id)).all()
        assert (old.item, old.community, need.kind, need.author) == ("rice", "main", "need", BEN)
        [old_match, match] = s.exec(select(Match).order_by(Match.id)).all()
        assert (old_match.taker, old_match.status, match.offer_id, match.need_id, match.status) == (
            BEN, "cancelled", 1, 2, "proposed")
        told = [o.text for o in s.exec(select(OutboxItem).where(OutboxItem.destination == ANA)).all()]
        assert told[0].startswith("Offer o1") and told[-1].startswith("Match m2: 00b2 !000000b2 needs rice")  # Ben never sent JOIN
        seen = s.get(SeenPacket, (BEN, 9001))
        assert seen is not None and seen.handled and seen.reply == reply


def test_a_board_made_by_a_newer_meshbot_is_refused_and_not_touched(tmp_path: Path) -> None:
    db = tmp_path / "newer.db"
    open_engine(db).dispose()
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE alembic_version SET version_num = 'f00dfeed'")
    refused = meshbot("run", "--sim", db=db)
    assert refused.returncode == 1 and "newer meshbot" in refused.stderr
    upgrade_refused = meshbot("db", "upgrade", db=db)
    assert upgrade_refused.returncode == 1 and "newer meshbot" in upgrade_refused.stderr
    assert not (tmp_path / "backups").exists()
    current = meshbot("db", "current", db=db)
    assert current.returncode == 1 and "f00dfeed" in current.stdout and "(ahead)" in current.stdout


def test_history_lists_the_baseline() -> None:
    out = subprocess.run([sys.executable, "-m", "meshbot.cli.main", "db", "history"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0
    assert out.stdout.splitlines()[-1].startswith("0001  (after nothing)  Baseline")


@pytest.mark.skipif(not (ROOT / "alembic.ini").exists(), reason="needs the source checkout's alembic.ini")
def test_autogenerate_against_the_models_finds_nothing_to_add_at_head(tmp_path: Path) -> None:
    """What a developer runs before `alembic revision --autogenerate` (docs/migrations.md)."""
    url = f"sqlite:///{tmp_path / 'dev.db'}"
    for command in (["upgrade", "head"], ["check"]):
        out = subprocess.run([sys.executable, "-m", "alembic", "-x", f"db={url}", *command], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stdout + out.stderr
    assert "No new upgrade operations detected" in out.stdout + out.stderr


def test_digests_held_by_an_emergency_move_from_the_error_text_to_their_own_column(tmp_path: Path) -> None:
    """A board at 0003 marked held rows with `error = 'held for emergency'`; after 0004 they
    name the emergency still on, their error is clear, and other rows are untouched."""
    path = tmp_path / "held.db"
    first_release_board(path)
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine, "0003")
    db = sqlite3.connect(path)
    db.executescript(f"""
        INSERT INTO emergency (id, reason, started, deadline, ended, community)
            VALUES (1, 'old', {T_OLD}, {T_OLD} + 60, {T_OLD} + 30, 'default'),
                   (2, 'flood', {T_OLD} + 100, {T_OLD} + 43300, NULL, 'default');
        INSERT INTO outboxitem (id, destination, channel, text, priority, want_ack, state, attempts, created,
                                not_before, error, airtime_s, alert_app)
            VALUES (2, {ANA}, 0, 'digest', 3, 0, 'pending', 0, {T_OLD}, {T_OLD} + 43300, 'held for emergency', 0, 0),
                   (3, {ANA}, 0, 'answer', 1, 0, 'failed', 3, {T_OLD}, {T_OLD}, 'no ACK', 0, 0);
    """)
    db.commit()
    db.close()
    assert upgrade(engine).current == head()
    db = sqlite3.connect(path)
    rows = db.execute("SELECT id, error, held_by_emergency FROM outboxitem ORDER BY id").fetchall()
    db.close()
    engine.dispose()
    assert rows == [(1, None, None), (2, None, 2), (3, "no ACK", None)]
