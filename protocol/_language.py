"""The language of a message, English or Spanish: counted from the words found in only
one language's tables (verbs, categories, danger words, numbers, function words). The
parser asks it when the verb's own word does not say (`o`, `sos`) or the rest disagrees.
"""

from __future__ import annotations

from .vocab import (
    CATEGORY_LANGUAGE_WORDS, DANGER_BY_LANG, NUMBER_WORDS, SPANISH_NUMBER_WORDS, VERB_WORDS,
    WEEKDAYS,
)

__all__ = ["ENGLISH_WORDS", "SPANISH_WORDS", "language_of"]

_ES_FUNCTION = """de del la las el los para con por y una unos unas mi mis tu su que en es
    esta estoy hay favor gracias hola buenas muy mas poco mucho algo alguien nada ninguno
    tengo necesito niños ninos bebe urgente calle cerca casa aqui alla donde cuando porque
    pero sin sobre desde hasta entre cada todo todos todas este esta estos nuestra nuestro"""
_EN_FUNCTION = """the of for with and some a an my your our their to in on at is are this
    that please thanks hello hi need have from near here there who what where when kids
    any anyone someone something need needs just very more less it its i we you he she"""


def _language_words() -> tuple[frozenset[str], frozenset[str]]:
    es = set(_ES_FUNCTION.split()) | set(CATEGORY_LANGUAGE_WORDS["es"]) | set(DANGER_BY_LANG["es"])
    en = set(_EN_FUNCTION.split()) | set(CATEGORY_LANGUAGE_WORDS["en"]) | set(DANGER_BY_LANG["en"])
    for langs in VERB_WORDS.values():
        es.update(langs.get("es", "").split())
        en.update(langs.get("en", "").split())
    es.update(SPANISH_NUMBER_WORDS)
    en.update(w for w in NUMBER_WORDS if w not in es)
    es.update("kilos litros libras bolsas latas cajas botellas paquetes rollos horas dias "
              "noches semanas personas viajes docena docenas".split())
    es.update(w for w in WEEKDAYS if len(w) > 3 and not w.endswith("day") and not w.endswith("days"))
    en.update(w for w in WEEKDAYS if w.endswith(("day", "days")))
    both = es & en
    return frozenset(es - both), frozenset(en - both)


SPANISH_WORDS, ENGLISH_WORDS = _language_words()
"""Folded words found in only one language's tables: the evidence `language_of` counts."""


def language_of(words: list[str], default: str = "en") -> str:
    """`es` or `en` from folded words: whichever language has more words found only in
    its tables; `default` when neither has more."""
    es = sum(map(SPANISH_WORDS.__contains__, words))  # the two sets share no word
    en = sum(map(ENGLISH_WORDS.__contains__, words))
    if es > en:
        return "es"
    if en > es:
        return "en"
    return default
