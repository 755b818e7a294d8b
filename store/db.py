"""Engines and sessions: SQLite with WAL and synchronous=FULL, or any SQLAlchemy URL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from store import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from store import council  # noqa: F401  (and the council's tables)
from store import services  # noqa: F401  (and the services' tables)
from store.crypto import Cipher, Locked, bind_cipher
from store.files import BoardDamaged, check_sqlite_file, damage_of, drop_if_empty, private_file
from store.models import KeyMeta
from store.schema import create_fresh

MEMORY = ":memory:"
BUSY_TIMEOUT_MS = 10_000


def database_url(target: str | Path) -> str:
    """A path (or `:memory:`) becomes an SQLite URL; a URL passes through."""
    if not isinstance(target, str | Path):
        raise TypeError(f"a database is a path or URL, not {type(target).__name__}")
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
    # Deleted rows (purged postings, values rewritten by a rekey) are zeroed on disk,
    # not left in free pages for whoever takes the machine.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()
    # Let SQLAlchemy, not the driver, say when a transaction begins (see `_begin`):
    # the driver's own guesswork breaks SAVEPOINTs.
    dbapi_connection.isolation_level = None


def _begin(connection) -> None:  # type: ignore[no-untyped-def]
    """Every transaction starts with BEGIN IMMEDIATE, so reads in it are consistent,
    savepoints work, and the write lock is taken up front: two threads (worker, sender,
    the radio's listener) never deadlock upgrading a read to a write, which SQLite would
    fail at once with "database is locked". Waiting for the lock is bounded by
    busy_timeout; transactions here are short.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")


Unlock = Callable[[KeyMeta], Cipher]
"""Given the database's key record, return its cipher (asking for the passphrase, reading
the key file...) or raise `store.crypto.WrongKey` / `Locked`."""


def open_engine(target: str | Path, unlock: Unlock | None = None) -> Engine:
    """Open (creating if needed) the database; an empty one gets today's schema, stamped.

    A board that has tables keeps them as they are: whether its schema is the one this
    code expects is for the caller to ask (`store.schema.require_current`). An encrypted
    database (one with a key record) needs `unlock`; without it this raises `Locked`
    rather than let plaintext be written beside encrypted rows. A file that is empty or
    not SQLite raises `store.files.BoardDamaged`. Statements' values never appear in
    error messages (hide_parameters): they are residents' words, and errors get logged.
    """
    url = database_url(target)
    created, path = False, None  # type: tuple[bool, Path | None]
    if url == "sqlite://":
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
    elif url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        check_sqlite_file(path)
        created = private_file(path)  # 0600 from its first byte; SQLite gives the WAL and SHM the same mode
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)
    else:
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin)
    try:
        tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    except Exception as exc:
        engine.dispose()
        problem = damage_of(exc)
        if problem is None:
            raise
        raise BoardDamaged(url.removeprefix("sqlite:///"), problem) from exc
    if not tables:
        try:
            create_fresh(engine)
        except BaseException:
            engine.dispose()
            if created and path is not None:
                drop_if_empty(path)
            raise
    meta = read_key_meta(engine)
    if meta is not None:
        if unlock is None:
            engine.dispose()
            raise Locked("the database is encrypted: give MESHBOT_PASSPHRASE or the key_file setting")
        try:
            bind_cipher(engine, unlock(meta))
        except BaseException:
            engine.dispose()
            raise
    return engine


def read_key_meta(engine: Engine) -> KeyMeta | None:
    """The key record, or None for a database that is not encrypted (read without a key)."""
    if not inspect(engine).has_table(KeyMeta.__tablename__):  # type: ignore[attr-defined]
        return None
    columns = [c for c in KeyMeta.__table__.columns if c.name not in ("signing_seed", "box_secret", "audit_key")]  # type: ignore[attr-defined]
    with engine.connect() as connection:
        row = connection.execute(select(*columns)).first()
    if row is None:
        return None
    return KeyMeta(**row._asdict(), signing_seed="", box_secret="", audit_key="")


def session(engine: Engine, *, hold_loaded: bool = False) -> Session:
    """A session whose objects stay readable after commit (handlers return them).

    With `hold_loaded`, every row read stays in memory until the session closes. The
    identity map only holds weak references, so without it a burst of commands that
    looks up the same member three times reads it from disk three times.
    """
    db = Session(engine, expire_on_commit=False)
    if hold_loaded:
        held: list[object] = []
        db.info["held"] = held
        event.listen(db, "loaded_as_persistent", lambda _session, instance: held.append(instance))
    return db
