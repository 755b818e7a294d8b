"""Which schema a board has, and bringing it to the one this code expects (alembic).

A new, empty database gets today's tables at once and is stamped with the newest
revision. A board with tables but no revision was made before migrations existed: it is
behind, and `upgrade` brings it up (the baseline revision knows every older release). A
board stamped with a revision this code does not know was made by a newer meshbot: it
is ahead, and nothing here touches it.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
PRE_MIGRATIONS = "none (made before migrations)"
"""How a board with tables but no revision is named in messages."""


class Status(enum.StrEnum):
    CURRENT = "current"
    BEHIND = "behind"
    AHEAD = "ahead"
    EMPTY = "empty"


@dataclass(frozen=True)
class Revision:
    """Where a board stands against the revisions this code ships."""

    current: str | None  # None: no revision recorded
    head: str
    status: Status

    def describe(self) -> str:
        shown = self.current or PRE_MIGRATIONS
        if self.status is Status.CURRENT:
            return f"schema revision {shown} (the newest)"
        if self.status is Status.EMPTY:
            return "no tables yet"
        return f"schema revision {shown}, this meshbot expects {self.head} ({self.status.value})"


class SchemaMismatch(Exception):
    """The board's schema is not the one this code expects; the message says what to do."""

    def __init__(self, revision: Revision) -> None:
        self.revision = revision
        if revision.status is Status.AHEAD:
            fix = ("it was made by a newer meshbot: install that version, or restore a backup "
                   "(`meshbot db upgrade` does not take a board back)")
        else:
            fix = "run `meshbot db upgrade` (a backup is taken first)"
        super().__init__(f"the database has {revision.describe()}: {fix}")


def alembic_config(connection: Connection | None = None) -> Config:
    """A config pointing at the shipped scripts; with `connection`, migrations run on it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    heads = _scripts().get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads ({', '.join(heads)}): merge them")
    return heads[0]


def known(revision: str) -> bool:
    return any(s.revision == revision for s in _scripts().walk_revisions())


def revision_of(engine: Engine) -> Revision:
    with engine.connect() as connection:
        names = inspect(connection).get_table_names()
        current = None
        if VERSION_TABLE in names:  # read directly: alembic's context would log at every start
            rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
            current = rows[0] if len(rows) == 1 else (",".join(rows) or None)
        tables = [t for t in names if t != VERSION_TABLE]
    newest = head()
    if current == newest:
        status = Status.CURRENT
    elif current is None and not tables:
        status = Status.EMPTY
    elif current is None or known(current):
        status = Status.BEHIND
    else:
        status = Status.AHEAD
    return Revision(current, newest, status)


def require_current(engine: Engine) -> Revision:
    """The board's revision, or `SchemaMismatch` when it is behind or ahead."""
    revision = revision_of(engine)
    if revision.status in (Status.BEHIND, Status.AHEAD):
        raise SchemaMismatch(revision)
    return revision


def create_fresh(engine: Engine) -> None:
    """An empty database: today's tables, stamped with the newest revision."""
    SQLModel.metadata.create_all(engine)
    with engine.begin() as connection:
        MigrationContext.configure(connection).stamp(_scripts(), head())


def upgrade(engine: Engine, target: str = "head") -> Revision:
    """Apply the revisions this board lacks; refuses a board made by a newer meshbot."""
    before = revision_of(engine)
    if before.status is Status.AHEAD:
        raise SchemaMismatch(before)
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:  # batch mode copies tables: references must not fire meanwhile (not in a transaction)
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection), target)
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    return revision_of(engine)


def history() -> list[tuple[str, str | None, str]]:
    """(revision, the one it follows, its first docstring line), newest first."""
    return [(s.revision, s.down_revision if isinstance(s.down_revision, str | None) else ",".join(s.down_revision),
             (s.doc or "").splitlines()[0] if s.doc else "")
            for s in _scripts().walk_revisions()]
