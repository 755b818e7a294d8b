"""`meshbot init`, `rekey`, `keys`, `export`, `import`, `audit`, `flags`, `members`, `wipe`.

Thin: read the options and the passphrase, call the application, print the result.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from hardware.link import node_id, parse_node_id
from meshbot.settings import Settings


def _settings(ctx: click.Context) -> Settings:
    from meshbot.cli.main import _settings as settings_of

    return settings_of(ctx)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:operator"


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, default=str))


def ask_passphrase(prompt: str) -> str:
    """At a terminal: asked with echo off. Used when MESHBOT_PASSPHRASE is not set."""
    return str(click.prompt(prompt, hide_input=True, err=True))


def terminal_ask() -> Any:
    """`ask_passphrase` when a person is at the terminal; None for a service or a pipe."""
    return ask_passphrase if sys.stdin.isatty() else None


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


def _engine(settings: Settings) -> Any:
    from meshbot.cli.main import _engine as engine_of

    return engine_of(settings)


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


# -- the key ------------------------------------------------------------------------------


@click.command()
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Keep the key in this new file (0600) instead of deriving it from a passphrase.")
@click.pass_context
def init(ctx: click.Context, key_file: Path | None) -> None:
    """Encrypt the board at rest and give this station its keys.

    The passphrase is asked at the terminal (twice), or read from the first line of
    stdin when that is not a terminal. Values already in the database are encrypted too.
    """
    from meshbot.inbound.identity import station_keys
    from meshbot.security.keys import init as init_keys
    from store import session
    from store.crypto import KeyProblem

    settings = _settings(ctx)
    engine = _plain_engine(settings)
    new = _new_key(key_file)
    try:
        meta = init_keys(engine, new, settings.kdf_strength, time.time(), _actor())
    except KeyProblem as exc:
        raise click.ClickException(str(exc)) from exc
    with session(engine) as db:
        keys = station_keys(db)
    assert keys is not None
    click.echo(f"Encrypted at rest (data key {meta.key_id}, {meta.kdf}).")
    click.echo(f"Station {keys.station_id}: signing key {keys.signing_public}")
    click.echo(f"Bundle key (give it to whoever sends you bundles): {keys.box_public}")
    if key_file is not None:
        click.echo(f"Set key_file = \"{new.key_file}\" in the config, and keep a copy of that file somewhere safe.")
    else:
        click.echo("For a service that starts by itself: put MESHBOT_PASSPHRASE in a 0600 environment file "
                   "(docs/security.md).")


@click.command()
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Protect the new data key with this new key file instead of a passphrase.")
@click.pass_context
def rekey(ctx: click.Context, key_file: Path | None) -> None:
    """Rotate the data key: every value re-encrypted under a new key and passphrase (or key file).

    Backups taken before still need the old passphrase or key file.
    """
    from meshbot.security.keys import rekey as rotate
    from store.crypto import KeyProblem

    settings = _settings(ctx)
    engine = _engine(settings)
    new = _new_key(key_file)
    try:
        meta = rotate(engine, new, settings.kdf_strength, time.time(), _actor())
    except KeyProblem as exc:
        raise click.ClickException(str(exc)) from exc
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

    engine = _engine(_settings(ctx))
    meta = read_key_meta(engine)
    with session(engine) as db:
        station = station_keys(db)
    if meta is None or station is None:
        raise click.ClickException("not encrypted and no station keys yet: run `meshbot init`")
    view = {"station": station.station_id, "signing_key": station.signing_public,
            "bundle_key": station.box_public, "data_key": meta.key_id, "protected_by": meta.kdf}
    if as_json:
        _echo_json(view)
        return
    for name, value in view.items():
        click.echo(f"{name:<13} {value}")


# -- bundles ------------------------------------------------------------------------------


@click.command("export")
@click.option("--to", "target", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Bundle file to write.")
@click.option("--for", "recipient", metavar="BUNDLE_KEY",
              help="Seal it to this station's bundle key (its `meshbot keys`): only it can open the file.")
@click.pass_context
def export_bundle(ctx: click.Context, target: Path, recipient: str | None) -> None:
    """Write the board to a bundle signed by this station (and sealed to --for)."""
    from meshbot.security import audit
    from meshbot.security.bundles import BundleError, build, recipient_key, write
    from meshbot.ops.progress import progress
    from store import session

    engine = _engine(_settings(ctx))
    try:
        key = recipient_key(recipient) if recipient else None
        with progress("exporting the board"), session(engine) as db, db.begin():
            body, summary = build(db, time.time(), key)
            write(target, body)
            audit.record(db, _actor(), "bundle.export", time.time(), subject=summary.bundle_id,
                         detail=f"to {'sealed ' + recipient[:12] if recipient else 'unsealed'}: {summary.line()}")
    except BundleError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Bundle {summary.bundle_id} -> {target}: {summary.line()}; signed by {summary.signer}.")
    if key is None:
        click.echo("Warning: not sealed (no --for): anyone who reads this file reads the board.", err=True)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--trust", "trust", multiple=True, metavar="SIGNING_KEY",
              help="Also accept bundles signed by this station key (repeatable; see trusted_signers).")
@click.pass_context
def import_bundle(ctx: click.Context, file: Path, trust: tuple[str, ...]) -> None:
    """Import a bundle: checked seal, signature and signer; importing it twice changes nothing."""
    from meshbot.security.bundles import BundleError
    from meshbot.security.bundles import import_bundle as apply_bundle
    from meshbot.ops.progress import progress
    from store import session

    settings = _settings(ctx)
    engine = _engine(settings)
    try:
        with progress(f"importing {file.name}"), session(engine) as db, db.begin():
            summary = apply_bundle(db, file.read_bytes(), time.time(), {*settings.trusted_signers, *trust}, _actor())
    except BundleError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    if summary.already:
        click.echo(f"Bundle {summary.bundle_id} was imported before: nothing changed.")
        return
    click.echo(f"Bundle {summary.bundle_id} from station {summary.signer}: {summary.line()}.")


# -- audit and flags --------------------------------------------------------------------


@click.group()
def audit() -> None:
    """The hash-chained log of committee and admin actions."""


@audit.command("verify")
@click.pass_context
def audit_verify(ctx: click.Context) -> None:
    """Check every link of the log; exits 1 and says where if anything was changed or removed."""
    from meshbot.security.audit import verify

    verdict = verify(_engine(_settings(ctx)))
    for problem in verdict.problems:
        click.echo(f"BROKEN  {problem}")
    kind = "keyed (HMAC)" if verdict.keyed else "unkeyed (SHA-256: run `meshbot init` for a keyed log)"
    if not verdict.ok:
        click.echo(f"The audit log was tampered with: {len(verdict.problems)} problem(s) in {verdict.entries} entries.")
        sys.exit(1)
    click.echo(f"Audit log intact: {verdict.entries} entries, {kind}.")


@audit.command("list")
@click.option("--limit", default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def audit_list(ctx: click.Context, limit: int, as_json: bool) -> None:
    """The newest entries."""
    from meshbot.security.audit import entries

    rows = entries(_engine(_settings(ctx)), limit)
    if as_json:
        _echo_json([r.model_dump(exclude={"hash", "prev_hash"}) for r in rows])
        return
    for r in rows:
        stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.at))
        click.echo(f"#{r.id:<5} {stamp}  {r.actor:<14} {r.action:<18} {r.subject:<10} {r.detail}")


@click.command()
@click.option("--limit", default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def flags(ctx: click.Context, limit: int, as_json: bool) -> None:
    """Security flags: radio keys that changed, privileged commands without proof."""
    from meshbot.inbound.gate import recent_flags
    from store import session

    with session(_engine(_settings(ctx))) as db:
        rows = recent_flags(db, limit)
    if as_json:
        _echo_json([{**r.model_dump(), "node": node_id(r.node_num)} for r in rows])
        return
    if not rows:
        click.echo("No security flags.")
    for r in rows:
        stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.created))
        told = " (committee told)" if r.notified else ""
        click.echo(f"#{r.id:<5} {stamp}  {node_id(r.node_num)}  {r.reason:<15} {(r.verb or '').upper():<8} "
                   f"{r.detail or ''}{told}")


# -- members ------------------------------------------------------------------------------


@click.group()
def members() -> None:
    """Membership: who asked to join (JOIN), approvals and roles."""


def _node(text: str) -> int:
    try:
        node = parse_node_id(text)
    except ValueError as exc:
        raise click.BadParameter(f"{text!r} is not a node id like !a1b2c3d4") from exc
    if not 0 < node < 0xFFFFFFFF:
        raise click.BadParameter(f"{text!r} is not a node id like !a1b2c3d4")
    return node


@members.command("list")
@click.option("--status", type=click.Choice(["visitor", "pending", "approved", "rejected"]),
              help="Only members in this state (default: all who sent JOIN or were decided).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def members_list(ctx: click.Context, status: str | None, as_json: bool) -> None:
    """Members, most recently heard first, with their key fingerprint and open postings."""
    from sqlmodel import col, func, select

    from meshbot.inbound.identity import fingerprint, pinned_key
    from meshbot.people.membership import members as members_of
    from store import Posting, session

    with session(_engine(_settings(ctx))) as db:
        rows = members_of(db, status)
        open_counts = dict(db.exec(select(Posting.author, func.count()).where(
            col(Posting.status).in_(("open", "matched"))).group_by(Posting.author)).all())
        view = [{"node": node_id(m.node_num), "name": m.name, "short_name": m.short_name, "zone": m.zone,
                 "status": m.status, "role": m.role, "key": fingerprint(k) if (k := pinned_key(db, m.node_num)) else None,
                 "open_postings": open_counts.get(m.node_num, 0), "last_seen": m.last_seen} for m in rows]
    if as_json:
        _echo_json(view)
        return
    if not view:
        click.echo("No members yet.")
    for m in view:
        seen = time.strftime("%Y-%m-%d %H:%M", time.localtime(m["last_seen"]))
        click.echo(f"{m['node']}  {m['status']:<9} {m['role']:<10} {m['name'] or m['short_name'] or '?':<20} "
                   f"@{m['zone'] or '?':<10} key {m['key'] or '-':<9} {m['open_postings']} open  heard {seen}")


def _members_action(ctx: click.Context, action: str, node_text: str, role: str | None = None) -> None:
    from meshbot.people import membership
    from meshbot.people.members import display_name
    from store import session

    node = _node(node_text)
    engine = _engine(_settings(ctx))
    now = time.time()
    try:
        with session(engine) as db, db.begin():
            if action == "approve":
                member = membership.approve(db, node, _actor(), now)
                said = "approved"
            elif action == "reject":
                member = membership.reject(db, node, _actor(), now)
                said = "not approved"
            elif action == "forget-key":
                if not membership.forget_key(db, node, _actor(), now):
                    raise click.ClickException(f"{node_id(node)} has no pinned key")
                click.echo(f"{node_id(node)}: key forgotten; its next PKI DM pins the new one.")
                return
            else:
                member = membership.set_role(db, node, role or "resident", _actor(), now)
                said = f"is now {role}"
            click.echo(f"{display_name(member)} {said}.")
    except membership.MembershipError as exc:
        raise click.ClickException(str(exc)) from exc


@members.command("approve")
@click.argument("node")
@click.pass_context
def members_approve(ctx: click.Context, node: str) -> None:
    """Approve NODE (e.g. !a1b2c3d4): its postings stop being marked unverified."""
    _members_action(ctx, "approve", node)


@members.command("reject")
@click.argument("node")
@click.pass_context
def members_reject(ctx: click.Context, node: str) -> None:
    """Do not approve NODE; any role is taken away (it may still post, marked unverified)."""
    _members_action(ctx, "reject", node)


@members.command("role")
@click.argument("node")
@click.argument("role", type=click.Choice(["resident", "responder", "committee", "admin"]))
@click.pass_context
def members_role(ctx: click.Context, node: str, role: str) -> None:
    """Give NODE a role (approving it). Check its key fingerprint with the person first."""
    _members_action(ctx, "role", node, role)


@members.command("forget-key")
@click.argument("node")
@click.pass_context
def members_forget_key(ctx: click.Context, node: str) -> None:
    """Unpin NODE's radio key (after a reset or a new radio, checked with its owner)."""
    _members_action(ctx, "forget-key", node)


# -- wipe ---------------------------------------------------------------------------------


@click.command()
@click.option("--yes", is_flag=True, help="Do not ask; destroy at once.")
@click.option("--keep-backups", is_flag=True, help="Leave the backups (they stay readable with the key!).")
@click.pass_context
def wipe(ctx: click.Context, yes: bool, keep_backups: bool) -> None:
    """Destroy the key and all the data: database, WAL, key file and backups. No undo."""
    from meshbot.ops.backup import BackupError
    from meshbot.security.wipe import destroy, targets

    settings = _settings(ctx)
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
