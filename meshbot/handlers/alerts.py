"""ALERT, SAFE and ending an alert: v1 broadcasts at once on the alert channel."""

from __future__ import annotations

from meshbot.handlers.context import Context, Reply
from meshbot.members import display_name
from meshbot.outbox import Outgoing, Priority
from protocol import Alert as AlertCommand
from protocol import Safe, replies
from store import Alert

HOUR_S = 3600.0


def _broadcast(ctx: Context, text: str) -> Outgoing:
    return Outgoing(text=text, priority=Priority.ALERT, channel=ctx.settings.channel_index)


def raise_alert(ctx: Context, cmd: AlertCommand) -> Reply:
    alert = Alert(
        sender=ctx.sender.node_num, text=cmd.text, zone=cmd.place or ctx.sender.zone,
        created=ctx.now, expires=ctx.now + ctx.settings.alert_ttl_hours * HOUR_S,
    )
    ctx.session.add(alert)
    ctx.session.flush()
    short_id = replies.ref("alert", alert.id or 0)
    text = replies.alert_broadcast(short_id, alert.text, alert.zone, display_name(ctx.sender))
    return Reply(replies.alert_sent(short_id, lang=ctx.lang), (_broadcast(ctx, text),))


def cancel_alert(ctx: Context, alert: Alert | None, ref: str) -> Reply:
    """Only the sender ends their alert in v1; everyone hears that it is over."""
    if alert is None or alert.status != "active":
        return Reply(replies.not_found(ref, lang=ctx.lang))
    if alert.sender != ctx.sender.node_num:
        return Reply(replies.not_yours(ref, lang=ctx.lang))
    alert.status = "cancelled"
    ctx.session.add(alert)
    return Reply(replies.cancelled(ref, lang=ctx.lang), (_broadcast(ctx, replies.alert_cancelled(ref, alert.text)),))


def mark_safe(ctx: Context, cmd: Safe) -> Reply:
    ctx.sender.safe_at = ctx.now
    ctx.session.add(ctx.sender)
    return Reply(replies.safe(ctx.sender.name or ctx.sender.short_name or "friend", lang=ctx.lang))
