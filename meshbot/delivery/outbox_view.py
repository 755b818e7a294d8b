"""What the outbox holds, for `meshbot outbox`: counts per state, the newest rows, each try."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from hardware.link import BROADCAST_NUM, node_id
from meshbot.delivery.outbox import Priority
from store import DeliveryAttempt, OutboxItem, session


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def _priority_name(value: int) -> str:
    return Priority(value).name.lower() if value in Priority._value2member_map_ else str(value)


def outbox(engine: Engine, state: str | None = None, limit: int = 200) -> dict[str, Any]:
    """Counts per state and the newest rows: what is waiting, what went, what failed."""
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
                "id": o.id, "state": o.state, "priority": _priority_name(o.priority),
                "to": "all" if o.destination == BROADCAST_NUM else node_id(o.destination),
                "channel": o.channel, "attempts": o.attempts, "created": _iso(o.created),
                "sent": _iso(o.sent_at), "acked": _iso(o.acked_at), "error": o.error,
                "held": o.held_by_emergency is not None, "text": o.text,
                "tries": tries.get(o.id or 0, []),
            }
            for o in rows
        ],
    }
