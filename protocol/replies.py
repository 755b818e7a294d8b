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
CATEGORY_ES = {
    "food": "comida", "water": "agua", "medical": "salud", "shelter": "refugio",
    "clothing": "ropa", "childcare": "niños", "transport": "transporte",
    "repair": "reparación", "power": "energía", "tools": "herramientas",
    "education": "educación", "labor": "mano de obra", "hygiene": "higiene",
    "communication": "comunicación", "other": "otro",
}
"""How Spanish replies name a category (the stored value stays English)."""
TITLES_ES = {"Board": "Tablón", "Offers": "Ofertas", "Needs": "Necesidades", "Yours": "Tuyas"}
"""Listing titles in Spanish; a title not here (a FIND query) is shown as it is."""


def _es(lang: str) -> bool:
    return lang == "es"


def category_name(category: str, lang: str = "en") -> str:
    return CATEGORY_ES.get(category, category) if _es(lang) else category


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


def posted(kind: str, short_id: str, what: str, category: str, lang: str = "en") -> str:
    if _es(lang):
        noun = "Oferta" if kind == "offer" else "Necesidad"
        return fit(f"{noun} {what} ({category_name(category, lang)}) publicada. "
                   f"CANCELAR {short_id} para quitarla.")
    noun = "Offer" if kind == "offer" else "Need"
    return fit(f"{noun} {what} ({category}) posted. CANCEL {short_id} to remove.")


def match_for_author(your_id: str, other: str, who: str, lang: str = "en") -> str:
    """To one side of a new match: what was found and whom to contact."""
    if _es(lang):
        return fit(f"Pareja para {your_id}: {other} de {who}. Contáctale; HECHO {your_id} al terminar.")
    return fit(f"Match for {your_id}: {other} from {who}. Contact them; DONE {your_id} when settled.")


def taken_by(your_id: str, who: str, lang: str = "en") -> str:
    if _es(lang):
        return fit(f"{who} toma tu {your_id}. Contáctale; HECHO {your_id} al terminar.")
    return fit(f"{who} takes your {your_id}. Contact them; DONE {your_id} when settled.")


def you_took(what: str, who: str, short_id: str, lang: str = "en") -> str:
    if _es(lang):
        return fit(f"Tomaste {what} de {who}. Contáctale; HECHO {short_id} al terminar.")
    return fit(f"You took {what} from {who}. Contact them; DONE {short_id} when settled.")


def listing(title: str, labels: Sequence[str], total: int, lang: str = "en") -> str:
    """As many postings as fit one packet, best first, with `+N more` for the rest."""
    return page(title, labels, total, lang=lang, more_hint=False)[0]


def page(
    title: str,
    labels: Sequence[str],
    total: int,
    first: int = 1,
    lang: str = "en",
    more_hint: bool = True,
) -> tuple[str, int]:
    """One packet of a listing and how many labels it shows.

    `first` is the position of `labels[0]` in the whole answer (1 for a new LIST):
    the first page reads `Board (31): ...`, later ones `Board 6-11/31: ...`. With
    `more_hint` the tail names MORE (`+20 more (MORE)`), the command that goes on.
    """
    title = TITLES_ES.get(title, title) if _es(lang) else title
    if total == 0:
        return (f"{title}: nada abierto." if _es(lang) else f"{title}: none open."), 0
    shown: list[str] = []
    for candidate in labels:
        text = _page_text(title, [*shown, candidate], total, first, lang, more_hint)
        if utf8_len(text) > REPLY_LIMIT:
            break
        shown.append(candidate)
    if not shown and labels:  # one label longer than a packet: cut it
        return fit(_page_text(title, [labels[0]], total, first, lang, more_hint)), 1
    return fit(_page_text(title, shown, total, first, lang, more_hint)), len(shown)


def _page_text(title: str, shown: list[str], total: int, first: int, lang: str, hint: bool) -> str:
    last = first + len(shown) - 1
    head = f"{title} ({total}): " if first == 1 else f"{title} {first}-{last}/{total}: "
    more = total - last
    if more <= 0:
        tail = ""
    elif _es(lang):
        tail = f" +{more} más (MAS)" if hint else f" +{more} más"
    else:
        tail = f" +{more} more (MORE)" if hint else f" +{more} more"
    return head + "; ".join(shown) + tail


