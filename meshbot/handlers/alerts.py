"""ALERT, UPDATE, CANCEL of an alert, OK, HELPING, SAFE and EMERGENCY ON/OFF.

The rules (who broadcasts at once, who confirms, repeats) are `meshbot.alerts.policy`; this
module turns a command and its sender into those calls and a short answer.
"""

from __future__ import annotations

from sqlmodel import select

from meshbot.alerts import emergency, emergency_end
from meshbot.alerts import policy as alerts
from meshbot.delivery.outbox import Outgoing, Priority
from meshbot.handlers.context import Context, Reply
from meshbot.inbound import gate
from meshbot.people.members import display_name
from protocol import Ack, EmergencyMode, Helping, Safe, Update, replies
from protocol import Alert as AlertCommand
from protocol.vocab import VERB_NAMES
from protocol.catalogue import render
from store import Alert

LIVE = ("pending", "active")


def _verb(ctx: Context, verb: str) -> str:
    return VERB_NAMES.get(ctx.lang, VERB_NAMES["en"]).get(verb, verb.upper())


def raise_alert(ctx: Context, cmd: AlertCommand) -> Reply:
    raised = alerts.raise_alert(ctx.session, ctx.sender, cmd.text, cmd.place, ctx.now, ctx.settings,
                                proven=ctx.authenticated, direct=ctx.direct)
    short_id = alerts.alert_ref(raised.alert)
    if raised.outcome == "broadcast":
        text = replies.alert_sent(short_id, lang=ctx.lang)
    elif raised.outcome in ("merged", "capped"):
        text = replies.alert_held_back(short_id, raised.outcome, lang=ctx.lang)
    elif raised.outcome == "unverified":
        text = replies.alert_sent_unverified(short_id, lang=ctx.lang)
    else:
        text = replies.alert_pending(short_id, ctx.settings.alert_confirm_minutes, lang=ctx.lang)
    return Reply(text, raised.notices, after_broadcast=True)


def _live(ctx: Context, ref: str) -> Alert | None:
    alert = alerts.find(ctx.session, ref)
    return alert if alert is not None and alert.status in LIVE else None


def cancel_alert(ctx: Context, alert: Alert | None, ref: str) -> Reply:
    """The sender or the committee, by DM, end an alert; everyone hears that it is over."""
    if alert is None or alert.status not in LIVE:
        return Reply(replies.not_found(ref, lang=ctx.lang))
    if not ctx.authenticated:
        return Reply(replies.only_by_dm(_verb(ctx, "cancel"), ref, lang=ctx.lang))
    if not alerts.may_change(ctx.sender, alert, ctx.authenticated):
        return Reply(replies.not_yours(ref, lang=ctx.lang))
    notices = alerts.cancel(ctx.session, alert, ctx.sender.node_num, ctx.now, ctx.settings)
    return Reply(replies.cancelled(ref, lang=ctx.lang), notices, after_broadcast=True)


def update_alert(ctx: Context, cmd: Update) -> Reply:
    alert = _live(ctx, cmd.ref)
    if alert is None:
        return Reply(replies.alert_not_active(cmd.ref, lang=ctx.lang))
    if not ctx.authenticated:
        return Reply(replies.only_by_dm(_verb(ctx, "update"), cmd.ref, lang=ctx.lang))
    if not alerts.may_change(ctx.sender, alert, ctx.authenticated):
        return Reply(replies.not_yours(cmd.ref, lang=ctx.lang))
    notices = alerts.update(ctx.session, alert, cmd.text, cmd.place, ctx.sender.node_num, ctx.now, ctx.settings)
    if alert.status == "pending":
        return Reply(replies.alert_pending(cmd.ref, ctx.settings.alert_confirm_minutes, lang=ctx.lang))
    return Reply(replies.alert_updated(cmd.ref, lang=ctx.lang), notices, after_broadcast=True)


