"""Progress for long work: a bar on a terminal, nothing in logs, pipes or the journal.

Commands that may take more than a second (backups, imports, exports, simulator runs,
re-matching) wrap their loop in `progress(...)` and call `advance(n)`. When stdout is
not a terminal (systemd, cron, a pipe, a test) the bar is never drawn, so nothing but
the command's own output reaches the reader.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

Advance = Callable[[float], None]


def is_terminal(stream: IO[str] | None = None) -> bool:
    """True when `stream` (default: stdout) is an interactive terminal."""
    target = sys.stdout if stream is None else stream
    isatty = getattr(target, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def progress(
    description: str,
    total: float | None = None,
    *,
    stream: IO[str] | None = None,
    enabled: bool | None = None,
) -> Iterator[Advance]:
    """Yield `advance(amount)`; draw a bar (or a spinner when `total` is None) on a terminal.

    `enabled` forces the choice (None: draw only when `stream`, default stdout, is a terminal).
    The bar is transient: it disappears when the work is done.
    """
    target = sys.stdout if stream is None else stream
    show = is_terminal(target) if enabled is None else enabled
    if not show:
        yield lambda _amount=1: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(file=target, force_terminal=True)
    columns = (
        [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn()]
        if total is not None
        else [SpinnerColumn(), TextColumn("{task.description}")]
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)

        def advance(amount: float = 1) -> None:
            bar.advance(task, amount)

        yield advance
