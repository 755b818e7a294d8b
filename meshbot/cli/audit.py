"""`meshbot audit verify|list` and `meshbot flags`: what the committee and admins did, and
what the gate refused."""

from __future__ import annotations

import sys
import time

import click

from hardware.link import node_id
from meshbot.cli.shared import echo_json, engine_of, settings_of
from meshbot.cli.values import Count


@click.group()
def audit() -> None:
    """The hash-chained log of committee and admin actions."""


@audit.command("verify")
@click.pass_context
def audit_verify(ctx: click.Context) -> None:
    """Check every link of the log; exits 1 and says where if anything was changed or removed."""
    from meshbot.security.audit import verify

    verdict = verify(engine_of(settings_of(ctx)))
    for problem in verdict.problems:
        click.echo(f"BROKEN  {problem}")
    kind = "keyed (HMAC)" if verdict.keyed else "unkeyed (SHA-256: run `meshbot init` for a keyed log)"
    if not verdict.ok:
        click.echo(f"The audit log was tampered with: {len(verdict.problems)} problem(s) in {verdict.entries} entries.")
        sys.exit(1)
    click.echo(f"Audit log intact: {verdict.entries} entries, {kind}.")


@audit.command("list")
@click.option("--limit", default=30, show_default=True, type=Count)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def audit_list(ctx: click.Context, limit: int, as_json: bool) -> None:
    """The newest entries."""
    from meshbot.security.audit import entries

    rows = entries(engine_of(settings_of(ctx)), limit)
    if as_json:
        echo_json([r.model_dump(exclude={"hash", "prev_hash"}) for r in rows])
        return
    for r in rows:
        stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.at))
        click.echo(f"#{r.id:<5} {stamp}  {r.actor:<14} {r.action:<18} {r.subject:<10} {r.detail}")


@click.command()
@click.option("--limit", default=30, show_default=True, type=Count)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def flags(ctx: click.Context, limit: int, as_json: bool) -> None:
    """Security flags: radio keys that changed, privileged commands without proof."""
    from meshbot.inbound.gate import recent_flags
    from store import session

    with session(engine_of(settings_of(ctx))) as db:
        rows = recent_flags(db, limit)
    if as_json:
        echo_json([{**r.model_dump(), "node": node_id(r.node_num)} for r in rows])
        return
    if not rows:
        click.echo("No security flags.")
    for r in rows:
        stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.created))
        told = " (committee told)" if r.notified else ""
        click.echo(f"#{r.id:<5} {stamp}  {node_id(r.node_num)}  {r.reason:<15} {(r.verb or '').upper():<8} "
                   f"{r.detail or ''}{told}")
