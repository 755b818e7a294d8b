"""Typing noise a phone keyboard or a thumb adds, removed before anything else is read.

Phones put an invisible variation selector after some symbols (`‼️` is `‼` + U+FE0F),
join emoji with zero-width joiners, open Spanish questions and exclamations with `¿`/`¡`,
and curl quotes (`I’m`). Thumbs hold a key down (`neeeed`, `plzzz`). None of it is
meaning, so it goes first; the word tables then see what the resident meant to type.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

from .vocab import fold

_INVISIBLE = "\ufe0e\ufe0f\u200d"  # variation selectors 15/16, zero-width joiner
_TRANSLATE = str.maketrans({
    "\ufe0e": None, "\ufe0f": None, "\u200d": None,
    "¿": " ", "¡": " ",
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "´": "'", "`": "'", "＇": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"',
})
_NOISY = frozenset(_INVISIBLE + "¿¡‘’‚‛´`＇“”„‟«»")
TRIPLE = re.compile(r"(.)\1\1")
"""Any character three times in a row: a cheap first look, most messages have none."""
_HELD_KEY = re.compile(r"([^\W\d_xX])\1\1+")
"""A letter typed three or more times in a row (`neeeed`). `x` is left alone: `XXXL`."""
_HELD_WORD = re.compile(r"(?<![\w!#@])[^\W\d_]*([^\W\d_xX])\1\1[^\W\d_]*(?!\w)")
"""A whole word of letters with a held key: never part of a node id (`!00000fff`), a
posting id or a place."""
_DOUBLE = re.compile(r"([^\W\d_])\1")


def tidy(text: str, known: frozenset[str]) -> str:
    """`text` without invisible selectors and joiners, `¿`/`¡`, curly quotes, and with
    held-down letters put back: a run of 3+ becomes two letters, then each doubled letter
    of that word may become one if that gives a word of `known` (folded, lowercase).
    `coffee`, `need`, `llave` are untouched: only words with a run of three change."""
    if not text.isascii() and not _NOISY.isdisjoint(text):
        text = text.translate(_TRANSLATE)
    if TRIPLE.search(text) is None or _HELD_KEY.search(text) is None:
        return text
    return _HELD_WORD.sub(lambda m: _unheld(m.group(0), known), text)


def _unheld(word: str, known: frozenset[str]) -> str:
    shortened = _HELD_KEY.sub(r"\1\1", word)
    return _known_form(shortened, known) or shortened


@lru_cache(maxsize=2048)
def _known_form(word: str, known: frozenset[str]) -> str | None:
    """`word`, or it with some doubled letters made single, if that is a known word."""
    if fold(word) in known:
        return word
    doubles = [m.start() for m in _DOUBLE.finditer(word)]
    if not doubles or len(doubles) > 6:
        return None
    for keep in product((True, False), repeat=len(doubles)):  # fewest letters dropped first
        if all(keep):
            continue
        drop = {at for at, kept in zip(doubles, keep) if not kept}
        candidate = "".join(ch for i, ch in enumerate(word) if i not in drop)
        if fold(candidate) in known:
            return candidate
    return None
