"""What a running daemon holds in memory while its database refuses writes, for `doctor`.

The note is written outside the database's disk, which may be the full one: in systemd's
RuntimeDirectory (/run/meshbot) when there is one, else in the temp folder. It names the
process, so a note left by a killed daemon is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

RUN_DIR = Path("/run/meshbot")


@dataclass(frozen=True)
class HeldNote:
    pid: int
    held: int
    dropped: int
    since: float
    """Wall-clock time the database began refusing writes."""
    error: str


def note_folder(environ: Mapping[str, str]) -> Path:
    runtime = environ.get("RUNTIME_DIRECTORY")
    if runtime:
        return Path(runtime.split(":")[0])
    return RUN_DIR if RUN_DIR.is_dir() else Path(tempfile.gettempdir())


def note_path(db: str, environ: Mapping[str, str]) -> Path:
    key = hashlib.sha256(str(Path(db).expanduser().absolute()).encode("utf-8")).hexdigest()[:16]
    return note_folder(environ) / f"meshbot-held-{key}.json"


def write_note(path: Path, note: HeldNote) -> None:
    """Best effort: the note is for the operator; failing to write it changes nothing else."""
    with contextlib.suppress(OSError):
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps(asdict(note)), encoding="utf-8")
        partial.replace(path)


def remove_note(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def read_note(path: Path) -> HeldNote | None:
    """The note of a daemon still running, or None."""
    try:
        note = HeldNote(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    try:
        os.kill(note.pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # running as another user (the service's): alive
    return note
