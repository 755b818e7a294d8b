"""`meshbot alert ...` and `meshbot emergency ...`: the committee's side of alerts and crises.

Thin: read the options, read the clock once, call `meshbot.alerts.policy` / `meshbot.alerts.emergency`,
write the result. Texts to send are queued in the outbox; the running daemon sends them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click
from sqlmodel import col, select

from meshbot.cli.shared import board_of, laptop_actor, match_number
from meshbot.cli.values import FiniteFloat, OutFile, SafePath, Seed, row_number


def _when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else "-"


@click.group()
def alert() -> None:
    """Alerts: list them, see who answered, confirm a resident's alert."""


@alert.command("list")
@click.option("--all", "show_all", is_flag=True, help="Also ended alerts (default: pending and active).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def alert_list(ctx: click.Context, show_all: bool, as_json: bool) -> None:
    """Alerts, newest first: id, status, verified, category, headline."""
    from store import Alert, session

    _, engine = board_of(ctx)
    with session(engine) as db:
        query = select(Alert).order_by(col(Alert.id).desc())
        if not show_all:
            query = query.where(col(Alert.status).in_(("pending", "active")))
        rows = [_alert_row(a) for a in db.exec(query).all()]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        click.echo("No alerts." if show_all else "No pending or active alerts.")
    for r in rows:
        mark = "verified" if r["verified"] else "unverified"
        click.echo(f"{r['id']:<6} {r['status']:<9} {mark:<10} {r['category']:<10} {r['created']}  "
                   f"{r['headline'] or r['text']}")


def _alert_row(a: Any) -> dict[str, Any]:
    return {
        "id": f"a{a.id}", "status": a.status, "cap_status": a.cap_status, "msg_type": a.msg_type,
        "category": a.category, "urgency": a.urgency, "severity": a.severity, "verified": a.verified,
        "zone": a.zone, "text": a.text, "headline": a.headline, "created": _when(a.created),
        "sent": _when(a.sent), "expires": _when(a.expires), "repeats_done": a.repeats_done,
        "on_channel": a.on_channel,
    }


@alert.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def alert_show(ctx: click.Context, ref: str, as_json: bool) -> None:
    """One alert: its CAP fields, its messages, and who is safe, helping, or not heard from."""
    from meshbot.alerts import policy as alerts
    from meshbot.alerts.roll import names, roll_call
    from store import session
    from store.models import AlertMessage

    _, engine = board_of(ctx)
    with session(engine) as db:
        found = alerts.find(db, _ref(ref))
        if found is None:
            raise click.ClickException(f"no alert {ref}; `meshbot alert list --all` lists them")
        row = _alert_row(found)
        row["messages"] = [
            {"identifier": m.identifier, "type": m.msg_type, "references": m.references, "sent": _when(m.sent),
             "text": m.text}
            for m in db.exec(select(AlertMessage).where(AlertMessage.alert_id == found.id)
                             .order_by(col(AlertMessage.id))).all()
        ]
        roll = roll_call(db, found)
        row["responses"] = {kind: names(db, getattr(roll, attr)) for kind, attr in (
            ("safe", "safe"), ("helping", "helping"), ("ok", "ok"), ("delivered", "radio_only"),
            ("not_heard", "not_heard"))}
    if as_json:
        click.echo(json.dumps(row, ensure_ascii=False))
        return
    click.echo(f"{row['id']} {row['status']} ({'verified' if row['verified'] else 'unverified'}, "
               f"{row['cap_status']}) {row['category']}/{row['urgency']}/{row['severity']} @{row['zone'] or '-'}")
    click.echo(f"  {row['headline'] or row['text']}")
    click.echo(f"  raised {row['created']}, on air {row['sent']}, expires {row['expires']}, "
               f"repeats sent {row['repeats_done']}")
    for m in row["messages"]:
        click.echo(f"  {m['identifier']:<6} {m['type']:<7} {m['sent']}  {m['text']}")
    for kind, label in (("safe", "Safe"), ("helping", "Helping"), ("ok", "Acknowledged"),
                        ("delivered", "Radio got it"), ("not_heard", "Not heard from")):
        names = row["responses"][kind]
        click.echo(f"{label} ({len(names)}): {', '.join(names) or '-'}")


def _ref(text: str) -> str:
    """`a5`, `5` or `#5` as `a5`; anything else is refused here, in one line."""
    number = row_number(text.strip().lower().lstrip("#").removeprefix("a"))
    if number is None:
        raise click.BadParameter(f"an alert is a5 or 5, not {text!r}")
    return f"a{number}"


@alert.command("confirm")
@click.argument("ref")
@click.pass_context
def alert_confirm(ctx: click.Context, ref: str) -> None:
    """Vouch for a resident's pending alert: it goes on air, verified, when the daemon next sends."""
    _alert_desk(ctx, "confirm", ref)
    click.echo(f"{_ref(ref)} confirmed: queued for broadcast, verified.")


@alert.command("cancel")
@click.argument("ref")
@click.pass_context
def alert_cancel(ctx: click.Context, ref: str) -> None:
    """End a pending or active alert: if it was on air, everyone hears it is over."""
    queued = _alert_desk(ctx, "cancel", ref)
    click.echo(f"{_ref(ref)} cancelled; {queued} text(s) queued.")


def _alert_desk(ctx: click.Context, action: str, ref: str) -> int:
    from meshbot.alerts import desk
    from store import session

    settings, engine = board_of(ctx)
    now = time.time()
    with session(engine) as db, db.begin():
        try:
            act = desk.confirm if action == "confirm" else desk.cancel
            return act(db, settings, _ref(ref), laptop_actor(), now)
        except desk.AlertDeskError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group()
def emergency() -> None:
    """Emergency mode: the 12-hour redistribution protocol."""


@emergency.command("start")
@click.option("--reason", required=True, help="What happened, in a few words (it is broadcast).")
@click.pass_context
def emergency_start(ctx: click.Context, reason: str) -> None:
    """Start emergency mode: everyone is told, the first plan is made and each person gets their part."""
    from meshbot.alerts import emergency as mode
    from meshbot.delivery.outbox import enqueue
    from store import session

    settings, engine = board_of(ctx)
    now = time.time()
    with session(engine) as db, db.begin():
        try:
            row, notices = mode.start(db, settings, now, reason, None, settings.community)
        except mode.EmergencyError as exc:
            raise click.ClickException(f"{exc}; `meshbot emergency status` shows it") from exc
        for message in notices:
            enqueue(db, message, now, settings.reply_want_ack)
        steps = len(mode.live_steps(db, row))
    click.echo(f"Emergency mode on until {_when(row.deadline)}: {len(notices)} text(s) queued, "
               f"{steps} move(s) planned.")


@emergency.command("status")
@click.option("--html", "html_out", type=OutFile(),
              help="Also write the board as an HTML page that reloads itself every minute.")
@click.option("--watch", is_flag=True, help="Keep rewriting the board every minute until Ctrl-C.")
@click.pass_context
def emergency_status(ctx: click.Context, html_out: Path | None, watch: bool) -> None:
    """The status board: hours left, critical needs, pledged and delivered, SAFE, volunteers."""
    from meshbot.alerts.emergency_board import REFRESH_S, latest, render_html, render_text, snapshot
    from store import session

    settings, engine = board_of(ctx)
    while True:
        with session(engine) as db, db.begin():
            row = latest(db, settings.community)
            if row is None:
                raise click.ClickException("emergency mode was never started here")
            board = snapshot(db, row, time.time(), settings)
        click.echo(render_text(board))
        if html_out is not None:
            html_out.write_text(render_html(board), encoding="utf-8")
            click.echo(f"wrote {html_out}", err=True)
        if not watch:
            return
        time.sleep(REFRESH_S)


@emergency.command("accept")
@click.argument("move")
@click.pass_context
def emergency_accept(ctx: click.Context, move: str) -> None:
    """Mark plan move MOVE (m5) accepted on its receiver's behalf (they said yes by voice, or
    have no radio). Recorded as the committee's yes, with your login; giver and carrier are told."""
    from meshbot.security import audit
    from meshbot.alerts import emergency_consent
    from meshbot.delivery.outbox import enqueue
    from store import Match, session

    settings, engine = board_of(ctx)
    now = time.time()
    member = laptop_actor()
    match_id = match_number(move)
    with session(engine) as db, db.begin():
        try:
            notices = emergency_consent.committee_accepts(db, settings, db.get(Match, match_id), member, now)
        except emergency_consent.ConsentError as exc:
            raise click.ClickException(str(exc)) from exc
        for message in notices:
            enqueue(db, message, now, settings.reply_want_ack)
        audit.record(db, member, "emergency.accept", now, subject=f"m{match_id}", detail="for the receiver")
    click.echo(f"m{match_id} accepted for its receiver by {member}; {len(notices)} DM(s) queued")


@emergency.command("end")
@click.option("--report", "report_out", type=OutFile(),
              help="Write the report here (default: print it).")
@click.pass_context
def emergency_end(ctx: click.Context, report_out: Path | None) -> None:
    """End emergency mode: everyone is told, held digests go, and the report is written."""
    from meshbot.alerts import emergency as mode
    from meshbot.alerts import emergency_end
    from meshbot.delivery.outbox import enqueue
    from store import session

    settings, engine = board_of(ctx)
    now = time.time()
    with session(engine) as db, db.begin():
        row = mode.current(db, settings.community)
        if row is None:
            raise click.ClickException("emergency mode is not on")
        for message in emergency_end.end(db, settings, now, row):
            enqueue(db, message, now, settings.reply_want_ack)
        report = row.report or ""
    if report_out is None:
        click.echo(report)
    else:
        report_out.write_text(report, encoding="utf-8")
        click.echo(f"wrote {report_out}", err=True)


@emergency.command("rehearse")
@click.option("--scenario", default="outage", show_default=True, type=SafePath(),
              help="Scenario with a script (hardware/sim/scenarios/NAME.toml, or a path).")
@click.option("--hours", default=1.0, show_default=True, type=FiniteFloat(0, 24 * 366, min_open=True),
              help="Virtual hours to play.")
@click.option("--seed", default=42, show_default=True, type=Seed, help="Seed of the simulated radio randomness.")
@click.option("--html", "html_out", type=OutFile(),
              help="Write the status board at the end as HTML.")
@click.option("--report", "report_out", type=OutFile(),
              help="End emergency mode at the end and write its report here.")
def emergency_rehearse(scenario: str, hours: float, seed: int, html_out: Path | None,
                       report_out: Path | None) -> None:
    """Play a scripted crisis on the simulated mesh, in virtual time, and show the board.

    Nothing touches your database or your radio: the run uses an in-memory store.
    """
    import logging
    import sys

    from meshbot.alerts import emergency as mode
    from meshbot.simulation import outage
    from meshbot.alerts import emergency_end
    from meshbot.alerts.emergency_board import latest, render_html, render_report, render_text, snapshot
    from store import session

    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    from hardware.sim.scenario import ScenarioError

    try:
        run = outage.play(scenario, hours * 3600.0, seed=seed)
    except ScenarioError as exc:
        raise click.BadParameter(str(exc), param_hint="--scenario") from exc
    settings = run.daemon.settings
    with session(run.daemon.engine) as db, db.begin():
        row = latest(db, settings.community)
        if row is None:
            raise click.ClickException(f"the scenario {scenario} never started emergency mode")
        now = run.mesh.now()
        board = snapshot(db, row, now, settings)
        if report_out is not None and row.ended is None:
            emergency_end.end(db, settings, now, row)
            report_out.write_text(row.report or "", encoding="utf-8")
            click.echo(f"wrote {report_out}", err=True)
        elif report_out is not None:
            report_out.write_text(render_report(board), encoding="utf-8")
    click.echo(render_text(board))
    if html_out is not None:
        html_out.write_text(render_html(board), encoding="utf-8")
        click.echo(f"wrote {html_out}", err=True)
    click.echo(f"{hours:g} virtual hours in {run.wall_seconds:.1f} s", err=True)
