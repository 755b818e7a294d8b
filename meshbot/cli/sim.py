"""`meshbot airtime` and `meshbot sim serve|run`: LoRa airtime and the simulated mesh.

Thin: the maths is `hardware.airtime`, the simulator `hardware.sim`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from hardware.airtime import MAX_LORA_PAYLOAD_LEN, PRESETS, get_preset, text_packet_bytes, time_on_air
from meshbot.cli.shared import echo_json
from meshbot.cli.values import FiniteFloat, OutFile, SafePath, Seed

log = logging.getLogger("meshbot.sim")


@click.command()
@click.option("--preset", default="LONG_FAST", show_default=True,
              help=f"Modem preset: {', '.join(PRESETS)}.")
@click.option("--bytes", "phy_bytes", type=click.IntRange(0, MAX_LORA_PAYLOAD_LEN),
              help="LoRa PHY payload length in bytes (radio header included).")
@click.option("--text", help="A Meshtastic text message: its UTF-8 bytes plus what Meshtastic adds.")
@click.option("--pki", is_flag=True, help="With --text: a PKI-encrypted direct message (12 bytes more).")
def airtime(preset: str, phy_bytes: int | None, text: str | None, pki: bool) -> None:
    """Time on air of one LoRa frame (Semtech AN1200.13), as one JSON object."""
    if (phy_bytes is None) == (text is None):
        raise click.UsageError("give exactly one of --bytes or --text")
    try:
        p = get_preset(preset)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--preset") from exc
    if text is not None:
        size = len(text.encode("utf-8"))
        try:
            phy_bytes = text_packet_bytes(size, pki=pki)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--text") from exc
        if phy_bytes > MAX_LORA_PAYLOAD_LEN:
            raise click.BadParameter(f"{size} bytes do not fit one packet", param_hint="--text")
    elif pki:
        raise click.UsageError("--pki goes with --text")
    assert phy_bytes is not None
    khz = p.bandwidth_hz / 1000
    echo_json({
        "preset": p.name,
        "sf": p.spreading_factor,
        "bw_khz": int(khz) if khz.is_integer() else khz,
        "cr": f"4/{p.coding_rate}",
        "payload_bytes": phy_bytes,
        "airtime_ms": round(time_on_air(phy_bytes, p) * 1000, 3),
    })


def _scenario(name: str):  # type: ignore[no-untyped-def]
    from hardware.sim.scenario import ScenarioError, load_scenario

    try:
        return load_scenario(name)
    except ScenarioError as exc:
        raise click.BadParameter(str(exc), param_hint="--scenario") from exc


_loss = FiniteFloat(0.0, 1.0, max_open=True)


@click.group()
def sim() -> None:
    """The simulated mesh: serve its nodes to real clients, or run it on a virtual clock."""


@sim.command()
@click.option("--scenario", default="neighbourhood", show_default=True, type=SafePath(),
              help="A shipped scenario (block, neighbourhood, city) or a .toml file.")
@click.option("--bot-port", default=4403, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port of the bot's node (`meshbot run --host 127.0.0.1:PORT`).")
@click.option("--port-base", type=click.IntRange(0, 65535),
              help="Also serve every resident's node, on PORT_BASE, PORT_BASE+1, ... in scenario order.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--seed", default=42, show_default=True, type=Seed, help="Seed of the simulated radio randomness.")
@click.option("--loss", type=_loss, help="Probability that a reception is lost (default: the scenario's).")
@click.option("--traffic/--no-traffic", default=False, show_default=True,
              help="Let the scenario's residents post to the bot on their own.")
@click.option("--air-log", type=OutFile(),
              help="Write every event on the air (tx, retx, relay, ack, rx, routing) to this file, "
                   "one JSON object a line, with the simulator's time in seconds.")
def serve(scenario: str, bot_port: int, port_base: int | None, host: str, seed: int,
          loss: float | None, traffic: bool, air_log: Path | None) -> None:
    """Run a scenario in real time; real Meshtastic clients connect to its nodes over TCP."""
    from hardware.sim.serve import SimServer

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sc = _scenario(scenario)
    server = SimServer(sc, host=host, bot_port=bot_port, port_base=port_base, seed=seed,
                       loss=loss, traffic=traffic)
    try:
        listening = server.start()
    except OSError as exc:
        raise click.ClickException(f"cannot listen: {exc}") from exc
    for item in listening:
        click.echo(item.line())
    click.echo(f"ready: {sc.name}, {len(sc.nodes)} nodes, {server.mesh.preset.name}; Ctrl-C stops")
    sys.stdout.flush()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    mesh = server.mesh

    journal = air_log.open("a", encoding="utf-8") if air_log is not None else None

    def on_air(entry: Any) -> None:
        if entry.kind == "tx":
            to = "all" if entry.to == 0xFFFFFFFF else mesh.name(entry.to)
            log.info("air: %s -> %s: %s", mesh.name(entry.node), to, entry.text)
        if journal is not None:
            journal.write(json.dumps(dataclasses.asdict(entry)) + "\n")
            journal.flush()

    try:
        server.run(stop, on_air)
    finally:
        server.close()
        if journal is not None:
            journal.close()


@sim.command("run")
@click.option("--scenario", default="neighbourhood", show_default=True, type=SafePath(),
              help="A shipped scenario (block, neighbourhood, city) or a .toml file.")
@click.option("--hours", default=1.0, show_default=True, type=FiniteFloat(0, 24 * 365, min_open=True),
              help="Virtual hours to simulate.")
@click.option("--seed", default=42, show_default=True, type=Seed, help="Seed of the simulated randomness.")
@click.option("--loss", type=_loss, help="Probability that a reception is lost (default: the scenario's).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def run_sim(scenario: str, hours: float, seed: int, loss: float | None, as_json: bool) -> None:
    """Run a scenario's traffic for HOURS of virtual time and print what happened on the air."""
    from hardware.sim.runs import run_scenario
    from meshbot.ops.progress import progress

    with progress(f"simulating {hours:g} h of {scenario}", enabled=False if as_json else None):
        result = run_scenario(_scenario(scenario), hours, seed=seed, loss=loss)
    if as_json:
        echo_json(result)
        return
    p, d, reach = result["packets"], result["direct"], result["broadcast_reach"]
    util = result["channel_utilisation_percent"]
    worst = max(result["worst_hour_duty_cycle_percent"].items(), key=lambda kv: kv[1])
    busiest = max(result["airtime_s"].items(), key=lambda kv: kv[1])
    click.echo(f"{result['scenario']}: {result['nodes']} nodes, {hours:g} h on {result['preset']} "
               f"in {result['wall_seconds']} s ({result['speedup']}x real time)")
    click.echo(f"traffic: {result['traffic']}")
    click.echo(f"transmissions: {p['sent']} {p['transmissions']}")
    click.echo(f"receptions: {p['decoded']} decoded, {p['collided']} collided ({p['captured']} captured), "
               f"{p['half_duplex']} half-duplex, {p['lost']} lost")
    click.echo(f"broadcast reach: mean {reach['mean']}, min {reach['min']} over {reach['broadcasts']} broadcasts")
    click.echo(f"direct: {d['delivered']}/{d['sent']} delivered, {d['acked']}/{d['want_ack']} acked, "
               f"{d['nak']} NAK, {d['retransmissions']} retransmissions")
    click.echo(f"channel utilisation: mean {util['mean']} %, max {util['max']} %")
    click.echo(f"busiest node: {busiest[0]} {busiest[1]} s on air, worst hour {worst[0]} {worst[1]} %")
