"""`meshbot web`: the committee's console in the laptop's browser (meshbot.web).

Listens on 127.0.0.1 unless `--bind` names another address and `--allow-remote` says
so: the console can approve matches and confirm alerts, so it is not offered to the
whole network by accident.
"""

from __future__ import annotations

import ipaddress

import click

from meshbot.cli.shared import board_of

LOCAL = "127.0.0.1"


def _is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("web")
@click.option("--bind", "host", default=LOCAL, show_default=True,
              help="Address to listen on. Anything but this laptop needs --allow-remote.")
@click.option("--port", default=8420, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--allow-remote", is_flag=True,
              help="Let other machines reach the console (on a network you trust; there is no TLS).")
@click.pass_context
def web(ctx: click.Context, host: str, port: int, allow_remote: bool) -> None:
    """The committee's console: board, matches, alerts, members, outbox, emergency and papers."""
    import uvicorn

    from meshbot.web.app import build_app

    if not _is_local(host) and not allow_remote:
        raise click.BadParameter(f"{host} is reachable from other machines: add --allow-remote to mean it",
                                 param_hint="--bind")
    if not _is_local(host):
        click.echo(f"warning: the console is open to the network at {host}:{port}, without TLS; "
                   "anyone there can try passwords", err=True)
    settings, engine = board_of(ctx)
    click.echo(f"console at http://{'localhost' if _is_local(host) else host}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(build_app(settings, engine), host=host, port=port, log_level="warning", access_log=False)
