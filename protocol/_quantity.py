"""The quantity of an OFFER or NEED (SPEC §3.1): digits, number words, fractions, dozens,
`a kilo`, `un par de`, ranges; and the numerals that are not quantities (§3.3).

Pure functions over the folded words of the arguments, used by `_fields.posting_fields`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .commands import MAX_QUANTITY
from .vocab import (
    CURRENCY_SIGNS, DOZEN_WORDS, FRACTIONS, LABEL_WORDS, NUMBER_WORDS, PAIRED, PART_WORDS,
    SPEC_UNITS, TENS, UNITS,
)

_NUMBER_RE = re.compile(r"(\d{1,6})(?:([.,])(\d{1,3}))?")
_GLUED_RE = re.compile(r"(\d{1,6}(?:[.,]\d{1,3})?)([^\W\d_]+|[$€%])")
_CURRENCY_RE = re.compile(r"([$€])(\d{1,6}(?:[.,]\d{1,2})?)")
_TIMES_RE = re.compile(r"x(\d{1,6})|(\d{1,6})x")
_NEGATIVE_RE = re.compile(r"[-−–]\d+(?:[.,]\d+)?[^\W\d_]*")
_LONG_NUMBER_RE = re.compile(r"\d{7,}")
_SPAN_RE = re.compile(r"(\d{1,6}(?:[.,]\d{1,3})?)[-–](\d{1,6}(?:[.,]\d{1,3})?)([^\W\d_]*)")

_ARTICLES = frozenset("a an un una".split())
_ONE = frozenset("a an".split())
"""`a kilo`, `an hour`: one, before a unit or dozen (`un`/`una` are number words)."""
_RANGE_JOINS = frozenset("to or o a - –".split())
_UNITS_1_9 = {w: v for w, v in NUMBER_WORDS.items() if 1 <= v <= 9 and w not in _ARTICLES
              and v.is_integer() and w not in ("couple",)}
_OF = frozenset(("of", "de"))
_WORD_STARTS = frozenset(NUMBER_WORDS) | DOZEN_WORDS | _ONE | frozenset(PART_WORDS) \
    | frozenset(FRACTIONS)
"""The words (not numerals, signs or `x3`) a quantity may start with."""
_MAY_START = re.compile(r"(?:^| )[\d\-−–x$€]")
"""A word starting with a digit, a minus, `x` or a currency sign: a quantity may start there."""


_PRONOUN_ONE = frozenset("one uno".split())
_ONLY = frozenset("just only solo nomas".split())


def _stands_alone(texts: list[str], folded: list[str], i: int) -> bool:
    """`one` ending a clause after other words, not `just one`: it stands for a thing."""
    ends = i + 1 == len(folded) or texts[i][-1:] in (",", ";", ".", "!", "?")
    return ends and i > 0 and folded[i - 1] not in _ONLY


_HALF_AFTER = (("y", "medio"), ("y", "media"), ("and", "a", "half"))


def _and_a_half(f: list[str], i: int) -> int:
    """`un kilo y medio`, `a litre and a half`: half a unit more; the words it takes."""
    if i < len(f) and f[i] in ("y", "and"):
        for half in _HALF_AFTER:
            after = f[i + len(half)] if i + len(half) < len(f) else ""
            if tuple(f[i:i + len(half)]) == half and after not in DOZEN_WORDS and after not in UNITS:
                return len(half)
    return 0


class Quantity(NamedTuple):
    value: float | None = None
    unit: str | None = None
    used: tuple[str, ...] = ()
    """The words it was written with, as typed (`6loaves`)."""
    span: str | None = None
    """A range as written (`2-3`): the value is its upper bound; the item keeps it."""
    bad: str | None = None
    """The words of a refused quantity (negative, or more than `MAX_QUANTITY`)."""


def take_quantity(texts: list[str], folded: list[str]) -> Quantity:
    """Remove the quantity from `texts`/`folded` in place and return it.

    Preference: a number with a unit or `dozen` (`10kg`, `6 loaves`, `two dozen`), then
    the first bare numeral that is not a label (`size 8`) or a spec (`2 kW`), then the
    first number word.
    """
    if _WORD_STARTS.isdisjoint(folded) and _MAY_START.search(" ".join(folded)) is None:
        return Quantity()  # no word a quantity (or a refused one) could start with
    best: tuple[int, int, int, float, str | None, str | None] | None = None
    count: tuple[int, int, int, float, str | None, str | None] | None = None
    for i, word in enumerate(folded):
        first = word[0]
        if not first.isdigit():
            if first in "-−–" and _NEGATIVE_RE.fullmatch(word):
                return Quantity(bad=texts[i])
            if word not in _WORD_STARTS and first not in CURRENCY_SIGNS and first != "x":
                continue  # no quantity starts at a plain word
        elif _LONG_NUMBER_RE.fullmatch(word):
            return Quantity(bad=texts[i])
        found = _quantity_at(folded, i)
        if found is None:
            continue
        end, value, unit, rank, span = found
        if rank == 2 and word in _PRONOUN_ONE and _stands_alone(texts, folded, i):
            continue  # `if anyone needs one`, `a tent, small one`: a pronoun, not a count
        if (rank >= 1 or unit == "people") and _is_label(folded, i, end if rank >= 1 else end - 1):
            continue
        if unit in _TIME_UNITS and i > 0 and folded[i - 1] in _WITHIN:
            continue  # running out in 2 days: when, not how much
        if value > MAX_QUANTITY:
            return Quantity(bad=" ".join(texts[i:end]))
        if value <= 0:
            continue  # zero counts nothing: it stays in the item
        if count is None and rank in (1, 2):
            count = (rank, i, end, value, unit, span)
        if best is None or rank < best[0]:
            best = (rank, i, end, value, unit, span)
            if rank == 0:
                break
    if best is None:
        return Quantity()
    if count is not None and best[4] in SIZE_MEASURES and _names_between(folded, count[2], best[1]):
        best = count  # 3 water jugs 5gal: three jugs, each of 5 gal; the size stays in the item
    _, start, end, value, unit, span = best
    used = tuple(texts[start:end])
    del texts[start:end], folded[start:end]
    if start < len(folded) and folded[start] in ("of", "de", "del"):
        del texts[start], folded[start]
    return Quantity(value, unit, used, span)


_Found = tuple[int, float, "str | None", int, "str | None"]


def _quantity_at(f: list[str], i: int) -> _Found | None:
    """(end, value, unit, rank, range) for a quantity starting at word i; rank 0 has a
    unit or dozen, 1 is a numeral, 2 a number word; 3 and 4 (`a`, `un`, `cuarto`) count
    only before a unit."""
    word = f[i]
    first = word[0]
    span = None
    base = i + 1
    if first.isdigit():
        if m := _NUMBER_RE.fullmatch(word):
            value, rank = _number(m), 1
            if i + 2 < len(f) and (f[i + 1] in _RANGE_JOINS or f[i + 1] in ("y", "and") and i > 0
                                   and f[i - 1] in ("entre", "between")) \
                    and (high := _NUMBER_RE.fullmatch(f[i + 2])) and _number(high) > value:
                span, value, base = f"{word}-{f[i + 2]}", _number(high), i + 3  # 2 to 3
            elif i + 1 < len(f) and f[i + 1] in FRACTIONS and f[i + 1][0].isdigit():
                value, base = value + FRACTIONS[f[i + 1]], i + 2  # 1 1/2
        elif m := _TIMES_RE.fullmatch(word):
            return i + 1, float(m.group(2)), None, 1, None
        elif m := _GLUED_RE.fullmatch(word):
            unit = UNITS.get(m.group(2))
            if unit is None:
                return None  # `2kW`, `3rd`, `9V`: a spec or an ordinal, part of the item
            return i + 1, _number(_NUMBER_RE.fullmatch(m.group(1))), unit, 0, None  # type: ignore[arg-type]
        elif word in FRACTIONS:
            value, rank = FRACTIONS[word], 1
        elif (m := _SPAN_RE.fullmatch(word)) and (not m.group(3) or m.group(3) in UNITS):
            low, high = _number(_NUMBER_RE.fullmatch(m.group(1))), \
                _number(_NUMBER_RE.fullmatch(m.group(2)))  # type: ignore[arg-type]
            span, value, rank = f"{m.group(1)}-{m.group(2)}", max(low, high), 1
            if m.group(3):
                return i + 1, value, UNITS[m.group(3)], 0, span  # 2-3kg
        else:
            return None
    elif first in CURRENCY_SIGNS and (m := _CURRENCY_RE.fullmatch(word)):
        return i + 1, float(m.group(2).replace(",", ".")), UNITS[m.group(1)], 0, None
    elif first == "x" and (m := _TIMES_RE.fullmatch(word)):
        return i + 1, float(m.group(1)), None, 1, None
    elif word in NUMBER_WORDS:
        value, rank = NUMBER_WORDS[word], 2
        if word in _ARTICLES:
            rank = 3  # `una manta`: an article, unless a unit or dozen follows
        elif word in TENS:
            value, base = _tens(f, i, value)
        if rank == 2 and base + 1 < len(f) and f[base] in _RANGE_JOINS \
                and NUMBER_WORDS.get(f[base + 1], 0) > value and f[base + 1] not in _ARTICLES:
            span, value, base = f"{word}-{f[base + 1]}", NUMBER_WORDS[f[base + 1]], base + 2
    elif word in DOZEN_WORDS:
        half = _and_a_half(f, i + 1)
        return i + 1 + half, 18.0 if half else 12.0, None, 0, None
    elif word in _ONE:
        value, rank = 1.0, 3  # `a kilo`, `a dozen`, `a pair of boots`
    elif word in PART_WORDS:
        value, rank = 1.0, 4  # `quarter kilo`: see the part below
        base = i
    elif word in FRACTIONS:
        value, rank = FRACTIONS[word], 1
    else:
        return None
    if rank < 3 and base + 2 < len(f) and f[base:base + 3] == ["and", "a", "half"]:
        value, base = value + 0.5, base + 3  # two and a half kilos
    end = base
    nxt = f[end] if end < len(f) else ""
    if nxt in _ARTICLES and value == 0.5 and end + 1 < len(f):
        end += 1  # half a dozen, half a kilo
        nxt = f[end]
    if nxt in PART_WORDS:  # un cuarto de kilo, a quarter kilo, a third of a cup
        j = end + 1 + (end + 1 < len(f) and f[end + 1] in _OF)
        j += j < len(f) and f[j] in _ONE
        if j < len(f) and f[j] in UNITS:
            return j + 1, value * PART_WORDS[nxt], UNITS[f[j]], 0, span
        return None if rank >= 3 else (base, value, None, rank, span)
    if nxt == "x" and rank < 3 and end + 1 < len(f) and f[end + 1][:1].isdigit():
        return end + 1, value, None, 0, span  # 2 x 20L jugs: two of them
    if nxt in _OF and word == "couple":
        end += 1
        nxt = f[end] if end < len(f) else ""
    if nxt in ("par", "pares") and end + 2 < len(f) and f[end + 1] == "de":
        thing = f[end + 2]  # un par de latas: two cans; un par de zapatos: one pair
        if thing in UNITS and UNITS[thing] != "pairs":
            return end + 3, value * 2, UNITS[thing], 0, span
        if thing not in PAIRED:
            return end + 2, value * 2, None, 0, span
    if nxt in DOZEN_WORDS:
        half = _and_a_half(f, end + 1)  # a dozen and a half
        return end + 1 + half, value * (18 if half else 12), None, 0, span
    if nxt in UNITS:
        half = _and_a_half(f, end + 1)
        return end + 1 + half, value + 0.5 * bool(half), UNITS[nxt], 0, span
    if rank >= 3:
        return None
    return base, value, None, rank, span


SIZE_MEASURES = frozenset({"kg", "g", "lb", "oz", "L", "ml", "gal", "m"})
"""Units that measure one thing: after a counted thing's name they are its size."""
_NOT_NAMES = frozenset("of de del x a an the some el la los las unos unas un una and y or o "
                       "with con for para".split())


