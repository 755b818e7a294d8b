"""The printable papers in the console: digest, monthly report, needs map, emergency board.

Each is the same whole HTML page the CLI writes (`--format html`), so what the committee
prints from the browser is what it would have printed from a file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from meshbot.papers.periods import PERIOD_DAYS, PeriodError, local, month_of, month_window, rolling
from store import session

if TYPE_CHECKING:
    from starlette.requests import Request

    from meshbot.web.console import Console


def _made(console: Console, now: float) -> str:
    return f"made {local(now, console.tz):%d %b %Y %H:%M} ({console.tz_label}) by meshbot"


def _month(console: Console, request: Request, now: float) -> tuple[str, object]:
    month = request.query_params.get("month") or month_of(now, console.tz)
    try:
        return month, month_window(month, console.tz)
    except PeriodError:
        month = month_of(now, console.tz)
        return month, month_window(month, console.tz)


def digest_page(console: Console, request: Request) -> str:
    from meshbot.papers.digest import build_digest
    from meshbot.papers.digest_render import digest_document
    from meshbot.papers.sections import to_html

    period = request.query_params.get("period", "day")
    period = period if period in PERIOD_DAYS else "day"
    now = console.clock()
    with session(console.engine) as db:
        result = build_digest(db, rolling(period, now), now, period=period)
    return to_html(digest_document(result, console.settings.timezone), _made(console, now))


def report_page(console: Console, request: Request) -> str:
    from meshbot.papers.report_render import report_document
    from meshbot.papers.reports import build_report
    from meshbot.papers.sections import to_html

    now = console.clock()
    month, window = _month(console, request, now)
    with session(console.engine) as db:
        result = build_report(db, window, month, now)  # type: ignore[arg-type]
    return to_html(report_document(result, console.settings.timezone), _made(console, now))


def map_page(console: Console, request: Request) -> str:
    from meshbot.papers.needs_map import build_map, to_html

    now = console.clock()
    _, window = _month(console, request, now)
    with session(console.engine) as db:
        result = build_map(db, window, now)  # type: ignore[arg-type]
    return to_html(result, _made(console, now))


def emergency_page(console: Console, request: Request) -> str:
    from meshbot.alerts.emergency_board import latest, render_html, snapshot
    from meshbot.papers.sections import html_page

    with session(console.engine) as db, db.begin():
        row = latest(db, console.settings.community)
        if row is None:
            return html_page("Emergency board", "", "<p>Emergency mode was never started here.</p>")
        return render_html(snapshot(db, row, console.clock(), console.settings))


PRINTABLE: tuple[tuple[str, Callable[..., str]], ...] = (
    ("/papers/digest", digest_page),
    ("/papers/report", report_page),
    ("/papers/map", map_page),
    ("/papers/emergency", emergency_page),
)
