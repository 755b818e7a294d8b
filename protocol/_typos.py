"""Typos in the verb word (SPEC §2, Typos): the one-edit correction of the first word,
and the verbs to suggest when a first word is no verb. Deletion indexes keep both fast.
"""

from __future__ import annotations

from functools import lru_cache

from ._ways import CHATTER, MY_WORDS
from .commands import VERBS
from .vocab import (
    CATEGORY_KEYWORDS, ENGLISH_WORDS, LEAD_FILLERS, NOT_TYPOS, NUMBER_WORDS, SPANISH_WORDS,
    TYPO_MIN_LEN, TYPO_TARGETS, UNITS, URGENCY_WORDS, VERB_ALIASES, VERB_PHRASES, osa_distance,
)


@lru_cache(maxsize=4096)
def typo(word: str) -> str | None:
    """The one typo target one edit from `word` (3+ letters), when all such targets
    name one verb; None otherwise."""
    if len(word) < TYPO_MIN_LEN or len(word) > 20 or word in NOT_TYPOS or not word.isalpha() \
            or (len(word) == TYPO_MIN_LEN and word in KNOWN_WORDS):
        return None  # `one`, `don`, `fin`: a short word that is a word is not a typo
    near = [t for t in _TYPO_INDEX.get(word, ()) if distance(word, t, 1) <= 1]
    for key in _deletes(word):
        near += [t for t in _TYPO_INDEX.get(key, ()) if distance(word, t, 1) <= 1]
    verbs = {VERB_ALIASES[t] for t in near}
    if len(verbs) != 1:
        return None
    return min(near, key=lambda t: (distance(word, t, 1), t))


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _typo_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for target in TYPO_TARGETS:
        for key in {target} | _deletes(target):
            index.setdefault(key, set()).add(target)
    return index


_TYPO_INDEX = _typo_index()
KNOWN_WORDS: frozenset[str] = frozenset(VERB_ALIASES) | LEAD_FILLERS | frozenset(URGENCY_WORDS) \
    | SPANISH_WORDS | ENGLISH_WORDS | frozenset(NUMBER_WORDS) | frozenset(UNITS) \
    | frozenset(w for p in VERB_PHRASES for w in p.split()) \
    | frozenset(w for key in CATEGORY_KEYWORDS for w in key) | CHATTER | MY_WORDS
"""Words a held-down key is repaired towards (`plzzz` -> `plz`, `necesitooo` -> `necesito`)."""



def distance(a: str, b: str, limit: int) -> int:
    """`osa_distance`, capped at limit+1 (and skipped when the lengths alone exceed it)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    return min(osa_distance(a, b), limit + 1)


def _deletes2(word: str) -> set[str]:
    once = _deletes(word)
    return {word} | once | {d for w in once for d in _deletes(w)}


def _suggest_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for alias in VERB_ALIASES:
        if len(alias) >= 3:
            for key in _deletes2(alias):
                index.setdefault(key, set()).add(alias)
    return index


_SUGGEST_INDEX = _suggest_index()


@lru_cache(maxsize=4096)
def near_verbs(word: str) -> tuple[str, ...]:
    """Canonical verbs with an alias of 3+ letters at the smallest distance (at most 2)."""
    if len(word) > 20 or len(word) < 3:
        return ()
    aliases = {a for key in _deletes2(word) for a in _SUGGEST_INDEX.get(key, ())}
    scored = [(distance(word, alias, 2), VERB_ALIASES[alias]) for alias in aliases]
    best = min((d for d, _ in scored), default=3)
    found = {verb for d, verb in scored if d == best <= 2}
    return tuple(sorted(found, key=VERBS.index))