def _names_between(f: list[str], start: int, end: int) -> bool:
    """A word that names a thing lies between a count and a measure (`3 water jugs 5gal`,
    `dos bidones de 20 litros`), so the measure is each thing's size."""
    return any(w not in _NOT_NAMES and w[:1].isalpha() for w in f[start:end])


def _tens(f: list[str], i: int, value: float) -> tuple[float, int]:
    """`twenty five` (en) and `treinta y cinco` (es): the tens plus a units word."""
    if i + 1 < len(f) and f[i + 1] in _UNITS_1_9:
        return value + _UNITS_1_9[f[i + 1]], i + 2
    if i + 2 < len(f) and f[i + 1] == "y" and f[i + 2] in _UNITS_1_9:
        return value + _UNITS_1_9[f[i + 2]], i + 3
    return value, i + 1


def _number(m: re.Match[str]) -> float:
    whole, sep, frac = m.group(1), m.group(2), m.group(3)
    if not sep:
        return float(whole)
    if sep == "," and len(frac) == 3:
        return float(whole + frac)  # 1,000: a thousands separator
    return float(f"{whole}.{frac}")


_HOUSEHOLD = frozenset("family familia household hogar".split())
"""`family of 3`, `familia de 5`: who the posting is for, not how many things."""
_CAPACITY = frozenset("person seater persona".split())
"""`tent 4 person`, `4 person tent`: a size of the thing (singular after a count), not people."""
_FOR_WHOM = frozenset("for para of de".split())
"""`ride for 2 person`: people after all."""
_WE_ARE = frozenset("somos seremos we're were".split())
"""`somos 5`, `we're 4`: how many are in the household, not how many things."""
_JOINED = frozenset("and y or o & ,".split())
_TIME_UNITS = frozenset({"days", "weeks", "h", "min", "nights"})
_WITHIN = frozenset("in within en dentro".split())
"""`in 2 days`, `en 3 dias`: a time from now, not an amount of time asked or given."""


def _is_label(f: list[str], start: int, end: int) -> bool:
    """`size 8`, `route 5`, `5 years`, `2 kW`, `family of 3`, `tent 4 person`: a numeral that
    names rather than counts."""
    before = f[start - 1] if start > 0 else ""
    after = f[end] if end < len(f) else ""
    if before in _OF and start > 1 and f[start - 2] in _HOUSEHOLD:
        return True
    if before in _WE_ARE or (before == "are" and start > 1 and f[start - 2] == "we"):
        return True
    if before in _JOINED and start > 1 and f[start - 2][:1].isdigit() and _is_label(f, start - 2, start - 1):
        return True  # sizes 6 and 8: the second is a size too
    if end == start + 1 and after in _CAPACITY and f[start].isdigit() and f[start] != "1" \
            and before not in _FOR_WHOM:
        return True
    return before in LABEL_WORDS or after in SPEC_UNITS or before.startswith("#") \
        or (before.isdigit() and f[start].isdigit())
