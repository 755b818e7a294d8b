"""What every `meshbot` command shares: its settings, the board it opens, how it prints.

The command modules import this one and never `meshbot.cli.main`, so the group that
registers them is the only module that knows them all, and no import runs in a circle.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable
from typing import Any

import click
from click.core import ParameterSource
from sqlalchemy.engine import Engine

from meshbot.cli.group import BUSY_MESSAGE, is_busy
from meshbot.settings import Settings, SettingsError
from meshbot.settings_sources import LoadedSettings, load_settings, load_settings_with_sources


def settings_of(ctx: click.Context, **overrides: Any) -> Settings:
    """Settings from the global --config/--db/--set options plus this command's own flags."""
    try:
        given = {k: v for k, v in {"db": ctx.obj.get("db"), **overrides}.items() if v is not None}
        return load_settings(ctx.obj.get("config"), **{**ctx.obj.get("set", {}), **given})
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


def loaded_settings_of(ctx: click.Context, **overrides: Any) -> LoadedSettings:
    """Settings with where each value came from (file, environment, flag): for the operator's
    commands that show or check them. `--db` counts only when given on the command line."""
    root = ctx.find_root()
    obj = root.obj or {}
    given = dict(obj.get("set", {}))
    if obj.get("db") is not None and root.get_parameter_source("db") is ParameterSource.COMMANDLINE:
        given["db"] = obj["db"]
    given.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return load_settings_with_sources(obj.get("config"), **given)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


def require_board(settings: Settings) -> None:
    """A board file must exist unless `--create` (or `meshbot init`) asks for a new one,
    so a mistyped --db says so instead of making folders and an empty board."""
    from meshbot.ops.board_files import missing_board

    ctx = click.get_current_context(silent=True)
    create = bool(ctx and (ctx.find_root().obj or {}).get("create"))
    try:
        problem = None if create else missing_board(settings.db)
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte: the OS refuses to look
        shown = settings.db if len(settings.db) <= 60 else settings.db[:57] + "..."
        raise click.ClickException(f"database {shown!r} cannot be used: {getattr(exc, 'strerror', None) or exc}") from exc
    if problem:
        raise click.ClickException(problem)


def ask_passphrase(prompt: str) -> str:
    """At a terminal: asked with echo off. Used when MESHBOT_PASSPHRASE is not set."""
    return str(click.prompt(prompt, hide_input=True, err=True))


def terminal_ask() -> Callable[[str], str] | None:
    """`ask_passphrase` when a person is at the terminal; None for a service or a pipe."""
    return ask_passphrase if sys.stdin.isatty() else None


def engine_of(settings: Settings, *, check_schema: bool = True) -> Engine:
    """The board opened (and unlocked) for a command, or one line saying why it cannot be."""
    from meshbot.security.keys import unlocker
    from store import open_engine
    from store.crypto import KeyProblem
    from store.files import BoardDamaged
    from store.schema import SchemaMismatch, require_current

    require_board(settings)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:  # so an error met later names this file (MeshbotGroup.invoke)
        ctx.find_root().ensure_object(dict)["opened_db"] = settings.db
    try:  # an encrypted board opens with MESHBOT_PASSPHRASE, the key_file, or the terminal
        engine = open_engine(settings.db, unlocker(settings, os.environ, terminal_ask()))
    except BoardDamaged as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyProblem as exc:
        raise click.ClickException(f"cannot open database {settings.db}: {exc}") from exc
    except Exception as exc:  # any driver error: say plainly which database failed
        if is_busy(exc):
            raise click.ClickException(f"{settings.db}: {BUSY_MESSAGE}") from exc
        raise click.ClickException(f"cannot open database {settings.db}: {str(exc).splitlines()[0]}") from exc
    if check_schema:
        try:
            require_current(engine)
        except SchemaMismatch as exc:
            engine.dispose()
            raise click.ClickException(f"{settings.db}: {exc}") from exc
    return engine


def board_of(ctx: click.Context) -> tuple[Settings, Engine]:
    """The settings and the opened board, what most committee commands start from."""
    settings = settings_of(ctx)
    return settings, engine_of(settings)


def echo_json(value: Any) -> None:
    """One JSON document on stdout; dates and paths as their text."""
    click.echo(json.dumps(value, ensure_ascii=False, default=str))


def laptop_actor() -> str:
    """Who at the laptop, for the audit log: `cli:` and their login."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:operator"


def node_number(text: str) -> int:
    """A node as the committee types it (`!a1b2c3d4`), or a one-line refusal."""
    from hardware.link import parse_node_id

    try:
        node = parse_node_id(text)
    except ValueError as exc:
        raise click.BadParameter(f"{text!r} is not a node id like !a1b2c3d4") from exc
    if not 0 < node < 0xFFFFFFFF:
        raise click.BadParameter(f"{text!r} is not a node id like !a1b2c3d4")
    return node


def match_number(text: str) -> int:
    """A match as the committee types it: `m5` (as `meshbot matches` shows it), `5` or `#5`."""
    from meshbot.cli.values import row_number

    number = row_number(text.strip().lower().lstrip("#").removeprefix("m"))
    if number is None:
        raise click.BadParameter(f"a match is m5 or 5, not {text!r}")
    return number
