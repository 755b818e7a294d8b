"""`meshbot export` and `meshbot import`: the board as a bundle signed by this station."""

from __future__ import annotations

import time
from pathlib import Path

import click

from meshbot.cli.shared import engine_of, laptop_actor, settings_of
from meshbot.cli.values import OutFile, SafePath


@click.command("export")
@click.option("--to", "target", required=True, type=OutFile(), help="Bundle file to write.")
@click.option("--for", "recipient", metavar="BUNDLE_KEY",
              help="Seal it to this station's bundle key (its `meshbot keys`): only it can open the file.")
@click.pass_context
def export_bundle(ctx: click.Context, target: Path, recipient: str | None) -> None:
    """Write the board to a bundle signed by this station (and sealed to --for)."""
    from meshbot.security import audit
    from meshbot.security.bundles import BundleError, build, recipient_key, write
    from meshbot.ops.progress import progress
    from store import session

    engine = engine_of(settings_of(ctx))
    try:
        key = recipient_key(recipient) if recipient else None
        with progress("exporting the board"), session(engine) as db, db.begin():
            body, summary = build(db, time.time(), key)
            write(target, body)
            audit.record(db, laptop_actor(), "bundle.export", time.time(), subject=summary.bundle_id,
                         detail=f"to {'sealed ' + recipient[:12] if recipient else 'unsealed'}: {summary.line()}")
    except BundleError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Bundle {summary.bundle_id} -> {target}: {summary.line()}; signed by {summary.signer}.")
    if key is None:
        click.echo("Warning: not sealed (no --for): anyone who reads this file reads the board.", err=True)


@click.command("import")
@click.argument("file", type=SafePath(exists=True, dir_okay=False, path_type=Path))
@click.option("--trust", "trust", multiple=True, metavar="SIGNING_KEY",
              help="Also accept bundles signed by this station key (repeatable; see trusted_signers).")
@click.pass_context
def import_bundle(ctx: click.Context, file: Path, trust: tuple[str, ...]) -> None:
    """Import a bundle: checked seal, signature and signer; importing it twice changes nothing."""
    from meshbot.security.bundles import BundleError
    from meshbot.security.bundles import import_bundle as apply_bundle
    from meshbot.ops.progress import progress
    from store import session

    settings = settings_of(ctx)
    engine = engine_of(settings)
    try:
        with progress(f"importing {file.name}"), session(engine) as db, db.begin():
            summary = apply_bundle(db, file.read_bytes(), time.time(), {*settings.trusted_signers, *trust}, laptop_actor())
    except BundleError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    if summary.already:
        click.echo(f"Bundle {summary.bundle_id} was imported before: nothing changed.")
        return
    click.echo(f"Bundle {summary.bundle_id} from station {summary.signer}: {summary.line()}.")
