"""`meshbot members list|approve|reject|role|forget-key`: the committee's membership desk."""

from __future__ import annotations

import time

import click

from hardware.link import node_id
from meshbot.cli.shared import echo_json, engine_of, laptop_actor, node_number, settings_of
from meshbot.people.members import display_name


@click.group()
def members() -> None:
    """Membership: who asked to join (JOIN), approvals and roles."""


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

    with session(engine_of(settings_of(ctx))) as db:
        rows = members_of(db, status)
        open_counts = dict(db.exec(select(Posting.author, func.count()).where(
            col(Posting.status).in_(("open", "matched"))).group_by(Posting.author)).all())
        view = [{"node": node_id(m.node_num), "name": m.name, "short_name": m.short_name, "zone": m.zone,
                 "status": m.status, "role": m.role, "key": fingerprint(k) if (k := pinned_key(db, m.node_num)) else None,
                 "open_postings": open_counts.get(m.node_num, 0), "last_seen": m.last_seen} for m in rows]
    if as_json:
        echo_json(view)
        return
    if not view:
        click.echo("No members yet.")
    for m in view:
        seen = time.strftime("%Y-%m-%d %H:%M", time.localtime(m["last_seen"]))
        click.echo(f"{m['node']}  {m['status']:<9} {m['role']:<10} {m['name'] or m['short_name'] or '?':<20} "
                   f"@{m['zone'] or '?':<10} key {m['key'] or '-':<9} {m['open_postings']} open  heard {seen}")


def _members_action(ctx: click.Context, action: str, node_text: str, role: str | None = None) -> None:
    from meshbot.people import membership
    from store import session

    node = node_number(node_text)
    engine = engine_of(settings_of(ctx))
    now = time.time()
    try:
        with session(engine) as db, db.begin():
            if action == "approve":
                member = membership.approve(db, node, laptop_actor(), now)
                said = "approved"
            elif action == "reject":
                member = membership.reject(db, node, laptop_actor(), now)
                said = "not approved"
            elif action == "forget-key":
                if not membership.forget_key(db, node, laptop_actor(), now):
                    raise click.ClickException(f"{node_id(node)} has no pinned key")
                click.echo(f"{node_id(node)}: key forgotten; its next PKI DM pins the new one.")
                return
            else:
                member = membership.set_role(db, node, role or "resident", laptop_actor(), now)
                said = f"is now {role}"
            click.echo(f"{display_name(member)} {said}.")
    except membership.MembershipError as exc:
        raise click.ClickException(str(exc)) from exc


@members.command("approve")
@click.argument("node")
@click.pass_context
def members_approve(ctx: click.Context, node: str) -> None:
    """Approve NODE, like !a1b2c3d4: its postings stop being marked unverified."""
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


@members.command("password")
@click.argument("node")
@click.pass_context
def members_password(ctx: click.Context, node: str) -> None:
    """Give committee member NODE a password for the console (`meshbot web`); asked twice,
    or read from MESHBOT_CONSOLE_PASSWORD. Stored only as an argon2id hash."""
    import os

    from meshbot.web.accounts import AccountError, set_password
    from store import session

    number = node_number(node)
    password = os.environ.get("MESHBOT_CONSOLE_PASSWORD") or click.prompt(
        "Console password", hide_input=True, confirmation_prompt=True, err=True)
    engine = engine_of(settings_of(ctx))
    try:
        with session(engine) as db, db.begin():
            member = set_password(db, number, password, laptop_actor(), time.time())
            name = display_name(member)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{name} can log in to the console.")
