"""Read-only views of the store for the committee's laptop: the board and the matches."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from hardware.link import node_id
from meshbot.matching.units import nice
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
    rows = sorted(rows, key=lambda p: (p.kind != "need", rank.get(p.urgency, 2), p.created))
    # Postings of members the committee has not approved are shown as unverified (docs/security.md).
    return [{**posting_row(p), "verified": p.author in approved} for p in rows]


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


PRIORITY_NAMES = {0: "alert", 1: "reply", 2: "notice", 3: "digest"}


def outbox(engine: Engine, state: str | None = None, limit: int = 200) -> dict[str, Any]:
    """Counts per state and the newest rows: what is waiting, what went, what failed."""
    from sqlalchemy import func

    from store import DeliveryAttempt, OutboxItem

    with session(engine) as db:
        counts = dict(db.exec(select(OutboxItem.state, func.count()).group_by(OutboxItem.state)).all())
        query = select(OutboxItem).order_by(OutboxItem.id.desc()).limit(limit)  # type: ignore[union-attr]
        if state:
            query = query.where(OutboxItem.state == state)
        rows = db.exec(query).all()
        tries: dict[int, list[dict[str, Any]]] = {}
        attempts = db.exec(select(DeliveryAttempt).where(
            DeliveryAttempt.outbox_id.in_([o.id for o in rows])).order_by(DeliveryAttempt.id))  # type: ignore[attr-defined]
        for a in attempts:
            tries.setdefault(a.outbox_id, []).append({
                "packet": f"{a.packet_id:08x}", "sent": _iso(a.sent_at), "verdict": a.verdict,
                "after_s": None if a.verdict_at is None else round(a.verdict_at - a.sent_at, 1),
            })
    return {
        "counts": counts,
        "items": [
            {
                "id": o.id, "state": o.state, "priority": PRIORITY_NAMES.get(o.priority, str(o.priority)),
                "to": "all" if o.destination == 0xFFFFFFFF else node_id(o.destination),
                "channel": o.channel, "attempts": o.attempts, "created": _iso(o.created),
                "sent": _iso(o.sent_at), "acked": _iso(o.acked_at), "error": o.error,
                "held": o.held_by_emergency is not None, "text": o.text,
                "tries": tries.get(o.id or 0, []),
            }
            for o in rows
        ],
    }
