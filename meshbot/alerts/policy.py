"""Alert policy: who broadcasts at once, the confirmation window, repeats, updates, the end.

The rules (docs/alerts.md says them for people):

* A committee member, admin or responder whose ALERT comes as a private (PKI) DM from
  their own radio (`Context.authenticated`) is broadcast at once, verified. Anyone else's
  alert, and any ALERT without that proof (on a channel anyone with the key can claim any
  node number), goes to the committee first, one DM each; it is broadcast verified when
  a committee member answers `OK a3` the same proven way (or the laptop runs
  `meshbot alert confirm a3`), and otherwise goes out by itself after
  `alert_confirm_minutes`, marked unverified: a crisis does not wait for a sleeping
  committee. With no committee member known there is nobody to wait for: it goes at once,
  unverified.
* A broadcast goes on the alert channel(s) as text and, where enabled, as an ALERT_APP
  packet. Over the first half hour it is repeated by DM, with the same id, to the nodes
  that have not acknowledged it (OK, HELPING, SAFE, or their radio's ACK of an earlier
  repeat): never twice to a node that did (`meshbot.alerts.rounds`).
* UPDATE and CANCEL come from the sender or the committee, proven the same way. An alert ends when it is
  cancelled or expires (`alert_ttl_hours`); repeats stop with it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session, col, select

from hardware.link import BROADCAST_NUM
from meshbot.alerts import cap as alert_cap
from meshbot.alerts import unverified_cap
from meshbot.people.members import display_name, name_of
from meshbot.delivery.outbox import Outgoing, Priority
from meshbot.settings import Settings
from protocol import replies
from store import Alert, Member, OutboxItem
from store.models import AlertCopy, AlertMessage, AlertResponse

log = logging.getLogger(__name__)
BROADCASTERS = ("committee", "admin", "responder")
"""Roles whose ALERT, proven by a PKI DM, goes on air at once."""
CONFIRMERS = ("committee", "admin")
"""Roles who confirm (or stop) somebody else's alert."""
ASK_MAX = 5
"""At most this many committee members are asked to confirm one alert."""
ANSWERS = ("confirm", "ok", "helping", "safe", "delivered")
"""Kinds of AlertResponse; any of them means the node has the alert."""
HOUR_S = 3600.0
FLOOD_CLEAR_S = 20.0
"""A flood over 3 hops on LONG_FAST has died down well within this: a second broadcast
(the ALERT_APP copy, another channel) waits this long so the two do not collide."""
ACK_CLEAR_S = 8.0
"""A broadcast set off by a DM waits this long: the radio ACKs the DM by itself, and that
ACK floods back across the mesh for several seconds; a broadcast sent into it collides
with its relays and reaches a fraction of the nodes (measured on the simulator)."""


def alert_ref(alert: Alert) -> str:
    return replies.ref("alert", alert.id or 0)


def find(db: Session, ref: str) -> Alert | None:
    """The alert `a3` names, or None."""
    digits = ref[1:]
    if ref[:1] != "a" or not (digits.isascii() and digits.isdigit()) or int(digits) > 2**63 - 1:
        return None  # no such row (SQLite's integers stop at 2**63 - 1)
    return db.get(Alert, int(ref[1:]))


def committee(db: Session, community: str, exclude: int | None = None) -> list[Member]:
    """Who confirms alerts in `community`, lowest node number first, at most ASK_MAX."""
    query = select(Member).where(col(Member.role).in_(CONFIRMERS), Member.community == community)
    if exclude is not None:
        query = query.where(Member.node_num != exclude)
    return list(db.exec(query.order_by(col(Member.node_num)).limit(ASK_MAX)).all())


def _lang(member: Member) -> str:
    return member.lang or "en"


def _message(db: Session, alert: Alert, kind: str, by: int, now: float, text: str) -> AlertMessage:
    """Keep one CAP message (alert, update or cancel) with its reference to the one before."""
    earlier = db.exec(
        select(AlertMessage).where(AlertMessage.alert_id == alert.id).order_by(col(AlertMessage.id).desc())
    ).first()
    count = len(db.exec(select(AlertMessage.id).where(AlertMessage.alert_id == alert.id)).all())
    identifier = alert_ref(alert) if count == 0 else f"{alert_ref(alert)}.{count + 1}"
    message = AlertMessage(
        alert_id=alert.id or 0, identifier=identifier, msg_type=kind,
        references=earlier.identifier if earlier else None, sender=by, sent=now, text=text,
    )
    db.add(message)
    alert.msg_type = kind
    return message


