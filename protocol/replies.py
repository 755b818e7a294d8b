"""Reply texts: every answer the bot sends, in at most 200 UTF-8 bytes.

Pure formatting over plain values. Shorter is better: each byte costs airtime for the
whole mesh, so replies are terse, use the resident's own words and name the next step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

REPLY_LIMIT = 200
ELLIPSIS = "…"
REF_PREFIX = {"offer": "o", "need": "n", "alert": "a"}
URGENCY_MARK = {"normal": "", "high": "!", "critical": "!!"}


class ReplyTooLong(ValueError):
    """A formatter produced more than fits one packet: a bug of ours, not the sender's."""


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def fit(text: str, limit: int = REPLY_LIMIT) -> str:
    """Cut `text` to `limit` UTF-8 bytes on a character boundary, marking the cut with …."""
    if utf8_len(text) <= limit:
        return text
    budget = limit - utf8_len(ELLIPSIS)
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return cut.rstrip() + ELLIPSIS


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
) -> str:
    """One posting in as few bytes as it reads well: `n7 insulin 2 doses @oak!!`."""
    words = [short_id, item, amount(quantity, unit)]
    if zone:
        words.append(f"@{zone}")
    return " ".join(w for w in words if w) + URGENCY_MARK.get(urgency, "")


def posted(kind: str, short_id: str, what: str, category: str) -> str:
    noun = "Offer" if kind == "offer" else "Need"
    return fit(f"{noun} {what} ({category}) posted. CANCEL {short_id} to remove.")


def match_for_author(your_id: str, other: str, who: str) -> str:
    """To one side of a new match: what was found and whom to contact."""
    return fit(f"Match for {your_id}: {other} from {who}. Contact them; DONE {your_id} when settled.")


def taken_by(your_id: str, who: str) -> str:
    return fit(f"{who} takes your {your_id}. Contact them; DONE {your_id} when settled.")


def you_took(what: str, who: str, short_id: str) -> str:
    return fit(f"You took {what} from {who}. Contact them; DONE {short_id} when settled.")


def listing(title: str, labels: Sequence[str], total: int) -> str:
    """As many postings as fit one packet, best first, with `+N more` for the rest."""
    if total == 0:
        return f"{title}: none open."
    head = f"{title} ({total}): "
    shown: list[str] = []
    for candidate in labels:
        more = total - len(shown) - 1
        tail = f" +{more} more" if more else ""
        if utf8_len(head + "; ".join([*shown, candidate]) + tail) > REPLY_LIMIT:
            break
        shown.append(candidate)
    more = total - len(shown)
    tail = f" +{more} more" if more else ""
    return fit(head + "; ".join(shown) + tail)


def alert_broadcast(short_id: str, text: str, zone: str | None, who: str) -> str:
    where = f" @{zone}" if zone else ""
    return fit(f"ALERT {short_id}{where}: {text} -{who}")


def alert_sent(short_id: str) -> str:
    return f"Alert {short_id} broadcast to all. CANCEL {short_id} when it is over."


def alert_cancelled(short_id: str, text: str) -> str:
    return fit(f"ALERT {short_id} over: {text}")


def cancelled(short_id: str) -> str:
    return f"{short_id} cancelled."


def counterpart_cancelled(short_id: str, what: str) -> str:
    return fit(f"{short_id} was withdrawn: {what}. It is back on the board for you.")


def done(short_id: str) -> str:
    return f"{short_id} done. Thank you!"


def safe(name: str) -> str:
    """`name` is how the resident calls themselves (no node id: they know who they are)."""
    return fit(f"Marked safe, {name}. Stay well.")


def welcome(name: str, zone: str) -> str:
    return fit(f"Welcome {name} @{zone}. Try: OFFER rice 5kg, NEED ride !, LIST, HELP")


def not_found(short_id: str) -> str:
    return fit(f"No open {short_id}. LIST shows the board, MY your posts.")


def not_yours(short_id: str) -> str:
    return fit(f"{short_id} is not yours. Only its author can do that.")


def own_posting(short_id: str) -> str:
    return fit(f"{short_id} is your own post. CANCEL {short_id} to remove it.")


def slow_down(per_minute: int) -> str:
    return f"Slow down: at most {per_minute} commands a minute. Wait a minute, then send again."


def oops() -> str:
    return "Sorry, that failed on our side. Please send it again later."


def joined_items(items: Iterable[str], sep: str = "; ") -> str:
    return fit(sep.join(items))
