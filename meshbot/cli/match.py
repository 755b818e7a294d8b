"""`meshbot match ...` (the committee's hand on matches) and `meshbot stats`.

Thin: read the options and the clock, call `meshbot.board.claims` / `meshbot.board.matcher` in one
transaction, print the result. DMs the commands cause are queued in the outbox; the
running daemon sends them.
"""

from __future__ import annotations

import time
from typing import Any

import click
from sqlmodel import Session, select

from meshbot.cli.shared import board_of, echo_json, laptop_actor, match_number
from meshbot.cli.values import FiniteFloat
from meshbot.settings import Settings


def _queue(db: Session, notices: list[Any], now: float, settings: Settings) -> None:
    from meshbot.delivery.outbox import enqueue

    for notice in notices:
        enqueue(db, notice, now, settings.reply_want_ack)


def _audit(db: Session, action: str, now: float, subject: str, detail: str = "") -> None:
    """The committee's hand on matches goes in the audit log, like its other actions."""
    from meshbot.security import audit

    audit.record(db, laptop_actor(), action, now, subject=subject, detail=detail)


def _zone(text: str) -> str:
    zone = text.strip().lstrip("@").casefold()
    if not zone or " " in zone:
        raise click.BadParameter(f"a zone is one word, like elm, not {text!r}")
    return zone


@click.group("match")
def match_group() -> None:
    """The committee's hand on matches: approve, reject or make them; zones; the whole-board pass."""


def _act(ctx: click.Context, action: str, ref: str) -> None:
    from meshbot.board import desk
    from store import session

    settings, engine = board_of(ctx)
    now = time.time()
    with session(engine) as db, db.begin():
        try:
            act = desk.approve if action == "approve" else desk.reject
            code, queued = act(db, settings, match_number(ref), laptop_actor(), now)
        except desk.ClaimError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"{code} {'approved' if action == 'approve' else 'rejected'}; {queued} DM(s) queued")


@match_group.command("approve")
@click.argument("match")
@click.pass_context
def approve(ctx: click.Context, match: str) -> None:
    """Send a held match to both sides (or, if already sent, confirm it: it will not lapse)."""
    _act(ctx, "approve", match)


@match_group.command("reject")
@click.argument("match")
@click.pass_context
def reject(ctx: click.Context, match: str) -> None:
    """Cancel a live match; both postings go on to the next in line (never back to each other)."""
    _act(ctx, "reject", match)


@match_group.command("make")
@click.argument("offer")
@click.argument("need")
@click.option("--quantity", type=FiniteFloat(min=0, min_open=True, max=1e9),
              help="How much of the offer, in its unit (default: what the need asks, as far as it goes).")
@click.pass_context
def make(ctx: click.Context, offer: str, need: str, quantity: float | None) -> None:
    """Pair OFFER (o12) with NEED (n7) by hand; both sides get the DM with the claim code."""
    from meshbot.board import desk
    from store import session

    settings, engine = board_of(ctx)
    now = time.time()
    with session(engine) as db, db.begin():
        try:
            code, queued = desk.make(db, settings, offer, need, quantity, laptop_actor(), now)
        except desk.ClaimError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"{code} made; {queued} DM(s) queued")


@match_group.command("run")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def run_pass(ctx: click.Context, as_json: bool) -> None:
    """Run the whole-board pass now (the daemon runs it every `rematch_minutes`)."""
    from meshbot.board import claims
    from meshbot.board.board_pass import proposals_of, rematch_board
    from meshbot.ops.progress import progress
    from store import session

    settings, engine = board_of(ctx)
    now = time.time()
    started = time.perf_counter()
    with progress("matching the whole board", enabled=False if as_json else None), \
            session(engine) as db, db.begin():
        proposals = rematch_board(db, now, settings)
        notices = claims.announce(db, proposals_of(db, proposals), settings, claims.db_lang_of(db))[1]
        _queue(db, notices, now, settings)
    result = {"matches": len(proposals), "dms": len(notices), "seconds": round(time.perf_counter() - started, 3)}
    if as_json:
        echo_json(result)
    else:
        click.echo(f"{result['matches']} new match(es), {result['dms']} DM(s) queued, in {result['seconds']} s")


