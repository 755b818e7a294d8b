"""The clock side of alerts: confirmation windows that close, repeat rounds, roll calls.

Run from the daemon's housekeeping (`meshbot.alerts.crisis_chores`, every minute). A resident's
alert nobody on the committee answered in time goes out unverified; at each of
`alert_repeat_minutes` an alert on air is sent again by DM to the nodes the bot knows of
that have not acknowledged it (OK, HELPING, SAFE, or its radio's ACK of an earlier
repeat), never to one that has, and only as far as the repeats' airtime allowance goes;
after the last round its sender and the committee hear who has it. Why DMs and not
another broadcast: a broadcast cannot skip the nodes that already have it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hardware.airtime import text_time_on_air
from hardware.link import NodeInfo
from meshbot.alerts.policy import alert_ref, answered, broadcast, committee, flood_count, on_air_text, respond
from meshbot.alerts import unverified_cap
from meshbot.alerts.roll import names, roll_call
from meshbot.delivery.outbox import Outgoing, Priority, enqueue
from meshbot.settings import Settings
from protocol import replies
from store import Alert, Member, OutboxItem, session
from store.models import AlertCopy

log = logging.getLogger(__name__)
HEARD_WITHIN_S = 48 * 3600.0
"""A node the radio has not heard for this long is not sent repeats (it is away)."""
REPEAT_SPACING_S = 30.0
"""Repeat DMs of one round go this far apart: each DM and its ACK flood the mesh for ~10 s,
and residents must still get their own texts through between them."""


def recent_nodes(nodes: Mapping[int, NodeInfo], now: float, me: int) -> dict[int, float | None]:
    """Nodes the radio knows, heard within HEARD_WITHIN_S (or never timed), but not us."""
    out: dict[int, float | None] = {}
    for num, info in nodes.items():
        if num == me:
            continue
        if info.last_heard is None or now - info.last_heard <= HEARD_WITHIN_S:
            out[num] = info.last_heard
    return out


def _record_deliveries(db: Session, alert: Alert, now: float) -> None:
    """A repeat whose DM the node's radio ACKed counts as delivered: never sent again."""
    rows = db.exec(
        select(AlertCopy.node, OutboxItem.acked_at)
        .join(OutboxItem, col(OutboxItem.id) == col(AlertCopy.outbox_id))
        .where(AlertCopy.alert_id == alert.id, OutboxItem.state == "acked")
    ).all()
    for node, acked_at in rows:
        respond(db, alert, int(node), "delivered", acked_at or now)


def _targets(db: Session, alert: Alert, known: Mapping[int, float | None], limit: int) -> list[int]:
    """Who a repeat goes to: every node we know of that has not acknowledged and has no
    copy on its way; those sent fewest copies so far first (so capped rounds take turns),
    then late joiners, the alert's zone, the most recently heard; at most `limit`."""
    members = {
        m.node_num: m for m in db.exec(select(Member).where(Member.community == alert.community)).all()
    }
    in_flight = db.exec(
        select(AlertCopy.node)
        .join(OutboxItem, col(OutboxItem.id) == col(AlertCopy.outbox_id))
        .where(AlertCopy.alert_id == alert.id, col(OutboxItem.state).in_(("pending", "sending")))
    ).all()
    done = set(answered(db, alert)) | {alert.sender} | {int(n) for n in in_flight}
    sent_at = alert.sent or alert.created
    copies: dict[int, int] = {}
    for node in db.exec(select(AlertCopy.node).where(AlertCopy.alert_id == alert.id)).all():
        copies[int(node)] = copies.get(int(node), 0) + 1

    def order(num: int) -> tuple[int, int, int, float, int]:
        m = members.get(num)
        late = m is not None and m.first_seen > sent_at
        here = m is not None and alert.zone is not None and m.zone == alert.zone
        heard = max(m.last_seen if m else 0.0, known.get(num) or 0.0)
        return (copies.get(num, 0), 0 if late else 1, 0 if here else 1, -heard, num)

    candidates = (set(known) | set(members)) - done
    return sorted(candidates, key=order)[:limit]


