"""The files that go with a board on disk: whether it exists, and where its lock lives."""

from __future__ import annotations

from pathlib import Path

from store import database_url


def board_file(db: str) -> Path | None:
    """The SQLite file behind a `db` setting; None for memory or a server database."""
    url = database_url(db)
    if not url.startswith("sqlite:///"):
        return None
    return Path(url.removeprefix("sqlite:///"))


def missing_board(db: str) -> str | None:
    """Why `db` cannot be opened as an existing board (a one-line message), or None."""
    path = board_file(db)
    if path is None or path.exists():
        return None
    if not path.parent.is_dir():
        return (f"database {path} does not exist (nor its folder {path.parent}); check --db, "
                "or make a new board with `meshbot init` or --create")
    return f"database {path} does not exist; check --db, or make a new board with `meshbot init` or --create"
