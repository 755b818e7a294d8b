"""Time windows (`tue 9-12`, `every sat`, `tonight`) and expiry (`until fri`, `for 3
days`) in an OFFER or NEED (SPEC §3.4, §3.5): found, taken out of the item's words, and
written back normalised. Pure functions over folded words.
"""

from __future__ import annotations

import re

from .vocab import (
    CLOCK_SUFFIXES, DAY_PHRASES, DAY_WORDS, DOZEN_WORDS, DURATION_PREPS, DURATION_UNITS,
    FRACTIONS, MONTHS, NUMBER_WORDS, UNITS, UNTIL_PHRASES, UNTIL_WORDS, WEEKDAYS,
    WEEKDAYS_IN_CONTEXT,
)

_NUMBER_RE = re.compile(r"(\d{1,6})(?:([.,])(\d{1,3}))?")
_RANGE_RE = re.compile(r"(\d{1,2})(?::(\d{2}))?(am|pm)?[-–](\d{1,2})(?::(\d{2}))?(am|pm|h|hrs)?")
_CLOCK_RE = re.compile(r"(\d{1,2})(?::(\d{2}))?(am|pm|a\.m\.|p\.m\.)?")
_DATE_RE = re.compile(r"\d{1,2}/\d{1,2}(?:/\d{2,4})?")
_ORDINAL_RE = re.compile(r"\d{1,2}(?:st|nd|rd|th|ro|do|to|vo|mo|no)")
_DAY_LEADS = frozenset("on every each el los las cada this next este esta proximo".split())
_CLOCK_LEADS = frozenset("at from after before around desde starting between entre".split())
_CONNECT = frozenset("and y & or o to a - –".split())
_EVERY = frozenset({"every", "each", "cada"})
_ARTICLES = frozenset("a an un una".split())


def by_first(phrases: object) -> dict[str, list[tuple[tuple[str, ...], object]]]:
    """Phrases (tuples of words, or a dict of them) indexed by their first word."""
    items = phrases.items() if isinstance(phrases, dict) else ((p, None) for p in phrases)  # type: ignore[attr-defined]
    index: dict[str, list[tuple[tuple[str, ...], object]]] = {}
    for phrase, value in items:
        index.setdefault(phrase[0], []).append((phrase, value))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    return index


_DAY_PHRASES = by_first(DAY_PHRASES)
_TIME_STARTS = frozenset(_DAY_PHRASES) | frozenset(WEEKDAYS) | frozenset(WEEKDAYS_IN_CONTEXT) \
    | DAY_WORDS | MONTHS | {"de", "a"}
_TIME_TRIGGERS = _TIME_STARTS | UNTIL_WORDS | DURATION_PREPS | _DAY_LEADS | _CLOCK_LEADS \
    | frozenset(p[0] for p in UNTIL_PHRASES)
_DIGIT_OR_DASH = re.compile(r"(?:^| )\d|-")
"""A word that starts with a digit or holds a dash (the other words a time may start at)."""



def take_times(texts: list[str], folded: list[str]) -> tuple[str | None, str | None]:
    """Remove expiry (`until fri`, `for 3 days`) and time windows (`tue 9-12`) in place;
    return them as (until, when), normalised (weekdays as `mon`..`sun`)."""
    until: list[str] = []
    when: list[str] = []
    if _TIME_TRIGGERS.isdisjoint(folded) and _DIGIT_OR_DASH.search(" ".join(folded)) is None:
        return None, None
    i = 0
    while i < len(folded):
        word = folded[i]
        if word not in _TIME_TRIGGERS and not word[0].isdigit() and "-" not in word:
            i += 1
            continue
        end = None
        if word in UNTIL_WORDS or (i + 1 < len(folded) and (word, folded[i + 1]) in UNTIL_PHRASES):
            start = i + (2 if word not in UNTIL_WORDS else 1)
            body = _skip_articles(folded, start)
            stop = _time_span(folded, body, True)
            if stop is not None:
                until.append(_normal(folded[body:stop]))
                end = stop
        elif word in DURATION_PREPS:
            stop = _duration(folded, i + 1)
            if stop is not None:
                until.append(_duration_text(folded[i + 1:stop]))
                end = stop
            else:
                stop = _time_span(folded, _skip_articles(folded, i + 1), False)
                if stop is not None:  # `for tonight`
                    when.append(_normal(folded[_skip_articles(folded, i + 1):stop]))
                    end = stop
        if end is None:
            stop = _time_span(folded, i, False)
            if stop is not None:
                when.append(_normal(folded[i:stop]))
                end = stop
        if end is None:
            lead = i
            while lead < len(folded) and folded[lead] in _DAY_LEADS and lead - i < 2:
                lead += 1
            clock = lead < len(folded) and folded[lead] in _CLOCK_LEADS
            # with no lead word this is the span at i, already found wanting above
            stop = _time_span(folded, lead + clock, clock) if lead > i or clock else None
            if stop is not None:
                when.append(_normal(folded[lead:stop], every=folded[i] in _EVERY))
                end = stop
        if end is None:
            i += 1
        else:
            del texts[i:end], folded[i:end]
    return (" ".join(until) or None), (" ".join(when) or None)


