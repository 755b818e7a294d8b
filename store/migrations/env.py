"""Alembic's entry point for meshbot's migrations.

Two callers: `store.schema` hands over an open connection (`config.attributes
["connection"]`), and a developer runs `alembic` from the checkout, naming the database
with `-x db=PATH_OR_URL` (else alembic.ini's `sqlalchemy.url`). Batch mode everywhere,
so the same scripts change SQLite tables (copy and move) and PostgreSQL ones (ALTER).
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from store import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from store import council  # noqa: F401  (and the council's tables)
from store import services  # noqa: F401  (and the services' tables)
from store.crypto import EncryptedText
from store.db import database_url

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Scripts stay frozen: an encrypted column is plain TEXT in the database."""
    if type_ == "type" and isinstance(obj, EncryptedText):
        return "sa.Text()"
    if type_ == "type" and type(obj).__module__.startswith("sqlmodel"):
        return "sa.String()"  # sqlmodel's AutoString is VARCHAR without a length
    return False


def _configure(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        render_item=render_item,
        compare_type=True,
    )


def run_migrations() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        _configure(given)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("db") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("name the database: alembic -x db=PATH_OR_URL ...")
    engine = create_engine(database_url(url))
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("meshbot's migrations run against a database, not as SQL text")
run_migrations()
