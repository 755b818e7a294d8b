"""`meshbot doctor`'s look at the station itself: the database file, free disk, texts held
in memory, and the key that opens an encrypted board.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from meshbot.inbound.held_status import note_path, read_note
from meshbot.ops.findings import Finding, Status
from meshbot.settings import Settings
from store import database_url
from store.files import BoardDamaged, check_sqlite_file, damage_of

DISK_WARN_FACTOR = 5
RESTORE_FIX = "stop meshbot, then restore the newest backup: meshbot restore FILE"


def _existing_parent(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def check_database(db: str) -> list[Finding]:
    """Writable, WAL on, and sound; a database that does not exist yet only needs a writable folder."""
    url = database_url(db)
    if url == "sqlite://":
        return [Finding("database", Status.WARN, "in memory: the board is lost when meshbot stops",
                        "set db to a file, e.g. db = \"/var/lib/meshbot/meshbot.db\""),
                Finding("wal", Status.SKIP, "not a file")]
    if not url.startswith("sqlite:///"):
        return _check_server_database(url)
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        parent = _existing_parent(path.parent)
        if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
            return [Finding("database", Status.FAIL, f"{path} does not exist: `meshbot run` will not start",
                            "check db; for a new board: `meshbot init` (encrypted) or `meshbot --create db upgrade`"),
                    Finding("wal", Status.SKIP, "no database yet")]
        return [Finding("database", Status.FAIL, f"cannot create {path}: {parent} is not a writable folder",
                        f"point db at a writable place, or: sudo chown $USER {parent}"),
                Finding("wal", Status.SKIP, "no database")]
    try:
        check_sqlite_file(path)
    except BoardDamaged as exc:
        return [Finding("database", Status.FAIL, f"{path} {exc.problem}", RESTORE_FIX),
                Finding("wal", Status.SKIP, "not a database")]
    try:
        conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    except sqlite3.Error as exc:
        return [Finding("database", Status.FAIL, f"cannot open {path}: {exc}", "check the path and its owner"),
                Finding("wal", Status.SKIP, "database not open")]
    try:
        return _probe_sqlite(conn, path)
    finally:
        conn.close()


def _probe_sqlite(conn: sqlite3.Connection, path: Path) -> list[Finding]:
    owner_fix = f"sudo chown -R meshbot: {path.parent}   (the user meshbot runs as must own the folder)"
    try:
        problems = [r[0] for r in conn.execute("PRAGMA quick_check")]
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        return [Finding("database", Status.FAIL, f"{path} {damage_of(exc) or 'is not a database'}: {exc}",
                        RESTORE_FIX),
                Finding("wal", Status.SKIP, "database unreadable")]
    if problems != ["ok"]:
        return [Finding("database", Status.FAIL, f"{path} is damaged: {'; '.join(problems[:3])}",
                        RESTORE_FIX),
                Finding("wal", Status.SKIP, "database damaged")]
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE meshbot_doctor_probe (x)")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if "locked" in str(exc) or "busy" in str(exc):
            writable = Finding("database", Status.WARN, f"{path} is busy: another process holds the write lock",
                               "if the meshbot service is running this is expected")
        else:
            return [Finding("database", Status.FAIL, f"{path} is not writable: {exc}", owner_fix),
                    Finding("wal", Status.SKIP, "database not writable")]
    else:
        writable = Finding("database", Status.OK, f"{path} writable, quick_check ok")
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode != "wal":
        wal = Finding("wal", Status.FAIL, f"WAL cannot be turned on (journal mode {mode}): a crash may lose the board",
                      "keep the database on a local disk (not a network share or FAT stick)")
    else:
        wal = Finding("wal", Status.OK, "WAL on")
    return [writable, wal]


def _check_server_database(url: str) -> list[Finding]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    kind = url.split("://")[0]
    try:
        engine = create_engine(url, pool_pre_ping=True)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except (SQLAlchemyError, ImportError) as exc:
        return [Finding("database", Status.FAIL, f"{kind} database not reachable: {exc}".splitlines()[0],
                        "check the URL, the server and the driver"),
                Finding("wal", Status.SKIP, f"{kind}: not SQLite")]
    return [Finding("database", Status.OK, f"{kind} database reachable"),
            Finding("wal", Status.SKIP, f"{kind}: not SQLite")]


def check_disk(db: str, min_free_mb: int) -> Finding:
    url = database_url(db)
    if not url.startswith("sqlite:///"):
        return Finding("disk", Status.SKIP, "database not on this machine's disk")
    folder = _existing_parent(Path(url.removeprefix("sqlite:///")).parent)
    free_mb = shutil.disk_usage(folder).free / 1_000_000
    text = f"{free_mb:,.0f} MB free on {folder}"
    if free_mb < min_free_mb:
        return Finding("disk", Status.FAIL, f"only {text} (min_free_disk_mb is {min_free_mb})",
                       "free space: old backups, `sudo journalctl --vacuum-size=50M`, `sudo apt clean`")
    if free_mb < min_free_mb * DISK_WARN_FACTOR:
        return Finding("disk", Status.WARN, f"{text}: running low",
                       "free space: old backups, `sudo journalctl --vacuum-size=50M`, `sudo apt clean`")
    return Finding("disk", Status.OK, text)


def check_held(db: str, environ: Mapping[str, str], now: float) -> Finding:
    """Received texts a running daemon holds in memory because the database refuses writes."""
    if not database_url(db).startswith("sqlite:///"):
        return Finding("held", Status.SKIP, "database not on this machine's disk")
    note = read_note(note_path(database_url(db).removeprefix("sqlite:///"), environ))
    if note is None:
        return Finding("held", Status.OK, "no received text waiting in memory")
    refused = f"; {note.dropped} refused, the memory queue being full" if note.dropped else ""
    return Finding("held", Status.FAIL,
                   f"meshbot (pid {note.pid}) cannot write the database for {now - note.since:.0f} s ({note.error}): "
                   f"holding {note.held} received text(s) in memory, sending paused{refused}",
                   "free space on the database's disk; meshbot writes them down and answers by itself")

KEY_FILE_SETTINGS = ("key_file",)
"""Settings that may name the at-rest encryption key file (present once encryption exists)."""

PASSPHRASE_VARIABLE = "MESHBOT_PASSPHRASE"


def check_key(settings: Settings, environ: Mapping[str, str]) -> Finding:
    if environ.get(PASSPHRASE_VARIABLE):
        return Finding("key", Status.OK, f"passphrase given in {PASSPHRASE_VARIABLE}")
    for name in KEY_FILE_SETTINGS:
        value = getattr(settings, name, None) if name in Settings.model_fields else None
        if not value:
            continue
        path = Path(str(value)).expanduser()
        if not path.is_file():
            return Finding("key", Status.FAIL, f"key file {path} ({name}) is missing: the board cannot be read",
                           "put the key file back from its safe copy, or fix the key_file setting")
        if path.stat().st_mode & 0o077:
            return Finding("key", Status.WARN, f"key file {path} is readable by other users",
                           f"chmod 600 {path}")
        return Finding("key", Status.OK, f"key file {path}")
    return Finding("key", Status.WARN,
                   "encryption at rest not configured: whoever takes this machine can read the board",
                   "set up an encryption key (docs/security.md)")
