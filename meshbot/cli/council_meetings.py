"""`meshbot council community|person|train|people|plan|meetings|next`: who sits on the
council, and its meetings with their rotating hosts and facilitators."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import click
from sqlmodel import Session

from hardware.link import node_id
from meshbot.cli.shared import board_of, echo_json, laptop_actor, node_number
from meshbot.cli.values import Moment, RowId
from meshbot.settings import Settings

T = TypeVar("T")


@contextmanager
def council_db(ctx: click.Context) -> Iterator[tuple[Settings, Session]]:
    """The board in one transaction; a `CouncilError` becomes one line on stderr."""
    from meshbot.council.people import CouncilError
    from store import session

    settings, engine = board_of(ctx)
    try:
        with session(engine) as db, db.begin():
            yield settings, db
    except CouncilError as exc:
        raise click.ClickException(str(exc)) from exc


def at_of(moment: datetime, settings: Settings) -> float:
    """A date or time as the committee typed it, in the board's time zone."""
    from meshbot.papers.periods import zone_of

    return (moment if moment.tzinfo else moment.replace(tzinfo=zone_of(settings.timezone))).timestamp()


def shown(ts: float, settings: Settings) -> str:
    from meshbot.papers.periods import local, zone_of

    return local(ts, zone_of(settings.timezone)).strftime("%Y-%m-%d %H:%M")


def run(ctx: click.Context, job: Callable[[Settings, Session, float], T]) -> T:
    with council_db(ctx) as (settings, db):
        return job(settings, db, time.time())


def show_rows(rows: list[dict[str, Any]], as_json: bool, empty: str, line: Callable[[dict[str, Any]], str]) -> None:
    """A listing: JSON, or one line per row (`empty` when there is none)."""
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(empty)
    for row in rows:
        click.echo(line(row))


@click.group("community")
def community() -> None:
    """The communities that send a rep to the council."""


@community.command("add")
@click.argument("name")
@click.option("--no-host", is_flag=True, help="Takes no turn hosting the meeting.")
@click.pass_context
def community_add(ctx: click.Context, name: str, no_host: bool) -> None:
    """Add a community (or change whether it hosts)."""
    from meshbot.council.people import add_community

    row = run(ctx, lambda s, db, now: add_community(db, name, now, hosts=not no_host).name)
    click.echo(f"community {row} added")


@click.command("person")
@click.argument("name")
@click.option("--community", "community_name", required=True, help="The community they belong to.")
@click.option("--node", default=None, help="Their radio, !a1b2c3d4: agenda items and votes from it count as theirs.")
@click.option("--rep", is_flag=True, help="The community's rep (the one before steps down).")
@click.option("--trained", is_flag=True, help="Trained in inclusive process: may facilitate.")
@click.pass_context
def person_add(ctx: click.Context, name: str, community_name: str, node: str | None, rep: bool, trained: bool) -> None:
    """Add someone the council knows: a rep, a committee member, a facilitator."""
    from meshbot.council.people import add_person

    node_num = node_number(node) if node else None
    pid = run(ctx, lambda s, db, now: add_person(db, name, community_name, now, node_num=node_num,
                                                  rep=rep, trained=trained).id)
    click.echo(f"#{pid} {name} ({community_name}){' rep' if rep else ''}{' trained' if trained else ''}")


@click.command("train")
@click.argument("person_id", type=RowId)
@click.option("--undo", is_flag=True, help="No longer marked trained.")
@click.pass_context
def train(ctx: click.Context, person_id: int, undo: bool) -> None:
    """Mark a person trained in inclusive process (so the rotation may propose them)."""
    from meshbot.council.people import mark_trained

    run(ctx, lambda s, db, now: mark_trained(db, person_id, now, not undo))
    click.echo(f"#{person_id} {'no longer ' if undo else ''}marked trained")


@click.command("people")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def people_list(ctx: click.Context, as_json: bool) -> None:
    """The communities and the people the council knows."""
    from meshbot.council.people import communities, people

    def view(s: Settings, db: Session, now: float) -> dict[str, object]:
        return {"communities": [{"name": c.name, "hosts": c.hosts} for c in communities(db)],
                "people": [{"id": p.id, "name": p.name, "community": p.community, "rep": p.rep, "trained": p.trained,
                            "node": node_id(p.node_num) if p.node_num else None} for p in people(db)]}

    found = run(ctx, view)
    if as_json:
        echo_json(found)
        return
    for c in found["communities"]:  # type: ignore[attr-defined]
        click.echo(f"community {c['name']}{'' if c['hosts'] else ' (does not host)'}")
    for p in found["people"]:  # type: ignore[attr-defined]
        marks = " ".join(m for m, on in (("rep", p["rep"]), ("trained", p["trained"])) if on)
        click.echo(f"#{p['id']:<4} {p['name']:<20} {p['community']:<12} {p['node'] or '-':<10} {marks}")


@click.command("plan")
@click.argument("when", type=Moment())
@click.option("--host", default=None, help="Host community (default: the rotation's turn).")
@click.option("--facilitator", type=RowId, default=None, help="Facilitator's # (default: the rotation's turn).")
@click.pass_context
def plan_meeting(ctx: click.Context, when: datetime, host: str | None, facilitator: int | None) -> None:
    """Plan the next meeting on the committee's date; host and facilitator rotate fairly."""
    from meshbot.council.meetings import plan

    def job(s: Settings, db: Session, now: float) -> str:
        m = plan(db, at_of(when, s), now, laptop_actor(), host=host, facilitator_id=facilitator)
        who = f"#{m.facilitator_id}" if m.facilitator_id else "nobody trained yet"
        return f"meeting {m.id} on {shown(m.at, s)}: host {m.host}, facilitator {who}"

    click.echo(run(ctx, job))


@click.command("meetings")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def meetings_list(ctx: click.Context, as_json: bool) -> None:
    """Every meeting, oldest first: the rotation's history."""
    from meshbot.council.meetings import history

    def view(s: Settings, db: Session, now: float) -> list[dict[str, Any]]:
        return [{"id": m.id, "at": shown(m.at, s), "host": m.host, "facilitator": m.facilitator_id,
                 "state": m.state} for m in history(db)]

    show_rows(run(ctx, view), as_json, "No meetings yet.",
              lambda m: f"{m['id']:<4} {m['at']}  {m['state']:<9} host {m['host']:<12} facilitator #{m['facilitator']}")


@click.command("next")
@click.pass_context
def next_turn(ctx: click.Context) -> None:
    """Who the rotation proposes to host and facilitate the next meeting."""
    from meshbot.council.meetings import proposed_turn

    turn = run(ctx, lambda s, db, now: proposed_turn(db))
    click.echo(f"host {turn.host or '-'}, facilitator #{turn.facilitator_id or '-'}")


COMMANDS = (community, person_add, train, people_list, plan_meeting, meetings_list, next_turn)
