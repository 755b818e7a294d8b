"""One daemon per board: an exclusive lock on a file beside the database.

`flock` belongs to the open file, so the lock lasts as long as the process holding it
and the kernel lets go of it however the process ends (kill -9 included): there is no
stale lock to clean up. The holder writes its pid and command line into the file, so a
second daemon can say who is already running; the file itself is never removed (removing
it would let two processes lock two different files of the same name).
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

SUFFIX = ".lock"


class BoardBusy(Exception):
    """Another process holds the board's lock; `holder` is what it wrote (pid and command)."""

    def __init__(self, path: Path, holder: str) -> None:
        self.path = path
        self.holder = holder
        who = f"process {holder}" if holder else "another process"
        super().__init__(f"the board is in use by {who} (lock {path}); stop it first")


def lock_path(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + SUFFIX)


@dataclass
class BoardLock:
    """A held lock; `release` (or the end of the process) lets the next holder in."""

    path: Path
    fd: int | None

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the only descriptor drops the flock
            self.fd = None

    def __enter__(self) -> BoardLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def read_holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def acquire(db_file: Path, command: str) -> BoardLock:
    """Take the board's lock without waiting, or raise `BoardBusy` naming its holder."""
    path = lock_path(db_file)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise BoardBusy(path, read_holder(path)) from None
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()} {command}\n".encode())
    return BoardLock(path, fd)


def holder_of(db_file: Path) -> str | None:
    """Who holds the board's lock now (pid and command), or None when nobody does."""
    path = lock_path(db_file)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return read_holder(path) or "another process"
    finally:
        os.close(fd)
    return None
