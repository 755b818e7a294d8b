"""`meshbot events add|list|roster|cancel|ics`: barter sessions, market days, the monthly
resource day, trainings, gardening days and meetings. The same rows and options as
services (an event is a service of an event kind); residents see them with EVENTS."""

from __future__ import annotations

from pathlib import Path

import click

from meshbot.cli.shared import laptop_actor
from meshbot.cli.services import describe_options, description, run, services_cancel, services_roster
from meshbot.cli.values import OutFile
from store.services import EVENT_KINDS


@click.group()
def events() -> None:
    """Scheduled trades and gatherings: barter, market day, resource day, training, gardening, meeting."""


@events.command("add")
@click.argument("kind", type=click.Choice(EVENT_KINDS))
@describe_options
@click.option("--weekly-event", "weekly_event", is_flag=True, help="Repeats every week (default: once on --day).")
@click.pass_context
def events_add(ctx: click.Context, kind: str, weekly_event: bool, **options: object) -> None:
    """Add an event of KIND on --day (once, unless --weekly-event or --weekly)."""
    from meshbot.services import catalog
    from meshbot.services.schedule import zone

    once = not weekly_event and not options.get("weekly")

    def action(db, settings, now):  # type: ignore[no-untyped-def]
        return catalog.add(db, description(kind, options, one_off=once), laptop_actor(), now, zone(settings.timezone),
                           settings.community).id

    click.echo(f"Event {run(ctx, action)} added.")


@events.command("list")
@click.option("--all", "everything", is_flag=True, help="Also cancelled events.")
@click.pass_context
def events_list(ctx: click.Context, everything: bool) -> None:
    """The events, with their schedule and place."""
    from meshbot.services.views import service_rows

    rows = run(ctx, lambda db, settings, now: service_rows(db, EVENT_KINDS, everything))
    if not rows:
        click.echo("No events yet.")
    for r in rows:
        click.echo(f"{r['id']:>3} {r['kind']:<12} {r['name']:<24} {r['schedule']:<26} {r['status']}")


@events.command("ics")
@click.option("--out", type=OutFile(), required=True, help="Where to write the .ics file.")
@click.option("--days", type=click.IntRange(1, 366), default=60, show_default=True, help="How far ahead.")
@click.option("--with-services", is_flag=True, help="Also the volunteer services' sessions.")
@click.pass_context
def events_ics(ctx: click.Context, out: Path, days: int, with_services: bool) -> None:
    """Write the coming events as an iCalendar file (for phones and calendars)."""
    from meshbot.services.ics import calendar
    from meshbot.services.pods import plan
    from meshbot.services.schedule import zone
    from store.services import SERVICE_KINDS

    kinds = EVENT_KINDS + (SERVICE_KINDS if with_services else ())

    def action(db, settings, now):  # type: ignore[no-untyped-def]
        plan(db, now, zone(settings.timezone))
        return calendar(db, now, days, kinds, settings.community)

    data = run(ctx, action)
    out.write_bytes(data)
    click.echo(f"Wrote {out} ({data.count(b'BEGIN:VEVENT')} events).")


events.add_command(services_roster, "roster")
events.add_command(services_cancel, "cancel")
