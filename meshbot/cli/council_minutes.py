"""`meshbot council agenda|minute|action|actions`: the agenda from the laptop and its paper,
the minutes (a warning goes out as an alert), and action items tracked open, done or late."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from sqlmodel import Session

from meshbot.cli.council_meetings import at_of, run, show_rows, shown
from meshbot.cli.shared import laptop_actor
from meshbot.cli.values import Moment, Month, OutFile, RowId
from meshbot.settings import Settings
from protocol.commands import HEADINGS


@click.group("agenda")
def agenda() -> None:
    """The next meeting's agenda: add items, print or save its paper."""


@agenda.command("add")
@click.argument("text")
@click.option("--heading", type=click.Choice(HEADINGS), default="other", show_default=True)
@click.option("--by", "by_name", default="committee", show_default=True, help="Who brings it.")
@click.option("--community", default=None, help="The community it comes from.")
@click.pass_context
def agenda_add(ctx: click.Context, text: str, heading: str, by_name: str, community: str | None) -> None:
    """Add an item to the next meeting (or keep it for the next one planned)."""
    from meshbot.council.agenda import add_item

    item = run(ctx, lambda s, db, now: add_item(db, text, heading, now, author=by_name, community=community))
    click.echo(f"agenda #{item.id} ({heading}) {'on meeting ' + str(item.meeting_id) if item.meeting_id else 'kept for the next meeting'}")


@agenda.command("show")
@click.argument("meeting_id", type=RowId, required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "mesh"]), default="text", show_default=True)
@click.option("-o", "--output", type=OutFile(), default=None, help="Write to this file.")
@click.pass_context
def agenda_show(ctx: click.Context, meeting_id: int | None, fmt: str, output: Path | None) -> None:
    """A meeting's agenda (default: the next one) as text, Markdown, HTML, or the mesh packets."""
    from meshbot.council.agenda import mesh_agenda, paper
    from meshbot.council.meetings import meeting, next_meeting
    from meshbot.council.notices import when_text
    from meshbot.council.people import CouncilError
    from meshbot.papers.sections import to_html, to_markdown

    def job(s: Settings, db: Session, now: float) -> str:
        found = meeting(db, meeting_id) if meeting_id else next_meeting(db, now)
        if found is None:
            raise CouncilError("no meeting planned (meshbot council plan DATE)")
        if fmt == "mesh":
            return "\n".join(mesh_agenda(db, found, when_text(found.at, s)))
        doc = paper(db, found, shown(found.at, s))
        return to_html(doc) if fmt == "html" else to_markdown(doc)

    text = run(ctx, job)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        click.echo(f"agenda written to {output}")
    else:
        click.echo(text.rstrip())


@click.command("minute")
@click.argument("meeting_id", type=RowId)
@click.argument("kind", type=click.Choice(["decision", "issue", "warning"]))
@click.argument("text")
@click.option("--community", default=None, help="The community it concerns (its rep reports it back).")
@click.option("--by", "by_id", type=RowId, default=None, help="A warning: whose radio it goes out from (#).")
@click.pass_context
def minute(ctx: click.Context, meeting_id: int, kind: str, text: str, community: str | None, by_id: int | None) -> None:
    """Record a decision, an issue raised, or a warning (sent as an alert, confirmed like any other)."""
    from meshbot.board.claims import queue_notices
    from meshbot.council.minutes import record

    def job(s: Settings, db: Session, now: float) -> str:
        done = record(db, meeting_id, kind, text, now, s, laptop_actor(), community=community, by_id=by_id)
        queue_notices(db, done.notices, now, s)
        alert = f"; alert a{done.entry.alert_id} raised" if done.entry.alert_id else ""
        return f"minute {done.entry.id} ({kind}) recorded{alert}"

    click.echo(run(ctx, job))


@click.group("action")
def action() -> None:
    """Action items from the minutes: an owner, a due date, a reminder over the mesh."""


@action.command("add")
@click.argument("meeting_id", type=RowId)
@click.argument("text")
@click.option("--owner", type=RowId, default=None, help="The person (#) who does it.")
@click.option("--due", type=Moment(), required=True, help="By when.")
@click.pass_context
def action_add(ctx: click.Context, meeting_id: int, text: str, owner: int | None, due: datetime) -> None:
    from meshbot.council.minutes import add_action

    made = run(ctx, lambda s, db, now: add_action(db, meeting_id, text, owner, at_of(due, s), now, laptop_actor()))
    click.echo(f"action c{made.id} added")


@action.command("done")
@click.argument("action_id", type=RowId)
@click.pass_context
def action_done(ctx: click.Context, action_id: int) -> None:
    from meshbot.council.minutes import finish_action

    run(ctx, lambda s, db, now: finish_action(db, action_id, now, laptop_actor()))
    click.echo(f"action c{action_id} done")


@click.command("actions")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def actions_list(ctx: click.Context, as_json: bool) -> None:
    """Every action item: open, done or late."""
    from meshbot.council.minutes import actions, status

    rows = run(ctx, lambda s, db, now: [{"id": f"c{a.id}", "meeting": a.meeting_id, "owner": a.owner_id,
                                         "due": shown(a.due, s), "state": status(a, now), "text": a.text}
                                        for a in actions(db)])
    show_rows(rows, as_json, "No action items.",
              lambda a: f"{a['id']:<5} {a['state']:<5} due {a['due']}  owner #{a['owner']}  {a['text']}")



@click.command("pack")
@click.argument("community")
@click.option("--month", type=Month(), default=None, help="YYYY-MM (default: this month).")
@click.option("--to", "target", required=True, type=OutFile(), help="Pack file to write.")
@click.option("--for", "recipient", metavar="BUNDLE_KEY", help="Seal it to this key: only its holder opens it.")
@click.pass_context
def pack(ctx: click.Context, community: str, month: str | None, target: Path, recipient: str | None) -> None:
    """The month's council pack for one community, signed by this station."""
    from meshbot.council.pack import build_pack
    from meshbot.papers.periods import month_of, month_window, zone_of
    from meshbot.security.bundles import BundleError, recipient_key, write

    def job(s: Settings, db: Session, now: float) -> bytes:
        tz = zone_of(s.timezone)
        try:
            return build_pack(db, community.strip().lower(), month_window(month or month_of(now, tz), tz), now,
                              recipient_key(recipient) if recipient else None)
        except BundleError as exc:
            raise click.ClickException(str(exc)) from exc

    write(target, run(ctx, job))
    click.echo(f"council pack for {community} -> {target}; signed by this station"
               + ("" if recipient else " (not sealed: anyone who reads the file reads it)"))


COMMANDS = (agenda, minute, action, actions_list, pack)
