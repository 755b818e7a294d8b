"""Engines and sessions: SQLite with WAL and synchronous=FULL, or any SQLAlchemy URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine

from store import models  # noqa: F401  (registers the tables on SQLModel.metadata)

MEMORY = ":memory:"
BUSY_TIMEOUT_MS = 10_000


def database_url(target: str | Path) -> str:
    """A path (or `:memory:`) becomes an SQLite URL; a URL passes through."""
    text = str(target)
    if "://" in text:
        return text
    if text == MEMORY:
        return "sqlite://"
    return f"sqlite:///{Path(text).expanduser()}"


def _tune_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """WAL survives crashes and lets readers run beside the writer; FULL fsyncs each commit."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()
    # Let SQLAlchemy, not the driver, say when a transaction begins (see `_begin`):
    # the driver's own guesswork breaks SAVEPOINTs.
    dbapi_connection.isolation_level = None


def _begin(connection) -> None:  # type: ignore[no-untyped-def]
    """Every transaction starts with BEGIN, so reads in it are consistent and savepoints work."""
    connection.exec_driver_sql("BEGIN")


def open_engine(target: str | Path) -> Engine:
    """Open (creating if needed) the database and its schema."""
    url = database_url(target)
    if url == "sqlite://":
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
    elif url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin)
    SQLModel.metadata.create_all(engine)
    return engine


def session(engine: Engine) -> Session:
    """A session whose objects stay readable after commit (handlers return them)."""
    return Session(engine, expire_on_commit=False)
