"""One catalogue of every text a resident or committee member reads over the radio.

Messages are keyed by id (`posted`, `error.empty`, `match.proposed`) in one data table
per language (`en.py`, `es.py`); a language is added by adding a table, and a message
missing from it is read in English. Templates name their fields (`{id}`, `{who}`);
`render` fills them, shortening each field to the bytes `FIELD_BYTES` allows so the
fixed words of a message, the id and the next step, are never the part that is cut.
One field of a message may be *elastic* (`FIELD_BYTES` None): it gets the room the
rest leaves. Every message, in every language, is checked against its `BUDGETS`
entry with worst-case fields (tests/test_catalogue.py).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from types import MappingProxyType

from . import en, es

PACKET_BYTES = 200
ELLIPSIS = "…"
TABLES: Mapping[str, Mapping[str, str]] = MappingProxyType({"en": en.MESSAGES, "es": es.MESSAGES})
"""Language -> message id -> template. English holds every id."""
LANGUAGES = tuple(TABLES)

FIELD_BYTES: Mapping[str, int | None] = MappingProxyType({
    # ids and codes residents type back: `n1234567`, `m12`, `!a1b2c3d4`
    "id": 9, "your_id": 9, "code": 9, "node": 10,
    # names and places
    "who": 32, "giver": 32, "receiver": 32, "carrier": 32, "name": 24, "zone": 16, "at": 20,
    "role": 12, "verb": 12, "to": 40, "key": 10, "due": 16, "category": 14, "title": 44,
    # things
    "choices": 48, "what": 40, "label": 80, "other": 40, "word": 70, "near": 40, "try": 60, "window": 24,
    # numbers
    "count": 6, "total": 6, "first": 6, "last": 6, "ok": 6, "helping": 6, "safe": 6, "radio_only": 6, "silent": 6,
    "per_minute": 6, "over": 6, "hours": 6, "minutes": 6, "open_needs": 6,
    "needs": 6, "offers": 6, "matched": 6, "closed": 6, "fill": 5, "span": 6,
    # the committee's digest
    "when": 16, "community": 24, "marks": 16, "duration": 8, "ttm": 16,
    # free words: whatever room the rest leaves
    "item": None, "text": None, "note": None, "request": None, "body": None, "names": None,
    "entries": None, "reason": None, "detail": None, "entry": None,
    # the council
    "heading": 12, "result": 20, "yes": 6, "no": 6, "abstain": 6,
})
"""Field -> the most UTF-8 bytes it takes in any message (None: elastic)."""

BUDGETS: Mapping[str, int] = MappingProxyType({
    "posted": 49,  # 71 B on air, 0.76 s on LONG_FAST: `NEED 2 blankets` and its answer in 1.28 s
    "plan.part": 4 * PACKET_BYTES,  # a person's whole part of the plan: the outbox numbers the packets
})
"""Message id -> its byte budget when it is tighter than one packet."""
MULTI_PACKET = frozenset({"show.entry"})
"""Messages sent over up to two packets (the outbox numbers the parts)."""


def budget(message_id: str) -> int:
    if message_id in MULTI_PACKET:
        return 2 * PACKET_BYTES - 20
    return BUDGETS.get(message_id, PACKET_BYTES)


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def shorten(text: str, limit: int) -> str:
    """Cut `text` to `limit` UTF-8 bytes on a character boundary, marking the cut with …."""
    if utf8_len(text) <= limit:
        return text
    if limit < utf8_len(ELLIPSIS):
        return ""
    cut = text.encode("utf-8")[:limit - utf8_len(ELLIPSIS)].decode("utf-8", errors="ignore")
    return cut.rstrip() + ELLIPSIS


def template(message_id: str, lang: str) -> str:
    """The message in `lang`, or in English when that table lacks it."""
    table = TABLES.get(lang, TABLES["en"])
    return table.get(message_id) or TABLES["en"][message_id]


def fields_of(message_id: str, lang: str) -> list[str]:
    """The named fields a template fills, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(template(message_id, lang)) if name]


def render(message_id: str, lang: str = "en", **values: object) -> str:
    """The message filled with `values`, each cut to its field's bytes, the elastic one to
    what is left of the message's budget. Nothing else is cut: a message whose fixed words
    and bounded fields overflow its budget is a bug the catalogue test catches."""
    names = fields_of(message_id, lang)
    filled: dict[str, str] = {}
    elastic: str | None = None
    for name in names:
        limit = FIELD_BYTES[name]
        if limit is None:
            elastic = name
            filled[name] = ""
        else:
            filled[name] = shorten(str(values[name]), limit)
    text = template(message_id, lang)
    if elastic is not None:
        uses = text.count("{" + elastic + "}")
        room = (budget(message_id) - utf8_len(text.format(**filled))) // max(uses, 1)
        filled[elastic] = shorten(str(values[elastic]), max(room, 0))
    return text.format(**filled)


def whole(message_id: str, lang: str = "en", **values: object) -> str | None:
    """The message with every field uncut, or None when that would overflow its budget:
    for texts a resident wrote (a relayed note), where a cut would change what they said."""
    text = template(message_id, lang).format(**{name: values[name] for name in fields_of(message_id, lang)})
    return text if utf8_len(text) <= budget(message_id) else None
