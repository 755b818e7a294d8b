"""The ordinary ways of saying OFFER and NEED (`I can fix bikes`, `water needed`,
`tengo 2 niños, necesito leche`), as data: protocol/vocab/ways_<lang>.toml.

The files are read once, at import, from the package itself; the parser stays a pure
function of its text. Each table merges the languages; `WAY_LANG` says whose word it is.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files

LANGUAGES = ("en", "es")


def _load() -> dict[str, dict[str, object]]:
    folder = files("protocol") / "vocab"
    return {lang: tomllib.loads((folder / f"ways_{lang}.toml").read_text(encoding="utf-8"))
            for lang in LANGUAGES}


def _phrases(tables: dict[str, dict[str, object]], key: str) -> dict[tuple[str, ...], str]:
    """A list of phrases of every language -> {phrase as a tuple of words: language}."""
    return {tuple(str(p).split()): lang for lang, table in tables.items()
            for p in table.get(key, ())}  # type: ignore[attr-defined]


def _words(tables: dict[str, dict[str, object]], key: str) -> frozenset[str]:
    """A space-separated word list of every language, as one set."""
    return frozenset(w for table in tables.values() for w in str(table.get(key, "")).split())


_TABLES = _load()

ABLE: dict[str, str] = {w: lang for (w,), lang in _phrases(_TABLES, "able").items()}
"""`can`, `puedo`: before another word, an OFFER of it (-> its language)."""
ASKING: frozenset[str] = frozenset(w for (w,) in _phrases(_TABLES, "asking"))
"""After ABLE, asking others (`can you`): a NEED."""
ASKING_FOR_SELF: frozenset[tuple[str, ...]] = frozenset(_phrases(_TABLES, "asking_for_self"))
"""After ABLE and `i`/`we`, asking for oneself (`can I get`): a NEED."""
POSSESSION: frozenset[str] = frozenset(w for (w,) in _phrases(_TABLES, "possession"))
"""OFFER aliases that only say what one has (`have`, `tengo`)."""
CLAUSE_WORDS: frozenset[tuple[str, ...]] = frozenset(_phrases(_TABLES, "clause_words"))
OFFER_CUES: frozenset[tuple[str, ...]] = frozenset(_phrases(_TABLES, "offer_cues"))
NEED_CUES: frozenset[tuple[str, ...]] = frozenset(_phrases(_TABLES, "need_cues"))
HAZARDS: frozenset[tuple[str, ...]] = frozenset(_phrases(_TABLES, "hazards"))
"""A hazard told without a verb (`tree down`, `cayo un poste`): an ALERT."""
SUBJECTS: frozenset[str] = _words(_TABLES, "subjects")
"""People who may need something, said first with no article (`kids need school supplies`)."""
NOT_THINGS: frozenset[str] = _words(_TABLES, "not_things")
"""An item starting with one of these (after `the`/`to`/`el`) is no thing to post."""
OUT_OF_PLACES: frozenset[str] = _words(_TABLES, "out_of_places")
"""After `out of`, a place or state, not a supply (`we're out of town`): no NEED."""
CHATTER: frozenset[str] = _words(_TABLES, "chatter")
"""An item made only of these words (`a good night`) is chatter, not a posting."""
MY_WORDS: frozenset[str] = _words(_TABLES, "my_words")
"""The only words that may follow MY (`my offers`); any other makes it no command."""
WAY_LANG: dict[str, str] = dict(ABLE) | {w: lang for (w,), lang in _phrases(_TABLES, "asking").items()} | {
    " ".join(cue): lang for key in ("offer_cues", "need_cues")
    for cue, lang in _phrases(_TABLES, key).items()}
"""A word or cue that made a posting in one of these ways -> its language (`gratis`: es)."""


def by_first(phrases: frozenset[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    """Phrases indexed by their first word, longest first."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        index.setdefault(phrase[0], []).append(phrase)
    return index
