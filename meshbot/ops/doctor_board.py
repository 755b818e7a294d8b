"""`meshbot doctor`'s look at the board's schema: its revision against this code's."""

from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError

from meshbot.ops.board_files import board_file
from meshbot.ops.findings import Finding, Status
from store import database_url
from store.schema import SchemaMismatch, Status as Schema, revision_of


def check_schema(db: str) -> Finding:
    """The board's schema revision; FAIL when behind or ahead (the daemon would refuse it)."""
    path = board_file(db)
    url = database_url(db)
    if url == "sqlite://" or (path is not None and not path.exists()):
        return Finding("schema", Status.SKIP, "no board yet")
    engine = create_engine(url)  # read only: nothing created, nothing stamped
    try:
        revision = revision_of(engine)
    except (SQLAlchemyError, UnicodeDecodeError) as exc:  # a damaged file: the database check says what to do
        return Finding("schema", Status.SKIP, f"cannot read the revision: {str(exc).splitlines()[0]}")
    finally:
        engine.dispose()
    if revision.status is Schema.BEHIND:
        return Finding("schema", Status.FAIL, revision.describe(),
                       "stop the daemon, then `meshbot db upgrade` (it takes a backup first)")
    if revision.status is Schema.AHEAD:
        return Finding("schema", Status.FAIL, revision.describe(), str(SchemaMismatch(revision)).split(": ", 1)[1])
    return Finding("schema", Status.OK, revision.describe())