def _channels(settings: Settings) -> list[int]:
    extra = settings.alert_channel
    return [settings.channel_index] + ([extra] if extra >= 0 and extra != settings.channel_index else [])


def _floods(settings: Settings, ring: bool) -> list[tuple[int, bool]]:
    """(channel, as ALERT_APP) of each flood one broadcast makes."""
    kinds = [(ch, False) for ch in _channels(settings)]
    if ring and settings.alert_app_packet:
        kinds += [(ch, True) for ch in _channels(settings)]
    return kinds


def flood_count(settings: Settings) -> int:
    """How many floods an alert's broadcast makes: its text on each alert channel, and the
    ALERT_APP copies when they are on."""
    return len(_floods(settings, ring=True))


def _on_air(settings: Settings, text: str, ring: bool, after_s: float = 0.0) -> tuple[Outgoing, ...]:
    """The broadcast text on every alert channel, then the ALERT_APP copies that ring
    buzzers; the first after `after_s`, each next one FLOOD_CLEAR_S later, so no two collide."""
    kinds = _floods(settings, ring)
    return tuple(
        Outgoing(text, BROADCAST_NUM, Priority.ALERT, ch, alert_app=app, delay_s=after_s + i * FLOOD_CLEAR_S)
        for i, (ch, app) in enumerate(kinds)
    )


def on_air_text(db: Session, alert: Alert, update: bool = False) -> str:
    text, headline = replies.alert_on_air(
        alert_ref(alert), alert.text, alert.zone, name_of(db, alert.sender),
        verified=alert.verified, status=alert.cap_status, update=update,
    )
    alert.headline = headline
    return text


def broadcast(
    db: Session, alert: Alert, now: float, settings: Settings, *, verified: bool, confirmed_by: int | None = None,
    after_s: float = 0.0,
) -> tuple[Outgoing, ...]:
    """Put a (pending) alert on air: its state, its headline and the texts to queue.
    `after_s`: ACK_CLEAR_S when a DM set it off (see there)."""
    alert.status, alert.sent, alert.verified = "active", now, verified
    alert.confirmed_by, alert.confirm_deadline = confirmed_by, None
    text = on_air_text(db, alert)
    db.add(alert)
    # The words stay out of the log (it is as seizable as the disk): id, kind and standing only.
    log.info("alert %s on air: %s, %s", alert_ref(alert), alert.category, "verified" if verified else "unverified")
    return _on_air(settings, text, ring=True, after_s=after_s)


@dataclass(frozen=True)
class Raised:
    """A new alert and what follows from it at once."""

    alert: Alert
    notices: tuple[Outgoing, ...]
    outcome: str
    """`broadcast` (verified, on air), `unverified` (on air, nobody to confirm) or `pending`."""


def raise_alert(
    db: Session, sender: Member, text: str, place: str | None, now: float, settings: Settings, *,
    proven: bool, direct: bool,
) -> Raised:
    """Record an alert and decide, by the sender's role and how it came, whether it goes now.

    `proven`: a PKI DM under the sender's pinned key; `direct`: a DM at all (its radio ACK
    floods back first, so a broadcast it sets off waits ACK_CLEAR_S)."""
    cap = alert_cap.read(text)
    alert = Alert(
        sender=sender.node_num, text=cap.text, zone=place or sender.zone, status="pending",
        created=now, expires=now + settings.alert_ttl_hours * HOUR_S, cap_status=cap.status,
        category=cap.category, urgency=cap.urgency, severity=cap.severity, on_channel=not proven,
        community=sender.community,
    )
    db.add(alert)
    db.flush()
    _message(db, alert, "alert", sender.node_num, now, cap.text)
    wait = ACK_CLEAR_S if direct else 0.0
    if proven and sender.role in BROADCASTERS:
        return Raised(alert, broadcast(db, alert, now, settings, verified=True, confirmed_by=sender.node_num,
                                       after_s=wait), "broadcast")
    # Unproven, the claimed sender may be someone else: they are asked too, so a
    # committee member whose node was impersonated sees it.
    asked = committee(db, sender.community, exclude=sender.node_num if proven else None)
    if not asked or settings.alert_confirm_minutes <= 0:
        held = unverified_cap.hold_back(db, alert, now, settings)
        if held is not None:
            return Raised(alert, (), held)
        return Raised(alert, broadcast(db, alert, now, settings, verified=False, after_s=wait), "unverified")
    alert.confirm_deadline = now + settings.alert_confirm_minutes * 60.0
    db.add(alert)
    who = display_name(sender)
    log.info("alert %s (%s) waits for the committee", alert_ref(alert), alert.category)
    notices = tuple(
        Outgoing(
            replies.alert_confirm_request(alert_ref(alert), alert.text, alert.zone, who,
                                          settings.alert_confirm_minutes, lang=_lang(m)),
            m.node_num, Priority.ALERT,
        )
        for m in asked
    )
    return Raised(alert, notices, "pending")


