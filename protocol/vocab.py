"""The words of the command language, in English and Spanish: verbs, fillers, urgency
markers and danger words, read from protocol/vocab/verbs.toml and urgency.toml; with the
tables of amounts and times (`_measures.py`) and of categories (`_categories.py`),
re-exported here. The language of a message is `_language.py`.

Every table is keyed by *folded* text (lowercase, accents removed, see `fold`), so
`Ayúda`, `AYUDA` and `ayuda` are one word. Tables only (and the small lookups over
them); the parser reads them and SPEC.md documents them, table by table.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any

from ._categories import (
    CATEGORY_KEYWORDS, FUZZY_MIN_LEN, STRONG_KEYWORDS, WEAK_KEYWORDS, category_of,
    CATEGORY_LANGUAGE_WORDS,
)
from ._measures import (
    CLOCK_SUFFIXES, CURRENCY_SIGNS, DAY_PHRASES, DAY_WORDS, DOZEN_WORDS, DURATION_PREPS,
    DURATION_UNITS, FRACTIONS, LABEL_WORDS, MONTHS, NUMBER_WORDS, PAIRED, PART_WORDS,
    SPANISH_NUMBER_WORDS, SPEC_UNITS, SYMBOL_UNITS, TENS, UNITS, UNTIL_PHRASES, UNTIL_WORDS,
    WEEKDAYS, WEEKDAYS_IN_CONTEXT,
)
from ._text import fold


def _table(name: str) -> dict[str, Any]:
    return tomllib.loads((files("protocol") / "vocab" / name).read_text(encoding="utf-8"))


__all__ = [
    "ALIASES_BY_VERB", "DANGER_BY_LANG", "VERB_WORDS", "ALIAS_LANG", "BANG_CHARS", "CALM_PHRASES", "CATEGORY_KEYWORDS",
    "CHAIN_MODALS", "CHAIN_WORDS", "CLOCK_SUFFIXES", "CURRENCY_SIGNS", "DANGER_WORDS",
    "DAY_PHRASES", "DAY_WORDS", "DOZEN_WORDS", "DURATION_PREPS", "DURATION_UNITS",
    "FRACTIONS", "FUZZY_MIN_LEN", "LABEL_WORDS", "LEAD_FILLERS",
    "MAX_LEAD_FILLERS", "MAX_PHRASE_WORDS", "MODE_ALIASES", "MODE_WORDS", "MONTHS",
    "NOT_TYPOS", "NUMBER_WORDS", "PAIRED", "PART_WORDS", "SHORT_FORMS",
    "SPANISH_NUMBER_WORDS", "SPEC_UNITS", "STRONG_KEYWORDS",
    "SYMBOL_UNITS", "TENS", "TYPO_MIN_LEN", "TYPO_TARGETS", "UNITS", "UNTIL_PHRASES",
    "UNTIL_WORDS", "URGENCY_PHRASES", "URGENCY_RANK", "URGENCY_WORDS", "URGENT_ALIASES",
    "VERB_ALIASES", "VERB_NAMES", "VERB_PHRASES", "WEAK_KEYWORDS", "WEEKDAYS",
    "WEEKDAYS_IN_CONTEXT", "category_of", "fold", 
]

# --- verbs -------------------------------------------------------------------------

_VERBS = _table("verbs.toml")
VERB_WORDS: dict[str, dict[str, str]] = {
    verb: {("*" if lang == "any" else lang): words for lang, words in langs.items()}
    for verb, langs in _VERBS["words"].items()
}
"""Per verb: English words, Spanish words, and words of no language (`*`: `o`, `n`, `sos`),
each a space-separated string."""

_VERB_PHRASES: dict[str, tuple[str, str]] = {
    phrase: (verb, lang) for verb, langs in _VERBS["phrases"].items()
    for lang, phrases in langs.items() for phrase in phrases
}
"""Several-word aliases: folded words, one space -> (verb, language)."""

VERB_ALIASES: dict[str, str] = {
    alias: verb for verb, langs in VERB_WORDS.items() for words in langs.values()
    for alias in words.split()
}
"""Folded alias -> canonical verb. One-word aliases only; see `VERB_PHRASES`."""

ALIAS_LANG: dict[str, str] = {
    alias: lang for langs in VERB_WORDS.values() for lang, words in langs.items()
    for alias in words.split()
} | {phrase: lang for phrase, (_, lang) in _VERB_PHRASES.items()}
"""Folded alias or phrase -> `en`, `es` or `*` (no language: decided by the other words)."""

VERB_PHRASES: dict[str, str] = {phrase: verb for phrase, (verb, _) in _VERB_PHRASES.items()}
"""Several-word aliases (`a salvo`, `looking for`), folded, one space."""

MAX_PHRASE_WORDS = max(len(p.split()) for p in VERB_PHRASES)

ALIASES_BY_VERB: dict[str, tuple[str, ...]] = {
    verb: tuple(w for words in langs.values() for w in words.split())
    + tuple(p for p, v in VERB_PHRASES.items() if v == verb)
    for verb, langs in VERB_WORDS.items()
}
"""Canonical verb -> its aliases, canonical first: for help text and the command card."""

VERB_NAMES: dict[str, dict[str, str]] = {
    "en": {verb: verb.upper() for verb in (*VERB_WORDS, "show")},
    "es": dict(_VERBS["names"]["es"]),
}
"""How replies name a verb, per language."""

MODE_ALIASES: frozenset[str] = frozenset({"emergency", "emergencia"})
"""ALERT aliases that, followed only by a MODE_WORDS word, are EMERGENCY ON/OFF."""
MODE_WORDS: dict[str, bool] = {
    "on": True, "start": True, "activar": True, "activa": True, "inicio": True,
    "off": False, "stop": False, "end": False, "desactivar": False, "desactiva": False, "fin": False,
}
"""Folded word after EMERGENCY -> emergency mode on (True) or off (False)."""

SHORT_FORMS: dict[str, str] = {a: v for a, v in VERB_ALIASES.items() if len(a) <= 2}
"""The only 1–2 character verbs (`o`, `n`, `ls`, `h`, `?`): never guessed, only exact."""

TYPO_MIN_LEN = 3
"""Typo correction (one edit) applies to tokens of at least this length (`ned` -> need),
unless the token is itself a known word."""

TYPO_TARGETS: frozenset[str] = frozenset("""
    offer ofrezco ofrecer need necesito necesitamos alert alerta emergency emergencia list
    lista find search buscar take claim done hecho cancel cancelar delete borrar safe join
    register help ayuda more siguiente digest resumen
