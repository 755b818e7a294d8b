"""The operator's look at the station: `config show|check|init` and `doctor`.

Thin: read the options, load the settings, call the module that does the work
(settings_text, doctor), print the result. `service`, `canned`, `backup`/`restore`
have modules of their own.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

from meshbot.cli.shared import echo_json, loaded_settings_of
from meshbot.cli.values import FiniteFloat, HostPort, OutFile
from meshbot.settings import Settings, SettingsError
from meshbot.settings_sources import build_settings, config_path, parse_assignment


# -- config -------------------------------------------------------------------------------


@click.group()
def config() -> None:
    """Show, check or create the settings file."""


@config.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: settings, sources, file.")
@click.pass_context
def config_show(ctx: click.Context, as_json: bool) -> None:
    """Every setting in effect and where it came from (default, file, env or flag)."""
    from meshbot.settings_text import effective

    loaded = loaded_settings_of(ctx)
    if as_json:
        echo_json({
            "config_file": str(loaded.config_file) if loaded.config_file else None,
            "settings": loaded.settings.model_dump(mode="json"),
            "sources": loaded.sources,
        })
        return
    click.echo(f"# config file: {loaded.config_file or 'none (defaults, environment and flags only)'}")
    for line in effective(loaded.settings, loaded.sources):
        click.echo(line)


@config.command("check")
@click.pass_context
def config_check(ctx: click.Context) -> None:
    """Validate the settings; exit 1 with the reason when they cannot be used."""
    loaded = loaded_settings_of(ctx)
    s = loaded.settings
    radios = [name for name in ("port", "host", "ble") if getattr(s, name)]
    where = loaded.config_file or "no config file"
    if len(radios) > 1:
        raise click.ClickException(f"{where}: set only one of port, host, ble (found {', '.join(radios)})")
    click.echo(f"ok: {len(Settings.model_fields)} settings valid ({where})")
    if not radios:
        click.echo("note: no radio set; `meshbot run` then needs --port, --host or --ble")


@config.command("init")
@click.option("--path", "target", type=OutFile(),
              help="Where to write (default: --config, $MESHBOT_CONFIG or the user config dir).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--set", "assignments", multiple=True, metavar="NAME=VALUE",
              help="Write this setting uncommented (repeatable), e.g. --set port=/dev/ttyUSB0.")
@click.pass_context
def config_init(ctx: click.Context, target: Path | None, force: bool, assignments: tuple[str, ...]) -> None:
    """Write a settings file listing every setting with its help, ready to edit."""
    from meshbot.settings_text import template

    obj = ctx.find_root().obj or {}
    path = target or config_path(obj.get("config"), os.environ)[0]
    try:
        given = dict(parse_assignment(a) for a in assignments)
        checked = build_settings(given)  # refuse to write a file that would not load
    except SettingsError as exc:
        raise click.BadParameter(str(exc), param_hint="--set") from exc
    values = {name: getattr(checked, name) for name in given}
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists; use --force to overwrite it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template(values), encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {path}")


# -- doctor -------------------------------------------------------------------------------


@click.command()
@click.option("--port", help="Serial device of the radio, e.g. /dev/ttyUSB0.")
@click.option("--host", type=HostPort(), help="TCP address of the radio, HOST[:PORT].")
@click.option("--ble", help="Bluetooth address of the radio.")
@click.option("--timeout", "timeout_s", default=30.0, show_default=True, type=FiniteFloat(0.1, 3600), help="Seconds to wait for the radio.")
@click.option("--no-radio", is_flag=True, help="Skip the radio checks (e.g. while the service holds it).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def doctor(ctx: click.Context, port: str | None, host: str | None, ble: str | None,
           timeout_s: float, no_radio: bool, as_json: bool) -> None:
    """Check the radio, clock, database, disk and key; one line each with a fix.

    Exits 1 when something stops meshbot from running.
    """
    from meshbot.ops.doctor import run_checks
    from meshbot.ops.doctor_radio import radio_where
    from meshbot.ops.findings import as_dict, blocking
    from meshbot.ops.progress import progress

    flags = {"port": port, "host": host, "ble": ble}
    if sum(1 for v in flags.values() if v) > 1:
        raise click.UsageError("give only one of --port, --host or --ble")
    loaded = loaded_settings_of(ctx)
    settings = loaded.settings
    if any(flags.values()):  # a flag names the radio: the settings' radio is not used
        settings = settings.model_copy(update=flags)
    label = radio_where(settings) or "the radio"
    with progress(f"talking to {label} ...", enabled=None if not as_json else False):
        findings = run_checks(settings, environ=os.environ, clock=time.time,
                              radio_timeout_s=timeout_s, skip_radio=no_radio)
    blockers = blocking(findings)
    if as_json:
        echo_json({"ok": not blockers, "config_file": str(loaded.config_file) if loaded.config_file else None,
                    "findings": [as_dict(f) for f in findings]})
    else:
        click.echo(f"meshbot doctor (config: {loaded.config_file or 'none'}, database: {settings.db})")
        for finding in findings:
            click.echo(finding.line())
        warnings = sum(1 for f in findings if f.status.value == "warn")
        if blockers:
            click.echo(f"{len(blockers)} problem(s) stop meshbot from running; {warnings} warning(s).")
        else:
            click.echo(f"ready to run; {warnings} warning(s).")
    if blockers:
        ctx.exit(1)
