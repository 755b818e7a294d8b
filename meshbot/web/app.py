"""The console's Starlette application: routes, templates, the login wall.

Built by `build_app` from the same settings and engine the CLI opens; the daemon may be
running against the same SQLite file (WAL, busy timeout), and its sender picks up what the
console queues. Database work runs in Starlette's thread pool, never on the event loop.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from meshbot.settings import Settings
from meshbot.web import accounts, actions, pages, papers
from meshbot.web.accounts import Who
from meshbot.web.console import Clock, Console
from meshbot.web.guard import csrf_ok, flash, log_in, who

HERE = Path(__file__).parent
Read = Callable[[Console, Request], Mapping[str, Any]]
Act = Callable[[Console, Who, FormData], str]
EXPECTED = (ValueError, LookupError)
"""What an action raises when it refuses (ClaimError, MembershipError, ...: all ValueErrors)."""


def _to_login(request: Request) -> Response:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


def page(console: Console, template: str, read: Read) -> Callable[[Request], Awaitable[Response]]:
    """A GET page behind the login wall: `read` gathers its rows in the thread pool."""
    async def endpoint(request: Request) -> Response:
        if who(request) is None:
            return _to_login(request)
        context = await run_in_threadpool(read, console, request)
        return console.render(request, template, context)
    return endpoint


def action(console: Console, act: Act, back: str) -> Callable[[Request], Awaitable[Response]]:
    """A POST form: logged in, the session's CSRF token, then `act`; its line is shown on `back`."""
    async def endpoint(request: Request) -> Response:
        person = who(request)
        if person is None:
            return _to_login(request)
        form = await request.form()
        if not csrf_ok(request, form.get("csrf")):
            return PlainTextResponse("This form is out of date: reload the page and try again.", status_code=403)
        try:
            flash(request, await run_in_threadpool(act, console, person, form))
        except EXPECTED as exc:
            flash(request, str(exc), ok=False)
        return RedirectResponse(back, status_code=303)
    return endpoint


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/board"


def login_routes(console: Console) -> list[Route]:
    async def login(request: Request) -> Response:
        if request.method == "GET":
            can_passphrase, has_passwords = await run_in_threadpool(accounts.ways_in, console.engine)
            return console.render(request, "login.html", {
                "next": _safe_next(request.query_params.get("next")),
                "can_passphrase": can_passphrase, "has_passwords": has_passwords})
        form = await request.form()
        if not csrf_ok(request, form.get("csrf")):
            return PlainTextResponse("This form is out of date: reload the page and try again.", status_code=403)
        person = await run_in_threadpool(accounts.check, console.engine, console.settings,
                                         str(form.get("name", "")), str(form.get("password", "")))
        if person is None:
            flash(request, "Wrong name or password.", ok=False)
            return RedirectResponse("/login", status_code=303)
        log_in(request, person)
        return RedirectResponse(_safe_next(str(form.get("next", ""))), status_code=303)

    async def logout(request: Request) -> Response:
        form = await request.form()
        if csrf_ok(request, form.get("csrf")):
            request.session.clear()
        return RedirectResponse("/login", status_code=303)

    async def home(request: Request) -> Response:
        return RedirectResponse("/board", status_code=303)

    return [Route("/", home), Route("/login", login, methods=["GET", "POST"]),
            Route("/logout", logout, methods=["POST"])]


def _printable(console: Console, render: Callable[[Console, Request], str]) -> Callable[[Request], Awaitable[Response]]:
    """A paper (digest, report, map, emergency board) as its own printable HTML page."""
    async def endpoint(request: Request) -> Response:
        if who(request) is None:
            return _to_login(request)
        return HTMLResponse(await run_in_threadpool(render, console, request))
    return endpoint


def build_app(settings: Settings, engine: Engine, clock: Clock = time.time, secret: str | None = None) -> Starlette:
    """The console for this board. `secret` signs the session cookie (default: new each start)."""
    console = Console(settings, engine, clock)
    routes = login_routes(console) + [
        Route(path, page(console, template, read)) for path, template, read in pages.PAGES
    ] + [
        Route(path, action(console, act, back), methods=["POST"]) for path, act, back in actions.ACTIONS
    ] + [
        Route(path, _printable(console, render)) for path, render in papers.PRINTABLE
    ] + [Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")]
    app = Starlette(routes=routes, middleware=[
        Middleware(SessionMiddleware, secret_key=secret or secrets.token_hex(32), session_cookie="meshbot_console",
                   same_site="strict", https_only=False, max_age=12 * 3600)])
    app.state.console = console
    return app
