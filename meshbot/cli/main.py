"""The `meshbot` command. Thin: each command builds settings and calls the application."""

from __future__ import annotations

import logging
import random
import signal
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from hardware.link import LinkDown, parse_node_id
from meshbot.cli.group import MeshbotGroup
from meshbot.cli.shared import echo_json, engine_of, require_board, settings_of
from meshbot.settings import SettingsError
from meshbot.cli.values import Count, HostPort, OutFile, SafeFile, SafePath, Seed
from meshbot.settings_sources import parse_assignment

log = logging.getLogger("meshbot")


@click.group(cls=MeshbotGroup)
@click.option("--config", type=SafePath(dir_okay=False, path_type=Path), envvar="MESHBOT_CONFIG",
              help="TOML settings file.")
@click.option("--db", envvar="MESHBOT_DB", help="Database path or SQLAlchemy URL (default: user data dir).")
@click.option("-s", "--set", "assignments", multiple=True, metavar="NAME=VALUE",
              help="Override one setting (repeatable); beats the config file and MESHBOT_* variables.")
@click.option("--create", is_flag=True, help="Make a new empty board if the database file does not exist.")
@click.version_option(package_name="meshbot")
@click.pass_context
def main(ctx: click.Context, config: Path | None, db: str | None, assignments: tuple[str, ...],
         create: bool) -> None:
    """meshbot: a mutual-aid board for a Meshtastic LoRa mesh.

    Global options may come before or after the command.
    """
    ctx.ensure_object(dict)
    try:
        chosen = dict(parse_assignment(a) for a in assignments)
    except SettingsError as exc:
        raise click.BadParameter(str(exc), param_hint="--set") from exc
    ctx.obj.update(config=config, db=db, set=chosen, create=create)


