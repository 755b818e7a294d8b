"""What every console page needs: settings, the board, the clock, the templates, and how
a time is shown (on the station's clock, saying which)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from meshbot.papers.periods import local, zone_of
from meshbot.settings import Settings
from meshbot.web import accounts
from meshbot.web.guard import csrf_token, take_flash, who
from store import session

HERE = Path(__file__).parent
Clock = Callable[[], float]


class Console:
    """What every page needs: settings, the board, the clock and the templates."""

    def __init__(self, settings: Settings, engine: Engine, clock: Clock) -> None:
        self.settings, self.engine, self.clock = settings, engine, clock
        self.tz = zone_of(settings.timezone)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.filters["when"] = self.when

    @property
    def tz_label(self) -> str:
        """Said at the foot of every page: which clock the times are on."""
        return self.settings.timezone or f"the laptop's time zone ({time.strftime('%Z')})"

    def when(self, ts: float | None) -> str:
        return "-" if ts is None else f"{local(ts, self.tz):%d %b %H:%M}"

    def render(self, request: Request, template: str, context: Mapping[str, Any], status: int = 200) -> Response:
        with session(self.engine) as db:
            has_committee = accounts.committee_exists(db)
        return self.templates.TemplateResponse(request, template, {
            "who": who(request), "csrf": csrf_token(request), "flash": take_flash(request),
            "no_committee": not has_committee, "tz": self.tz_label, "now": self.clock(),
            "path": request.url.path, **context,
        }, status_code=status)
