"""`meshbot digest`, `report` (+ `note`, `story`), `map` and `figures`: the committee's paperwork.

Thin: read the options, read the clock once, call the application, write the result.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from meshbot.cli.shared import board_of, match_number
from meshbot.cli.values import Moment, Month, OutFile, SafePath
from meshbot.papers.periods import PERIOD_DAYS, PeriodError, local, month_of, month_window, rolling, zone_of
from meshbot.settings import Settings
from store.files import owner_only

COMMUNITY_HELP = "Only this community (default: every community on this station)."


def _now(at: datetime | None, settings: Settings) -> float:
    """The clock, read once here; `--at` replays the past (a naive time is local)."""
    if at is None:
        return time.time()
    moment = at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone_of(settings.timezone)) if settings.timezone else moment.astimezone()
    return moment.timestamp()


def _made(now: float, settings: Settings) -> str:
    return f"made {local(now, zone_of(settings.timezone)):%d %b %Y %H:%M} by meshbot"


def _month(month: str | None, now: float, settings: Settings):  # type: ignore[no-untyped-def]
    tz = zone_of(settings.timezone)
    month = month or month_of(now, tz)
    try:
        return month, month_window(month, tz)
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--month") from exc


def _write(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    with open(out, "w", encoding="utf-8", opener=owner_only) as f:
        f.write(text)
    click.echo(f"wrote {out}", err=True)


def _show(doc: Any, fmt: str, out: Path | None, made: str, data: dict[str, Any]) -> None:
    """Text for the terminal (rich), Markdown, one HTML page, or JSON."""
    import json

    from meshbot.papers.sections import print_rich, to_html, to_markdown

    if fmt == "text":
        if out is None:
            print_rich(doc, Console())
        else:
            with open(out, "w", encoding="utf-8", opener=owner_only) as f:
                print_rich(doc, Console(file=f, width=100, color_system=None))
            click.echo(f"wrote {out}", err=True)
    elif fmt == "md":
        _write(to_markdown(doc), out)
    elif fmt == "html":
        _write(to_html(doc, made), out)
    else:
        _write(json.dumps(data, ensure_ascii=False, indent=2) + "\n", out)


_OUT = click.option("--out", type=OutFile(), help="Write to FILE instead of the terminal.")
_COMMUNITY = click.option("--community", help=COMMUNITY_HELP)
_AT = click.option("--at", type=Moment(), help="See the board as at this time (ISO 8601; default: now).")


@click.command()
@click.option("--period", type=click.Choice(list(PERIOD_DAYS)), default="day", show_default=True,
              help="The last day, 7 days or 30 days.")
@_COMMUNITY
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html", "json", "mesh"]), default="text",
              show_default=True, help="mesh: the one- or two-packet text the committee gets by DM.")
@_OUT
@_AT
@click.pass_context
def digest(ctx: click.Context, period: str, community: str | None, fmt: str, out: Path | None, at: datetime | None) -> None:
    """What is unmet, untaken, matched, trending, alerted, and who carries the load."""
    from meshbot.papers.digest import build_digest
    from meshbot.papers.digest_render import digest_document
    from meshbot.papers.mesh_digest import mesh_digest
    from store import session

    settings, engine = board_of(ctx)
    now = _now(at, settings)
    from meshbot.papers.sections import Document
    from meshbot.services.overload import services_sections
    from meshbot.services.schedule import zone

    with session(engine) as db:
        result = build_digest(db, rolling(period, now), now, community=community, period=period)
        extra = services_sections(db, now, zone(settings.timezone), settings.volunteer_hours_month)
    if fmt == "mesh":
        _write("\n".join(mesh_digest(result, settings.timezone)) + "\n", out)
        return
    doc = digest_document(result, settings.timezone)
    _show(Document(doc.title, doc.subtitle, doc.sections + extra), fmt, out, _made(now, settings), result.to_dict())


@click.group(invoke_without_command=True)
@click.option("--month", type=Month(), help="YYYY-MM (default: this month).")
@_COMMUNITY
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json", "text"]), default="md", show_default=True)
@_OUT
@click.pass_context
def report(ctx: click.Context, month: str | None, community: str | None, fmt: str, out: Path | None) -> None:
    """The monthly rep report for the council: five sections, printable.

    Add issues with `report note`, success stories with `report story`.
    """
    if ctx.invoked_subcommand is not None:
        return
    from dataclasses import replace

    from meshbot.council.report_back import council_sections
    from meshbot.papers.report_render import report_document
    from meshbot.papers.reports import build_report
    from store import session

    settings, engine = board_of(ctx)
    now = time.time()
    month, window = _month(month, now, settings)
    with session(engine) as db:
        result = build_report(db, window, month, now, community=community)
        council = council_sections(db, window, settings.treasury_unit, community)
    document = report_document(result, settings.timezone)
    _show(replace(document, sections=document.sections + council), fmt, out, _made(now, settings), result.to_dict())


@report.command()
@click.argument("text")
@click.option("--month", type=Month(), help="YYYY-MM the note is for (default: this month).")
@_COMMUNITY
@click.pass_context
def note(ctx: click.Context, text: str, month: str | None, community: str | None) -> None:
    """Add an issue to raise at council to the month's report."""
    from meshbot.papers.reports import ReportError, add_note
    from store import session

    settings, engine = board_of(ctx)
    now = time.time()
    month, _window = _month(month, now, settings)
    try:
        with session(engine) as db, db.begin():
            row = add_note(db, month, text, now, community=community)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"note {row.id} added to the {month} report")


