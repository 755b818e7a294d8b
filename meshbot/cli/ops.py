"""The operator's commands: `config`, `doctor`, `service`, `canned`, `backup`, `restore`.

Thin: read the options, load the settings, call the module that does the work
(settings_text, doctor, service, canned, backup), print the result.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from meshbot.settings import (
    LoadedSettings,
    Settings,
    SettingsError,
    build_settings,
    config_path,
    load_settings_with_sources,
    parse_assignment,
)


def _loaded(ctx: click.Context, **overrides: Any) -> LoadedSettings:
    """Settings from the global --config/--db/--set options plus this command's flags."""
    root = ctx.find_root()
    obj = root.obj or {}
    given = dict(obj.get("set", {}))
    if obj.get("db") is not None and root.get_parameter_source("db") is ParameterSource.COMMANDLINE:
        given["db"] = obj["db"]
    given.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return load_settings_with_sources(obj.get("config"), **given)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, default=str))


def _now() -> datetime:
    return datetime.fromtimestamp(time.time(), UTC)


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

    loaded = _loaded(ctx)
    if as_json:
        _echo_json({
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
    loaded = _loaded(ctx)
    s = loaded.settings
    radios = [name for name in ("port", "host", "ble") if getattr(s, name)]
    where = loaded.config_file or "no config file"
    if len(radios) > 1:
        raise click.ClickException(f"{where}: set only one of port, host, ble (found {', '.join(radios)})")
    click.echo(f"ok: {len(Settings.model_fields)} settings valid ({where})")
    if not radios:
        click.echo("note: no radio set; `meshbot run` then needs --port, --host or --ble")


@config.command("init")
@click.option("--path", "target", type=click.Path(dir_okay=False, path_type=Path),
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
@click.option("--host", help="TCP address of the radio, HOST[:PORT].")
@click.option("--ble", help="Bluetooth address of the radio.")
@click.option("--timeout", "timeout_s", default=30.0, show_default=True, help="Seconds to wait for the radio.")
@click.option("--no-radio", is_flag=True, help="Skip the radio checks (e.g. while the service holds it).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def doctor(ctx: click.Context, port: str | None, host: str | None, ble: str | None,
           timeout_s: float, no_radio: bool, as_json: bool) -> None:
    """Check the radio, clock, database, disk and key; one line each with a fix.

    Exits 1 when something stops meshbot from running.
    """
    from meshbot.ops.doctor import as_dict, blocking, radio_where, run_checks
    from meshbot.ops.progress import progress

    flags = {"port": port, "host": host, "ble": ble}
    if sum(1 for v in flags.values() if v) > 1:
        raise click.UsageError("give only one of --port, --host or --ble")
    loaded = _loaded(ctx)
    settings = loaded.settings
    if any(flags.values()):  # a flag names the radio: the settings' radio is not used
        settings = settings.model_copy(update=flags)
    label = radio_where(settings) or "the radio"
    with progress(f"talking to {label} ...", enabled=None if not as_json else False):
        findings = run_checks(settings, environ=os.environ, clock=time.time,
                              radio_timeout_s=timeout_s, skip_radio=no_radio)
    blockers = blocking(findings)
    if as_json:
        _echo_json({"ok": not blockers, "config_file": str(loaded.config_file) if loaded.config_file else None,
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


# -- service ------------------------------------------------------------------------------


@click.group()
def service() -> None:
    """Install, remove or inspect the systemd service."""


def _unit_dir_option(f: Any) -> Any:
    return click.option("--unit-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="Where units live (default /etc/systemd/system).")(f)


@service.command("install")
@_unit_dir_option
@click.option("--user", default="meshbot", show_default=True, help="Unprivileged user the service runs as.")
@click.option("--program", type=click.Path(dir_okay=False, path_type=Path),
              help="The meshbot program to run (default: this one).")
@click.option("--config-file", type=click.Path(dir_okay=False, path_type=Path),
              help="The config file the unit names (default: --config, else /etc/meshbot/meshbot.toml); "
                   "written when missing.")
@click.option("--dry-run", is_flag=True, help="Print the unit and drop-in; change nothing.")
@click.option("--systemctl/--no-systemctl", "use_systemctl", default=True, show_default=True,
              help="Create the user and enable and start the service with systemctl.")
@click.option("--start/--no-start", default=True, show_default=True, help="Start it now (it starts at boot anyway).")
@click.pass_context
def service_install(ctx: click.Context, unit_dir: Path | None, user: str, program: Path | None,
                    config_file: Path | None, dry_run: bool, use_systemctl: bool, start: bool) -> None:
    """Install meshbot as a service that starts at boot and after a crash, after the radio appears.

    All or nothing: it writes the config file the unit names when there is none (naming
    the board) and makes the board when there is none; if a step fails, what was done is undone.
    """
    from meshbot.ops import service as svc
    from meshbot.ops import service_install as si

    loaded = _loaded(ctx)
    config_file = (config_file or loaded.config_file or svc.DEFAULT_CONFIG).absolute()
    executable = (program or _this_program()).absolute()
    rendered = svc.render(executable, config_file, user, loaded.settings.port)
    if dry_run:
        click.echo(rendered.unit, nl=False)
        if rendered.drop_in:
            click.echo(f"\n# {svc.UNIT_NAME}.d/{svc.DROP_IN_NAME}\n{rendered.drop_in}", nl=False)
        return
    plan, note = si.plan_for(loaded, rendered, config_file, unit_dir or svc.DEFAULT_UNIT_DIR, user,
                             use_systemctl, start)
    if note:
        click.echo(f"note: {note}", err=True)
    try:
        si.Installer(plan, click.echo).run()
    except si.InstallFailed as exc:
        raise click.ClickException(str(exc)) from exc


def _this_program() -> Path:
    """The `meshbot` script beside this Python (a venv's bin/), else the one on PATH."""
    beside = Path(sys.executable).parent / "meshbot"
    if beside.exists():
        return beside
    found = shutil.which("meshbot")
    if found is None:
        raise click.ClickException("cannot find the meshbot program; give --program")
    return Path(found)


@service.command("uninstall")
@_unit_dir_option
@click.option("--systemctl/--no-systemctl", "use_systemctl", default=True, show_default=True,
              help="Stop and disable the service with systemctl first.")
def service_uninstall(unit_dir: Path | None, use_systemctl: bool) -> None:
    """Stop the service and remove its unit (the database and config stay)."""
    from meshbot.ops import service as svc

    try:
        if use_systemctl:
            svc.systemctl("disable", "--now", svc.UNIT_NAME, check=False)
        removed = svc.remove(unit_dir or svc.DEFAULT_UNIT_DIR)
        if use_systemctl:
            svc.systemctl("daemon-reload")
    except svc.ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    for path in removed:
        click.echo(f"removed {path}")
    if not removed:
        click.echo("the service was not installed")


@service.command("status")
@_unit_dir_option
@click.option("--lines", default=15, show_default=True, help="Journal lines to show.")
@click.pass_context
def service_status(ctx: click.Context, unit_dir: Path | None, lines: int) -> None:
    """Installed? enabled? running? and the last journal lines. Exits 1 unless running."""
    from meshbot.ops import service as svc

    unit_path, drop_in = svc.unit_paths(unit_dir or svc.DEFAULT_UNIT_DIR)
    if not unit_path.exists():
        click.echo(f"not installed ({unit_path} missing): sudo meshbot service install")
        ctx.exit(1)
    click.echo(f"installed: {unit_path}" + (f" (+ {drop_in.name})" if drop_in.exists() else ""))
    if not svc.systemd_running():
        click.echo("systemd is not running on this machine: cannot ask whether the service runs")
        ctx.exit(1)
    enabled = svc.systemctl("is-enabled", svc.UNIT_NAME, check=False).stdout.strip()
    active = svc.systemctl("is-active", svc.UNIT_NAME, check=False).stdout.strip()
    restarts = svc.systemctl("show", "-p", "NRestarts", "--value", svc.UNIT_NAME, check=False).stdout.strip()
    click.echo(f"enabled: {enabled}  active: {active}  restarts: {restarts or '?'}")
    if shutil.which("journalctl"):
        journal = subprocess.run(["journalctl", "-u", svc.UNIT_NAME, "-n", str(lines), "--no-pager", "-q"],
                                 capture_output=True, text=True, timeout=30, check=False)
        if journal.stdout.strip():
            click.echo(journal.stdout.rstrip())
    if active != "active":
        ctx.exit(1)


# -- canned messages ----------------------------------------------------------------------


@click.command()
@click.option("--format", "fmt", type=click.Choice(["meshtastic", "list", "card"]), default="meshtastic",
              show_default=True,
              help="meshtastic: the list and the commands to load it; list: the `|` string only; card: printable card.")
@click.option("--lang", type=click.Choice(["en", "es"]), default="en", show_default=True, help="Language.")
@click.option("--zone", help="Add @ZONE to the NEED messages (handhelds prepared for one zone).")
@click.option("--bot-name", help="The bot's short name, printed on the card.")
@click.option("--handheld-port", help="Put --port DEVICE in the meshtastic commands.")
def canned(fmt: str, lang: str, zone: str | None, bot_name: str | None, handheld_port: str | None) -> None:
    """Canned messages for keyboardless handhelds, and the printable resident card."""
    from meshbot.ops.canned import MAX_TOTAL_BYTES, CannedError, build, card

    try:
        messages = build(lang, zone)
    except CannedError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "list":
        click.echo(messages.joined)
        return
    if fmt == "card":
        click.echo(card(messages, lang, bot_name), nl=False)
        return
    click.echo(f"# {len(messages.messages)} canned messages, {messages.size_bytes} of {MAX_TOTAL_BYTES} bytes:")
    click.echo(messages.joined)
    if messages.left_out:
        click.echo("# left out to fit the limit: " + ", ".join(m.text for m in messages.left_out))
    click.echo("# To load them, connect the handheld by USB and run:")
    for command in messages.commands(handheld_port):
        click.echo(command)


# -- backups ------------------------------------------------------------------------------


def _sqlite_file(settings: Settings) -> Path:
    from meshbot.ops.backup import BackupError, sqlite_file

    try:
        return sqlite_file(settings.db)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command()
@click.option("--to", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the backup (default: backup_dir, else `backups` beside the database).")
@click.option("--keep", type=click.IntRange(min=1), help="Keep this many backups (default: backup_keep).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def backup(ctx: click.Context, directory: Path | None, keep: int | None, as_json: bool) -> None:
    """A consistent copy of the board, taken while the daemon runs; keeps the newest N."""
    from meshbot.ops import backup as bk
    from meshbot.ops.progress import progress

    settings = _loaded(ctx).settings
    db_file = _sqlite_file(settings)
    target = directory or bk.default_backup_dir(db_file, settings.backup_dir)
    with progress("backing up", total=1, enabled=False if as_json else None) as advance:
        state = {"done": 0}

        def on_progress(done: int, total: int) -> None:
            advance((done - state["done"]) / max(total, 1))
            state["done"] = done

        try:
            result = bk.backup(db_file, target, keep or settings.backup_keep, _now(), on_progress)
        except bk.BackupError as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json({"path": str(result.path), "size_bytes": result.size_bytes, "tables": result.tables,
                    "removed": [str(p) for p in result.removed]})
        return
    click.echo(f"backup: {result.path} ({result.size_bytes / 1_000_000:.1f} MB, "
               f"{result.tables.get('posting', 0)} postings)")
    for old in result.removed:
        click.echo(f"removed old backup {old.name}")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current board.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def restore(ctx: click.Context, file: Path, yes: bool, as_json: bool) -> None:
    """Replace the board with a backup (the current one is saved first). Stop the service first."""
    from meshbot.ops import backup as bk
    from meshbot.ops.progress import progress

    settings = _loaded(ctx).settings
    db_file = _sqlite_file(settings)
    try:
        tables = bk.check_backup(file)
    except bk.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    if db_file.exists() and not yes:
        if not sys.stdin.isatty():
            raise click.ClickException(f"{db_file} exists: add --yes to replace it (it is saved first)")
        click.confirm(f"Replace the board in {db_file} with {file} ({tables.get('posting', 0)} postings)? "
                      "Stop the meshbot service first.", abort=True)
    with progress("restoring", total=1, enabled=False if as_json else None) as advance:
        state = {"done": 0}

        def on_progress(done: int, total: int) -> None:
            advance((done - state["done"]) / max(total, 1))
            state["done"] = done

        try:
            result = bk.restore(file, db_file, _now(), bk.default_backup_dir(db_file, settings.backup_dir), on_progress)
        except bk.BackupError as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json({"database": str(result.database), "previous": str(result.previous) if result.previous else None,
                    "tables": result.tables})
        return
    if result.previous:
        click.echo(f"saved the previous board as {result.previous}")
    click.echo(f"restored {file} into {result.database}: " +
               ", ".join(f"{n} {t}" for t, n in sorted(result.tables.items())))
