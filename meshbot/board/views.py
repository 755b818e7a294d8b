"""Read-only views of the board for the committee's laptop: the postings and the matches.

What waits to be sent is `meshbot.delivery.outbox_view`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from hardware.link import node_id
from meshbot.board.match_index import left_after, promises
from meshbot.board.matching.units import nice
from protocol import replies
from store import Match, Member, Posting, session

LIVE_STATES = ("open", "matched")


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def _number(value: float | None) -> float | int | None:
    return int(value) if value is not None and value.is_integer() else value


def posting_row(p: Posting) -> dict[str, Any]:
    return {
        "id": replies.ref(p.kind, p.id or 0), "kind": p.kind, "category": p.category,
        "item": p.item, "quantity": _number(p.quantity), "unit": p.unit, "zone": p.zone,
        "remaining": _number(p.remaining if p.remaining is not None else p.quantity),
        "urgency": p.urgency, "status": p.status, "author": node_id(p.author),
        "created": _iso(p.created), "expires": _iso(p.expires),
    }


def board(engine: Engine) -> list[dict[str, Any]]:
    """Live postings, needs first, most urgent and oldest first: the order to work them in."""
    rank = {"critical": 0, "high": 1, "normal": 2}
    with session(engine) as db:
        rows = db.exec(select(Posting).where(Posting.status.in_(LIVE_STATES))).all()  # type: ignore[attr-defined]
        approved = set(db.exec(select(Member.node_num).where(Member.status == "approved")).all())
        promised = promises(db)
    rows = sorted(rows, key=lambda p: (p.kind != "need", rank.get(p.urgency, 2), p.created))
    # Postings of members the committee has not approved are shown as unverified (docs/security.md).
    # `remaining` is what no live match has promised yet: the same figure the matcher works from.
    return [{**posting_row(p), "verified": p.author in approved,
             **({"remaining": _number(left_after(p, promised.get(p.id or 0, [])))} if p.quantity is not None else {})}
            for p in rows]


def match_state(m: Match) -> str:
    """held, waiting (for TAKE), accepted, done; or why it was cancelled (lapsed, rejected, ...)."""
    if m.status == "proposed":
        return "held" if m.held else "accepted" if m.accepted is not None else "waiting"
    if m.status == "cancelled":
        return m.reason or "cancelled"
    return m.status


def matches(engine: Engine, live: bool = False) -> list[dict[str, Any]]:
    """Every match (or only the live ones), oldest first, with its claim code and amounts."""
    with session(engine) as db:
        query = select(Match).order_by(Match.id)
        if live:
            query = query.where(Match.status == "proposed")
        rows = db.exec(query).all()
        out = []
        for m in rows:
            offer = db.get(Posting, m.offer_id) if m.offer_id else None
            need = db.get(Posting, m.need_id) if m.need_id else None
            unit = offer.unit if offer is not None else None
            out.append({
                "id": m.id, "code": replies.match_ref(m.id or 0), "status": m.status, "state": match_state(m),
                "created": _iso(m.created), "closed": _iso(m.closed),
                "offer": posting_row(offer) if offer else None,
                "need": posting_row(need) if need else None,
                "taker": node_id(m.taker) if m.taker is not None else None,
                "quantity": _number(m.quantity), "unit": unit if m.quantity is not None else None,
                "need_quantity": _number(m.need_quantity),
                "amount": replies.amount(nice(m.quantity), unit) if m.quantity is not None else "",
                "expires": _iso(m.expires), "accepted": _iso(m.accepted), "reason": m.reason,
                "fit_score": m.fit_score, "fit_reason": m.fit_reason,
            })
    return out
