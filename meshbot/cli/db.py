"""`meshbot db upgrade|current|history`: the board's schema revision, and bringing it up.

An upgrade holds the board's lock (no daemon may run meanwhile), takes a backup first,
then applies the missing revisions and rebuilds what is derived from the rows (the match
index), so an old board answers its first text like a new one.
"""

from __future__ import annotations

import shlex
import sys
import time
from datetime import UTC, datetime
from typing import Any

import click

from meshbot.cli.shared import echo_json, engine_of, require_board, settings_of
from meshbot.settings import Settings


def hold_board(settings: Settings) -> Any:
    """The board's lock for this process's life (None for memory or server databases)."""
    from meshbot.ops.board_files import board_file
    from store.board_lock import BoardBusy, acquire
    from store.files import private_dir

    path = board_file(settings.db)
    if path is None:
        return None
    private_dir(path.parent)  # only reached once the board may be made: 0700, as open_engine makes it
    try:
        return acquire(path, "meshbot " + shlex.join(sys.argv[1:]))
    except BoardBusy as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot lock {path}: {exc.strerror or exc}") from exc


@click.group("db")
def db_group() -> None:
    """The board's schema: its revision, its history, and upgrading it."""


@db_group.command("current")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def db_current(ctx: click.Context, as_json: bool) -> None:
    """The board's schema revision and the one this meshbot expects. Exits 1 unless they agree."""
    from store.schema import Status, revision_of

    settings = settings_of(ctx)
    revision = revision_of(engine_of(settings, check_schema=False))
    if as_json:
        echo_json({"database": settings.db, "current": revision.current, "head": revision.head,
                    "status": revision.status.value})
    else:
        click.echo(f"{settings.db}: {revision.describe()}")
    if revision.status not in (Status.CURRENT, Status.EMPTY):
        ctx.exit(1)


@db_group.command("history")
def db_history() -> None:
    """The revisions this meshbot knows, newest first."""
    from store.schema import history

    for revision, follows, doc in history():
        click.echo(f"{revision}  (after {follows or 'nothing'})  {doc}")


@db_group.command("upgrade")
@click.option("--no-backup", is_flag=True, help="Do not back the board up first (not advised).")
@click.pass_context
def db_upgrade(ctx: click.Context, no_backup: bool) -> None:
    """Back the board up, then bring its schema to this meshbot's newest revision.

    Stop the daemon first: the upgrade needs the board to itself.
    """
    from meshbot.ops.board_files import board_file
    from store import session
    from store.schema import PRE_MIGRATIONS, SchemaMismatch, Status, revision_of, upgrade

    settings = settings_of(ctx)
    require_board(settings)
    path = board_file(settings.db)
    new = path is not None and not path.exists()  # --create: a new board, made at the newest revision
    held = hold_board(settings)
    try:
        engine = engine_of(settings, check_schema=False)
        before = revision_of(engine)
        if before.status is Status.CURRENT:
            done = "made a new board at" if new else "already at"
            click.echo(f"{settings.db}: {done} {before.current}, the newest revision; nothing to do")
            return
        if before.status is Status.AHEAD:
            raise click.ClickException(f"{settings.db}: {SchemaMismatch(before)}")
        if path is not None and not no_backup and before.status is Status.BEHIND:
            click.echo(f"backup: {_backup(settings, path)}")
        try:
            after = upgrade(engine)
        except SchemaMismatch as exc:
            raise click.ClickException(f"{settings.db}: {exc}") from exc
        with session(engine) as db, db.begin():
            _rebuild_derived(db)
        click.echo(f"{settings.db}: upgraded from {before.current or PRE_MIGRATIONS} to {after.current}")
    finally:
        if held is not None:
            held.release()


def _backup(settings: Settings, path: Any) -> str:
    from meshbot.ops import backup as bk

    try:
        result = bk.backup(path, bk.default_backup_dir(path, settings.backup_dir), settings.backup_keep,
                           datetime.fromtimestamp(time.time(), UTC))
    except bk.BackupError as exc:
        raise click.ClickException(f"no upgrade without a backup: {exc}") from exc
    return str(result.path)


def _rebuild_derived(db: Any) -> None:
    """The match index is derived from the postings: an older board may have none yet."""
    from meshbot.board.board_pass import index_in_step
    from meshbot.board.matcher import rebuild_index

    if not index_in_step(db):
        rebuild_index(db, time.time())
