"""Alert and emergency replies: broadcasts cut to one packet, confirmations, roll calls, plans."""

from __future__ import annotations

from collections.abc import Sequence

from .catalogue import render
from .labels import at_zone, figure
from .packing import REPLY_LIMIT, fit, utf8_len

MIN_HEADLINE_BYTES = 24
ALERT_STATUS_MARK = {"actual": "", "exercise": "DRILL/SIMULACRO ", "test": "TEST/PRUEBA "}
"""CAP status as every radio reads it, before `ALERT`: a drill or a test says so first."""


def alert_broadcast(short_id: str, text: str, zone: str | None, who: str) -> str:
    """To every radio, so in no one language: `ALERT` reads the same in both."""
    return render("alert.broadcast", "en", id=short_id, at=at_zone(zone), text=text, who=who)


def alert_cancelled(short_id: str, text: str) -> str:
    """To every radio: both languages, briefly."""
    return render("alert.cancelled_all", "en", id=short_id, text=text)


def help_request_notice(who: str, request: str, zone: str | None) -> str:
    """To the committee: a resident asked for help in words (`HELP fire at elm`)."""
    return render("help.request_notice", "en", who=who, at=at_zone(zone),
                  request=request or render("help.no_words", "en"))


def alert_on_air(
    short_id: str,
    text: str,
    zone: str | None,
    who: str,
    *,
    verified: bool = True,
    status: str = "actual",
    update: bool = False,
) -> tuple[str, str]:
    """(the broadcast, its headline): the alert's words cut so the whole fits one packet.

    To every radio, so in no one language: `ALERT a3 @oak: family evicted -Ana !000000a1`;
    a resident's alert no committee member confirmed says `(unverified/sin verificar)`.
    """
    head = f"{ALERT_STATUS_MARK.get(status, '')}ALERT {short_id}"
    if update:
        head += " update/actualizada"
    if not verified:
        head += " (unverified/sin verificar)"
    where = f" @{zone}" if zone else ""
    tail = f" -{who}"
    room = REPLY_LIMIT - utf8_len(f"{head}{where}: {tail}")
    headline = fit(" ".join(text.split()), max(room, MIN_HEADLINE_BYTES))
    return fit(f"{head}{where}: {headline}{tail}"), headline


def alert_held_back(short_id: str, why: str, lang: str = "en") -> str:
    """To a resident whose unverified alert was merged into one on air, or waits for the hourly cap."""
    return render(f"alert.{why}", lang, id=short_id)


def alert_pending(short_id: str, minutes: float, lang: str = "en") -> str:
    """To a resident: their alert waits for the committee, but not for long."""
    return render("alert.pending", lang, id=short_id, minutes=figure(minutes))


def alert_confirm_request(short_id: str, text: str, zone: str | None, who: str, minutes: float,
                          lang: str = "en") -> str:
    """To each committee member: a resident's alert to confirm (OK) or stop (CANCEL)."""
    return render("alert.confirm_request", lang, id=short_id, text=text, at=at_zone(zone), who=who,
                  minutes=figure(minutes))


def helping_notice(short_id: str, who: str, note: str, lang: str = "en") -> str:
    """To an alert's sender (and the committee): a neighbour is on the way."""
    return render("alert.helping_notice", lang, id=short_id, who=who, note=f": {note}" if note else "")


def alert_roll_call(short_id: str, ok: int, helping: int, safe: int, silent: int,
                    helpers: Sequence[str], lang: str = "en", radio_only: int = 0) -> str:
    """To an alert's sender and the committee after the last repeat: who answered, whose
    radio only ACKed a repeat (`radio_only`), and who is not heard from, over every radio."""
    names = ", ".join(helpers)
    named = render("alert.roll_call_helpers", lang, names=names) if names else ""
    return render("alert.roll_call", lang, id=short_id, ok=ok, helping=helping, safe=safe, radio_only=radio_only, silent=silent,
                  names=named)


def emergency_started(hours: float, lang: str = "en") -> str:
    return render("emergency.started", lang, hours=figure(hours))


def emergency_broadcast(reason: str, hours: float) -> str:
    """To every radio when emergency mode starts: both languages, briefly."""
    return render("emergency.broadcast", "en", hours=figure(hours), reason=reason)


def emergency_reminder(hours_left: float, open_needs: int) -> str:
    """To every radio, now and then while emergency mode is on."""
    return render("emergency.reminder", "en", hours=f"{hours_left:.0f}", open_needs=open_needs)


def emergency_over() -> str:
    """To every radio when emergency mode ends."""
    return render("emergency.over", "en")


def plan_part(lines: Sequence[str], due: str, lang: str = "en") -> str:
    """One DM with a person's whole part of the plan (its lines are already short)."""
    return render("plan.part", lang, due=due, body="; ".join(lines))


