"""Every command's one-line help in its group's listing reads as a whole phrase: click cuts
the docstring at its first sentence, and a cut inside "(e.g. ..." left half a bracket."""

from __future__ import annotations

from collections.abc import Iterator

import click

from meshbot.cli.main import main


def _groups(command: click.Command, path: str = "meshbot") -> Iterator[tuple[str, click.Group]]:
    if isinstance(command, click.Group):
        yield path, command
        for name, sub in command.commands.items():
            yield from _groups(sub, f"{path} {name}")


def test_no_listed_help_line_stops_inside_brackets() -> None:
    cut = []
    for path, group in _groups(main):
        for name, sub in group.commands.items():
            line = sub.get_short_help_str(limit=500)
            if line.count("(") != line.count(")"):
                cut.append(f"{path} {name}: {line}")
    assert cut == []
