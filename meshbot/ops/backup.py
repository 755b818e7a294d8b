"""Online backups of the board and their restore, through SQLite's backup API.

Why this way: copying the database file while the daemon writes can catch a page
half-written or miss the WAL. SQLite's backup API copies pages under a read
transaction, and holding that transaction open for the whole copy pins one snapshot
(WAL mode lets the daemon keep writing meanwhile), so every backup is a consistent
board as of one instant, even when taken in steps to show progress.

A backup is written beside its final name, checked (`PRAGMA integrity_check`),
fsynced and renamed into place, so a power cut never leaves a truncated file that
looks like a backup. Backups are 0600 in a 0700 folder, as the board is. Only the newest `keep` backups are kept. A restore first saves
the current database (`pre-restore-*.db`), so a wrong restore can be undone.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from store import database_url
from store.files import private_dir, private_file

BACKUP_PREFIX = "meshbot-"
PRE_RESTORE_PREFIX = "pre-restore-"
SUFFIX = ".db"
PAGES_PER_STEP = 512
BUSY_TIMEOUT_MS = 30_000
REQUIRED_TABLES = frozenset({"posting", "member", "outboxitem"})
"""Tables every meshbot database has; a file without them is not a meshbot backup."""

OnProgress = Callable[[int, int], None]
"""Called with (pages copied, pages in total) as a copy goes."""


class BackupError(Exception):
    """A backup or restore cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    tables: dict[str, int]
    removed: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    previous: Path | None
    tables: dict[str, int]


def sqlite_file(db: str) -> Path:
    """The file behind a `db` setting; BackupError for in-memory or server databases."""
    url = database_url(db)
    if not url.startswith("sqlite:///"):
        if url == "sqlite://":
            raise BackupError("the database is in memory: there is nothing on disk to back up")
        raise BackupError(f"{url.split('://')[0]} databases are backed up with their own tools (e.g. pg_dump)")
    return Path(url.removeprefix("sqlite:///"))


def default_backup_dir(db_file: Path, configured: str = "") -> Path:
    """The `backup_dir` setting, else a `backups` folder beside the database."""
    return Path(configured).expanduser() if configured else db_file.parent / "backups"


def backups_in(directory: Path) -> list[Path]:
    """meshbot backups in `directory`, oldest first."""
    if not directory.is_dir():
        return []
    found = [p for p in directory.glob(f"{BACKUP_PREFIX}*{SUFFIX}") if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    else:
        conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows in every table, by name."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _integrity(conn: sqlite3.Connection) -> str:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    return "ok" if rows == ["ok"] else "; ".join(rows[:5])


def _copy(src: sqlite3.Connection, dst: sqlite3.Connection, on_progress: OnProgress | None) -> None:
    """Copy src into dst from one snapshot of src (a read transaction held throughout)."""
    src.execute("BEGIN")
    try:
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # takes the snapshot
        total = src.execute("PRAGMA page_count").fetchone()[0]

        def step(_status: int, remaining: int, pages: int) -> None:
            if on_progress is not None:
                on_progress(pages - remaining, pages or total)

        src.backup(dst, pages=PAGES_PER_STEP, progress=step)
    finally:
        src.execute("COMMIT")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_checked(src: sqlite3.Connection, dst: sqlite3.Connection, journal_mode: str, what: str,
                  on_progress: OnProgress | None) -> dict[str, int]:
    """Copy src into dst (closed after), in `journal_mode`; a copy that fails its integrity
    check is refused. Returns the rows per table of the copy."""
    try:
        _copy(src, dst, on_progress)
        dst.execute(f"PRAGMA journal_mode={journal_mode}")
        problem = _integrity(dst)
        if problem != "ok":
            raise BackupError(f"{what} failed its integrity check: {problem}")
        return table_counts(dst)
    finally:
        dst.close()


def _write_copy(db_file: Path, target: Path, on_progress: OnProgress | None) -> dict[str, int]:
    """A checked, durable copy of db_file at target (written aside, then renamed)."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    private_file(partial)  # 0600 from its first byte: a backup holds the wrapped key and every row
    src = _connect(db_file)
    try:
        # a backup is one self-contained file: no WAL beside it
        tables = _copy_checked(src, sqlite3.connect(partial, isolation_level=None), "DELETE", "the copy", on_progress)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"cannot copy {db_file}: {exc}") from exc
    finally:
        src.close()
    _fsync(partial)
    os.replace(partial, target)
    _fsync(target.parent)
    return tables


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _free_name(directory: Path, prefix: str, now: datetime) -> Path:
    base = f"{prefix}{_stamp(now)}"
    candidate = directory / f"{base}{SUFFIX}"
    n = 1
    while candidate.exists():
        candidate = directory / f"{base}-{n}{SUFFIX}"
        n += 1
    return candidate


def backup(
    db_file: Path,
    directory: Path,
    keep: int,
    now: datetime,
    on_progress: OnProgress | None = None,
) -> BackupResult:
    """Back db_file up into directory as `meshbot-<UTC time>.db`; keep only the newest `keep`."""
    if keep < 1:
        raise BackupError("keep at least one backup")
    if not db_file.is_file():
        raise BackupError(f"no database at {db_file}: nothing to back up yet")
    try:
        private_dir(directory)
    except OSError as exc:
        raise BackupError(f"cannot create the backup folder {directory}: {exc.strerror or exc}") from exc
    target = _free_name(directory, BACKUP_PREFIX, now)
    tables = _write_copy(db_file, target, on_progress)
    existing = backups_in(directory)
    removed = existing[: max(0, len(existing) - keep)]
    for old in removed:
        old.unlink(missing_ok=True)
    return BackupResult(target, target.stat().st_size, tables, removed)


def check_backup(path: Path) -> dict[str, int]:
    """Row counts of a backup file; BackupError unless it is a sound meshbot database."""
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            problem = _integrity(conn)
            tables = table_counts(conn) if problem == "ok" else {}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not an SQLite database ({exc})") from exc
    if problem != "ok":
        raise BackupError(f"{path} is damaged: {problem}")
    missing = REQUIRED_TABLES - set(tables)
    if missing:
        raise BackupError(f"{path} is not a meshbot database (no {', '.join(sorted(missing))} table)")
    return tables


def restore(
    backup_file: Path,
    db_file: Path,
    now: datetime,
    save_dir: Path | None = None,
    on_progress: OnProgress | None = None,
) -> RestoreResult:
    """Replace db_file's content by backup_file's, saving the current database first.

    The copy goes through SQLite (not a file copy), so it is atomic and the database
    keeps its WAL mode; stop the daemon first so it does not act on a board that
    changes under it.
    """
    check_backup(backup_file)
    previous = None
    if db_file.is_file():
        save_to = save_dir or default_backup_dir(db_file)
        private_dir(save_to)
        previous = _free_name(save_to, PRE_RESTORE_PREFIX, now)
        _write_copy(db_file, previous, None)
    else:
        private_file(db_file)
    src = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro&immutable=1", uri=True, isolation_level=None)
    try:
        tables = _copy_checked(src, _connect(db_file), "WAL", "the restored database", on_progress)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore into {db_file}: {exc}") from exc
    finally:
        src.close()
    return RestoreResult(db_file, previous, tables)
