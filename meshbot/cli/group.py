"""The `meshbot` group's own behaviour: global options anywhere, and one-line errors.

Global options (`--db`, `--config`, `--set`, `--create`) may come before or after the
subcommand, as people type them (`meshbot board --db x.db`): those found after it are
moved in front, unless that subcommand has an option of the same name (`config init
--set` writes a setting into the file; it is not the global `--set`). A database busy
beyond its timeout, or a driver error, ends the command with one line, never a traceback.
"""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.exc import DBAPIError, OperationalError

from store.db import BUSY_TIMEOUT_MS
from store.files import BoardDamaged, damage_of

BUSY_MESSAGE = (f"the database is busy: another process held its write lock for over "
                f"{BUSY_TIMEOUT_MS // 1000} s (the daemon is stuck, or a long command runs); "
                "nothing was changed, try again")


def is_busy(exc: BaseException) -> bool:
    """SQLite gave up waiting for another connection's lock."""
    orig = getattr(exc, "orig", exc)
    return isinstance(exc, OperationalError) and ("locked" in str(orig) or "busy" in str(orig))


def _takes_value(option: click.Option) -> bool:
    return not option.is_flag and not option.count


class MeshbotGroup(click.Group):
    """A click group whose global options may follow the subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(self, ctx, list(args)))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DBAPIError as exc:
            if is_busy(exc):
                raise click.ClickException(BUSY_MESSAGE) from exc
            problem = damage_of(exc)
            if problem is not None:
                raise click.ClickException(str(BoardDamaged(_opened(ctx), problem))) from exc
            raise click.ClickException(f"database error: {str(exc.orig).splitlines()[0]}") from exc
        except UnicodeDecodeError as exc:  # a flipped byte inside a stored text
            raise click.ClickException(str(BoardDamaged(_opened(ctx), str(damage_of(exc))))) from exc


def _opened(ctx: click.Context) -> str:
    """The database this command opened, to name it in an error."""
    return str((ctx.obj or {}).get("opened_db") or (ctx.obj or {}).get("db") or "the database")


def _global_options(group: click.Group) -> dict[str, click.Option]:
    return {name: p for p in group.params if isinstance(p, click.Option) for name in (*p.opts, *p.secondary_opts)
            if name not in ("--help", "--version")}


def hoist_global_options(group: click.Group, ctx: click.Context, args: list[str]) -> list[str]:
    """`args` with the global options that follow the subcommand moved before it."""
    globals_ = _global_options(group)
    front: list[str] = []
    rest: list[str] = []
    command: click.Command | None = None
    own: set[str] = set()
    i = 0
    while i < len(args):
        token = args[i]
        if token == "--":
            rest.extend(args[i:])
            break
        name = token.split("=", 1)[0]
        if command is None:
            if name in globals_:  # already in front: keep it there with its value
                option = globals_[name]
                take = 2 if _takes_value(option) and "=" not in token else 1
                front.extend(args[i:i + take])
                i += take
                continue
            if not token.startswith("-"):
                command = group.get_command(ctx, token)
                own = _option_names(command)
            rest.append(token)
            i += 1
            continue
        if isinstance(command, click.Group) and not token.startswith("-"):
            sub = command.get_command(ctx, token)
            if sub is not None:
                command, own = sub, own | _option_names(sub)
            rest.append(token)
            i += 1
            continue
        if name in globals_ and name not in own:
            option = globals_[name]
            take = 2 if _takes_value(option) and "=" not in token else 1
            front.extend(args[i:i + take])
            i += take
            continue
        rest.append(token)
        i += 1
    return front + rest


def _option_names(command: click.Command | None) -> set[str]:
    if command is None:
        return set()
    return {name for p in command.params if isinstance(p, click.Option) for name in (*p.opts, *p.secondary_opts)}
