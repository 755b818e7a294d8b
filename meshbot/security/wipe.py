"""`meshbot wipe`: destroy the key and the data, for when the base station may be taken.

Each file is overwritten with zeros, flushed, then removed: the database, its WAL and
shared-memory files, texts in the arrival log not yet committed, the key file, and
the backups. On flash storage (SD cards, SSDs)
overwriting does not reach every old copy of a block, which is why the board is
encrypted in the first place: once the key file is gone and the passphrase forgotten,
what remains on the chips is ciphertext.

`meshbot init` uses the same overwrite on backups taken before the board was encrypted
(`plaintext_backups`): kept, they would leave every word readable.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from meshbot.inbound.arrival_log import SEGMENT_GLOB, folder_for
from meshbot.ops.backup import PRE_RESTORE_PREFIX, default_backup_dir, sqlite_file
from meshbot.security.restore_key import key_record
from meshbot.settings import Settings

CHUNK = 1 << 20


def targets(settings: Settings, with_backups: bool = True) -> list[Path]:
    """Every file `wipe` would destroy, existing ones only."""
    db = sqlite_file(settings.db)
    found = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    arrivals = folder_for(str(db))
    if arrivals is not None and arrivals.is_dir():
        found += sorted(arrivals.glob(SEGMENT_GLOB))
    if settings.key_file:
        key = Path(settings.key_file).expanduser()
        found += [key, key.with_name(key.name + ".new")]
    if with_backups:
        folder = default_backup_dir(db, settings.backup_dir)
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir()
                            if p.suffix == ".db" and p.name.startswith(("meshbot-", PRE_RESTORE_PREFIX)))
    return [p for p in found if p.is_file()]


def destroy(paths: list[Path]) -> list[Path]:
    """Overwrite, flush and remove each file; returns those removed."""
    removed = []
    for path in paths:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            left = size
            while left > 0:
                step = min(CHUNK, left)
                handle.write(b"\0" * step)
                left -= step
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
        removed.append(path)
    return removed


def plaintext_backups(settings: Settings) -> list[Path]:
    """Backups without a key record: copies of the board from before `meshbot init`."""
    db = sqlite_file(settings.db)
    folder = default_backup_dir(db, settings.backup_dir)
    if not folder.is_dir():
        return []
    found = sorted(p for p in folder.iterdir()
                   if p.is_file() and p.suffix == ".db" and p.name.startswith(("meshbot-", PRE_RESTORE_PREFIX)))
    return [p for p in found if _unencrypted(p)]


def _unencrypted(path: Path) -> bool:
    try:
        return key_record(path) is None
    except (DBAPIError, sqlite3.Error):  # not a database at all: not ours to destroy
        return False
