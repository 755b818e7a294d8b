"""The tables item identity reads: what each word or phrase names, per language, as data.

They ship as TOML files in `protocol/vocab/` (one per language); a committee adds its own
words through the config (`[matching.synonyms]`, `[matching.categories]`), which the
application passes in as `extra_synonyms` / `extra_categories`. Nothing here reads a file
other than the package's own tables, and only when `Vocabulary.load()` is called.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import OSA

from .vocab import fold

LANGUAGES = ("en", "es")
_TABLE_KEYS = frozenset({"language", "head", "stop", "modifiers", "plain", "activities", "specific", "flavoured", "containers", "consumed", "generic",
                         "purposes", "audiences"})
_IRREGULAR = {
    "loaves": "loaf", "knives": "knife", "leaves": "leaf", "children": "child", "men": "man",
    "women": "woman", "people": "person", "teeth": "tooth", "feet": "foot", "mice": "mouse",
    "shelves": "shelf", "scarves": "scarf", "halves": "half", "panales": "panal",
}
_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A plural-blind stem of a folded word: `tomatoes`/`tomato` -> `tomato`,
    `frijoles`/`frijol` -> `frijol`, `lápices`/`lápiz` -> `lapic`."""
    word = _IRREGULAR.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith("ie"):  # `beanie` and `beanies` alike
        word = word[:-2] + "y"
    elif len(word) > 5 and word.endswith("lves"):  # `bookshelves`, `wolves`
        word = word[:-3] + "f"
    elif len(word) > 5 and word.endswith("oes"):  # `tomatoes`, not `shoes`
        word = word[:-2]
    elif len(word) > 4 and word.endswith(("xes", "ches", "shes", "sses", "zes")):  # `boxes`, `lunches`
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):  # `frijoles`/`frijol`; not `care`, which is not `car`
        word = word[:-1]
    if word.endswith("z"):
        word = word[:-1] + "c"
    return word


def words_of(text: str) -> list[str]:
    """Folded words of an item: `Ride-on` -> `rideon`, `men's` -> `mens`, `T-shirt` -> `tshirt`."""
    folded = fold(text).replace("'", "").replace("’", "")
    folded = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", "", folded)
    return _WORD.findall(folded)


