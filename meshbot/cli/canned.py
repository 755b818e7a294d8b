"""`meshbot canned`: the canned-message set for keyboardless handhelds, and its printed card."""

from __future__ import annotations


import click

from protocol.catalogue import LANGUAGES


@click.command()
@click.option("--format", "fmt", type=click.Choice(["meshtastic", "list", "card"]), default="meshtastic",
              show_default=True,
              help="meshtastic: the list and the commands to load it; list: the `|` string only; card: printable card.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True, help="Language.")
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
