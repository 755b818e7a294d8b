"""The console's doors: who is logged in, and a CSRF token on every form.

The session is a cookie signed by Starlette's SessionMiddleware (itsdangerous) with a
secret made when `meshbot web` starts, so a restart logs everyone out. Each session has
its own CSRF token; a POST without it changes nothing.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

from meshbot.web.accounts import Who


def csrf_token(request: Request) -> str:
    """This session's token, made on first use; every form carries it."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def csrf_ok(request: Request, sent: object) -> bool:
    expected = request.session.get("csrf")
    return bool(expected) and isinstance(sent, str) and hmac.compare_digest(str(expected), sent)


def who(request: Request) -> Who | None:
    """The logged-in person, or None."""
    user = request.session.get("who")
    if not isinstance(user, dict) or "name" not in user:
        return None
    return Who(str(user["name"]), int(user.get("node", 0)))


def log_in(request: Request, person: Who) -> None:
    request.session.clear()  # a fresh session (and token) at login: no fixation
    request.session["who"] = {"name": person.name, "node": person.node}
    csrf_token(request)


def flash(request: Request, text: str, ok: bool = True) -> None:
    """One line shown at the top of the next page (what the last action did)."""
    request.session["flash"] = {"text": text, "ok": ok}


def take_flash(request: Request) -> dict[str, object] | None:
    value = request.session.pop("flash", None)
    return value if isinstance(value, dict) else None
