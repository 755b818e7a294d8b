"""`meshbot council`: the monthly neighbourhood council, its treasury, and the stations it joins.

The group lives here alone so that each of its families of commands (meetings and
votes, the merged board of many stations) can sit in its own module and attach to it.
"""

from __future__ import annotations

import click

from meshbot.cli import council_meetings, council_minutes, council_treasury


@click.group()
def council() -> None:
    """The neighbourhood council: meetings, agenda, treasury, and the merged board of its stations."""


for _command in (*council_meetings.COMMANDS, *council_minutes.COMMANDS, *council_treasury.COMMANDS):
    council.add_command(_command)