@report.command()
@click.argument("match_ref")
@click.argument("text")
@click.pass_context
def story(ctx: click.Context, match_ref: str, text: str) -> None:
    """Mark completed match MATCH_REF (m5, as `meshbot matches` shows it) as a success story, in TEXT."""
    from meshbot.papers.reports import ReportError, mark_story
    from store import session

    match_id = match_number(match_ref)
    settings, engine = board_of(ctx)
    try:
        with session(engine) as db, db.begin():
            mark_story(db, match_id, text, time.time())
    except ReportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"m{match_id} marked as a success story")


@click.command("map")
@click.option("--month", type=Month(), help="YYYY-MM (default: this month).")
@_COMMUNITY
@click.option("--format", "fmt", type=click.Choice(["png", "svg", "html"]), default="png", show_default=True)
@click.option("--out", type=OutFile(),
              help="File to write (default: needs-map-YYYY-MM.FORMAT here).")
@click.pass_context
def needs_map(ctx: click.Context, month: str | None, community: str | None, fmt: str, out: Path | None) -> None:
    """The printable chart of each community's strengths and needs for a month."""
    from meshbot.papers.needs_map import build_map, render, to_html
    from store import session

    settings, engine = board_of(ctx)
    now = time.time()
    month, window = _month(month, now, settings)
    with session(engine) as db:
        result = build_map(db, window, now, community=community)
    made = _made(now, settings)
    out = out or Path(f"needs-map-{month}.{fmt}")
    data = to_html(result, made).encode("utf-8") if fmt == "html" else render(result, fmt, made)
    with open(out, "wb", opener=owner_only) as f:
        f.write(data)
    click.echo(str(out))


@click.command()
@click.option("--period", type=click.Choice(list(PERIOD_DAYS)), help="The last day, 7 days or 30 days.")
@click.option("--month", type=Month(), help="A calendar month, YYYY-MM (adds the report's tables).")
@_COMMUNITY
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--out", type=SafePath(path_type=Path),
              help="csv: a folder for one file per table (required); json: a file (default: the terminal).")
@_AT
@click.pass_context
def figures(ctx: click.Context, period: str | None, month: str | None, community: str | None, fmt: str,
            out: Path | None, at: datetime | None) -> None:
    """Export the digest's (and report's, and map's) figures as CSV files or JSON."""
    from meshbot.papers.digest import build_digest
    from meshbot.papers.figures_export import digest_tables, map_tables, report_tables, to_json, write_csv
    from meshbot.papers.needs_map import build_map
    from meshbot.papers.reports import build_report
    from store import session

    if period and month:
        raise click.UsageError("give --period or --month, not both")
    if fmt == "csv" and out is None:
        raise click.UsageError("csv writes one file per table: give --out FOLDER")
    if fmt == "csv" and out is not None and out.exists() and not out.is_dir():
        raise click.BadParameter(f"{out} is a file; csv writes one file per table into a folder", param_hint="--out")
    if fmt == "json" and out is not None and (out.is_dir() or not out.parent.is_dir()):
        raise click.BadParameter(f"{out} is a folder, or its folder does not exist; json is one file",
                                 param_hint="--out")
    settings, engine = board_of(ctx)
    now = _now(at, settings)
    tz = settings.timezone
    with session(engine) as db:
        if month:
            month, window = _month(month, now, settings)
            result = build_report(db, window, month, now, community=community)
            tables = {**digest_tables(result.digest, tz), **report_tables(result, tz)}
        else:
            window = rolling(period or "day", now)
            tables = digest_tables(build_digest(db, window, now, community=community, period=period or "day"), tz)
        tables.update(map_tables(build_map(db, window, now, community=community)))
    if fmt == "json":
        _write(to_json(tables) + "\n", out)
        return
    assert out is not None
    for path in write_csv(tables, out):
        click.echo(str(path))

