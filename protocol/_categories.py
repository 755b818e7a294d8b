"""The keyword reading of an item's category (SPEC §5): strong words, the first keyword
or phrase, weak words, and one typo away. The item's head noun (items.py) decides first;
this is the fallback. The tables are data: protocol/vocab/categories.toml.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any

from rapidfuzz.distance import OSA


def _load() -> dict[str, Any]:
    return tomllib.loads((files("protocol") / "vocab" / "categories.toml").read_text(encoding="utf-8"))


_TABLES = _load()
_CATEGORY_WORDS: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    category: {lang: (entry["words"].split(), list(entry.get("phrases", ())))
               for lang, entry in by_lang.items()}
    for category, by_lang in _TABLES.items() if category not in ("strong", "weak")
}
"""Category -> language -> (single words, phrases), as listed in the file."""

STRONG_KEYWORDS: dict[str, str] = {
    w: c for c, words in _TABLES["strong"].items() for w in words.split()}
"""Words that decide the category wherever they stand: `bike repair` is repair."""

WEAK_KEYWORDS: dict[str, str] = {w: c for c, words in _TABLES["weak"].items() for w in words.split()}
"""Words that decide the category only when no other keyword does: `kids jackets` is
clothing, `watch kids` childcare; `gas leak`-like phrases are repair, `gas` alone power."""


def _plurals(word: str) -> set[str]:
    """The plural spellings a resident may use for a folded singular keyword."""
    out = {word + "s", word + "es"}
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        out.add(word[:-1] + "ies")
    if word.endswith("f"):
        out.add(word[:-1] + "ves")
    if word.endswith("fe"):
        out.add(word[:-2] + "ves")
    if word.endswith("z"):
        out.add(word[:-1] + "ces")
    return out


def _keyword_tables() -> tuple[
        dict[tuple[str, ...], str], dict[str, str], dict[str, list[tuple[tuple[str, ...], str]]],
        dict[str, set[str]]]:
    """Base keywords; every single-word spelling (with plurals); phrases by first word;
    and the words of each language (for telling the language of a message)."""
    base: dict[tuple[str, ...], str] = {}
    langs: dict[str, set[str]] = {"en": set(), "es": set()}
    for category, by_lang in _CATEGORY_WORDS.items():
        for lang, (words, phrases) in by_lang.items():
            for entry in [(w,) for w in words] + [tuple(p.split()) for p in phrases]:
                if entry in base and base[entry] != category:
                    raise ValueError(f"{entry} is in {base[entry]} and {category}")
                base[entry] = category
                langs[lang].update(entry)
    singles: dict[str, str] = {}
    for (key, category) in ((k, c) for k, c in base.items() if len(k) == 1):
        for form in _plurals(key[0]):
            singles.setdefault(form, category)
    singles.update({k[0]: c for k, c in base.items() if len(k) == 1})
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key, category in base.items():
        if len(key) > 1:
            for last in {key[-1], *_plurals(key[-1])}:
                phrases.setdefault(key[0], []).append((key[:-1] + (last,), category))
    for entries in phrases.values():
        entries.sort(key=lambda e: -len(e[0]))
    return base, singles, phrases, langs


CATEGORY_KEYWORDS, _SINGLE_KEYWORDS, _PHRASES_BY_FIRST, CATEGORY_LANGUAGE_WORDS = _keyword_tables()
"""`CATEGORY_KEYWORDS`: folded word or phrase (as a tuple of words) -> category, as listed.
Plurals are matched through generated spellings, so only singulars need listing."""


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


FUZZY_MIN_LEN = 5
"""Item words of at least this length may match a keyword one typo away (`blankts`)."""


def _fuzzy_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for word in _SINGLE_KEYWORDS:
        if len(word) >= FUZZY_MIN_LEN:
            for key in {word} | _deletes(word):
                index.setdefault(key, set()).add(word)
    return index


_FUZZY = _fuzzy_index()


def category_of(words: list[str]) -> str | None:
    """The category of folded item words, or None when nothing fits.

    In order: a strong word anywhere (`fix`, `repair`: repair); else the first keyword in
    reading order, a phrase beating a single word at the same place (`pasta de dientes`
    is hygiene, `pasta` food); else a weak word (`kids`, `help`); else a keyword one typo
    away from a word of 5+ letters (`blankts`), if only one category is that close.
    """
    first: str | None = None
    weak: str | None = None
    for i, word in enumerate(words):
        if word in STRONG_KEYWORDS:
            return STRONG_KEYWORDS[word]
        if first is not None:
            continue
        for phrase, category in _PHRASES_BY_FIRST.get(word, ()):
            if tuple(words[i:i + len(phrase)]) == phrase:
                first = category
                break
        else:
            if word in WEAK_KEYWORDS:
                weak = weak or WEAK_KEYWORDS[word]
            elif word in _SINGLE_KEYWORDS:
                first = _SINGLE_KEYWORDS[word]
    if first or weak:
        return first or weak
    return _fuzzy_category(words)


def _fuzzy_category(words: list[str]) -> str | None:
    found: set[str] = set()
    for word in words:
        if len(word) < FUZZY_MIN_LEN or not word.isalpha():
            continue
        candidates: set[str] = set(_FUZZY.get(word, ()))
        for key in _deletes(word):
            candidates |= _FUZZY.get(key, set())
        found |= {_SINGLE_KEYWORDS[c] for c in candidates if OSA.distance(word, c, score_cutoff=1) <= 1}
        if found:
            break
    return found.pop() if len(found) == 1 else None
