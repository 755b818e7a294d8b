"""The station's keys and their end: `meshbot init`, `rekey`, `keys` and `wipe`.

Thin: read the options and the passphrase, call the application, print the result.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from meshbot.cli.shared import echo_json, engine_of, laptop_actor, settings_of
from meshbot.cli.values import SafePath
from meshbot.settings import Settings


def _new_passphrase() -> str:
    """From the terminal (typed twice), or the first line of stdin when it is not a terminal."""
    if sys.stdin.isatty():
        return str(click.prompt("New passphrase (a few words, 12+ characters)", hide_input=True,
                                confirmation_prompt=True, err=True))
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise click.ClickException("no passphrase on stdin (give it as the first line)")
    return line


def _plain_engine(settings: Settings) -> Any:
    """The database opened without a key: for `init`, on a database that is not encrypted."""
    from store import open_engine
    from store.crypto import KeyProblem

    from store.schema import SchemaMismatch, require_current

    try:
        engine = open_engine(settings.db)
    except KeyProblem as exc:
        raise click.ClickException("this database is already encrypted: use `meshbot rekey` to change its key") from exc
    try:
        require_current(engine)
    except SchemaMismatch as exc:
        raise click.ClickException(f"{settings.db}: {exc}") from exc
    return engine


def _new_key(key_file: Path | None) -> Any:
    from meshbot.security.keys import NewKey
    from store.crypto import KeyProblem

    try:
        if key_file is not None:
            if key_file.exists():
                raise click.ClickException(f"{key_file} exists: choose a new path (an old key is never overwritten)")
            return NewKey(key_file=key_file.expanduser().resolve())
        return NewKey(passphrase=_new_passphrase())
    except KeyProblem as exc:
        raise click.ClickException(str(exc)) from exc


def _under_new_key(change: Any, engine: Any, key_file: Path | None, settings: Settings) -> tuple[Any, Any]:
    """`init` or `rekey` with a new passphrase or key file: (the key's record, the new key)."""
    from store.crypto import KeyProblem

    new = _new_key(key_file)
    try:
        return change(engine, new, settings.kdf_strength, time.time(), laptop_actor()), new
    except KeyProblem as exc:
        raise click.ClickException(str(exc)) from exc


# -- the key ------------------------------------------------------------------------------


@click.command()
@click.option("--key-file", type=SafePath(dir_okay=False, path_type=Path),
              help="Keep the key in this new file (0600) instead of deriving it from a passphrase.")
@click.option("--committee", "committee_node", metavar="NODE",
              help="The first committee member's node id (!a1b2c3d4); asked at a terminal when none exists.")
@click.option("--name", help="That member's name, as the console and the committee's papers show it.")
@click.pass_context
def init(ctx: click.Context, key_file: Path | None, committee_node: str | None, name: str | None) -> None:
    """Encrypt the board at rest, give this station its keys, and name the first committee member.

    The passphrase is asked at the terminal (twice), or read from the first line of
    stdin when that is not a terminal. Values already in the database are encrypted too.
    Until someone holds the committee role, residents' alerts go out unverified.
    """
    from meshbot.cli.db import hold_board
    from meshbot.inbound.identity import station_keys
    from meshbot.security.keys import init as init_keys
    from store import session

    settings = settings_of(ctx)
    first = _committee_node(committee_node) if committee_node else None
    held = hold_board(settings)  # a running daemon would go on writing plaintext
    if held is not None:
        ctx.call_on_close(held.release)
    engine = _plain_engine(settings)
    meta, new = _under_new_key(init_keys, engine, key_file, settings)
    with session(engine) as db:
        keys = station_keys(db)
    assert keys is not None
    click.echo(f"Encrypted at rest (data key {meta.key_id}, {meta.kdf}).")
    _replace_plaintext_backups(settings)
    _name_committee(engine, settings, first, name)
    click.echo(f"Station {keys.station_id}: signing key {keys.signing_public}")
    click.echo(f"Bundle key (give it to whoever sends you bundles): {keys.box_public}")
    if key_file is not None:
        click.echo(f"Set key_file = \"{new.key_file}\" in the config, and keep a copy of that file somewhere safe.")
    else:
        click.echo("For a service that starts by itself: put MESHBOT_PASSPHRASE in a 0600 environment file "
                   "(docs/security.md).")


def _committee_node(text: str) -> int:
    from hardware.link import parse_node_id

    try:
        node = parse_node_id(text.strip())
    except ValueError:
        node = 0
    if not 0 < node < 0xFFFFFFFF:
        raise click.BadParameter(f"{text!r} is not a node id like !a1b2c3d4", param_hint="--committee")
    return node


def _name_committee(engine: Any, settings: Settings, node: int | None, name: str | None) -> None:
    """The first committee member: from --committee, else asked at a terminal while there is none."""
    from sqlmodel import col, select

    from meshbot.people.members import display_name
    from meshbot.people.membership import COMMITTEE_ROLES, name_committee
    from store import Member, session

    with session(engine) as db:
        exists = db.exec(select(Member.node_num).where(col(Member.role).in_(COMMITTEE_ROLES))).first() is not None
    if node is None and not exists and sys.stdin.isatty():
        answer = click.prompt("Node id of the first committee member (Enter to skip)", default="",
                              show_default=False, err=True).strip()
        node = _committee_node(answer) if answer else None
        if node is not None and not name:
            name = click.prompt("Their name", default="", show_default=False, err=True).strip() or None
    if node is None:
        if not exists:
            click.echo("No committee member yet: residents' alerts go out unverified until one is named "
                       "(meshbot init --committee !node --name NAME, or meshbot members role !node committee).")
        return
    with session(engine) as db, db.begin():
        member = name_committee(db, node, name, laptop_actor(), time.time(), settings.community)
        who = display_name(member)
    click.echo(f"{who} is on the committee: they confirm alerts by radio, and get a console password "
               f"with `meshbot members password {who.rsplit(' ', 1)[-1]}`.")


def _replace_plaintext_backups(settings: Settings) -> None:
    """Backups from before `init` would keep the board readable: overwrite and delete them,
    naming each, then take one encrypted backup in their place."""
    from datetime import UTC, datetime

    from meshbot.ops import backup as bk
    from meshbot.security.wipe import destroy, plaintext_backups

    old = plaintext_backups(settings)
    if not old:
        return
    for path in destroy(old):
        click.echo(f"Securely deleted plaintext backup {path}")
    db_file = bk.sqlite_file(settings.db)
    try:
        made = bk.backup(db_file, bk.default_backup_dir(db_file, settings.backup_dir), settings.backup_keep,
                         datetime.fromtimestamp(time.time(), UTC))
    except bk.BackupError as exc:
        raise click.ClickException(f"encrypted; old plaintext backups deleted, but no new backup: {exc}") from exc
    click.echo(f"New encrypted backup {made.path}")


@click.command()
@click.option("--key-file", type=SafePath(dir_okay=False, path_type=Path),
              help="Protect the new data key with this new key file instead of a passphrase.")
@click.pass_context
def rekey(ctx: click.Context, key_file: Path | None) -> None:
    """Rotate the data key: every value re-encrypted under a new key and passphrase (or key file).

    Backups taken before still need the old passphrase or key file.
    """
    from meshbot.cli.db import hold_board
    from meshbot.security.keys import rekey as rotate

    settings = settings_of(ctx)
    held = hold_board(settings)  # a running daemon would go on writing under the old key
    if held is not None:
        ctx.call_on_close(held.release)
    meta, new = _under_new_key(rotate, engine_of(settings), key_file, settings)
    click.echo(f"New data key {meta.key_id} ({meta.kdf}). Old backups still need the old key.")
    if key_file is not None:
        click.echo(f"Set key_file = \"{new.key_file}\" in the config before the next start.")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def keys(ctx: click.Context, as_json: bool) -> None:
    """This station's public keys: give the bundle key to stations that send you bundles."""
    from meshbot.inbound.identity import station_keys
    from store import session
    from store.db import read_key_meta

    engine = engine_of(settings_of(ctx))
    meta = read_key_meta(engine)
    with session(engine) as db:
        station = station_keys(db)
    if meta is None or station is None:
        raise click.ClickException("not encrypted and no station keys yet: run `meshbot init`")
    view = {"station": station.station_id, "signing_key": station.signing_public,
            "bundle_key": station.box_public, "data_key": meta.key_id, "protected_by": meta.kdf}
    if as_json:
        echo_json(view)
        return
    for name, value in view.items():
        click.echo(f"{name:<13} {value}")


# -- wipe ---------------------------------------------------------------------------------


@click.command()
@click.option("--yes", is_flag=True, help="Do not ask; destroy at once.")
@click.option("--keep-backups", is_flag=True, help="Leave the backups (they stay readable with the key!).")
@click.pass_context
def wipe(ctx: click.Context, yes: bool, keep_backups: bool) -> None:
    """Destroy the key and all the data: database, WAL, key file and backups. No undo."""
    from meshbot.ops.backup import BackupError
    from meshbot.security.wipe import destroy, targets

    settings = settings_of(ctx)
    try:
        doomed = targets(settings, with_backups=not keep_backups)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    if not doomed:
        click.echo("Nothing to wipe.")
        return
    for path in doomed:
        click.echo(f"  {path}")
    if not yes:
        answer = click.prompt("This destroys the files above for good. Type WIPE to go on", default="", err=True)
        if answer.strip() != "WIPE":
            raise click.ClickException("not wiped")
    removed = destroy(doomed)
    click.echo(f"Wiped {len(removed)} file(s). Forget the passphrase too.")
    if os.environ.get("MESHBOT_PASSPHRASE"):
        click.echo("MESHBOT_PASSPHRASE is set in this environment: remove it from the service's files.", err=True)
