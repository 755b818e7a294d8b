"""`meshbot backup` and `meshbot restore`: online copies of the board, and bringing one back."""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from meshbot.cli.shared import echo_json, loaded_settings_of, terminal_ask
from meshbot.cli.values import SafePath
from meshbot.settings import Settings


def _now() -> datetime:
    return datetime.fromtimestamp(time.time(), UTC)


def _sqlite_file(settings: Settings) -> Path:
    from meshbot.ops.backup import BackupError, sqlite_file

    try:
        return sqlite_file(settings.db)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command()
@click.option("--to", "directory", type=SafePath(file_okay=False, path_type=Path),
              help="Folder for the backup (default: backup_dir, else `backups` beside the database).")
@click.option("--keep", type=click.IntRange(min=1), help="Keep this many backups (default: backup_keep).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def backup(ctx: click.Context, directory: Path | None, keep: int | None, as_json: bool) -> None:
    """A consistent copy of the board, taken while the daemon runs; keeps the newest N."""
    from meshbot.cli.db import hold_board
    from meshbot.ops import backup as bk
    from meshbot.ops.progress import progress

    settings = loaded_settings_of(ctx).settings
    db_file = _sqlite_file(settings)
    target = directory or bk.default_backup_dir(db_file, settings.backup_dir)
    with progress("backing up", total=1, enabled=False if as_json else None) as advance:
        state = {"done": 0}

        def on_progress(done: int, total: int) -> None:
            advance((done - state["done"]) / max(total, 1))
            state["done"] = done

        try:
            result = bk.backup(db_file, target, keep or settings.backup_keep, _now(), on_progress)
        except bk.BackupError as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        echo_json({"path": str(result.path), "size_bytes": result.size_bytes, "tables": result.tables,
                    "removed": [str(p) for p in result.removed]})
        return
    click.echo(f"backup: {result.path} ({result.size_bytes / 1_000_000:.1f} MB, "
               f"{result.tables.get('posting', 0)} postings)")
    for old in result.removed:
        click.echo(f"removed old backup {old.name}")


@click.command()
@click.argument("file", type=SafePath(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current board.")
@click.option("--replace-key", is_flag=True,
              help="Restore a backup that does not open with the current key: its key (or none) becomes the board's.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def restore(ctx: click.Context, file: Path, yes: bool, replace_key: bool, as_json: bool) -> None:
    """Replace the board with a backup (the current one is saved first). Stop the service first.

    The backup must open with the board's current passphrase or key file, unless --replace-key.
    """
    from meshbot.ops import backup as bk
    from meshbot.cli.db import hold_board
    from meshbot.ops.progress import progress
    from meshbot.security.restore_key import key_mismatch

    settings = loaded_settings_of(ctx).settings
    db_file = _sqlite_file(settings)
    try:
        tables = bk.check_backup(file)
    except bk.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    mismatch = key_mismatch(file, db_file, settings, os.environ, terminal_ask())
    if mismatch and not replace_key:
        raise click.ClickException(mismatch)
    held = hold_board(settings)  # a running daemon would go on writing to the board it replaces
    if held is not None:
        ctx.call_on_close(held.release)
    if db_file.exists() and not yes:
        if not sys.stdin.isatty():
            raise click.ClickException(f"{db_file} exists: add --yes to replace it (it is saved first)")
        click.confirm(f"Replace the board in {db_file} with {file} ({tables.get('posting', 0)} postings)? "
                      "Stop the meshbot service first.", abort=True)
    with progress("restoring", total=1, enabled=False if as_json else None) as advance:
        state = {"done": 0}

        def on_progress(done: int, total: int) -> None:
            advance((done - state["done"]) / max(total, 1))
            state["done"] = done

        try:
            result = bk.restore(file, db_file, _now(), bk.default_backup_dir(db_file, settings.backup_dir), on_progress)
        except bk.BackupError as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        echo_json({"database": str(result.database), "previous": str(result.previous) if result.previous else None,
                    "tables": result.tables})
        return
    if result.previous:
        click.echo(f"saved the previous board as {result.previous}")
    click.echo(f"restored {file} into {result.database}: " +
               ", ".join(f"{n} {t}" for t, n in sorted(result.tables.items())))
