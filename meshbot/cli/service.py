"""`meshbot service install|uninstall|status`: the systemd unit that runs the daemon."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from meshbot.cli.shared import loaded_settings_of
from meshbot.cli.values import SafePath


@click.group()
def service() -> None:
    """Install, remove or inspect the systemd service."""


def _unit_dir_option(f: Any) -> Any:
    return click.option("--unit-dir", type=SafePath(file_okay=False, path_type=Path), default=None,
                        help="Where units live (default /etc/systemd/system).")(f)


@service.command("install")
@_unit_dir_option
@click.option("--user", default="meshbot", show_default=True, help="Unprivileged user the service runs as.")
@click.option("--program", type=SafePath(dir_okay=False, path_type=Path),
              help="The meshbot program to run (default: this one).")
@click.option("--config-file", type=SafePath(dir_okay=False, path_type=Path),
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

    loaded = loaded_settings_of(ctx)
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
@click.option("--lines", default=15, show_default=True, type=click.IntRange(1, 10_000), help="Journal lines to show.")
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
