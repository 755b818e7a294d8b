"""Replies: which catalogue message answers, filled with what, in at most 200 UTF-8 bytes.

The words themselves live in `protocol.catalogue` (one table per language); this module
chooses the message, prepares its fields (ids, amounts, `@zone`) and assembles listings a
packet at a time. Shorter is better: each byte costs airtime for the whole mesh.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .catalogue import ELLIPSIS, PACKET_BYTES, render, shorten, utf8_len

REPLY_LIMIT = PACKET_BYTES
REF_PREFIX = {"offer": "o", "need": "n", "alert": "a"}
URGENCY_MARK = {"normal": "", "high": "!", "critical": "!!"}
ENTRY_SHARE_BYTES = 60
"""The most a listing line takes before it is shortened with a `SHOW o12` hint: with the
head and the `+N more` tail, a page always holds at least two whole lines."""
MIN_HEADLINE_BYTES = 24
MATCH_WHAT_BYTES = 40
"""Room for the item in a match DM: the claim code after it must never be cut off."""
MATCH_WHO_BYTES = 32
MATCH_ZONE_BYTES = 16
ALERT_STATUS_MARK = {"actual": "", "exercise": "DRILL/SIMULACRO ", "test": "TEST/PRUEBA "}
"""CAP status as every radio reads it, before `ALERT`: a drill or a test says so first."""
_TITLE_IDS = {"Board": "title.board", "Offers": "title.offers", "Needs": "title.needs", "Yours": "title.yours"}

__all__ = ["ELLIPSIS", "REPLY_LIMIT", "ReplyTooLong", "fit", "split", "utf8_len"]


class ReplyTooLong(ValueError):
    """A formatter produced more than fits one packet: a bug of ours, not the sender's."""


def fit(text: str, limit: int = REPLY_LIMIT) -> str:
    """Cut `text` to `limit` UTF-8 bytes on a character boundary, marking the cut with …."""
    return shorten(text, limit)


def category_name(category: str, lang: str = "en") -> str:
    try:
        return render(f"category.{category}", lang)
    except KeyError:
        return category


def split(text: str, limit: int = REPLY_LIMIT) -> list[str]:
    """Split into numbered parts `(1/3)` of at most `limit` bytes, on word boundaries
    where possible and always on character boundaries. One part needs no number."""
    if utf8_len(text) <= limit:
        return [text]
    for digits in range(1, 4):
        suffix_room = utf8_len(f" ({'9' * digits}/{'9' * digits})")
        parts = _pack_words(text, limit - suffix_room)
        if len(parts) < 10**digits:
            total = len(parts)
            return [f"{part} ({i}/{total})" for i, part in enumerate(parts, 1)]
    raise ReplyTooLong(f"{utf8_len(text)} bytes will not split into fewer than 1000 parts")