def phrase_key(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words_of(text))


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """What words and phrases name, per language, and the words that never name a thing."""

    phrases: Mapping[str, Mapping[tuple[str, ...], str]]
    """Language -> stemmed phrase (one or more words) -> concept."""
    category: Mapping[str, str]
    """Concept -> category."""
    generic: Mapping[str, Mapping[tuple[str, ...], str]]
    """Language -> stemmed phrase naming only a category -> that category."""
    purposes: Mapping[str, Mapping[tuple[str, ...], str]]
    """Language -> stemmed phrase of a place or errand -> the kind of trip (`medical`...)."""
    audiences: Mapping[str, str]
    """Stemmed word saying who a thing is for -> `baby`, `child`, `women`, `men`."""
    stop: Mapping[str, frozenset[str]]
    modifiers: Mapping[str, frozenset[str]]
    activities: frozenset[str]
    specific: frozenset[str]
    """Activities whose object must agree: math tutoring is not English lessons, a bike repair not a car's."""
    head_first: Mapping[str, bool]
    """Language -> whether its head noun comes first (Spanish) or last (English)."""
    longest: int = 1
    containers: frozenset[str] = frozenset()
    """Stemmed words of what holds a thing (`bag`, `case`): the count of a consumable (`tea
    bags`), but the thing itself after a durable one (`laptop bag`)."""
    consumed: frozenset[str] = frozenset()
    """Categories, and things, that are used up (food, pet food...): their containers are their count."""
    flavoured: frozenset[str] = frozenset()
    """Things that stay themselves whatever they are made of: apple juice is juice, chicken
    soup is soup; other things named with another food are another thing (coffee beans)."""
    starts: Mapping[str, int] = field(default_factory=dict)
    """First word of a phrase of several words -> the longest such phrase (words)."""
    typo_index: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """A word, or it with one or two letters deleted -> the known single words it may be."""
    known: frozenset[str] = frozenset()
    """Every stemmed word any table lists: such a word is never read as a typo."""
    entries: Mapping[str, Mapping[tuple[str, ...], tuple[str, str, str]]] = field(default_factory=dict)
    """Item language -> stemmed phrase -> (`noun` or `generic`, concept or category, language):
    `phrases` and `generic` in one lookup, the committee's words first, then the item's language."""
    word_langs: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Stemmed word -> the languages whose tables list it (to tell an item's language)."""
    stop_any: frozenset[str] = frozenset()
    modifier_any: frozenset[str] = frozenset()

    @staticmethod
    def load(
        extra_synonyms: Mapping[str, Iterable[str]] | None = None,
        extra_categories: Mapping[str, Iterable[str]] | None = None,
    ) -> Vocabulary:
        """The package's tables, plus a committee's words (concept -> words; category -> words)."""
        if not extra_synonyms and not extra_categories:
            return _load((), ())
        return _load(_freeze(extra_synonyms), _freeze(extra_categories))


def _freeze(table: Mapping[str, Iterable[str]] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((k, tuple(v)) for k, v in (table or {}).items()))


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def _read(lang: str) -> dict[str, object]:
    """A language's tables: `items_<lang>.toml`, then each `items_<lang>_<more>.toml` (everyday
    goods...) merged in; a key both files have gets the words of both, the first file's first."""
    folder = resources.files("protocol").joinpath("vocab")
    table: dict[str, object] = tomllib.loads(folder.joinpath(f"items_{lang}.toml").read_text(encoding="utf-8"))
    more = sorted(f.name for f in folder.iterdir() if f.name.startswith(f"items_{lang}_") and f.name.endswith(".toml"))
    for name in more:
        for cat, concepts in tomllib.loads(folder.joinpath(name).read_text(encoding="utf-8")).items():
            if cat in _TABLE_KEYS or not isinstance(concepts, dict):
                continue
            mine = table.setdefault(cat, {})
            assert isinstance(mine, dict)
            for concept, words in concepts.items():
                mine[concept] = f"{mine[concept]}, {words}" if concept in mine else words
    return table


@lru_cache(maxsize=8)
def _load(extra_synonyms: tuple[tuple[str, tuple[str, ...]], ...],
          extra_categories: tuple[tuple[str, tuple[str, ...]], ...]) -> Vocabulary:
    phrases: dict[str, dict[tuple[str, ...], str]] = {lang: {} for lang in (*LANGUAGES, "")}
    category: dict[str, str] = {}
    generic: dict[str, dict[tuple[str, ...], str]] = {lang: {} for lang in (*LANGUAGES, "")}
    purposes: dict[str, dict[tuple[str, ...], str]] = {lang: {} for lang in (*LANGUAGES, "")}
    stop: dict[str, frozenset[str]] = {"": frozenset()}
    modifiers: dict[str, frozenset[str]] = {"": frozenset()}
    head_first: dict[str, bool] = {"": False}
    activities: set[str] = set()
    plain: set[str] = set()
    specific: set[str] = set()
    flavoured: set[str] = set()
    containers: set[str] = set()
    consumed: set[str] = set()
    audiences: dict[str, str] = {}
    for lang in LANGUAGES:
        table = _read(lang)
        stop[lang] = frozenset(stem(w) for w in str(table.get("stop", "")).split())
        modifiers[lang] = frozenset(stem(w) for w in str(table.get("modifiers", "")).split())
        head_first[lang] = table.get("head") == "first"
        activities.update(str(table.get("activities", "")).split())
        specific.update(str(table.get("specific", "")).split())
        flavoured.update(str(table.get("flavoured", "")).split())
        containers.update(stem(w) for w in str(table.get("containers", "")).split())
        consumed.update(str(table.get("consumed", "")).split())
        plain.update(stem(w) for w in str(table.get("plain", "")).split())
        for who, text in dict(table.get("audiences", {})).items():  # type: ignore[call-overload]
            audiences.update((stem(w), who) for w in text.split())
        for cat, text in dict(table.get("generic", {})).items():  # type: ignore[call-overload]
            generic[lang].update((phrase_key(p), cat) for p in _split(text))
        for kind, text in dict(table.get("purposes", {})).items():  # type: ignore[call-overload]
            purposes[lang].update((phrase_key(p), kind) for p in _split(text))
        for cat, concepts in table.items():
            if cat in _TABLE_KEYS:
                continue
            for concept, text in dict(concepts).items():  # type: ignore[call-overload]
                if category.setdefault(concept, cat) != cat:
                    raise ValueError(f"{concept} is filed under {category[concept]} and {cat}")
                for p in _split(text):
                    phrases[lang].setdefault(phrase_key(p), concept)
    unknown = activities - set(category)
    if unknown:
        raise ValueError(f"activities that are no concept: {sorted(unknown)}")
    for concept, words in extra_synonyms:
        cat = category.get(concept)
        for p in words:
            key = phrase_key(p)
            if cat is None:  # a new thing: filed where its words point, else `other`
                cat = next((category[c] for lang in LANGUAGES if (c := phrases[lang].get(key))), "other")
                category[concept] = cat
            phrases[""][key] = concept
    for cat, words in extra_categories:
        for p in words:
            key = phrase_key(p)
            concept = "_".join(key)
            category.setdefault(concept, cat)
            phrases[""].setdefault(key, concept)
    known = {w for table in (*phrases.values(), *generic.values(), *purposes.values()) for key in table for w in key}
    known |= {w for words in (*stop.values(), *modifiers.values()) for w in words} | plain
    starts: dict[str, int] = {}
    for table in (*phrases.values(), *generic.values(), *purposes.values()):
        for k in table:
            if len(k) > 1:
                starts[k[0]] = max(starts.get(k[0], 1), len(k))
    longest = max(starts.values(), default=1)
    singles = {key[0] for table in phrases.values() for key in table if len(key) == 1}
    entries: dict[str, dict[tuple[str, ...], tuple[str, str, str]]] = {}
    for pref in LANGUAGES:
        order = [x for x in LANGUAGES if x != pref] + [pref, ""]  # later wins
        merged: dict[tuple[str, ...], tuple[str, str, str]] = {}
        for kind, tables in (("generic", generic), ("noun", phrases)):
            for lang in order:
                merged.update((k, (kind, v, lang)) for k, v in tables[lang].items())
        entries[pref] = merged
    word_langs: dict[str, set[str]] = {}
    for lang in LANGUAGES:
        for w in (*stop[lang], *modifiers[lang], *(k[0] for k in phrases[lang] if len(k) == 1)):
            word_langs.setdefault(w, set()).add(lang)
    return Vocabulary(
        entries=entries, word_langs={w: frozenset(v) for w, v in word_langs.items()},
        stop_any=frozenset().union(*stop.values()), modifier_any=frozenset().union(*modifiers.values()),
        phrases=phrases, category=category, generic=generic, purposes=purposes, stop=stop,
        modifiers=modifiers, activities=frozenset(activities), specific=frozenset(specific),
        flavoured=frozenset(flavoured), containers=frozenset(containers), consumed=frozenset(consumed),
        audiences=audiences, head_first=head_first, longest=longest, starts=starts,
        typo_index=_typo_index(singles), known=frozenset(known),
    )


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _typo_index(words: Iterable[str]) -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for word in words:
        if len(word) < 4:
            continue
        keys = {word} | _deletes(word)
        if len(word) >= 6:
            keys |= {d2 for d1 in _deletes(word) for d2 in _deletes(d1)}
        for key in keys:
            index.setdefault(key, set()).add(word)
    return {k: frozenset(v) for k, v in index.items()}


def edits_allowed(word: str) -> int:
    """One edit for words of 5+ letters, two for 8+; none for shorter words."""
    return 2 if len(word) >= 8 else 1 if len(word) >= 5 else 0


def near_words(vocab: Vocabulary, word: str) -> set[str]:
    """Known single words within the edits `word` is allowed (none when `word` is itself known).

    The first letter is never swapped for another: people slip inside a word, and a real word
    with another first letter is usually another word (`litter` is not `sitter`); a letter
    added or lost at the front is a slip (`iphone`)."""
    limit = edits_allowed(word)
    if not limit or word in vocab.known or not word.isalpha():
        return set()
    keys = {word} | _deletes(word)
    if limit == 2:
        keys |= {d2 for d1 in _deletes(word) for d2 in _deletes(d1)}
    found: set[str] = set()
    for key in keys:
        found |= vocab.typo_index.get(key, frozenset())
    return {w for w in found if (w[0] == word[0] or w == word[1:] or word == w[1:]) and OSA.distance(word, w, score_cutoff=limit) <= limit}
