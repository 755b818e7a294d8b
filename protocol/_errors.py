"""The replies to messages that are not commands we can act on, in English and Spanish.

One table, keyed by (error code, verb); SPEC.md §7 quotes the English ones, and a test
checks that it quotes them exactly.
"""

from __future__ import annotations

from .commands import ParseError
from .vocab import VERB_NAMES

MAX_REPLY_BYTES = 200

_TRY = {"en": "Try: OFFER rice 5kg @elm, NEED, LIST, HELP",
        "es": "Prueba: OFREZCO arroz 5kg @olmo, NECESITO, LISTA, AYUDA"}

_TEXTS: dict[tuple[str, str | None], dict[str, str]] = {
    ("empty", None): {"en": "Send a command. {try}", "es": "Envía un comando. {try}"},
    ("too_long", None): {"en": "Too long (max 233 bytes). Send one short command",
                         "es": "Muy largo (máx 233 bytes). Envía un solo comando corto"},
    ("unknown_verb", None): {"en": "?? {word}. {try}", "es": "?? {word}. {try}"},
    ("unknown_verb", "near"): {"en": "?? {word}. Did you mean {near}? Send HELP",
                               "es": "?? {word}. ¿Quisiste decir {near}? Envía AYUDA"},
    ("unknown_verb", "danger"): {"en": "?? {word}. Danger? Send: SOS {text}. Else HELP",
                                 "es": "?? {word}. ¿Peligro? Envía: SOS {text}. Si no, AYUDA"},
    ("missing_item", "offer"): {"en": "OFFER what? e.g. OFFER rice 5kg @elm",
                                "es": "¿OFREZCO qué? p.ej. OFREZCO arroz 5kg @olmo"},
    ("missing_item", "need"): {"en": "NEED what? e.g. NEED insulin !! @elm",
                               "es": "¿NECESITO qué? p.ej. NECESITO insulina !! @olmo"},
    ("bad_quantity", None): {"en": "Quantity {word}? Use 1 to 100000, e.g. {verb} rice 5kg",
                             "es": "¿Cantidad {word}? Usa de 1 a 100000, p.ej. {verb} arroz 5kg"},
    ("missing_args", "alert"): {"en": "ALERT what? e.g. ALERT family evicted @oak",
                                "es": "¿ALERTA de qué? p.ej. ALERTA familia desalojada @roble"},
    ("missing_args", "find"): {"en": "FIND what? e.g. FIND rice @elm",
                               "es": "¿BUSCAR qué? p.ej. BUSCAR arroz @olmo"},
    ("missing_args", "join"): {"en": "JOIN name zone, e.g. JOIN Ana @elm",
                               "es": "UNIRSE nombre zona, p.ej. UNIRSE Ana @olmo"},
    ("missing_ref", None): {"en": "{verb} which? e.g. {verb} o12 (ids in LIST)",
                            "es": "¿{verb} cuál? p.ej. {verb} o12 (ids en LISTA)"},
    ("bad_ref", None): {"en": "Bad id {word}. e.g. {verb} o12 (ids in LIST)",
                        "es": "Id inválido {word}. p.ej. {verb} o12 (ids en LISTA)"},
    ("missing_ref", "update"): {"en": "UPDATE which alert? e.g. UPDATE a3 family moved to school",
                                "es": "¿ACTUALIZAR cuál alerta? p.ej. ACTUALIZAR a3 familia en la escuela"},
    ("missing_ref", "helping"): {"en": "HELPING which alert? e.g. HELPING a3 (the id in the ALERT)",
                                 "es": "¿AYUDANDO en cuál alerta? p.ej. AYUDANDO a3 (el id de la ALERTA)"},
    ("bad_ref", "update"): {"en": "Bad alert id {word}. e.g. UPDATE a3 family moved to school",
                            "es": "Id de alerta inválido {word}. p.ej. ACTUALIZAR a3 familia en la escuela"},
    ("bad_ref", "ok"): {"en": "Bad alert id {word}. e.g. OK a3 (the id in the ALERT)",
                        "es": "Id de alerta inválido {word}. p.ej. OK a3 (el id de la ALERTA)"},
    ("bad_ref", "helping"): {"en": "Bad alert id {word}. e.g. HELPING a3 (the id in the ALERT)",
                             "es": "Id de alerta inválido {word}. p.ej. AYUDANDO a3 (el id de la ALERTA)"},
    ("missing_args", "update"): {"en": "UPDATE a3 with what? e.g. UPDATE a3 family moved to school",
                                 "es": "¿ACTUALIZAR a3 con qué? p.ej. ACTUALIZAR a3 familia en la escuela"},
    ("bad_args", "members"): {"en": "?? {word}. MEMBERS [approve|reject !id] or MEMBERS role !id committee",
                              "es": "?? {word}. MIEMBROS [aprobar|rechazar !id] o MIEMBROS rol !id comite"},
    ("missing_args", "members"): {"en": "MEMBERS approve !id, MEMBERS reject !id, MEMBERS role !id responder",
                                  "es": "MIEMBROS aprobar !id, MIEMBROS rechazar !id, MIEMBROS rol !id socorrista"},
    ("missing_args", "msg"): {"en": "MSG m3 your words: a note to the other side of match m3 (or o12, n7)",
                              "es": "NOTA m3 tu texto: una nota para la otra parte de m3 (u o12, n7)"},
    ("bad_args", "list"): {"en": "?? {word}. LIST [offers|needs] [food] [@zone]",
                           "es": "?? {word}. LISTA [ofertas|necesidades] [comida] [@zona]"},
    ("bad_args", "zone"): {"en": "Zone {word}: letters/digits only. JOIN name zone, e.g. JOIN Ana @elm",
                           "es": "Zona {word}: solo letras/números. UNIRSE nombre zona, p.ej. UNIRSE Ana @olmo"},
    ("bad_args", "name"): {"en": "Name too long (max 20). JOIN name zone, e.g. JOIN Ana @elm",
                           "es": "Nombre muy largo (máx 20). UNIRSE nombre zona, p.ej. UNIRSE Ana @olmo"},
}
_DANGER_TEXT_BYTES = 100


