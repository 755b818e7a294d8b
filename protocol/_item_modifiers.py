"""The modifiers of an item that say which one, read from its words: sizes (`size 3`,
`talla M`, `3T`), measures of each thing (`5gal`), weekdays (`monday`, `weekends`) and ages
(`my 6 year old`). `protocol.items` compares them; a pure function of the words.
"""

from __future__ import annotations

import re

from ._quantity import SIZE_MEASURES
from .item_vocab import stem, words_of
from .vocab import UNITS, WEEKDAYS

_SIZE_WORDS = frozenset("size sz talla talle numero num no".split())
_WEEKEND = frozenset({"sat", "sun"})
_WEEKDAYS = frozenset({"mon", "tue", "wed", "thu", "fri"})
_DAY_GROUPS = {"weekend": _WEEKEND, "weekends": _WEEKEND, "finde": _WEEKEND, "weekday": _WEEKDAYS,
               "weekdays": _WEEKDAYS}


def take_sizes(words: list[str]) -> tuple[list[str], frozenset[str]]:
    """`size 3`, `talla M`, `3T`: which size, taken out of the words. A measure of each
    thing (`5gal`, `20 litros`) is taken out too, so it is never read as the head noun, but
    it does not block a match: residents read it in the item."""
    sizes: set[str] = set()
    kept: list[str] = []
    skip = False
    for i, word in enumerate(words):
        if skip:
            skip = False
            continue
        if word in _SIZE_WORDS and i + 1 < len(words) and len(words[i + 1]) <= 4 and (
                words[i + 1][0].isdigit() or words[i + 1] in ("xs", "s", "m", "l", "xl", "xxl", "g", "ch")):
            sizes.add(words[i + 1])
            skip = True
        elif len(word) <= 3 and word[:-1].isdigit() and word[-1] == "t":
            sizes.add(word)
        elif word[:1].isdigit() and (measure := _measure(word, words[i + 1] if i + 1 < len(words) else "")):
            skip = measure[1]  # water jugs 5gal: a jug; a 5 gal and a 20 L jug serve one need
        else:
            kept.append(word)
    return kept, frozenset(sizes)


_GLUED = re.compile(r"(\d{1,5}(?:[.,]\d{1,3})?)([^\W\d_]+)")


def _measure(word: str, after: str) -> tuple[str, bool] | None:
    """`5gal`, or `5` then `gal`, as a measure (`5gal`, `20L`); and whether it took `after`."""
    if word.replace(".", "", 1).replace(",", "", 1).isdigit():
        unit = UNITS.get(after)
        return (f"{word.replace(',', '.')}{unit}", True) if unit in SIZE_MEASURES else None
    glued = _GLUED.fullmatch(word)
    unit = UNITS.get(glued.group(2)) if glued else None
    return (f"{glued.group(1).replace(',', '.')}{unit}", False) if glued and unit in SIZE_MEASURES else None


def days_of(when: str | None, words: list[str]) -> frozenset[str]:
    """Weekdays a posting is for, from its time window (`mon 9-12`, `weekends`) and item."""
    days: set[str] = set()
    for w in words_of(when) if when else ():
        days |= _DAY_GROUPS.get(w, frozenset())
        if w in _WEEKEND | _WEEKDAYS or w in WEEKDAYS:
            days.add(WEEKDAYS.get(w, w))
    for w in words:
        days |= _DAY_GROUPS.get(w, frozenset())
        if w in WEEKDAYS and len(w) > 3:
            days.add(WEEKDAYS[w])
    return frozenset(days)


_AGE_WORDS = {"year": "years", "yr": "years", "yo": "years", "ano": "years", "month": "months", "mese": "months"}


def ages(words: list[str]) -> frozenset[str]:
    """`for my 6 year old`, `niño de 8 años`, `3 months`: the age says who it is for."""
    for number, after in zip(words, words[1:]):
        span = _AGE_WORDS.get(stem(after))
        if not number.isdigit() or span is None:
            continue
        age = int(number) / (12 if span == "months" else 1)
        return frozenset({"baby" if age < 1.5 else "child" if age < 13 else "adult" if age >= 18 else ""} - {""})
    return frozenset()
