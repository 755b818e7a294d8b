"""Resident texts for relayed notes (MSG / NOTA) and repeated postings, en and es side by side.

Every text fits one packet (`fit`, ≤ 200 UTF-8 bytes). A relayed note carries the
match code the recipient answers with, so neither side ever needs the other's node id.
"""

from __future__ import annotations

from ._fields import utf8_len
from .replies import REPLY_LIMIT, fit

_TEXTS: dict[str, dict[str, str]] = {
    "sent": {"en": "Note sent to {who} ({code}).",
             "es": "Nota enviada a {who} ({code})."},
    "held": {"en": "{who}'s radio is not heard now. Note held for {code}; it goes when they next transmit.",
             "es": "No se oye la radio de {who}. Nota guardada en {code}; se envía cuando transmita."},
    "sent_direct": {"en": "Note sent to {who}.", "es": "Nota enviada a {who}."},
    "held_direct": {"en": "{who}'s radio is not heard now. Note held; it goes when they next transmit.",
                    "es": "No se oye la radio de {who}. Nota guardada; se envía cuando transmita."},
    "full": {"en": "{who} already has {count} notes waiting. Nothing sent; try again once they are heard.",
             "es": "{who} ya tiene {count} notas esperando. No se envió; prueba cuando se le oiga."},
    "too_long": {"en": "Note too long by {over} bytes. Nothing sent; shorten it.",
                 "es": "Nota demasiado larga por {over} bytes. No se envió; acórtala."},
    "not_party": {"en": "Only the two sides of {code} and the committee can write in it. Nothing sent.",
                  "es": "Solo las dos partes de {code} y el comité pueden escribir ahí. No se envió."},
    "closed": {"en": "{code} is closed; notes go only in a live match. Nothing sent.",
               "es": "{code} está cerrada; las notas van solo en parejas activas. No se envió."},
    "not_found": {"en": "No match {code}. MSG m3 words: ids are in your match texts.",
                  "es": "No existe {code}. NOTA m3 texto: los ids están en tus avisos."},
    "no_match": {"en": "{code} has no match yet: a note goes once someone is matched with it or takes it.",
                 "es": "{code} aún no tiene pareja: la nota va cuando alguien la tome o se empareje."},
    "many": {"en": "{code} has several matches: MSG {codes} words.",
             "es": "{code} tiene varias parejas: NOTA {codes} texto."},
    "by_name_refused": {"en": "Only the committee can write by name. Use MSG m3 words in your match.",
                        "es": "Solo el comité puede escribir por nombre. Usa NOTA m3 texto en tu pareja."},
    "nobody": {"en": "Nobody named {name}. Nothing sent.",
               "es": "Nadie se llama {name}. No se envió."},
    "ambiguous": {"en": "Several named {name}: MSG {ids} words.",
                  "es": "Varias personas se llaman {name}: NOTA {ids} texto."},
    "relay_match": {"en": "{code} {who}: {text}", "es": "{code} {who}: {text}"},
    "relay_answer": {"en": " (MSG {code} to answer)", "es": " (NOTA {code} para responder)"},
    "relay_direct": {"en": "Note from {who}: {text}", "es": "Nota de {who}: {text}"},
    "relay_direct_answer": {"en": " (MSG {name} to answer)", "es": " (NOTA {name} para responder)"},
    "repost_ask": {"en": "You already {verb_word} {what} ({ref}). Send {verb} again to add another.",
                   "es": "Ya {verb_word} {what} ({ref}). Envía {verb} otra vez para añadir otra."},
    "repost_merged": {"en": "Added to your {ref}: {what} now.",
                      "es": "Sumado a tu {ref}: {what} ahora."},
}
_VERB_WORDS = {
    ("offer", "en"): ("offer", "OFFER"), ("need", "en"): ("need", "NEED"),
    ("offer", "es"): ("ofreces", "OFREZCO"), ("need", "es"): ("necesitas", "NECESITO"),
}


def _lang(lang: str) -> str:
    return "es" if lang == "es" else "en"


def text(which: str, lang: str = "en", **values: object) -> str:
    """One of the short answers above, filled in and cut to one packet."""
    return fit(_TEXTS[which][_lang(lang)].format(**values))


def relayed(code: str, who: str, words: str, lang: str = "en") -> str | None:
    """What the recipient reads for a note in match `code`; None if it cannot fit one packet.

    The "how to answer" hint is added only when there is room for it."""
    body = _TEXTS["relay_match"][_lang(lang)].format(code=code, who=who, text=words)
    if utf8_len(body) > REPLY_LIMIT:
        return None
    hint = _TEXTS["relay_answer"][_lang(lang)].format(code=code)
    return body + hint if utf8_len(body + hint) <= REPLY_LIMIT else body


def relayed_direct(who: str, answer_to: str, words: str, lang: str = "en") -> str | None:
    """A note written by name (to or from the committee); None if it cannot fit one packet."""
    body = _TEXTS["relay_direct"][_lang(lang)].format(who=who, text=words)
    if utf8_len(body) > REPLY_LIMIT:
        return None
    hint = _TEXTS["relay_direct_answer"][_lang(lang)].format(name=answer_to)
    return body + hint if utf8_len(body + hint) <= REPLY_LIMIT else body


def overflow(code: str, who: str, words: str) -> int:
    """How many bytes a note is over what one relayed packet can carry."""
    return utf8_len(_TEXTS["relay_match"]["en"].format(code=code, who=who, text=words)) - REPLY_LIMIT


def repost_ask(kind: str, what: str, ref: str, lang: str = "en") -> str:
    """The same resident posted the same item again: ask before adding a second posting."""
    verb_word, verb = _VERB_WORDS[(kind, _lang(lang))]
    return text("repost_ask", lang, verb_word=verb_word, what=what, ref=ref, verb=verb)


def repost_merged(ref: str, what: str, lang: str = "en") -> str:
    """The same item posted again, with the repeat added to the first posting."""
    return text("repost_merged", lang, ref=ref, what=what)