def verb_name(verb: str, lang: str) -> str:
    """How a reply names a verb: `OFFER` / `OFREZCO`."""
    return VERB_NAMES.get(lang, VERB_NAMES["en"]).get(verb, verb.upper())


def error_text(code: str, lang: str, verb: str | None = None, **details: object) -> str:
    """The reply for a ParseError; `details` fill the blanks (`word`, `near`, `text`, `what`)."""
    lang = lang if lang in ("en", "es") else "en"
    key: str | None = verb
    if code == "unknown_verb":
        key = "danger" if "text" in details else "near" if "near" in details else None
    elif code == "bad_args" and verb == "join":
        key = str(details.get("what", "zone"))
    elif (code, verb) not in _TEXTS:
        key = None
    template = _TEXTS[(code, key)][lang]
    near = details.get("near")
    if isinstance(near, list):
        near = (" or " if lang == "en" else " o ").join(near)
    text = str(details.get("text", ""))
    if len(text.encode("utf-8")) > _DANGER_TEXT_BYTES:
        text = text.encode("utf-8")[:_DANGER_TEXT_BYTES].decode("utf-8", "ignore").rstrip() + "…"
    return template.format(**{
        "try": _TRY[lang], "word": details.get("word", ""), "near": near or "",
        "text": text, "verb": verb_name(verb or "", lang),
    })


def quote(text: str, limit: int = 16) -> str:
    text = text.replace('"', "'")
    return f'"{text[:limit]}…"' if len(text) > limit else f'"{text}"'


def fail(code: str, lang: str, verb: str | None = None, **details: object) -> ParseError:
    """A ParseError whose reply is cut, on a UTF-8 boundary, to one packet."""
    reply = error_text(code, lang, verb, **details)
    data = reply.encode("utf-8", "replace")
    if len(data) > MAX_REPLY_BYTES:
        reply = data[:MAX_REPLY_BYTES].decode("utf-8", "ignore")
    return ParseError(code=code, reply=reply, verb=verb, lang=lang)
