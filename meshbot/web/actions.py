"""What the console's buttons do: the same desk calls as the CLI, under the console's actor.

Each runs in one transaction, queues its DMs in the outbox (the daemon's sender sends
them) and writes the audit entry as `console:NAME`. A refusal is a ValueError whose text
is shown on the page; nothing is changed then.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.datastructures import FormData

from hardware.link import node_id, parse_node_id
from meshbot.alerts import desk as alert_desk
from meshbot.board import desk as match_desk
from meshbot.people import membership
from meshbot.web.accounts import Who
from store import session

if TYPE_CHECKING:
    from meshbot.web.console import Console


def _field(form: FormData, name: str, what: str) -> str:
    value = form.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > 40:
        raise ValueError(f"give {what}")
    return text


def _match_id(form: FormData) -> int:
    text = _field(form, "match", "a match, e.g. m5").lower().lstrip("#").removeprefix("m")
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise ValueError("a match is m5 or 5")
    return int(text)


def _node(form: FormData) -> int:
    text = _field(form, "node", "a node id like !a1b2c3d4")
    try:
        node = parse_node_id(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a node id like !a1b2c3d4") from exc
    if not 0 < node < 0xFFFFFFFF:
        raise ValueError(f"{text!r} is not a node id like !a1b2c3d4")
    return node


def _quantity(form: FormData) -> float | None:
    value = form.get("quantity")
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    try:
        amount = float(text)
    except ValueError as exc:
        raise ValueError(f"the quantity is a number, not {text[:20]!r}") from exc
    if not math.isfinite(amount) or not 0 < amount <= 1e9:
        raise ValueError("the quantity is a number above 0")
    return amount


def approve_match(console: Console, who: Who, form: FormData) -> str:
    with session(console.engine) as db, db.begin():
        code, queued = match_desk.approve(db, console.settings, _match_id(form), who.actor, console.clock())
    return f"{code} approved; {queued} DM(s) queued"


def reject_match(console: Console, who: Who, form: FormData) -> str:
    with session(console.engine) as db, db.begin():
        code, queued = match_desk.reject(db, console.settings, _match_id(form), who.actor, console.clock())
    return f"{code} rejected; {queued} DM(s) queued"


def make_match(console: Console, who: Who, form: FormData) -> str:
    offer, need, quantity = _field(form, "offer", "an offer id, e.g. o12"), _field(form, "need", "a need id, e.g. n7"), _quantity(form)
    with session(console.engine) as db, db.begin():
        code, queued = match_desk.make(db, console.settings, offer, need, quantity, who.actor, console.clock())
    return f"{code} made; {queued} DM(s) queued"


def _alert_ref(form: FormData) -> str:
    text = _field(form, "alert", "an alert, e.g. a3").lower().lstrip("#").removeprefix("a")
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise ValueError("an alert is a3 or 3")
    return f"a{int(text)}"


def confirm_alert(console: Console, who: Who, form: FormData) -> str:
    ref = _alert_ref(form)
    with session(console.engine) as db, db.begin():
        alert_desk.confirm(db, console.settings, ref, who.actor, console.clock())
    return f"{ref} confirmed: queued for broadcast, verified"


def cancel_alert(console: Console, who: Who, form: FormData) -> str:
    ref = _alert_ref(form)
    with session(console.engine) as db, db.begin():
        queued = alert_desk.cancel(db, console.settings, ref, who.actor, console.clock(), by=who.node)
    return f"{ref} cancelled; {queued} text(s) queued"


def _membership(console: Console, who: Who, form: FormData, action: str) -> str:
    node = _node(form)
    with session(console.engine) as db, db.begin():
        if action == "approve":
            membership.approve(db, node, who.actor, console.clock())
            return f"{node_id(node)} approved"
        if action == "reject":
            membership.reject(db, node, who.actor, console.clock())
            return f"{node_id(node)} not approved"
        role = _field(form, "role", "a role")
        membership.set_role(db, node, role, who.actor, console.clock())
        return f"{node_id(node)} is now {role}"


def approve_member(console: Console, who: Who, form: FormData) -> str:
    return _membership(console, who, form, "approve")


def reject_member(console: Console, who: Who, form: FormData) -> str:
    return _membership(console, who, form, "reject")


def set_role(console: Console, who: Who, form: FormData) -> str:
    return _membership(console, who, form, "role")


ACTIONS: tuple[tuple[str, Callable[..., str], str], ...] = (
    ("/matches/approve", approve_match, "/matches"),
    ("/matches/reject", reject_match, "/matches"),
    ("/matches/make", make_match, "/matches"),
    ("/alerts/confirm", confirm_alert, "/alerts"),
    ("/alerts/cancel", cancel_alert, "/alerts"),
    ("/members/approve", approve_member, "/members"),
    ("/members/reject", reject_member, "/members"),
    ("/members/role", set_role, "/members"),
)
"""Path, action, the page shown after it."""
