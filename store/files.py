"""The board's files on disk: made owner-only, and refused when they are not a board.

Why owner-only: the database holds the wrapped data key, its salt and every row's
metadata; its WAL and shared-memory files hold recent pages. SQLite gives the WAL and
SHM files the mode of the database file, so creating that file 0600 (in a 0700 folder
when meshbot makes the folder) covers all three.

Why refuse: SQLite treats a zero-length file as an empty database and would quietly
start a new board in it; a file that is not SQLite fails later with a driver error that
says nothing of what to do. Both are caught here, before anything is written.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SQLITE_HEADER = b"SQLite format 3\x00"
RESTORE_HINT = "restore the newest backup with `meshbot restore FILE`"


class BoardDamaged(Exception):
    """The database file is not a sound board: the message names it, says what is wrong and what to do."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}; {RESTORE_HINT}")


def private_dir(folder: Path) -> None:
    """Make `folder` (and missing parents); the folder itself, when made here, is 0700."""
    if folder.is_dir():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=PRIVATE_DIR)
    except FileExistsError:
        return
    os.chmod(folder, PRIVATE_DIR)  # mkdir's mode is filtered by the umask; say it exactly


def private_file(path: Path) -> bool:
    """Create `path` empty and 0600 if it does not exist (an existing file keeps its mode);
    True when it was created here."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def drop_if_empty(path: Path) -> None:
    """Remove a file made by `private_file` that never got its first page, so it is not
    refused as an empty board at the next open."""
    try:
        if path.stat().st_size == 0:
            path.unlink()
    except FileNotFoundError:
        return


def check_sqlite_file(path: Path) -> None:
    """Raise `BoardDamaged` for an existing file that is empty or does not start as SQLite does."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except IsADirectoryError as exc:
        raise BoardDamaged(path, "is a folder, not a database file") from exc
    if not header:
        raise BoardDamaged(path, "is empty (0 bytes), not a meshbot board")
    if header != SQLITE_HEADER:
        raise BoardDamaged(path, "is not an SQLite database (its first bytes are not SQLite's)")


def damage_of(exc: BaseException) -> str | None:
    """What a driver error says is wrong with the file itself, or None for other errors."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "malformed" in text or "corrupt" in text:
        return "is damaged (a page does not read back as SQLite wrote it)"
    if "not a database" in text:
        return "is not an SQLite database"
    if isinstance(exc, UnicodeDecodeError):
        return "is damaged (a stored text is not valid UTF-8)"
    return None


def owner_only(path: str, flags: int) -> int:
    """An `opener` for `open()`: a file it creates is 0600 (exports hold the board's words too)."""
    return os.open(path, flags, PRIVATE_FILE)
