"""Typos in the verb word (SPEC §2, Typos): the one-edit correction of the first word,
and the verbs to suggest when a first word is no verb. Both read rapidfuzz's OSA
distance (a swap of two letters is one edit) over the aliases; both are cached, as the
same few mistyped words come again and again.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ._language import ENGLISH_WORDS, SPANISH_WORDS
from ._ways import CHATTER, MY_WORDS
from .commands import VERBS
from .vocab import (
    CATEGORY_KEYWORDS, LEAD_FILLERS, NOT_TYPOS, NUMBER_WORDS, TYPO_MIN_LEN, TYPO_TARGETS, UNITS,
    URGENCY_WORDS, VERB_ALIASES, VERB_PHRASES,
)

_TYPO_CHOICES = tuple(sorted(TYPO_TARGETS))
_SUGGEST_CHOICES = tuple(sorted(alias for alias in VERB_ALIASES if len(alias) >= 3))
MAX_WORD = 20
"""Longer tokens are no mistyped verb (and are not worth comparing)."""


def _within(word: str, choices: tuple[str, ...], edits: int) -> list[tuple[str, int]]:
    """(choice, distance) for every choice at most `edits` edits from `word`."""
    found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=edits, limit=None)
    return [(choice, int(dist)) for choice, dist, _ in found]


def _seseo(word: str) -> str:
    """`c` before e/i and `z` as `s`, as Latin American Spanish says (and often types) them."""
    return _SOFT_C.sub("s", word).replace("z", "s")


_SOFT_C = re.compile(r"c(?=[ei])")
_SESEO: dict[str, str] = {}
for _alias in sorted(VERB_ALIASES):
    if len(_alias) >= 5 and _seseo(_alias) != _alias:
        _SESEO.setdefault(_seseo(_alias), _alias)


@lru_cache(maxsize=4096)
def typo(word: str) -> str | None:
    """The one typo target one edit from `word` (3+ letters), when all such targets
    name one verb; None otherwise. A Spanish verb spelled as it sounds (`nesecito`,
    `ofresco`: s, c and z swapped) is that verb."""
    if len(word) >= 5 and word not in KNOWN_WORDS and (sounds := _SESEO.get(_seseo(word))):
        return sounds
    if len(word) < TYPO_MIN_LEN or len(word) > MAX_WORD or word in NOT_TYPOS or not word.isalpha() \
            or (len(word) == TYPO_MIN_LEN and word in KNOWN_WORDS):
        return None  # `one`, `don`, `fin`: a short word that is a word is not a typo
    near = _within(word, _TYPO_CHOICES, 1)
    if len({VERB_ALIASES[t] for t, _ in near}) != 1:
        return None
    return min(near, key=lambda found: (found[1], found[0]))[0]


KNOWN_WORDS: frozenset[str] = frozenset(VERB_ALIASES) | LEAD_FILLERS | frozenset(URGENCY_WORDS) \
    | SPANISH_WORDS | ENGLISH_WORDS | frozenset(NUMBER_WORDS) | frozenset(UNITS) \
    | frozenset(w for p in VERB_PHRASES for w in p.split()) \
    | frozenset(w for key in CATEGORY_KEYWORDS for w in key) | CHATTER | MY_WORDS
"""Words a held-down key is repaired towards (`plzzz` -> `plz`, `necesitooo` -> `necesito`)."""


@lru_cache(maxsize=4096)
def near_verbs(word: str) -> tuple[str, ...]:
    """Canonical verbs with an alias of 3+ letters at the smallest distance (at most 2)."""
    if len(word) > MAX_WORD or len(word) < 3:
        return ()
    scored = _within(word, _SUGGEST_CHOICES, 2)
    best = min((d for _, d in scored), default=3)
    found = {VERB_ALIASES[alias] for alias, d in scored if d == best}
    return tuple(sorted(found, key=VERBS.index))
