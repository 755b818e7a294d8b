"""Time windows the committee reads figures over: the last day/week/month, or a calendar month.

A window is half-open, [start, end), in epoch seconds. Calendar months and the digest
hour are local to the neighbourhood's time zone (`Settings.timezone`; empty means the
machine's own), so "November" starts at local midnight, not at UTC midnight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

DAY_S = 86_400.0
PERIOD_DAYS: dict[str, int] = {"day": 1, "week": 7, "month": 30}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(ValueError):
    """A period or month the committee typed that we cannot read; the message says why."""


@dataclass(frozen=True)
class Window:
    """[start, end) plus the window just before it, for trends."""

    start: float
    end: float
    previous_start: float
    label: str

    def contains(self, ts: float | None) -> bool:
        return ts is not None and self.start <= ts < self.end

    def in_previous(self, ts: float | None) -> bool:
        return ts is not None and self.previous_start <= ts < self.start


def zone_of(name: str) -> tzinfo | None:
    """The named zone, or None for the machine's local time (datetime's own convention)."""
    return ZoneInfo(name) if name else None


def local(ts: float, tz: tzinfo | None) -> datetime:
    return datetime.fromtimestamp(ts, tz) if tz is not None else datetime.fromtimestamp(ts)


def _epoch(year: int, month: int, day: int, hour: int, tz: tzinfo | None) -> float:
    return datetime(year, month, day, hour, tzinfo=tz).timestamp()


def rolling(period: str, now: float) -> Window:
    """The last day, week or month (30 days) up to `now`."""
    if period not in PERIOD_DAYS:
        raise PeriodError(f"period must be one of {', '.join(PERIOD_DAYS)}")
    length = PERIOD_DAYS[period] * DAY_S
    label = {"day": "last 24 hours", "week": "last 7 days", "month": "last 30 days"}[period]
    return Window(start=now - length, end=now, previous_start=now - 2 * length, label=label)


def parse_month(text: str) -> tuple[int, int]:
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise PeriodError(f"month must look like 2026-11, not {text!r}")
    return int(match.group(1)), int(match.group(2))


def month_window(text: str, tz: tzinfo | None) -> Window:
    """A calendar month in the local zone; the previous window is the month before."""
    year, month = parse_month(text)
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    prev_year, prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    label = datetime(year, month, 1).strftime("%B %Y")
    return Window(
        start=_epoch(year, month, 1, 0, tz),
        end=_epoch(next_year, next_month, 1, 0, tz),
        previous_start=_epoch(prev_year, prev_month, 1, 0, tz),
        label=label,
    )


def month_of(ts: float, tz: tzinfo | None) -> str:
    """`2026-11` for a moment in November, local time."""
    return local(ts, tz).strftime("%Y-%m")


def todays_mark(now: float, hour: int, tz: tzinfo | None) -> float:
    """The epoch of `hour`:00 local time on the local day of `now`."""
    day = local(now, tz)
    return _epoch(day.year, day.month, day.day, hour, tz)


def short_duration(seconds: float) -> str:
    """`45m`, `5h`, `3d`: how long something has waited, in as few bytes as reads well."""
    if seconds < 3600:
        return f"{max(0, int(seconds // 60))}m"
    if seconds < 2 * DAY_S:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // DAY_S)}d"


def long_duration(seconds: float) -> str:
    """`2 d 5 h`, `3 h 20 min`, `12 min`: for the laptop, where bytes are free."""
    delta = timedelta(seconds=max(0, int(seconds)))
    days, rest = delta.days, delta.seconds
    hours, minutes = rest // 3600, (rest % 3600) // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"
