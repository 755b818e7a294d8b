"""What each console page shows: rows read from the board, with names and local times.

Each reader takes the console and the request and returns the template's context; it runs
in the thread pool. Printable papers are whole HTML pages of their own (the same
renderers as `meshbot digest --format html`, `report`, `map`, `emergency status --html`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from hardware.link import node_id
from meshbot.board.views import board, matches
from meshbot.delivery.outbox_view import outbox
from meshbot.people.members import names_by_id, spoken_name
from meshbot.people.membership import members
from store import ROLES, Alert, session

if TYPE_CHECKING:
    from starlette.requests import Request

    from meshbot.web.console import Console

FILTERS = ("kind", "category", "zone", "urgency")
WAITING = ("pending", "sending")


def _epoch(iso: str | None) -> float | None:
    """The views give UTC ISO times (for JSON); the pages show them on the station's clock."""
    return None if iso is None else datetime.fromisoformat(iso).timestamp()


def _choices(rows: list[dict[str, Any]], key: str) -> list[str]:
    return sorted({str(r[key]) for r in rows if r.get(key)})


def read_board(console: Console, request: Request) -> Mapping[str, Any]:
    """The live board, filtered by kind, category, zone and urgency, searched by words."""
    rows = board(console.engine)
    with session(console.engine) as db:
        names = names_by_id(db)
    every = list(rows)
    chosen = {k: request.query_params.get(k, "") for k in FILTERS}
    for key, value in chosen.items():
        if value:
            rows = [r for r in rows if str(r.get(key) or "") == value]
    words = request.query_params.get("q", "").strip().casefold()
    for r in rows:
        r["who"], r["created_at"] = names.get(r["author"], r["author"]), _epoch(r["created"])
    if words:
        rows = [r for r in rows if all(w in " ".join(str(r.get(k) or "") for k in (
            "id", "item", "category", "zone", "who", "author")).casefold() for w in words.split())]
    return {"rows": rows, "chosen": chosen, "q": request.query_params.get("q", ""),
            "choices": {k: _choices(every, k) for k in FILTERS}, "total": len(every)}


def read_matches(console: Console, request: Request) -> Mapping[str, Any]:
    """Live matches: held ones wait for the committee, the others for the residents' TAKE."""
    rows = matches(console.engine, live=True)
    with session(console.engine) as db:
        names = names_by_id(db)
    for m in rows:
        m["created_at"] = _epoch(m["created"])
        for side in ("offer", "need"):
            if m[side]:
                m[side]["who"] = names.get(m[side]["author"], m[side]["author"])
    return {"rows": sorted(rows, key=lambda m: m["state"] != "held")}


def read_alerts(console: Console, request: Request) -> Mapping[str, Any]:
    """Alerts waiting for a committee member, then those on air."""
    with session(console.engine) as db:
        names = names_by_id(db)
        rows = db.exec(select(Alert).where(col(Alert.status).in_(("pending", "active")))
                       .order_by(col(Alert.status).desc(), col(Alert.id).desc())).all()
        alerts = [{"ref": f"a{a.id}", "status": a.status, "verified": a.verified, "category": a.category,
                   "zone": a.zone, "text": a.headline or a.text, "created": a.created,
                   "sender": names.get(node_id(a.sender), node_id(a.sender))} for a in rows]
    return {"alerts": alerts}


def read_members(console: Console, request: Request) -> Mapping[str, Any]:
    """Who asked to join (waiting first) and every member's role."""
    with session(console.engine) as db:
        rows = [{"node": node_id(m.node_num), "name": spoken_name(m), "zone": m.zone, "status": m.status,
                 "role": m.role, "last_seen": m.last_seen} for m in members(db)]
    rows.sort(key=lambda m: m["status"] != "pending")
    return {"members": rows, "roles": ROLES}


def read_outbox(console: Console, request: Request) -> Mapping[str, Any]:
    """What waits to go, what failed and why, what went."""
    view = outbox(console.engine, limit=200)
    with session(console.engine) as db:
        names = names_by_id(db)
    for o in view["items"]:
        o["who"], o["created_at"] = names.get(o["to"], o["to"]), _epoch(o["created"])
    items = view["items"]
    return {"counts": view["counts"], "waiting": [o for o in items if o["state"] in WAITING],
            "failed": [o for o in items if o["state"] == "failed"],
            "done": [o for o in items if o["state"] not in WAITING + ("failed",)][:50]}


def read_emergency(console: Console, request: Request) -> Mapping[str, Any]:
    """The emergency status board, or that there is none; the page reloads itself."""
    from meshbot.alerts.emergency_board import REFRESH_S, latest, snapshot

    with session(console.engine) as db, db.begin():
        row = latest(db, console.settings.community)
        board_now = None if row is None else snapshot(db, row, console.clock(), console.settings)
    asked = request.query_params.get("refresh", "")
    every = min(max(int(asked), 2), REFRESH_S) if asked.isdigit() and len(asked) < 6 else REFRESH_S
    return {"board": board_now, "refresh": every}


def read_papers(console: Console, request: Request) -> Mapping[str, Any]:
    from meshbot.papers.periods import PERIOD_DAYS

    return {"periods": list(PERIOD_DAYS)}


PAGES: tuple[tuple[str, str, Callable[..., Mapping[str, Any]]], ...] = (
    ("/board", "board.html", read_board),
    ("/matches", "matches.html", read_matches),
    ("/alerts", "alerts.html", read_alerts),
    ("/members", "members.html", read_members),
    ("/outbox", "outbox.html", read_outbox),
    ("/emergency", "emergency.html", read_emergency),
    ("/papers", "papers.html", read_papers),
)
"""Path, template, reader: the console's pages, in the order of its menu."""