def _roll_call(db: Session, alert: Alert, known: Mapping[int, float | None]) -> list[Outgoing]:
    """After the last repeat, the sender and the committee hear who has it, every radio counted."""
    roll = roll_call(db, alert, known)
    helpers = names(db, roll.helping[:4])
    people = {alert.sender: db.get(Member, alert.sender)} | {m.node_num: m for m in committee(db, alert.community)}
    out = []
    for num, member in people.items():
        lang = member.lang if member is not None and member.lang else "en"
        text = replies.alert_roll_call(alert_ref(alert), len(roll.ok), len(roll.helping), len(roll.safe),
                                       len(roll.not_heard), helpers, lang=lang, radio_only=len(roll.radio_only))
        out.append(Outgoing(text, num, Priority.NOTICE))
    return out


def repeat_allowance_s(db: Session, alert: Alert, text: str, settings: Settings) -> float:
    """Airtime the repeats of `alert` may still take: `alert_repeat_airtime_share` of the
    alert's own broadcasts, less what its repeats took (every try) or will take (one try
    each for those still queued). The broadcasts reach nearly every radio, so repeats are
    for the few that missed them and must not cost the mesh more than the alert did."""
    own = text_time_on_air(text, settings.modem_preset, pki=False) * flood_count(settings)
    dm = text_time_on_air(text, settings.modem_preset, pki=True)
    copies = db.exec(
        select(OutboxItem.state, OutboxItem.airtime_s)
        .join(AlertCopy, col(AlertCopy.outbox_id) == col(OutboxItem.id))
        .where(AlertCopy.alert_id == alert.id)
    ).all()
    spent = sum(dm if state in ("pending", "sending") and not airtime else airtime for state, airtime in copies)
    return settings.alert_repeat_airtime_share * own - spent


def _repeat(db: Session, alert: Alert, known: Mapping[int, float | None], now: float, settings: Settings) -> int:
    """One repeat round: a DM (with want_ack) to each node that has not acknowledged, as far
    as the repeats' airtime allowance goes."""
    _record_deliveries(db, alert, now)
    round_no = alert.repeats_done + 1
    text = on_air_text(db, alert)
    dm_s = text_time_on_air(text, settings.modem_preset, pki=True)
    allowance = repeat_allowance_s(db, alert, text, settings)
    sent = 0
    for i, node in enumerate(_targets(db, alert, known, settings.alert_repeat_max_dms)):
        if allowance < dm_s:
            log.info("alert %s: repeats reached their airtime allowance", alert_ref(alert))
            break
        allowance -= dm_s
        ids = enqueue(db, Outgoing(text, node, Priority.ALERT, delay_s=i * REPEAT_SPACING_S), now, want_ack=True)
        db.add(AlertCopy(alert_id=alert.id or 0, round=round_no, node=node, outbox_id=ids[0], sent=now))
        sent += 1
    alert.repeats_done = round_no
    db.add(alert)
    if round_no == len(settings.alert_repeat_minutes):
        for notice in _roll_call(db, alert, known):
            enqueue(db, notice, now, settings.reply_want_ack)
    log.info("alert %s repeat %d: %d DM(s)", alert_ref(alert), round_no, sent)
    return sent


def tick(engine: Engine, settings: Settings, now: float, known: Mapping[int, float | None]) -> int:
    """Housekeeping: unconfirmed alerts whose window closed go out unverified; due repeat
    rounds are sent. `known` is the nodes the radio heard lately. Returns texts queued."""
    queued = 0
    with session(engine) as db, db.begin():
        overdue = db.exec(
            select(Alert).where(Alert.status == "pending", col(Alert.confirm_deadline).is_not(None),
                                col(Alert.confirm_deadline) <= now)
        ).all()
        for alert in overdue:
            if unverified_cap.hold_back(db, alert, now, settings) is not None:
                continue
            log.warning("alert %s: no committee answer in time; broadcasting it unverified", alert_ref(alert))
            for message in broadcast(db, alert, now, settings, verified=False):
                enqueue(db, message, now, False)
                queued += 1
        rounds = settings.alert_repeat_minutes
        active = db.exec(
            select(Alert).where(Alert.status == "active", Alert.repeats_done < len(rounds),
                                Alert.expires > now)
        ).all()
        for alert in active:
            if alert.sent is not None and now >= alert.sent + rounds[alert.repeats_done] * 60.0:
                queued += _repeat(db, alert, known, now, settings)
    return queued
