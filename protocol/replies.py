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
        return fit(f"Pareja para {your_id}: {other} de {who}. NOTA {your_id} para escribir; HECHO {your_id} al terminar.")
    return fit(f"Match for {your_id}: {other} from {who}. MSG {your_id} to write; DONE {your_id} when settled.")


def taken_by(your_id: str, who: str, lang: str = "en") -> str:
    if _es(lang):
        return fit(f"{who} toma tu {your_id}. NOTA {your_id} para escribir; HECHO {your_id} al terminar.")
    return fit(f"{who} takes your {your_id}. MSG {your_id} to write; DONE {your_id} when settled.")


def you_took(what: str, who: str, short_id: str, lang: str = "en") -> str:
    if _es(lang):
        return fit(f"Tomaste {what} de {who}. NOTA {short_id} para escribir; HECHO {short_id} al terminar.")
    return fit(f"You took {what} from {who}. MSG {short_id} to write; DONE {short_id} when settled.")


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
) -> tuple[str, int]:
    """One packet of a listing and how many labels it shows.

    `first` is the position of the first label in the whole answer (1 for a new LIST):
    the first page reads `Board (31): ...`, later ones `Board 6-11/31: ...`. With
    `more_hint` the tail names MORE (`+20 more (MORE)`), the command that goes on.
    `labels` is read only as far as the packet fills, so it may be a generator.
    """
    title = TITLES_ES.get(title, title) if _es(lang) else title
    if total == 0:
        return (f"{title}: nada abierto." if _es(lang) else f"{title}: none open."), 0
    shown: list[str] = []
    for candidate in labels:
        text = _page_text(title, [*shown, candidate], total, first, lang, more_hint)
        if utf8_len(text) > REPLY_LIMIT:
            if not shown:  # one label longer than a packet: cut it
                return fit(text), 1
            break
        shown.append(candidate)
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


# --- alerts: confirmation, acknowledgements, updates, emergency mode --------------------

ALERT_STATUS_MARK = {"actual": "", "exercise": "DRILL/SIMULACRO ", "test": "TEST/PRUEBA "}
"""CAP status as every radio reads it, before `ALERT`: a drill or a test says so first."""
MIN_HEADLINE_BYTES = 24


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


def alert_sent_unverified(short_id: str, lang: str = "en") -> str:
    """To a resident whose alert went out at once because no committee member is known."""
    if _es(lang):
        return f"Alerta {short_id} enviada a todos, sin verificar (no hay comité). CANCELAR {short_id} cuando termine."
    return f"Alert {short_id} broadcast to all, marked unverified (no committee). CANCEL {short_id} when over."


def alert_pending(short_id: str, minutes: float, lang: str = "en") -> str:
    """To a resident: their alert waits for the committee, but not for long."""
    if _es(lang):
        return fit(f"Alerta {short_id} enviada al comité: sale a todos cuando alguien confirme, "
                   f"o en {minutes:g} min sin verificar. CANCELAR {short_id} la detiene.")
    return fit(f"Alert {short_id} sent to the committee: it goes to all when one confirms, "
               f"or in {minutes:g} min marked unverified. CANCEL {short_id} stops it.")


def alert_confirm_request(short_id: str, text: str, zone: str | None, who: str, minutes: float,
                          lang: str = "en") -> str:
    """To each committee member: a resident's alert to confirm (OK) or stop (CANCEL)."""
    where = f" @{zone}" if zone else ""
    if _es(lang):
        tail = f" OK {short_id}: enviar ya. CANCELAR {short_id}: detener. Sale sin verificar en {minutes:g} min."
        head = f"Confirma ALERTA {short_id} de {who}{where}: "
    else:
        tail = f" OK {short_id}: send now. CANCEL {short_id}: stop it. Goes unverified in {minutes:g} min."
        head = f"Confirm ALERT {short_id} from {who}{where}: "
    room = REPLY_LIMIT - utf8_len(head + tail)
    return fit(head + fit(text, max(room, MIN_HEADLINE_BYTES)) + tail)