@main.command()
@click.option("--port", help="Serial device of the radio, e.g. /dev/ttyUSB0.")
@click.option("--host", type=HostPort(), help="TCP address of the radio, HOST[:PORT].")
@click.option("--ble", help="Bluetooth address of the radio.")
@click.option("--sim", is_flag=True, help="Run against the simulated neighbourhood, in real time.")
@click.pass_context
def run(ctx: click.Context, port: str | None, host: str | None, ble: str | None, sim: bool) -> None:
    """Run the daemon on a radio (or the simulator) until Ctrl-C."""
    chosen = [name for name, value in (("--port", port), ("--host", host), ("--ble", ble), ("--sim", sim)) if value]
    if len(chosen) > 1:
        raise click.UsageError("give exactly one of --port, --host, --ble or --sim")
    settings = settings_of(ctx, port=port, host=host, ble=ble)
    if not chosen:  # the radio named by the settings (config file, MESHBOT_PORT, ...)
        port, host, ble = settings.port, settings.host, settings.ble
        if sum(1 for v in (port, host, ble) if v) != 1:
            raise click.UsageError("give exactly one of --port, --host, --ble or --sim "
                                   "(or set exactly one of the port, host, ble settings)")
    require_board(settings)
    held = cli_db.hold_board(settings)  # one daemon per board, for as long as this process lives
    logging.basicConfig(level=settings.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The radio library prints whole packets, texts included, at DEBUG: the log is as
    # seizable as the disk, so it speaks at INFO at most whatever meshbot's own level.
    logging.getLogger("meshtastic").setLevel(max(logging.INFO, logging.getLevelName(settings.log_level)))
    if sim:
        from meshbot.simulation.simrun import run_realtime

        run_realtime(settings, engine_of(settings), _stop_event())
        return
    from hardware.meshtastic_link import MeshtasticLink
    from meshbot.daemon import Daemon

    link = MeshtasticLink(port=port, host=host, ble=ble)
    daemon = Daemon(settings, link, engine_of(settings))
    stop = _stop_event()
    log.info("waiting for the radio at %s (Ctrl-C to stop)", link.where)
    try:
        started = _start_unless_stopped(daemon, stop)
    except LinkDown as exc:
        raise click.ClickException(f"radio not reachable: {exc}") from exc
    if not started:
        raise click.ClickException(f"stopped while waiting for the radio at {link.where}")
    stop.wait()
    daemon.stop()
    if held is not None:
        held.release()


def _start_unless_stopped(daemon: Any, stop: threading.Event) -> bool:
    """Start the daemon (connecting to the radio can take a minute) in a helper thread,
    so Ctrl-C and SIGTERM are honoured meanwhile; False when stopped before it was up."""
    failure: list[BaseException] = []

    def start() -> None:
        try:
            daemon.start()
        except BaseException as exc:  # handed to the main thread, which raises it
            failure.append(exc)

    starting = threading.Thread(target=start, name="meshbot-connect", daemon=True)
    starting.start()
    while starting.is_alive() and not stop.is_set():
        starting.join(0.2)
    if starting.is_alive():
        return False
    if failure:
        raise failure[0]
    return True


def _stop_event() -> threading.Event:
    """Set by Ctrl-C or SIGTERM (systemd), so the daemon stops between two items."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print only one JSON summary object.")
@click.option("--seed", default=42, show_default=True, type=Seed, help="Seed of the simulated radio randomness.")
def demo(as_json: bool, seed: int) -> None:
    """The simulated neighbourhood on a virtual clock: a transcript of the air and a summary."""
    from meshbot.simulation.demo import run_demo

    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)  # the transcript is the output
    result = run_demo(seed=seed)
    if as_json:
        echo_json(result.summary())
        return
    for line in result.transcript():
        click.echo(line)
    click.echo("")
    for key, value in result.summary().items():
        click.echo(f"{key}: {result.verdict() if key == 'messages_in' else value}")


@main.command("parse")
@click.argument("text")
def parse_command(text: str) -> None:
    """Show how TEXT parses and the exact reply; `-` reads lines from stdin (JSONL out)."""
    from meshbot.simulation.tryout import ScratchBoard, explain

    if text != "-":
        echo_json(explain(text))
        return
    board = ScratchBoard()  # one board for the whole stream, each line rolled back
    try:
        for line in sys.stdin:
            echo_json(explain(line.rstrip("\r\n"), board))
    finally:
        board.close()


@main.command()
@click.argument("file", type=SafeFile("r", encoding="utf-8", errors="replace"))
@click.option("--json", "as_json", is_flag=True, help="Print only one JSON summary object.")
@click.pass_context
def ingest(ctx: click.Context, file: Any, as_json: bool) -> None:
    """Process lines `!nodeid TEXT` from FILE (or -) as if received by the radio.

    Replies are queued in the outbox and go out when the daemon next runs.
    """
    from meshbot.inbound.inbox import Inbound
    from meshbot.inbound.worker import Worker

    settings = settings_of(ctx)
    worker = Worker(engine_of(settings), settings, time.time)
    summary = {"lines": 0, "processed": 0, "skipped": 0, "replies": 0}
    rng = random.Random()
    for lineno, line in enumerate(file, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        summary["lines"] += 1
        sender, _, text = line.partition(" ")
        try:
            node = parse_node_id(sender)
        except ValueError:
            summary["skipped"] += 1
            if not as_json:
                click.echo(f"line {lineno}: skipped, expected '!nodeid TEXT'", err=True)
            continue
        reply = worker.process(Inbound(node, 0, rng.getrandbits(32), 0, text))
        summary["processed"] += 1
        summary["replies"] += reply is not None
        if not as_json:
            click.echo(f"{sender} {text}\n  -> {reply}")
    if as_json:
        echo_json(summary)


def _print_poster(ctx: click.Context, out: Path) -> None:
    import time as clock

    from meshbot.papers.poster import poster_html
    from meshbot.services.schedule import zone
    from store import session

    settings = settings_of(ctx)
    engine = engine_of(settings)
    with session(engine) as db:
        page = poster_html(engine, db, clock.time(), zone(settings.timezone), settings.community,
                           settings.committee_contact)
    out.write_text(page, encoding="utf-8")
    click.echo(f"Wrote {out}: print it on A4 from a browser.")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--print", "printable", is_flag=True, help="Write the A4 poster for a wall (HTML; print it from a browser).")
@click.option("--out", type=OutFile(), help="Where --print writes the poster (default: board.html).")
@click.pass_context
def board(ctx: click.Context, as_json: bool, printable: bool, out: Path | None) -> None:
    """The live board: open and matched postings, needs first, most urgent first."""
    from meshbot.board.views import board as board_view

    if printable:
        _print_poster(ctx, out or Path("board.html"))
        return

    from meshbot.people.members import names_by_id
    from meshbot.papers.periods import local, zone_of
    from store import session

    settings = settings_of(ctx)
    engine = engine_of(settings)
    rows = board_view(engine)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("The board is empty.")
        return
    with session(engine) as db:
        names = names_by_id(db)
    tz = zone_of(settings.timezone)
    for r in rows:
        amount = f" {r['quantity']} {r['unit'] or ''}".rstrip() if r["quantity"] is not None else ""
        if r["quantity"] is not None and r["remaining"] != r["quantity"]:
            amount += f" ({r['remaining']:g} left)"
        zone = f" @{r['zone']}" if r["zone"] else ""
        posted = f"{local(datetime.fromisoformat(r['created']).timestamp(), tz):%d %b %H:%M}"
        click.echo(f"{r['id']:>6} {r['kind']:<5} {r['urgency']:<8} {r['category']:<13} "
                   f"{r['item']}{amount}{zone}  [{r['status']}, {names.get(r['author'], r['author'])}, {posted}]"
                   + ("" if r.get("verified", True) else "  (not approved)"))
    click.echo(f"Times in {settings.timezone or 'the laptop time zone'}; (not approved): "
               "the resident's JOIN is not approved yet (meshbot members approve).")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--live", is_flag=True, help="Only live matches (held, waiting for TAKE, accepted).")
@click.pass_context
def matches(ctx: click.Context, as_json: bool, live: bool) -> None:
    """Every match made: claim code, offer, need or taker, how much, and how it ended."""
    from meshbot.board.views import matches as matches_view

    rows = matches_view(engine_of(settings_of(ctx)), live=live)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No matches yet.")
    for m in rows:
        offer = f"{m['offer']['id']} {m['offer']['item']}" if m["offer"] else "-"
        need = f"{m['need']['id']} {m['need']['item']}" if m["need"] else "-"
        taker = f" taker {m['taker']}" if m["taker"] else ""
        amount = f" {m['amount']}" if m["amount"] else ""
        fit = f" [{m['fit_reason']} {m['fit_score']:g}]" if m.get("fit_reason") else ""
        click.echo(f"{m['code']:<6} {m['state']:<9} offer {offer}{amount} | need {need}{taker}  ({m['created']}){fit}")


@main.command("outbox")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--state", type=click.Choice(["pending", "sending", "sent", "relayed", "acked", "failed", "dropped", "merged", "superseded"]),
              help="Only rows in this state.")
@click.option("--limit", default=50, show_default=True, type=Count, help="How many rows, newest first.")
@click.pass_context
def outbox_command(ctx: click.Context, as_json: bool, state: str | None, limit: int) -> None:
    """Texts waiting, sent, acknowledged or failed: what the radio has (not) delivered."""
    from meshbot.delivery.outbox_view import outbox as outbox_view

    view = outbox_view(engine_of(settings_of(ctx)), state, limit)
    if as_json:
        echo_json(view)
        return
    click.echo("  ".join(f"{k}: {v}" for k, v in sorted(view["counts"].items())) or "The outbox is empty.")
    for o in view["items"]:
        error = f"  ({o['error']})" if o["error"] else "  (held for emergency)" if o.get("held") else ""
        verdicts = f" [{', '.join(t['verdict'] or 'waiting' for t in o['tries'])}]" if o["tries"] else ""
        click.echo(f"#{o['id']:<5} {o['state']:<8} {o['priority']:<6} to {o['to']:<10} x{o['attempts']}{verdicts} "
                   f"{o['created']}  {o['text']}{error}")


# Feature commands live in their own modules, which import this one's helpers; so
# they are imported here, after `main` exists, and registered in one place.
from meshbot.cli import alerts as cli_alerts  # noqa: E402
from meshbot.cli import audit as cli_audit  # noqa: E402
from meshbot.cli import backup as cli_backup  # noqa: E402
from meshbot.cli import bundles as cli_bundles  # noqa: E402
from meshbot.cli import canned as cli_canned  # noqa: E402
from meshbot.cli import council as cli_council  # noqa: E402
from meshbot.cli import db as cli_db  # noqa: E402
from meshbot.cli import match as cli_match  # noqa: E402
from meshbot.cli import members as cli_members  # noqa: E402
from meshbot.cli import ops as cli_ops  # noqa: E402
from meshbot.cli import reports as cli_reports  # noqa: E402
from meshbot.cli import security as cli_security  # noqa: E402
from meshbot.cli import service as cli_service  # noqa: E402
from meshbot.cli import services as cli_services  # noqa: E402
from meshbot.cli import events as cli_events  # noqa: E402
from meshbot.cli import sim as cli_sim  # noqa: E402
from meshbot.cli import web as cli_web  # noqa: E402

for command in (
    cli_reports.digest, cli_reports.report, cli_reports.needs_map, cli_reports.figures,
    cli_ops.config, cli_ops.doctor, cli_service.service, cli_canned.canned, cli_backup.backup, cli_backup.restore,
    cli_sim.airtime, cli_sim.sim,
    cli_security.init, cli_security.rekey, cli_security.keys, cli_security.wipe,
    cli_bundles.export_bundle, cli_bundles.import_bundle,
    cli_audit.audit, cli_audit.flags, cli_members.members,
    cli_match.match_group, cli_match.stats,
    cli_alerts.alert, cli_alerts.emergency,
    cli_db.db_group, cli_council.council, cli_web.web, cli_services.services, cli_events.events,
):
    main.add_command(command)


if __name__ == "__main__":
    main()