""".split())
"""The aliases a typo may be corrected to: the main word of each verb in each language.
Other aliases (`spare`, `show`, `free`) are exact only, as too many words are near them."""

NOT_TYPOS: frozenset[str] = frozenset("""
    alerts bake bind bone bore cafe cake cancer clam coin cone core dake deed deletes
    dine dome dont dose dune fake feed fine fins fist fund gist gone hake heap heed held
    hell hemp jake joan john joint kelp kind lake last lint lisa lisp loin lone lost
    lust make mare meed mere mind mist mode mote move nee nerd none ore rake reed
    one don doe fin lit jon moe tae ake ind
    sage sake sale same sane save seed sore starch tale tame tape tone wafe wake weed
    whelp wind wist wore yelp resume dona lift techo pecho echo coffer
""".split()) - frozenset(VERB_ALIASES)
"""Common words one edit away from a typo target: never auto-corrected (`fine thanks` is
not FIND, `move my couch` is not MORE)."""

LEAD_FILLERS: frozenset[str] = frozenset("""
    hi hello hey hiya yo hola buenas buenos buen dias tardes good morning afternoon evening
    please pls plz porfa porfavor por favor kindly i we i'm im we're i've ive we've i'd
    am are is can could would will i'll we'll just also still really like to so okay yes
    si nosotros puedo podemos quisiera quisieramos tambien todavia neighbors neighbours
    vecinos friends amigos folks everyone all gracias thanks thank you there
    che oye mira ey hey te les
""".split())
"""Words before the verb that are skipped when a verb follows (`Hi, I need water`,
`hola, necesito agua`, `please help`). At most `MAX_LEAD_FILLERS` of them."""
MAX_LEAD_FILLERS = 5

CHAIN_WORDS: dict[str, str] = {
    w: verb for verb, words in {
        "offer": "offer give donate lend share ofrecer dar donar regalar prestar compartir",
        "cancel": "cancel delete remove withdraw cancelar borrar eliminar quitar retirar",
        "take": "take claim tomar reservar", "find": "find search buscar encontrar",
        "join": "join register unirme unirse registrarme", "list": "list",
    }.items() for w in words.split()
}
"""After `want to`/`need to`/`quiero` these infinitives win: `I want to offer rides` is
OFFER, `necesito cancelar n3` CANCEL."""
CHAIN_MODALS: frozenset[str] = frozenset("want need quiero queremos necesito necesitamos".split())

URGENT_ALIASES: dict[str, str] = {"urge": "critical", "urgen": "critical", "me urge": "critical",
                                  "nos urge": "critical",
                                  "auxilio": "critical", "socorro": "critical"}
"""Aliases that carry urgency themselves: `urge insulina` is a critical NEED."""

# --- urgency -----------------------------------------------------------------------

_URGENCY = _table("urgency.toml")
URGENCY_WORDS: dict[str, str] = dict(_URGENCY["words"])
"""Folded word -> urgency. `!` alone means high, `!!` or more critical (see parse)."""

URGENCY_PHRASES: dict[tuple[str, ...], str] = {
    tuple(phrase.split()): level for phrase, level in _URGENCY["phrases"].items()}
CALM_PHRASES: frozenset[tuple[str, ...]] = frozenset(
    tuple(p.split()) for p in _URGENCY["calm"]["phrases"])
"""Saying it is *not* urgent: the posting is `normal` whatever else it says (but `!!`)."""

URGENCY_RANK: dict[str, int] = {"normal": 0, "high": 1, "critical": 2}

BANG_CHARS: dict[str, str] = {"‼": "!!", "！": "!", "❗": "!", "❕": "!", "⁉": "!", "🚨": " !! ",
                              "🆘": " !! "}
"""Pictographs that mean `!`/`!!` (`NEED insulin ‼`, `🆘`), rewritten before parsing."""

DANGER_BY_LANG: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in _URGENCY["danger"].items()}
DANGER_WORDS: frozenset[str] = frozenset().union(*DANGER_BY_LANG.values())
"""Words that make `HELP ...` an emergency request, and make an unknown first word
(`fire at elm!`) answer with how to send SOS."""