@match_group.command("reindex")
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Rebuild the matcher's index from the board (after a restore, an upgrade or a rekey)."""
    from meshbot.board.matcher import rebuild_index
    from store import session

    settings, engine = board_of(ctx)
    with session(engine) as db, db.begin():
        count = rebuild_index(db, time.time(), settings)
    click.echo(f"{count} open posting(s) indexed")


@match_group.command("zones")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: zone -> neighbours.")
@click.pass_context
def zones(ctx: click.Context, as_json: bool) -> None:
    """The zone map: which zones are neighbours (matches prefer them after the same zone)."""
    from meshbot.board.matching.policy import neighbour_map
    from store import session
    from store.models import ZoneLink

    _, engine = board_of(ctx)
    with session(engine) as db:
        links = [(link.zone, link.neighbour) for link in db.exec(select(ZoneLink)).all()]
    near = {zone: sorted(n) for zone, n in sorted(neighbour_map(links).items())}
    if as_json:
        echo_json(near)
        return
    if not near:
        click.echo("No neighbouring zones yet: meshbot match link ZONE NEIGHBOUR")
    for zone, neighbours in near.items():
        click.echo(f"{zone}: {', '.join(neighbours)}")


@match_group.command("link")
@click.argument("zone")
@click.argument("neighbour")
@click.pass_context
def link(ctx: click.Context, zone: str, neighbour: str) -> None:
    """Make ZONE and NEIGHBOUR neighbours (both ways)."""
    from store import session
    from store.models import ZoneLink

    a, b = sorted((_zone(zone), _zone(neighbour)))
    if a == b:
        raise click.BadParameter("a zone is not its own neighbour")
    _, engine = board_of(ctx)
    with session(engine) as db, db.begin():
        if db.get(ZoneLink, (a, b)) is None:
            db.add(ZoneLink(zone=a, neighbour=b))
            _audit(db, "zone.link", time.time(), f"{a} {b}")
    click.echo(f"{a} <-> {b}")


@match_group.command("unlink")
@click.argument("zone")
@click.argument("neighbour")
@click.pass_context
def unlink(ctx: click.Context, zone: str, neighbour: str) -> None:
    """ZONE and NEIGHBOUR are no longer neighbours."""
    from store import session
    from store.models import ZoneLink

    a, b = sorted((_zone(zone), _zone(neighbour)))
    _, engine = board_of(ctx)
    with session(engine) as db, db.begin():
        row = db.get(ZoneLink, (a, b))
        if row is None:
            raise click.ClickException(f"{a} and {b} are not neighbours")
        db.delete(row)
        _audit(db, "zone.unlink", time.time(), f"{a} {b}")
    click.echo(f"{a} </> {b}")


def _hours(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 3600:.1f} h"


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--days", type=FiniteFloat(min=0, min_open=True, max=36500), help="Only postings of the last DAYS days (default: all).")
@click.option("--community", help="Only this community (default: every community on this station).")
@click.pass_context
def stats(ctx: click.Context, as_json: bool, days: float | None, community: str | None) -> None:
    """How matching is doing: fill rate, time to match, open needs, offers nobody needed."""
    from meshbot.board.match_stats import match_stats
    from store import session

    _, engine = board_of(ctx)
    with session(engine) as db:
        figures = match_stats(db, time.time(), days, community)
    if as_json:
        echo_json(figures.as_dict())
        return
    rate = "-" if figures.fill_rate is None else f"{figures.fill_rate:.0%}"
    click.echo(f"needs posted {figures.needs_posted}, filled {figures.needs_filled} (fill rate {rate}); "
               f"median time to match {_hours(figures.median_time_to_match_s)}")
    click.echo(f"open needs {figures.open_needs}: by category " + _counts(figures.open_needs_by_category)
               + "; by zone " + _counts(figures.open_needs_by_zone))
    click.echo(f"offers posted {figures.offers_posted}, nobody needed {figures.offers_unneeded}: "
               + _counts(figures.offers_unneeded_by_category))
    click.echo("matches: " + _counts(figures.matches_by_state))


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"