def alert_confirmed(short_id: str, lang: str = "en") -> str:
    if _es(lang):
        return f"{short_id} confirmada y enviada a todos. Gracias."
    return f"{short_id} confirmed and broadcast to all. Thank you."


def alert_acknowledged(short_id: str, lang: str = "en") -> str:
    if _es(lang):
        return f"Anotado: tienes {short_id}; no se te repite. AYUDANDO {short_id} si vas a ayudar."
    return f"Noted: you have {short_id}; it will not be repeated to you. HELPING {short_id} if you can help."


def alert_not_active(short_id: str, lang: str = "en") -> str:
    if _es(lang):
        return fit(f"No hay alerta {short_id} activa.")
    return fit(f"No active alert {short_id}.")


def helping_noted(short_id: str, lang: str = "en") -> str:
    if _es(lang):
        return f"Gracias: quien envió {short_id} sabe que vas. Cuídate."
    return f"Thank you: {short_id}'s sender knows you are coming. Stay safe."


def helping_notice(short_id: str, who: str, note: str, lang: str = "en") -> str:
    """To an alert's sender (and the committee): a neighbour is on the way."""
    extra = f": {note}" if note else ""
    if _es(lang):
        return fit(f"{who} va a ayudar con {short_id}{extra}")
    return fit(f"{who} is coming to help with {short_id}{extra}")


def alert_updated(short_id: str, lang: str = "en") -> str:
    if _es(lang):
        return f"{short_id} actualizada y enviada a todos."
    return f"{short_id} updated and broadcast to all."


def alert_stopped(short_id: str, lang: str = "en") -> str:
    """To a resident whose waiting alert a committee member stopped."""
    if _es(lang):
        return f"Tu alerta {short_id} no se envió: el comité la detuvo. ¿Peligro? AYUDA qué pasa."
    return f"Your alert {short_id} was not sent: the committee stopped it. In danger? HELP what happened."


def alert_roll_call(short_id: str, ok: int, helping: int, safe: int, silent: int,
                    helpers: Sequence[str], lang: str = "en") -> str:
    """To an alert's sender and the committee after the last repeat: who answered."""
    names = ", ".join(helpers)
    if _es(lang):
        text = f"{short_id}: {ok} enterados, {helping} ayudando, {safe} a salvo, {silent} sin noticias."
        return fit(text + (f" Ayudan: {names}" if names else ""))
    text = f"{short_id}: {ok} OK, {helping} helping, {safe} safe, {silent} not heard."
    return fit(text + (f" Helping: {names}" if names else ""))


def committee_only(verb_word: str, lang: str = "en") -> str:
    if _es(lang):
        return f"{verb_word} es solo para el comité, por DM. BIEN, NECESITO u OFREZCO si te sirve."
    return f"{verb_word} is for the committee, by DM. SAFE, NEED or OFFER if that helps."


def emergency_started(hours: float, lang: str = "en") -> str:
    if _es(lang):
        return f"Modo emergencia activo: plan de {hours:g} h. Cada persona recibe su parte por DM. EMERGENCIA fin lo termina."
    return f"Emergency mode on: {hours:g} h plan. Each person gets their part by DM. EMERGENCY OFF ends it."


def emergency_already(lang: str = "en") -> str:
    return "El modo emergencia ya está activo." if _es(lang) else "Emergency mode is already on."


def emergency_not_on(lang: str = "en") -> str:
    return "El modo emergencia no está activo." if _es(lang) else "Emergency mode is not on."


def emergency_ended(lang: str = "en") -> str:
    if _es(lang):
        return "Modo emergencia terminado. El informe está en la base."
    return "Emergency mode ended. The report is on the base station."


def emergency_broadcast(reason: str, hours: float) -> str:
    """To every radio when emergency mode starts: both languages, briefly."""
    return fit(f"EMERGENCY/EMERGENCIA {hours:g}h: {reason}. SAFE/BIEN if safe. NEED/NECESITO "
               f"food water shelter meds @zone. OFFER/OFREZCO what you can, or help")