def acknowledge(ctx: Context, cmd: Ack) -> Reply:
    """OK a3: no more repeats to this node. From the committee by DM, a waiting alert goes out."""
    alert = _live(ctx, cmd.ref)
    if alert is None:
        return Reply(replies.alert_not_active(cmd.ref, lang=ctx.lang))
    if alert.status == "pending":
        confirmer = gate.standing(ctx, alerts.CONFIRMERS)
        if confirmer is gate.Standing.WITHOUT_ROLE:
            return Reply(replies.alert_not_active(cmd.ref, lang=ctx.lang))
        if confirmer is gate.Standing.UNPROVEN:  # the role, but no proof it is them
            return Reply(replies.confirm_by_dm(cmd.ref, lang=ctx.lang))
        notices = alerts.confirm(ctx.session, alert, ctx.sender.node_num, ctx.now, ctx.settings)
        return Reply(replies.alert_confirmed(cmd.ref, lang=ctx.lang), notices, after_broadcast=True)
    alerts.respond(ctx.session, alert, ctx.sender.node_num, "ok", ctx.now)
    alerts.withdraw_repeats(ctx.session, alert, ctx.sender.node_num)
    return Reply(replies.alert_acknowledged(cmd.ref, lang=ctx.lang))


def helping(ctx: Context, cmd: Helping) -> Reply:
    """HELPING a3: the alert's sender learns who is coming; in emergency mode, a volunteer."""
    alert = _live(ctx, cmd.ref)
    if alert is None or alert.status != "active":
        return Reply(replies.alert_not_active(cmd.ref, lang=ctx.lang))
    first = alerts.respond(ctx.session, alert, ctx.sender.node_num, "helping", ctx.now, cmd.note)
    alerts.withdraw_repeats(ctx.session, alert, ctx.sender.node_num)
    notices: tuple[Outgoing, ...] = ()
    if first and alert.sender != ctx.sender.node_num:
        text = replies.helping_notice(cmd.ref, display_name(ctx.sender), cmd.note, lang=ctx.lang_of(alert.sender))
        notices = (Outgoing(text, alert.sender, Priority.REPLY),)
    return Reply(replies.helping_noted(cmd.ref, lang=ctx.lang), notices)


def mark_safe(ctx: Context, cmd: Safe) -> Reply:
    """SAFE [@zone] [note]: a check-in for every alert on air (the note, zone and all, is
    kept with it) and for emergency mode (`Member.safe_at`)."""
    ctx.sender.safe_at = ctx.now
    ctx.session.add(ctx.sender)
    on_air = ctx.session.exec(
        select(Alert).where(Alert.status == "active", Alert.community == ctx.sender.community)
    ).all()
    for alert in on_air:
        alerts.respond(ctx.session, alert, ctx.sender.node_num, "safe", ctx.now, cmd.note)
        alerts.withdraw_repeats(ctx.session, alert, ctx.sender.node_num)
    name = ctx.sender.name or ctx.sender.short_name or render("safe.nameless", ctx.lang)
    return Reply(replies.safe(name, lang=ctx.lang))


def emergency_mode(ctx: Context, cmd: EmergencyMode) -> Reply:
    """EMERGENCY ON/OFF: only the committee by PKI DM gets here (the gate's `PRIVILEGED`
    table refuses everyone else before any handler runs)."""
    current = emergency.current(ctx.session, ctx.sender.community)
    if cmd.on:
        if current is not None:
            return Reply(replies.emergency_already(lang=ctx.lang))
        reason = render("emergency.declared_by", who=display_name(ctx.sender))
        _, notices = emergency.start(ctx.session, ctx.settings, ctx.now, reason, ctx.sender.node_num,
                                     ctx.sender.community)
        return Reply(replies.emergency_started(ctx.settings.emergency_hours, lang=ctx.lang), notices)
    if current is None:
        return Reply(replies.emergency_not_on(lang=ctx.lang))
    notices = emergency_end.end(ctx.session, ctx.settings, ctx.now, current)
    return Reply(replies.emergency_ended(lang=ctx.lang), notices)

