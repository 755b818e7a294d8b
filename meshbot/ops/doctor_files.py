"""`meshbot doctor`'s look at who may read the board's files: owner-only, as they are made.

The database, its WAL and SHM, the key file and the backups are 0600 and their folders
0700 when meshbot creates them; files copied in by hand, or made by an older meshbot,
may be looser. Any local user who can read them can copy the wrapped key, its salt and
all the metadata, so a loose mode is a warning with the chmod that fixes it.
"""

from __future__ import annotations

import shlex
import stat
from pathlib import Path

from meshbot.ops.backup import BackupError, default_backup_dir, sqlite_file
from meshbot.ops.findings import Finding, Status
from meshbot.settings import Settings

GROUP_OR_OTHER = 0o077


def _loose(path: Path) -> bool:
    return path.exists() and bool(stat.S_IMODE(path.stat().st_mode) & GROUP_OR_OTHER)


def at_rest_files(settings: Settings) -> tuple[list[Path], list[Path]]:
    """(folders, files) that hold the board, its key or its copies; existing ones only."""
    db = sqlite_file(settings.db)
    files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    folders = [db.parent]
    backups = default_backup_dir(db, settings.backup_dir)
    if backups.is_dir():
        folders.append(backups)
        files += sorted(p for p in backups.iterdir() if p.is_file() and p.suffix == ".db")
    if settings.key_file:
        key = Path(settings.key_file).expanduser()
        files.append(key)
        folders.append(key.parent)
    return [p for p in dict.fromkeys(folders) if p.is_dir()], [p for p in files if p.is_file()]


def check_modes(settings: Settings) -> Finding:
    """WARN naming the files and folders other users may read, with the chmod that fixes them."""
    try:
        folders, files = at_rest_files(settings)
    except BackupError:
        return Finding("modes", Status.SKIP, "database not on this machine's disk")
    loose_folders = [p for p in folders if _loose(p)]
    loose_files = [p for p in files if _loose(p)]
    if not loose_folders and not loose_files:
        return Finding("modes", Status.OK, f"{len(files)} file(s) 0600, {len(folders)} folder(s) 0700")
    named = [f"{p} ({stat.S_IMODE(p.stat().st_mode):o})" for p in loose_folders + loose_files]
    fixes = []
    if loose_folders:
        fixes.append("chmod 700 " + " ".join(shlex.quote(str(p)) for p in loose_folders))
    if loose_files:
        fixes.append("chmod 600 " + " ".join(shlex.quote(str(p)) for p in loose_files))
    return Finding("modes", Status.WARN, "readable by other users: " + ", ".join(named), "; ".join(fixes))