def emergency_reminder(hours_left: float, open_needs: int) -> str:
    """To every radio, now and then while emergency mode is on."""
    return fit(f"EMERGENCY/EMERGENCIA {hours_left:.0f}h left/quedan, {open_needs} critical needs/"
               f"necesidades. SAFE/BIEN. NEED/NECESITO @zone. OFFER/OFREZCO")


def emergency_over() -> str:
    """To every radio when emergency mode ends."""
    return "EMERGENCY over/EMERGENCIA terminada. Thank you/Gracias. LIST/LISTA shows the board."


def plan_part(lines: Sequence[str], due: str, lang: str = "en") -> str:
    """One DM with a person's whole part of the plan (its lines are already short)."""
    body = "; ".join(lines)
    if _es(lang):
        return f"Plan emergencia, antes de {due}: {body}"
    return f"Emergency plan, by {due}: {body}"


def plan_carry(what: str, giver: str, receiver: str, code: str, lang: str = "en") -> str:
    if _es(lang):
        return f"lleva {what} de {giver} a {receiver} ({code})"
    return f"carry {what} from {giver} to {receiver} ({code})"


def plan_give(what: str, carrier: str, receiver: str, code: str, lang: str = "en") -> str:
    if _es(lang):
        return f"entrega {what} a {carrier} para {receiver} ({code})"
    return f"hand {what} to {carrier} for {receiver} ({code})"


def plan_receive(what: str, carrier: str, code: str, lang: str = "en") -> str:
    if _es(lang):
        return f"{carrier} te trae {what}, HECHO {code} al recibir"
    return f"{carrier} brings you {what}, DONE {code} when it arrives"


def confirm_by_dm(short_id: str, lang: str = "en") -> str:
    """A channel message is not proof of who sent it: confirming takes a DM."""
    if _es(lang):
        return f"Para confirmar {short_id}, envía OK {short_id} por DM privado (PKI) desde tu radio, no al canal."
    return f"To confirm {short_id}, send OK {short_id} by private (PKI) DM from your own radio, not on the channel."


def only_by_dm(verb_word: str, short_id: str, lang: str = "en") -> str:
    if _es(lang):
        return f"{verb_word} {short_id} solo por DM privado (PKI) desde tu radio: en el canal cualquiera firma por otro."
    return f"{verb_word} {short_id} only by private (PKI) DM from your own radio: on the channel anyone can sign as anyone."


# --- matches: proposals with a claim code, acceptance, lapses, expiry ----------------------

MATCH_WHAT_BYTES = 40
"""Room for the item in a match DM: the claim code after it must never be cut off."""


def match_ref(match_id: int) -> str:
    """The claim code of a proposed match: `m12`, typed back as `TAKE m12`."""
    return f"m{match_id}"


MATCH_WHO_BYTES = 32
MATCH_ZONE_BYTES = 16


def _who_where(who: str, zone: str | None) -> str:
    """The other side, cut so the claim code and the next step always fit after it."""
    who = fit(who, MATCH_WHO_BYTES)
    return f"{who} @{fit(zone, MATCH_ZONE_BYTES)}" if zone else who


def match_proposed(code: str, who: str, zone: str | None, what: str, your_id: str, giving: bool,
                   hours: float, lang: str = "en") -> str:
    """To one side of a proposed match: the other side, the goods, and how to accept or refuse."""
    what = fit(what, MATCH_WHAT_BYTES)
    party = _who_where(who, zone)
    if _es(lang):
        verb, prep = ("necesita", "de") if giving else ("ofrece", "para")
        return fit(f"Pareja {code}: {party} {verb} {what} {prep} tu {your_id}. "
                   f"TOMO {code} para aceptar en {hours:g}h; CANCELAR {code} si no.")
    verb, prep = ("needs", "from") if giving else ("offers", "for")
    return fit(f"Match {code}: {party} {verb} {what} {prep} your {your_id}. "
               f"TAKE {code} to accept within {hours:g}h; CANCEL {code} if not.")


