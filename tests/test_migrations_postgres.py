"""The same migration scripts on PostgreSQL: a real server made for the test (skipped, with
the reason, where one cannot be started here)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from meshbot.inbound.inbox import Inbound
from meshbot.board.matcher import rebuild_index
from meshbot.settings import Settings
from meshbot.inbound.worker import Worker
from store import open_engine, session
from store.schema import Status, revision_of, upgrade
from tests.test_migrations import ANA, BEN, BOT, T_OLD, V1_SCHEMA, differences

psycopg = pytest.importorskip("psycopg", reason="the PostgreSQL driver (psycopg) is not installed")


def _find(tool: str) -> str | None:
    found = shutil.which(tool)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"), reverse=True):
        return str(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Path, int]]:
    initdb, postgres = _find("initdb"), _find("postgres")
    if not initdb or not postgres:
        pytest.skip("PostgreSQL's initdb/postgres are not installed")
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        if shutil.which("runuser") is None or subprocess.run(["id", "postgres"], capture_output=True).returncode:
            pytest.skip("running as root without a postgres user to run the server as")
        as_user = ["runuser", "-u", "postgres", "--"]
    where = Path(tempfile.mkdtemp(prefix="meshbot-pg-"))  # not under pytest's 0700 folder: postgres reads it
    if as_user:
        shutil.chown(where, "postgres")
    made = subprocess.run([*as_user, initdb, "-D", str(where / "data"), "-A", "trust", "-U", "postgres"],
                          capture_output=True, text=True, timeout=120)
    if made.returncode:
        pytest.skip(f"initdb failed here: {made.stderr.strip()[-200:]}")
    port = _free_port()
    proc = subprocess.Popen([*as_user, postgres, "-D", str(where / "data"), "-k", str(where), "-h", "", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):  # until it accepts connections, at most a minute
            try:
                psycopg.connect(host=str(where), port=port, user="postgres", dbname="postgres").close()
                break
            except psycopg.OperationalError:
                if proc.poll() is not None:
                    pytest.skip("the PostgreSQL server stopped at start")
                time.sleep(0.1)
        yield where, port
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(where, ignore_errors=True)


def database(server: tuple[Path, int], name: str) -> str:
    where, port = server
    with psycopg.connect(host=str(where), port=port, user="postgres", dbname="postgres", autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    return f"postgresql+psycopg://postgres@/{name}?host={where}&port={port}"


def test_the_migrations_build_the_models_schema_on_postgresql(server: tuple[Path, int]) -> None:
    url = database(server, "fresh")
    engine = create_engine(url)
    assert upgrade(engine).status is Status.CURRENT
    engine.dispose()
    assert differences(url) == []
    worker = Worker(open_engine(url), Settings(db=url), lambda: T_OLD)
    assert worker.process(Inbound(ANA, BOT, 1, 0, "OFFER rice 10kg @elm")) == \
        "o1 rice 10kg posted. CANCEL o1 undoes"


def test_a_first_release_board_on_postgresql_is_upgraded_and_answers(server: tuple[Path, int]) -> None:
    url = database(server, "v1")
    engine = create_engine(url)
    # The first release's DDL as its create_all wrote it on PostgreSQL: the same, but an
    # integer primary key is SERIAL there (SQLite numbers INTEGER PRIMARY KEY by itself).
    ddl = V1_SCHEMA.read_text(encoding="utf-8").replace("id INTEGER NOT NULL", "id SERIAL NOT NULL")
    with engine.begin() as c:
        for statement in ddl.split(";"):
            if statement.strip():
                c.execute(text(statement))
        c.execute(text("INSERT INTO member VALUES (:n, 'ANA', 'Ana', 'elm', 'resident', true, :t, :t, NULL)"),
                  {"n": ANA, "t": T_OLD})
        c.execute(text("INSERT INTO posting (kind, category, item, quantity, unit, zone, urgency, status, author,"
                       " created, updated) VALUES ('offer', 'food', 'rice', 10.0, 'kg', 'elm', 'normal', 'open',"
                       " :n, :t, :t)"), {"n": ANA, "t": T_OLD})  # numbered by the sequence, as that release did
        c.execute(text("INSERT INTO seenpacket VALUES (:n, 77, :t, 'OFFER rice 10kg @elm', 'posted')"),
                  {"n": ANA, "t": T_OLD})
    assert revision_of(engine).status is Status.BEHIND
    assert upgrade(engine).status is Status.CURRENT
    engine.dispose()
    assert differences(url) == []
    board = open_engine(url)
    worker = Worker(board, Settings(db=url), lambda: T_OLD + 86_400)
    assert worker.unhandled() == []
    with session(board) as db, db.begin():  # what `meshbot db upgrade` does after the revisions
        rebuild_index(db, T_OLD + 86_400)
    with board.connect() as c:
        assert c.execute(text("SELECT status FROM member")).scalar_one() == "approved"
    reply = worker.process(Inbound(BEN, BOT, 9001, 0, "NEED rice !!"))
    assert reply is not None and reply.startswith("Match m1: Ana !000000a1 @elm offers rice")