def _pack_words(text: str, budget: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for word in text.split():
        while utf8_len(word) > budget:  # a single word longer than a packet
            head = fit(word, budget + utf8_len(ELLIPSIS))[:-1] or word[:1]
            if current:
                parts.append(current)
                current = ""
            parts.append(head)
            word = word[len(head):]
        candidate = f"{current} {word}" if current else word
        if utf8_len(candidate) <= budget:
            current = candidate
        else:
            parts.append(current)
            current = word
    if current:
        parts.append(current)
    return parts


def ref(kind: str, row_id: int) -> str:
    """The short id residents type back: `o12` (offer), `n7` (need), `a3` (alert)."""
    return f"{REF_PREFIX[kind]}{row_id}"


def amount(quantity: float | None, unit: str | None) -> str:
    """`10kg`, `1.5L`, `3`, `2 bags`; empty when no quantity was given."""
    if quantity is None:
        return unit or ""
    number = f"{quantity:g}"
    if not unit:
        return number
    return f"{number}{unit}" if len(unit) <= 2 else f"{number} {unit}"


def label(
    short_id: str,
    item: str,
    quantity: float | None = None,
    unit: str | None = None,
    zone: str | None = None,
    urgency: str = "normal",
    window: str | None = None,
) -> str:
    """One posting in as few bytes as it reads well: `n7 ride tue morning @oak!!`."""
    words = [short_id, item, amount(quantity, unit), window or ""]
    if zone:
        words.append(f"@{zone}")
    return " ".join(w for w in words if w) + URGENCY_MARK.get(urgency, "")


def _at(zone: str | None) -> str:
    return f" @{fit(zone, MATCH_ZONE_BYTES)}" if zone else ""


def _n(number: float) -> str:
    return f"{number:g}"


# --- posting, taking, closing ---------------------------------------------------------------


def posted(short_id: str, item: str, lang: str = "en") -> str:
    """The confirmation of any OFFER or NEED, within 50 bytes: `n5 blankets 2 posted. CANCEL n5 undoes`."""
    return render("posted", lang, id=short_id, item=item)


def match_for_author(your_id: str, other: str, who: str, lang: str = "en") -> str:
    """To one side of a new match: what was found and whom to contact."""
    return render("match.for_author", lang, id=your_id, other=other, who=who)


def taken_by(your_id: str, who: str, lang: str = "en") -> str:
    return render("taken_by", lang, id=your_id, who=who)


def you_took(what: str, who: str, short_id: str, lang: str = "en") -> str:
    return render("you_took", lang, what=what, who=who, id=short_id)


def cancelled(short_id: str, lang: str = "en") -> str:
    return render("cancelled", lang, id=short_id)


def counterpart_cancelled(short_id: str, what: str, lang: str = "en") -> str:
    return render("counterpart_cancelled", lang, id=short_id, what=what)


def done(short_id: str, lang: str = "en") -> str:
    return render("done", lang, id=short_id)


def safe(name: str, lang: str = "en") -> str:
    """`name` is how the resident calls themselves (no node id: they know who they are)."""
    return render("safe", lang, name=name)


def welcome(name: str, zone: str, lang: str = "en") -> str:
    return render("welcome", lang, name=name, zone=zone)


def not_found(short_id: str, lang: str = "en") -> str:
    return render("not_found", lang, id=short_id)


def not_yours(short_id: str, lang: str = "en") -> str:
    return render("not_yours", lang, id=short_id)


def own_posting(short_id: str, lang: str = "en") -> str:
    return render("own_posting", lang, id=short_id)


def slow_down(per_minute: int, lang: str = "en") -> str:
    return render("slow_down", lang, per_minute=per_minute)


def oops(lang: str = "en") -> str:
    return render("oops", lang)


def posting_expired(what: str, lang: str = "en") -> str:
    """To the author, once, when their posting's time is up (`what` is its label)."""
    return render("posting_expired", lang, label=what)


# --- listings ---------------------------------------------------------------------------------


def title_of(title: str, lang: str = "en") -> str:
    """`Board`, `Offers`, `Needs`, `Yours` in the reader's language; a FIND query as it is."""
    return render(_TITLE_IDS[title], lang) if title in _TITLE_IDS else title


def entry(line: str, short_id: str, lang: str = "en") -> str:
    """A listing line as a page shows it: whole, or shortened with how to see it whole."""
    if utf8_len(line) <= ENTRY_SHARE_BYTES:
        return line
    hint = render("page.see_whole", lang, id=short_id)
    return f"{fit(line, ENTRY_SHARE_BYTES - utf8_len(hint) - 1)} {hint}"


def listing(title: str, labels: Sequence[str], total: int, lang: str = "en") -> str:
    """As many postings as fit one packet, best first, with `+N more` for the rest."""
    return page(title, labels, total, lang=lang, more_hint=False)[0]


def page(
    title: str,
    labels: Iterable[str],
    total: int,
    first: int = 1,
    lang: str = "en",
    more_hint: bool = True,
    reachable: int | None = None,
) -> tuple[str, int]:
    """One packet of a listing and how many labels it shows.

    `first` is the position of the first label in the whole answer (1 for a new LIST):
    the first page reads `Board (31): ...`, later ones `Board 6-11/31: ...`. With
    `more_hint` the tail names MORE (`+20 more (MORE)`), the command that goes on.
    `labels` is read only as far as the packet fills, so it may be a generator. A label
    too long for its share of a page should come shortened (`entry`); one that still
    overflows the packet is cut. `reachable` is how far MORE can go (the ids it keeps):
    past it, the tail says how to narrow the listing instead.
    """
    title = fit(title_of(title, lang), 44)
    if total == 0:
        return render("page.none", lang, title=title), 0
    shown: list[str] = []
    for candidate in labels:
        text = _page_text(title, [*shown, candidate], total, first, lang, more_hint, reachable)
        if utf8_len(text) > REPLY_LIMIT:
            if not shown:  # one label longer than a packet: cut it
                return fit(text), 1
            break
        shown.append(candidate)
    return fit(_page_text(title, shown, total, first, lang, more_hint, reachable)), len(shown)


def _page_text(title: str, shown: list[str], total: int, first: int, lang: str, hint: bool,
               reachable: int | None = None) -> str:
    last = first + len(shown) - 1
    if first == 1:
        head = render("page.head_first", lang, title=title, total=total)
    else:
        head = render("page.head_next", lang, title=title, first=first, last=last, total=total)
    more = total - last
    message = "page.more" if hint else "page.more_plain"
    if hint and reachable is not None and last >= reachable:
        message = "page.more_narrow"
    tail = render(message, lang, count=more) if more > 0 else ""
    return head + "; ".join(shown) + tail


def end_of_list(lang: str = "en") -> str:
    """MORE with nothing left to show (a list fully paged, expired, or never asked for)."""
    return render("page.end", lang)



def show_entry(line: str, short_id: str, own: bool, lang: str = "en") -> str:
    """SHOW o12: the posting whole, over one or two packets, and the next step."""
    return render("show.own_entry" if own else "show.entry", lang, entry=line, id=short_id)


def show_matched(lang: str = "en") -> str:
    return render("show.matched", lang)


def show_none(short_id: str, lang: str = "en") -> str:
    return render("show.none", lang, id=short_id)


# --- alerts: broadcast, confirmation, acknowledgements, updates ------------------------------


def alert_broadcast(short_id: str, text: str, zone: str | None, who: str) -> str:
    """To every radio, so in no one language: `ALERT` reads the same in both."""
    return render("alert.broadcast", "en", id=short_id, at=_at(zone), text=text, who=who)


def alert_sent(short_id: str, lang: str = "en") -> str:
    return render("alert.sent", lang, id=short_id)


def alert_cancelled(short_id: str, text: str) -> str:
    """To every radio: both languages, briefly."""
    return render("alert.cancelled_all", "en", id=short_id, text=text)


def help_request_notice(who: str, request: str, zone: str | None) -> str:
    """To the committee: a resident asked for help in words (`HELP fire at elm`)."""
    return render("help.request_notice", "en", who=who, at=_at(zone),
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


def alert_sent_unverified(short_id: str, lang: str = "en") -> str:
    """To a resident whose alert went out at once because no committee member is known."""
    return render("alert.sent_unverified", lang, id=short_id)


def alert_pending(short_id: str, minutes: float, lang: str = "en") -> str:
    """To a resident: their alert waits for the committee, but not for long."""
    return render("alert.pending", lang, id=short_id, minutes=_n(minutes))


def alert_confirm_request(short_id: str, text: str, zone: str | None, who: str, minutes: float,
                          lang: str = "en") -> str:
    """To each committee member: a resident's alert to confirm (OK) or stop (CANCEL)."""
    return render("alert.confirm_request", lang, id=short_id, text=text, at=_at(zone), who=who,
                  minutes=_n(minutes))


def alert_confirmed(short_id: str, lang: str = "en") -> str:
    return render("alert.confirmed", lang, id=short_id)


def alert_acknowledged(short_id: str, lang: str = "en") -> str:
    return render("alert.acknowledged", lang, id=short_id)


def alert_not_active(short_id: str, lang: str = "en") -> str:
    return render("alert.not_active", lang, id=short_id)


def helping_noted(short_id: str, lang: str = "en") -> str:
    return render("alert.helping_noted", lang, id=short_id)


def helping_notice(short_id: str, who: str, note: str, lang: str = "en") -> str:
    """To an alert's sender (and the committee): a neighbour is on the way."""
    return render("alert.helping_notice", lang, id=short_id, who=who, note=f": {note}" if note else "")


def alert_updated(short_id: str, lang: str = "en") -> str:
    return render("alert.updated", lang, id=short_id)


def alert_stopped(short_id: str, lang: str = "en") -> str:
    """To a resident whose waiting alert a committee member stopped."""
    return render("alert.stopped", lang, id=short_id)


def alert_roll_call(short_id: str, ok: int, helping: int, safe: int, silent: int,
                    helpers: Sequence[str], lang: str = "en", radio_only: int = 0) -> str:
    """To an alert's sender and the committee after the last repeat: who answered, whose
    radio only ACKed a repeat (`radio_only`), and who is not heard from, over every radio."""
    names = ", ".join(helpers)
    named = render("alert.roll_call_helpers", lang, names=names) if names else ""
    return render("alert.roll_call", lang, id=short_id, ok=ok, helping=helping, safe=safe, radio_only=radio_only, silent=silent,
                  names=named)


def committee_only(verb_word: str, lang: str = "en") -> str:
    return render("committee_only", lang, verb=verb_word)


def confirm_by_dm(short_id: str, lang: str = "en") -> str:
    """A channel message is not proof of who sent it: confirming takes a DM."""
    return render("confirm_by_dm", lang, id=short_id)


def only_by_dm(verb_word: str, short_id: str, lang: str = "en") -> str:
    return render("only_by_dm", lang, verb=verb_word, id=short_id)


# --- emergency mode and its plan --------------------------------------------------------------


def emergency_started(hours: float, lang: str = "en") -> str:
    return render("emergency.started", lang, hours=_n(hours))


def emergency_already(lang: str = "en") -> str:
    return render("emergency.already", lang)


def emergency_not_on(lang: str = "en") -> str:
    return render("emergency.not_on", lang)


def emergency_ended(lang: str = "en") -> str:
    return render("emergency.ended", lang)


def emergency_broadcast(reason: str, hours: float) -> str:
    """To every radio when emergency mode starts: both languages, briefly."""
    return render("emergency.broadcast", "en", hours=_n(hours), reason=reason)


def emergency_reminder(hours_left: float, open_needs: int) -> str:
    """To every radio, now and then while emergency mode is on."""
    return render("emergency.reminder", "en", hours=f"{hours_left:.0f}", open_needs=open_needs)


def emergency_over() -> str:
    """To every radio when emergency mode ends."""
    return render("emergency.over", "en")


def plan_part(lines: Sequence[str], due: str, lang: str = "en") -> str:
    """One DM with a person's whole part of the plan (its lines are already short)."""
    return render("plan.part", lang, due=due, body="; ".join(lines))


def plan_carry(what: str, giver: str, receiver: str, code: str, lang: str = "en") -> str:
    return render("plan.carry", lang, what=what, giver=giver, receiver=receiver, code=code)


def plan_give(what: str, carrier: str, receiver: str, code: str, lang: str = "en") -> str:
    return render("plan.give", lang, what=what, carrier=carrier, receiver=receiver, code=code)


def plan_receive(what: str, carrier: str, code: str, lang: str = "en") -> str:
    return render("plan.receive", lang, what=what, carrier=carrier, code=code)


def plan_bring(what: str, receiver: str, code: str, lang: str = "en") -> str:
    return render("plan.bring", lang, what=what, receiver=receiver, code=code)


def plan_pick_up(what: str, giver: str, code: str, lang: str = "en") -> str:
    return render("plan.pick_up", lang, what=what, giver=giver, code=code)


def plan_hold(what: str, receiver: str, code: str, lang: str = "en") -> str:
    return render("plan.hold", lang, what=what, receiver=receiver, code=code)


# --- matches: proposals with a claim code, acceptance, lapses, expiry ------------------------


def match_ref(match_id: int) -> str:
    """The claim code of a proposed match: `m12`, typed back as `TAKE m12`."""
    return f"m{match_id}"


def match_proposed(code: str, who: str, zone: str | None, what: str, your_id: str, giving: bool,
                   hours: float, lang: str = "en") -> str:
    """To one side of a proposed match: the other side, the goods, and how to accept or refuse."""
    message = "match.proposed_giving" if giving else "match.proposed_getting"
    return render(message, lang, code=code, who=who, at=_at(zone), what=what, your_id=your_id, hours=_n(hours))


def matches_for_poster(your_id: str, entries: Sequence[str], hours: float, lang: str = "en") -> str:
    """To a resident whose new posting was matched with several at once: `m3 Ben @oak 3kg; ...`."""
    empty = utf8_len(render("match.several", lang, your_id=your_id, entries="", hours=_n(hours)))
    shown: list[str] = []
    for candidate in entries:
        more = render("match.several_more", lang, count=len(entries) - len(shown) - 1)
        if empty + utf8_len("; ".join([*shown, candidate]) + more) > REPLY_LIMIT:
            break
        shown.append(candidate)
    rest = len(entries) - len(shown)
    tail = render("match.several_more", lang, count=rest) if rest else ""
    return render("match.several", lang, your_id=your_id, entries="; ".join(shown) + tail, hours=_n(hours))


def match_accepted(code: str, what: str, who: str, zone: str | None, lang: str = "en") -> str:
    """To the side that sent TAKE <code>: the match stands; whom to meet."""
    return render("match.accepted", lang, code=code, what=what, who=who, at=_at(zone))


def match_accepted_by(code: str, who: str, what: str, lang: str = "en") -> str:
    """To the other side: the match was accepted."""
    return render("match.accepted_by", lang, code=code, who=who, what=what)


def match_lapsed(code: str, your_id: str, hours: float, lang: str = "en") -> str:
    """To each side of a match nobody accepted in time."""
    return render("match.lapsed", lang, code=code, your_id=your_id, hours=_n(hours))


def match_rejected(code: str, your_id: str, lang: str = "en") -> str:
    """To each side of a proposed match the committee turned down."""
    return render("match.rejected", lang, code=code, your_id=your_id)


def not_party(code: str, lang: str = "en") -> str:
    return render("match.not_party", lang, code=code)