def nothing_more(lang: str = "en") -> str:
    if _es(lang):
        return "No hay más. Envía LISTA o BUSCAR algo primero."
    return "Nothing more. Send LIST or FIND first."


def alert_broadcast(short_id: str, text: str, zone: str | None, who: str) -> str:
    """To every radio, so in no one language: `ALERT` reads the same in both."""
    where = f" @{zone}" if zone else ""
    return fit(f"ALERT {short_id}{where}: {text} -{who}")


def alert_sent(short_id: str, lang: str = "en") -> str:
    if _es(lang):
        return f"Alerta {short_id} enviada a todos. CANCELAR {short_id} cuando termine."
    return f"Alert {short_id} broadcast to all. CANCEL {short_id} when it is over."


def alert_cancelled(short_id: str, text: str) -> str:
    """To every radio: both languages, briefly."""
    return fit(f"ALERT {short_id} over/terminada: {text}")


def cancelled(short_id: str, lang: str = "en") -> str:
    return f"{short_id} cancelada." if _es(lang) else f"{short_id} cancelled."


def counterpart_cancelled(short_id: str, what: str, lang: str = "en") -> str:
    if _es(lang):
        return fit(f"{short_id} fue retirada: {what}. Lo tuyo vuelve al tablón.")
    return fit(f"{short_id} was withdrawn: {what}. It is back on the board for you.")


def done(short_id: str, lang: str = "en") -> str:
    return f"{short_id} hecha. ¡Gracias!" if _es(lang) else f"{short_id} done. Thank you!"


def safe(name: str, lang: str = "en") -> str:
    """`name` is how the resident calls themselves (no node id: they know who they are)."""
    if _es(lang):
        return fit(f"Anotado: a salvo, {name}. Cuídate.")
    return fit(f"Marked safe, {name}. Stay well.")


def welcome(name: str, zone: str, lang: str = "en") -> str:
    if _es(lang):
        return fit(f"Bienvenida/o {name} @{zone}. Prueba: OFREZCO arroz 5kg, NECESITO aventón !, LISTA, AYUDA")
    return fit(f"Welcome {name} @{zone}. Try: OFFER rice 5kg, NEED ride !, LIST, HELP")


def not_found(short_id: str, lang: str = "en") -> str:
    if _es(lang):
        return fit(f"No hay {short_id} abierta. LISTA muestra el tablón, MIS lo tuyo.")
    return fit(f"No open {short_id}. LIST shows the board, MY your posts.")


def not_yours(short_id: str, lang: str = "en") -> str:
    if _es(lang):
        return fit(f"{short_id} no es tuya. Solo quien la publicó puede hacerlo.")
    return fit(f"{short_id} is not yours. Only its author can do that.")


def own_posting(short_id: str, lang: str = "en") -> str:
    if _es(lang):
        return fit(f"{short_id} es tuya. CANCELAR {short_id} para quitarla.")
    return fit(f"{short_id} is your own post. CANCEL {short_id} to remove it.")


def slow_down(per_minute: int, lang: str = "en") -> str:
    if _es(lang):
        return f"Más despacio: máximo {per_minute} comandos por minuto. Espera un minuto y envía de nuevo."
    return f"Slow down: at most {per_minute} commands a minute. Wait a minute, then send again."


def help_request_notice(who: str, request: str, zone: str | None) -> str:
    """To the committee: a resident asked for help in words (`HELP fire at elm`)."""
    where = f" @{zone}" if zone else ""
    return fit(f"HELP asked by {who}{where}: {request or '(no words)'}")


def oops(lang: str = "en") -> str:
    if _es(lang):
        return "Perdón, falló de nuestro lado. Envíalo de nuevo más tarde."
    return "Sorry, that failed on our side. Please send it again later."


def joined_items(items: Iterable[str], sep: str = "; ") -> str:
    return fit(sep.join(items))
