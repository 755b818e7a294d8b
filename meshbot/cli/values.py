"""The types of the command line's values: numbers, dates, months, paths and addresses.

A value out of range is refused by click before the command runs, in one line naming
the option, so no absurd number reaches SQLite (whose integers stop at 2**63 - 1), no
`nan` spins a loop, and no path with a NUL byte or an absent folder reaches the disk.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import click

MAX_ROW_ID = 2**63 - 1
"""SQLite's largest integer: a row id beyond it names nothing."""
MAX_ROWS = 1_000_000
"""The most rows a listing is asked for."""
YEARS = (1970, 2999)
"""Dates the board can hold: its clock starts in 1970; far-future windows still fit a datetime."""
MAX_PATH_BYTES = 4096
MAX_NAME_BYTES = 255


class FiniteFloat(click.FloatRange):
    """A FloatRange that also refuses nan and ±inf (a range check lets nan through)."""

    name = "finite number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


Count = click.IntRange(1, MAX_ROWS)
#: A row number (#12): a bigger number is no row and would overflow SQLite's integers.
RowId = click.IntRange(1, MAX_ROW_ID)
Seed = click.IntRange(0, 2**32 - 1)


class SafePath(click.Path):
    """click.Path that first refuses NUL bytes and over-long names (the OS would raise)."""

    def __init__(self, *args: Any, parent_exists: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parent_exists = parent_exists

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        if "\x00" in text:
            self.fail("a path cannot contain a NUL byte", param, ctx)
        if not text.strip():
            self.fail("the path is empty", param, ctx)
        encoded = text.encode("utf-8", "surrogateescape")
        if len(encoded) > MAX_PATH_BYTES or any(len(p) > MAX_NAME_BYTES for p in encoded.split(b"/")):
            self.fail("the path is too long", param, ctx)
        converted = super().convert(value, param, ctx)
        if self.parent_exists:
            parent = Path(text).parent
            if not parent.is_dir():
                self.fail(f"the folder {str(parent)!r} does not exist", param, ctx)
        return converted


def OutFile() -> SafePath:  # noqa: N802 - reads as a type at the option
    """A file to write: not a folder, and its folder must exist."""
    return SafePath(dir_okay=False, path_type=Path, parent_exists=True)


class Moment(click.ParamType):
    """An ISO 8601 date or time (a naive one is read in the board's time zone later)."""

    name = "ISO 8601 time"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"use ISO 8601, e.g. 2026-11-28T07:00, not {value!r}", param, ctx)
        if not YEARS[0] <= moment.year <= YEARS[1]:
            self.fail(f"{value!r} is not between the years {YEARS[0]} and {YEARS[1]}", param, ctx)
        return moment


class Month(click.ParamType):
    """A calendar month, YYYY-MM."""

    name = "YYYY-MM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip()
        found = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text)
        if not found or not 1 <= int(found[2]) <= 12:
            self.fail(f"a month is YYYY-MM, e.g. 2026-11, not {value!r}", param, ctx)
        if not YEARS[0] <= int(found[1]) <= YEARS[1]:
            self.fail(f"{value!r} is not between the years {YEARS[0]} and {YEARS[1]}", param, ctx)
        return text


class HostPort(click.ParamType):
    """A radio's TCP address, HOST or HOST:PORT with a port from 1 to 65535."""

    name = "HOST[:PORT]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip()
        host, port = text, None
        if text.startswith("["):  # [IPv6]:PORT
            found = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\](?::(.*))?", text)
            if not found:
                self.fail(f"{value!r} is not [IPv6]:PORT", param, ctx)
            host, port = found[1], found[2]
        elif text.count(":") == 1:
            host, port = text.split(":")
        if not host or any(c.isspace() or not c.isprintable() for c in host):
            self.fail(f"{value!r} is not HOST[:PORT]", param, ctx)
        if port is not None and not (re.fullmatch(r"[0-9]{1,5}", port) and 1 <= int(port) <= 65535):
            self.fail(f"the port in {value!r} is not a number from 1 to 65535", param, ctx)
        return text


def row_number(digits: str) -> int | None:
    """The number in a reference (`12` of `o12`), or None unless it is 1 to 18 ASCII digits
    a row id can be (`²` is a digit to str.isdigit, and 20 digits overflow SQLite)."""
    if not re.fullmatch(r"[0-9]{1,19}", digits):
        return None
    number = int(digits)
    return number if number <= MAX_ROW_ID else None


class SafeFile(click.File):
    """click.File that refuses a NUL byte in the name in one line (open() would raise)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and "\x00" in value:
            self.fail("a path cannot contain a NUL byte", param, ctx)
        return super().convert(value, param, ctx)
