"""Coarse places: house numbers, phone numbers and exact positions out of anything broadcast.

Everyone on the channel (and anyone holding its key) reads a broadcast, so what goes out
to all names zones and streets, never a door: `fire at 12 Elm St, call 555 123 4567`
goes on air as `fire at Elm St, call`. The exact words stay in the database (encrypted)
and in the direct messages to the people matched with it and to the committee.

`coarse` is applied where every broadcast passes (`as_sent`, called by
`meshbot.delivery.outbox.enqueue` for every row), so no handler can forget it; handlers that build broadcast text may call it too (it is
idempotent). It errs on the side of removing: a count right before a street name
(`3 families Elm St`) loses its number too.
"""

from __future__ import annotations

import re

_STREET = (
    r"street|st|avenue|ave|av|road|rd|lane|ln|drive|dr|way|boulevard|blvd|court|ct|place|pl|"
    r"terrace|close|crescent|square|sq|highway|hwy|row|alley|"
    r"calle|c/|avenida|avda|paseo|plaza|pza|camino|carretera|ctra|ronda|travesia|travesía|callejon|callejón"
)
_UNIT = (
    r"apt|apartment|flat|unit|suite|ste|house|building|bldg|block|door|floor|room|lot|"
    r"piso|puerta|portal|bloque|casa|planta|escalera|esc|dpto|depto|departamento|hab|habitacion|habitación"
)
_MARKER = r"numero|número|num|no|nº|n°|number"
"""Words that only say "number": dropped with it."""
_SMALL_WORDS = frozenset(
    "on at in near by to from the a an and with for en con para por cerca frente junto".split()
)
"""Words that make a number before a street a count (`3 families on Elm St`). Not the
articles of Spanish street names: `100 de la Paz St` is a door."""
_HOUSE = r"\d{1,5}(?:\s?[a-z](?!\w))?"  # 12, 12b, 12 B

_COORDINATES = re.compile(r"-?\d{1,3}\.\d{3,}\s*[,;]\s*-?\d{1,3}\.\d{3,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<![\w.!])\+?\(?\d[\d\s().\-/]{5,}\d(?![\w])")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
_NUMBER_THEN_STREET = re.compile(
    rf"(?<![\w#@/]){_HOUSE}\b(?P<tail>,?\s+(?P<words>(?:[^\W\d][\w'’.-]*\s+){{0,3}}?)(?:{_STREET})\b\.?)",
    re.IGNORECASE,
)
_STREET_THEN_NUMBER = re.compile(
    rf"(?P<head>\b(?:{_STREET})\.?(?:\s+(?:[^\W\d][\w'’.-]*))?(?:\s+[^\W\d][\w'’.-]*){{0,2}}?),?\s*(?:n[º°o]\.?\s*)?{_HOUSE}\b",
    re.IGNORECASE,
)
_UNIT_NUMBER = re.compile(rf"(?P<head>\b(?:{_UNIT})\.?)\s*#?\s*{_HOUSE}(?!\w)", re.IGNORECASE)
_MARKER_NUMBER = re.compile(rf"(?<!\w)(?:{_MARKER})\.?\s*{_HOUSE}(?!\w)", re.IGNORECASE)
_HASH_NUMBER = re.compile(rf"(?<![\w&])#\s?{_HOUSE}(?!\w)", re.IGNORECASE)
_ORDINAL_FLOOR = re.compile(
    r"\b\d{1,3}\s?(?:[ºª°](?:\s?[a-z](?!\w))?|(?:st|nd|rd|th)(?=\s+(?:floor|planta|piso)\b))", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:)])")
_EMPTY_PARENS = re.compile(r"\(\s*\)")
_DOUBLE_COMMA = re.compile(r",\s*,")


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = sum(ch.isdigit() for ch in text)
    if digits < 7 or _DATE.fullmatch(text.strip()):
        return text
    return ""


def _number_then_street(match: re.Match[str]) -> str:
    words = match.group("words").split()
    if any(w.lower().strip(".,") in _SMALL_WORDS for w in words):
        return match.group(0)  # `3 families on Elm St`: a count, not a door
    return match.group("tail").lstrip(", ").lstrip()


def coarse(text: str) -> str:
    """`text` without house or flat numbers, phone numbers, e-mail addresses or coordinates."""
    out = _COORDINATES.sub("", text)
    out = _EMAIL.sub("", out)
    out = _PHONE.sub(_phone, out)
    out = _NUMBER_THEN_STREET.sub(_number_then_street, out)
    out = _STREET_THEN_NUMBER.sub(lambda m: m.group("head"), out)
    out = _MARKER_NUMBER.sub("", out)
    out = _UNIT_NUMBER.sub(lambda m: m.group("head"), out)
    out = _HASH_NUMBER.sub("", out)
    out = _ORDINAL_FLOOR.sub("", out)
    out = _EMPTY_PARENS.sub("", out)
    out = _DOUBLE_COMMA.sub(",", out)
    out = _SPACE_BEFORE_PUNCT.sub(r"\1", out)
    out = _SPACES.sub(" ", out)
    return out.strip(" ,;")


def as_sent(text: str, *, everyone_reads: bool) -> str:
    """The words as they go on air: zones and streets, never a door or a phone, when
    everyone on the channel may read them; a direct message keeps its exact words."""
    return coarse(text) if everyone_reads else text