def respond(db: Session, alert: Alert, node: int, kind: str, now: float, note: str = "") -> bool:
    """Record that `node` answered `kind` (once per kind); False if it had already."""
    if kind not in ANSWERS:
        raise ValueError(f"unknown alert response {kind!r}")
    found = db.exec(
        select(AlertResponse).where(
            AlertResponse.alert_id == alert.id, AlertResponse.node == node, AlertResponse.kind == kind
        )
    ).first()
    if found is not None:
        return False
    db.add(AlertResponse(alert_id=alert.id or 0, node=node, kind=kind, at=now, note=note[:200]))
    return True


def withdraw_repeats(db: Session, alert: Alert, node: int) -> int:
    """A node that just acknowledged gets no repeat still waiting in the outbox."""
    waiting = db.exec(
        select(OutboxItem)
        .join(AlertCopy, col(AlertCopy.outbox_id) == col(OutboxItem.id))
        .where(AlertCopy.alert_id == alert.id, AlertCopy.node == node, OutboxItem.state == "pending")
    ).all()
    for item in waiting:
        item.state, item.error = "dropped", "acknowledged"
        db.add(item)
    return len(waiting)


def confirm(db: Session, alert: Alert, by: int | None, now: float, settings: Settings) -> tuple[Outgoing, ...]:
    """A committee member (`by`, by DM; None: the laptop) vouches for a pending alert: on air, verified."""
    if alert.status != "pending":
        return ()
    if by is not None:
        respond(db, alert, by, "confirm", now)
    return broadcast(db, alert, now, settings, verified=True, confirmed_by=by,
                     after_s=ACK_CLEAR_S if by is not None else 0.0)


def update(
    db: Session, alert: Alert, text: str, place: str | None, by: int, now: float, settings: Settings
) -> tuple[Outgoing, ...]:
    """New words for an alert. On air already: everyone hears the update, same id."""
    cap = alert_cap.read(text)
    _message(db, alert, "update", by, now, cap.text)
    alert.text, alert.zone = cap.text, place or alert.zone
    if cap.category != "other":
        alert.category, alert.urgency, alert.severity = cap.category, cap.urgency, cap.severity
    db.add(alert)
    if alert.status != "active":
        return ()  # still waiting for the committee: it goes out with these words
    return _on_air(settings, on_air_text(db, alert, update=True), ring=False, after_s=ACK_CLEAR_S)


def cancel(db: Session, alert: Alert, by: int, now: float, settings: Settings) -> tuple[Outgoing, ...]:
    """End an alert. On air: everyone hears it is over. Waiting: it never goes out, and a
    sender stopped by the committee is told."""
    was = alert.status
    alert.status = "cancelled"
    _message(db, alert, "cancel", by, now, alert.text)
    db.add(alert)
    if was == "active":
        return _on_air(settings, replies.alert_cancelled(alert_ref(alert), alert.headline or alert.text), ring=False,
                       after_s=ACK_CLEAR_S)
    if by != alert.sender:
        sender = db.get(Member, alert.sender)
        lang = sender.lang if sender is not None and sender.lang else "en"
        return (Outgoing(replies.alert_stopped(alert_ref(alert), lang), alert.sender, Priority.REPLY),)
    return ()


def may_change(member: Member, alert: Alert, proven: bool) -> bool:
    """UPDATE and CANCEL: the alert's sender or the committee, and only with proof (PKI DM)."""
    return proven and (member.node_num == alert.sender or member.role in CONFIRMERS)


def answered(db: Session, alert: Alert) -> dict[int, set[str]]:
    """Node -> the kinds of answer it gave about this alert."""
    out: dict[int, set[str]] = {}
    for node, kind in db.exec(
        select(AlertResponse.node, AlertResponse.kind).where(AlertResponse.alert_id == alert.id)
    ).all():
        out.setdefault(int(node), set()).add(kind)
    return out