def _skip_articles(f: list[str], i: int) -> int:
    while i < len(f) and f[i] in ("the", "el", "la", "los", "las", "this", "next", "este",
                                  "esta", "proximo", "proxima", "end", "of"):
        i += 1
    return i


def _time_span(f: list[str], i: int, context: bool) -> int | None:
    """End of a run of time atoms starting at i (`tue 9-12`, `sat and sun mornings`);
    `context` says a time word came just before (so `mon`, `5` and `9-12` are times)."""
    end = None
    while i < len(f):
        stop = _time_atom(f, i, context or end is not None)
        if stop is None:
            if end is not None and f[i] in _CONNECT and i + 1 < len(f) \
                    and _time_atom(f, i + 1, True) is not None:
                i += 1
                continue
            break
        end = i = stop
    return end


def _time_atom(f: list[str], i: int, context: bool) -> int | None:
    """End of one time atom at i: a day phrase or word, weekday, date, clock or range."""
    word = f[i]
    if word not in _TIME_STARTS and not word[0].isdigit() and "-" not in word:
        return None
    for phrase, _ in _DAY_PHRASES.get(word, ()):
        if tuple(f[i:i + len(phrase)]) == phrase:
            return i + len(phrase)
    if word in WEEKDAYS or word in DAY_WORDS:
        return i + 1
    if "-" in word and all(p in WEEKDAYS or p in WEEKDAYS_IN_CONTEXT or p in DAY_WORDS
                           for p in word.split("-")):
        return i + 1  # mon-fri
    if word in WEEKDAYS_IN_CONTEXT and (context or i + 1 == len(f)
                                        or _time_atom(f, i + 1, True) is not None):
        return i + 1
    nxt = f[i + 1] if i + 1 < len(f) else ""
    if word == "de" and i + 3 < len(f) and f[i + 2] == "a" and _CLOCK_RE.fullmatch(f[i + 1]) \
            and _CLOCK_RE.fullmatch(f[i + 3]) and (i + 4 >= len(f) or f[i + 4] not in UNITS):
        return i + 4  # de 9 a 12
    if word in MONTHS and _NUMBER_RE.fullmatch(nxt) and len(nxt) <= 2:
        return i + 2
    if word.isdigit() and len(word) <= 2:
        if nxt in MONTHS:
            return i + 2
        if nxt == "de" and i + 2 < len(f) and f[i + 2] in MONTHS:
            return i + 3
    if word.isdigit():
        pass  # a plain number: only a clock (below) can be one
    elif "/" in word and _DATE_RE.fullmatch(word) and word not in FRACTIONS:
        return i + 1
    elif _ORDINAL_RE.fullmatch(word) and (context or nxt in MONTHS):
        return i + 1
    elif ("-" in word or "–" in word) and (m := _RANGE_RE.fullmatch(word)):
        first, second = int(m.group(1)), int(m.group(4))
        if first <= 24 and second <= 24 and (
                context or m.group(2) or m.group(3) or m.group(5) or m.group(6)
                or first > second or nxt in CLOCK_SUFFIXES):
            return i + 2 if nxt in CLOCK_SUFFIXES else i + 1
        return None
    if m := _CLOCK_RE.fullmatch(word):
        if int(m.group(1)) > 24:
            return None
        if m.group(2) or m.group(3):
            return i + 1
        if nxt in CLOCK_SUFFIXES and nxt != "h":
            return i + 2
        if context and nxt not in UNITS and nxt not in DOZEN_WORDS:
            if nxt in _CONNECT and i + 2 < len(f) and _CLOCK_RE.fullmatch(f[i + 2]):
                if i + 3 < len(f) and (f[i + 3] in UNITS or f[i + 3] in DOZEN_WORDS):
                    return None  # entre 3 y 4 kilos: a range of a quantity, not of hours
                return i + 3 if not (i + 3 < len(f) and f[i + 3] in CLOCK_SUFFIXES) else i + 4
            return i + 1
    if word == "a" and nxt == "las" and i + 2 < len(f) and _CLOCK_RE.fullmatch(f[i + 2]):
        return _time_atom(f, i + 2, True)
    return None


def _normal(words: list[str], every: bool = False) -> str:
    """`Saturdays` -> `every sat`, `Tuesday 9-12` -> `tue 9-12`; the rest as written."""
    out = []
    for word in words:
        day = WEEKDAYS.get(word) or (WEEKDAYS_IN_CONTEXT.get(word) if len(words) > 1 else None)
        if day and (every or (word.endswith("s") and word not in ("tues", "thurs", "weds",
                                                                   "lunes", "martes",
                                                                   "miercoles", "jueves",
                                                                   "viernes"))):
            out.append(f"every {day}")
        elif day:
            out.append(day)
        else:
            out.append(word)
    return " ".join(out)


def _duration(f: list[str], i: int) -> int | None:
    """End of `3 days`, `a week`, `dos semanas` at i, or None."""
    if i + 1 >= len(f) or f[i + 1] not in DURATION_UNITS:
        return None
    word = f[i]
    if word.isdigit() or word in NUMBER_WORDS or word in _ARTICLES:
        return i + 2
    return None


def _duration_text(words: list[str]) -> str:
    count, unit = words
    value = 1.0 if count in _ARTICLES else NUMBER_WORDS.get(count) or float(count)
    name = DURATION_UNITS[unit]
    return f"{value:g} {name[:-1] if value == 1 else name}"