def matches_for_poster(your_id: str, entries: Sequence[str], hours: float, lang: str = "en") -> str:
    """To a resident whose new posting was matched with several at once: `m3 Ben @oak 3kg; ...`."""
    if _es(lang):
        head, tail = f"{your_id} publicada con parejas: ", f". TOMO cada código para aceptar en {hours:g}h."
    else:
        head, tail = f"{your_id} posted and matched: ", f". TAKE each code to accept within {hours:g}h."
    shown: list[str] = []
    for entry in entries:
        if utf8_len(head + "; ".join([*shown, entry]) + tail) > REPLY_LIMIT:
            break
        shown.append(entry)
    rest = len(entries) - len(shown)
    more = (f" +{rest} más" if _es(lang) else f" +{rest} more") if rest else ""
    return fit(head + "; ".join(shown) + more + tail)


def match_accepted(code: str, what: str, who: str, zone: str | None, lang: str = "en") -> str:
    """To the side that sent TAKE <code>: the match stands; whom to meet."""
    what = fit(what, MATCH_WHAT_BYTES)
    if _es(lang):
        return fit(f"{code} aceptada: {what} con {_who_where(who, zone)}. Acuerden la entrega; HECHO {code} al terminar.")
    return fit(f"{code} accepted: {what} with {_who_where(who, zone)}. Arrange the handover; DONE {code} when done.")


def match_accepted_by(code: str, who: str, what: str, lang: str = "en") -> str:
    """To the other side: the match was accepted."""
    what, who = fit(what, MATCH_WHAT_BYTES), fit(who, MATCH_WHO_BYTES)
    if _es(lang):
        return fit(f"{who} aceptó {code} ({what}). Acuerden la entrega; HECHO {code} al terminar.")
    return fit(f"{who} accepted {code} ({what}). Arrange the handover; DONE {code} when done.")


def match_lapsed(code: str, your_id: str, hours: float, lang: str = "en") -> str:
    """To each side of a match nobody accepted in time."""
    if _es(lang):
        return fit(f"{code} venció: nadie la aceptó en {hours:g}h. Tu {your_id} vuelve al tablón.")
    return fit(f"{code} lapsed: nobody accepted it within {hours:g}h. Your {your_id} is back on the board.")


def match_rejected(code: str, your_id: str, lang: str = "en") -> str:
    """To each side of a proposed match the committee turned down."""
    if _es(lang):
        return fit(f"El comité canceló {code}. Tu {your_id} vuelve al tablón.")
    return fit(f"The committee cancelled {code}. Your {your_id} is back on the board.")


def posting_expired(what: str, lang: str = "en") -> str:
    """To the author, once, when their posting's time is up (`what` is its label)."""
    what = fit(what, MATCH_WHAT_BYTES * 2)
    if _es(lang):
        return fit(f"Tu {what} venció y salió del tablón. Publícala de nuevo si sigue en pie.")
    return fit(f"Your {what} expired and left the board. Post it again if it still stands.")


def not_party(code: str, lang: str = "en") -> str:
    if _es(lang):
        return fit(f"{code} no es tuya: solo sus dos partes pueden hacerlo.")
    return fit(f"{code} is not yours: only its two sides can do that.")


def plan_bring(what: str, receiver: str, code: str, lang: str = "en") -> str:
    if _es(lang):
        return f"lleva tu {what} a {receiver} ({code})"
    return f"bring your {what} to {receiver} ({code})"


def plan_pick_up(what: str, giver: str, code: str, lang: str = "en") -> str:
    if _es(lang):
        return f"recoge {what} de {giver}, HECHO {code} al tenerlo"
    return f"pick up {what} from {giver}, DONE {code} when you have it"


def plan_hold(what: str, receiver: str, code: str, lang: str = "en") -> str:
    if _es(lang):
        return f"guarda {what} para {receiver}, que pasa a recogerlo ({code})"
    return f"keep {what} for {receiver}, who picks it up ({code})"
