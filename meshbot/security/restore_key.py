"""Whether a backup opens with the board's current key, asked before `meshbot restore`.

Why: restoring a plaintext backup over an encrypted board (or one sealed under another
passphrase) silently swaps the board's protection; new postings would then be stored
in plaintext, or the daemon would stop at its next start. So `restore` refuses unless
`--replace-key` says the backup's own key (or none) is meant to be the board's from now.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from meshbot.security.keys import Ask, unlocker
from meshbot.settings import Settings
from store.crypto import KeyProblem
from store.db import read_key_meta
from store.models import KeyMeta


def key_record(path: Path) -> KeyMeta | None:
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool)
    try:
        return read_key_meta(engine)
    finally:
        engine.dispose()


def key_mismatch(backup: Path, board: Path, settings: Settings, environ: Mapping[str, str],
                 ask: Ask | None) -> str | None:
    """Why `backup` does not open with the board's current key (one line), or None when it does."""
    current = key_record(board) if board.is_file() else None
    saved = key_record(backup)
    if saved is None:
        if current is None:
            return None
        return (f"{backup} is not encrypted but the board is: restored, new postings would be stored in "
                "plaintext; add --replace-key to restore it anyway, then run `meshbot init`")
    try:
        unlocker(settings, environ, ask)(saved)
    except KeyProblem as exc:
        return (f"{backup} does not open with the current key ({exc}); give its passphrase or key file, "
                "or add --replace-key to make its key the board's")
    return None
