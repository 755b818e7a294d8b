"""`meshbot services add|edit|list|roster|cancel|host`: the committee's desk for volunteer services."""

from __future__ import annotations

import time

import click

from hardware.link import node_id
from meshbot.cli.values import MAX_ROW_ID
from meshbot.cli.shared import echo_json, engine_of, laptop_actor, node_number, settings_of
from store.services import HELPER_ROLES, SERVICE_KINDS

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@click.group()
def services() -> None:
    """Volunteer services: care pods, checkups, repairs, classes, groups, workshops."""


_DESCRIBE = (
    click.option("--name", help="What residents see, e.g. 'Bike repair'."),
    click.option("--place", help="A coarse place (a zone or a community centre), never a door."),
    click.option("--capacity", type=click.IntRange(1, 10_000), help="Places per session."),
    click.option("--languages", help="en, es or en,es."),
    click.option("--bring", help="What to bring."),
    click.option("--day", help="First (or only) day, YYYY-MM-DD, local time."),
    click.option("--weekly", type=click.Choice(_DAYS), help="Runs every week on this day."),
    click.option("--until", help="Last day of a weekly service, YYYY-MM-DD."),
    click.option("--start", help="Local start time HH:MM."),
    click.option("--minutes", type=click.IntRange(5, 24 * 60), help="Length of each session."),
)


def describe_options(function):  # type: ignore[no-untyped-def]
    """The options that describe a service or an event (add and edit share them)."""
    for option in reversed(_DESCRIBE):
        function = option(function)
    return function


def description(kind: str | None, options: dict[str, object], *, pod: bool | None = None, one_off: bool = False):  # type: ignore[no-untyped-def]
    from meshbot.services.catalog import Description

    weekly = options.get("weekly")
    return Description(
        kind=kind, name=options.get("name"), place=options.get("place"),  # type: ignore[arg-type]
        capacity=options.get("capacity"), languages=options.get("languages"),  # type: ignore[arg-type]
        bring=options.get("bring"), day=options.get("day"), until=options.get("until"),  # type: ignore[arg-type]
        start=options.get("start"), minutes=options.get("minutes"),  # type: ignore[arg-type]
        weekday=_DAYS.index(str(weekly)) if weekly else None, pod=pod, one_off=one_off)


def run(ctx: click.Context, action):  # type: ignore[no-untyped-def]
    """Run `action(db, settings, now)` in one transaction; a ServiceError is one line."""
    from meshbot.services.catalog import ServiceError
    from store import session

    settings = settings_of(ctx)
    engine = engine_of(settings)
    try:
        with session(engine) as db, db.begin():
            return action(db, settings, time.time())
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc


@services.command("add")
@click.argument("kind", type=click.Choice(SERVICE_KINDS))
@describe_options
@click.option("--pod", is_flag=True, help="Households take turns hosting (a rotating care pod).")
@click.option("--once", is_flag=True, help="A one-off session on --day (default: weekly).")
@click.pass_context
def services_add(ctx: click.Context, kind: str, pod: bool, once: bool, **options: object) -> None:
    """Add a service of KIND; its sessions of the next two weeks are planned at once."""
    from meshbot.services import catalog
    from meshbot.services.schedule import zone

    def action(db, settings, now):  # type: ignore[no-untyped-def]
        service = catalog.add(db, description(kind, options, pod=pod, one_off=once), laptop_actor(), now,
                              zone(settings.timezone), settings.community)
        return service.id

    click.echo(f"Service {run(ctx, action)} added.")


@services.command("edit")
@click.argument("service_id", type=click.IntRange(1, MAX_ROW_ID))
@describe_options
@click.pass_context
def services_edit(ctx: click.Context, service_id: int, **options: object) -> None:
    """Change SERVICE_ID; sessions nobody signed up for move to the new day and hour."""
    from meshbot.services import catalog
    from meshbot.services.schedule import zone

    run(ctx, lambda db, settings, now: catalog.edit(db, service_id, description(None, options), laptop_actor(),
                                                     now, zone(settings.timezone)))
    click.echo(f"Service {service_id} changed.")


@services.command("cancel")
@click.argument("service_id", type=click.IntRange(1, MAX_ROW_ID))
@click.pass_context
def services_cancel(ctx: click.Context, service_id: int) -> None:
    """Stop SERVICE_ID: its coming sessions are cancelled and those signed up are told."""
    from meshbot.services.notices import tell_cancelled
    from meshbot.services.schedule import zone

    def action(db, settings, now):  # type: ignore[no-untyped-def]
        return tell_cancelled(db, service_id, laptop_actor(), now, zone(settings.timezone), settings.reply_want_ack)

    click.echo(f"Service {service_id} cancelled; {run(ctx, action)} residents told.")


@services.command("host")
@click.argument("service_id", type=click.IntRange(1, MAX_ROW_ID))
@click.argument("node")
@click.argument("role", type=click.Choice(HELPER_ROLES), default="host")
@click.option("--session", "session_id", type=click.IntRange(1, MAX_ROW_ID), help="Only for this session (s3: 3).")
@click.pass_context
def services_host(ctx: click.Context, service_id: int, node: str, role: str, session_id: int | None) -> None:
    """Add NODE, like !a1b2c3d4, as a host or volunteer of SERVICE_ID, with ROLE."""
    from meshbot.services import catalog

    number = node_number(node)
    run(ctx, lambda db, settings, now: catalog.add_helper(db, service_id, number, role, laptop_actor(), now,
                                                           session_id))
    click.echo(f"{node_id(number)} is {role} of service {service_id}.")


@services.command("list")
@click.option("--all", "everything", is_flag=True, help="Also cancelled services.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def services_list(ctx: click.Context, everything: bool, as_json: bool) -> None:
    """The services, with their schedule, capacity, place and languages."""
    from meshbot.services.views import service_rows

    rows = run(ctx, lambda db, settings, now: service_rows(db, SERVICE_KINDS, everything))
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No services yet.")
    for r in rows:
        click.echo(f"{r['id']:>3} {r['kind']:<11} {r['name']:<24} {r['schedule']:<26} {r['status']}")


@services.command("roster")
@click.argument("service_id", type=click.IntRange(1, MAX_ROW_ID))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def services_roster(ctx: click.Context, service_id: int, as_json: bool) -> None:
    """Each coming session of SERVICE_ID: host, volunteers, who booked, who waits, who came."""
    from meshbot.services.schedule import zone
    from meshbot.services.views import roster_rows

    rows = run(ctx, lambda db, settings, now: roster_rows(db, service_id, now, zone(settings.timezone)))
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No sessions planned.")
    for r in rows:
        click.echo(f"s{r['session']} {r['when']} {r['status']}: host {r['host'] or '-'}; "
                   f"helpers {', '.join(r['helpers']) or '-'}; booked {len(r['booked'])}"
                   f"{'/' + str(r['capacity']) if r['capacity'] else ''}; waiting {len(r['waiting'])}; "
                   f"came {len(r['attended'])}")
