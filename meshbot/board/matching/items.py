"""Item identity as the matcher stores and compares it (the language work is `protocol.items`).

A posting's item becomes an `Identity`: its head's concept (the one index key), and the
modifiers that must agree (sizes, days, the kind of trip, an activity's object). In the
index they are written as one line of tokens; on an encrypted board the words among them
are keyed hashes (`blind`), which keeps equality, so `fit` works on either.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace

from meshbot.settings import Settings
from protocol.items import Fit, Identity, Vocabulary, fit, identify

__all__ = ["Fit", "Identity", "blind_identity", "category_for", "index_keys", "decode", "encode", "fit", "fit_items", "vocabulary", "zone_of"]

GENERIC = "*"
"""The key of an item that names only its category."""


def vocabulary(settings: Settings | None) -> Vocabulary:
    """The package's item tables plus the committee's `[matching]` words."""
    if settings is None:
        return Vocabulary.load()
    words = settings.matching
    return Vocabulary.load(words.synonyms, words.categories)


def signature(settings: Settings | None) -> str:
    """Changes when the committee's words do: an index made with other words is rebuilt."""
    if settings is None or not (settings.matching.synonyms or settings.matching.categories):
        return ""
    text = repr((sorted(settings.matching.synonyms.items()), sorted(settings.matching.categories.items())))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]


def zone_of(zone: str | None, settings: Settings | None) -> str | None:
    """One name per zone: `olmo` is `elm` when the committee says so (`[matching.zones]`)."""
    if zone is None or settings is None:
        return zone
    return settings.matching.zones.get(zone.lower(), zone)


def category_for(item: str, parsed: str, settings: Settings | None) -> str:
    """The parser's category, unless the committee's own words say what `item` is."""
    if settings is None or not (settings.matching.synonyms or settings.matching.categories):
        return parsed
    mine = identify(item, vocabulary(settings))
    if mine.category and mine.concept != identify(item, Vocabulary.load()).concept:
        return mine.category
    return parsed


def fit_items(offer_item: str, need_item: str, settings: Settings | None = None,
              offer_when: str | None = None, need_when: str | None = None) -> Fit | None:
    """Is the offered item the thing the need asks for? `Fit(score, reason)`, or None.

    `fit_items("arroz 1kg", "leche para bebé")` is None; `fit_items("wheelchair", "silla
    de ruedas")` is a translation; an item that names only its category ("comida") is a
    `category` guess, which is never sent to residents without the committee.
    """
    vocab = vocabulary(settings)
    return fit(identify(offer_item, vocab, offer_when), identify(need_item, vocab, need_when))


def blind_identity(identity: Identity, blind: Callable[[str], str]) -> Identity:
    """The words of `identity` as the index keeps them (keyed hashes when encrypted)."""
    def hide(prefix: str, word: str) -> str:
        return blind(prefix + word.replace(" ", "_"))

    return replace(
        identity,
        concept=None if identity.concept is None else hide("", identity.concept),
        word=hide("w:", identity.word) if identity.word else "",
        sizes=frozenset(hide("s:", s) for s in identity.sizes),
        objects=frozenset(hide("o:", o) for o in identity.objects),
        others=frozenset(hide("", o) for o in identity.others),
        kinds=frozenset(k.split(":", 1)[0] + ":" + hide("k:", k) if k[0] == "~" else hide("k:", k)
                        for k in identity.kinds),
        base=None if identity.base is None else hide("", identity.base),
        made_of=frozenset(hide("k:", k) for k in identity.made_of),
    )


def index_keys(identity: Identity) -> frozenset[str]:
    """The index keys of an item: every thing it names (none when it names only its category),
    and what a known phrase's head word names alone (`peanut butter` is found as butter)."""
    if identity.concept is None:
        return frozenset()
    keys = {identity.concept} | identity.others
    if identity.base is not None:
        keys.add(identity.base)
    return frozenset(keys)


def encode(identity: Identity) -> str:
    """One line for the index's `keys` column: the key first, then `name=value` tokens."""
    tokens = [GENERIC if identity.concept is None else identity.concept]
    if identity.word:
        tokens.append("w=" + identity.word)
    if identity.lang:
        tokens.append("l=" + identity.lang)
    if identity.typo:
        tokens.append("t=1")
    if identity.category and identity.concept is None:
        tokens.append("c=" + identity.category)
    tokens += sorted("s=" + s for s in identity.sizes)
    tokens += sorted("d=" + d for d in identity.days)
    tokens += sorted("p=" + p for p in identity.purposes)
    tokens += sorted("o=" + o for o in identity.objects)
    tokens += sorted("a=" + o for o in identity.others)
    tokens += sorted("u=" + o for o in identity.audience)
    tokens += sorted("k=" + k.replace(" ", "_") for k in identity.kinds)
    if identity.base:
        tokens.append("b=" + identity.base)
    tokens += sorted("m=" + k for k in identity.made_of)
    return " ".join(tokens)


def decode(text: str) -> Identity:
    """`encode` read back."""
    head, *rest = text.split(" ")
    found: dict[str, list[str]] = {}
    for token in rest:
        name, _, value = token.partition("=")
        found.setdefault(name, []).append(value)
    return Identity(
        concept=None if head == GENERIC else head,
        word=found.get("w", [""])[0], lang=found.get("l", [""])[0], typo="t" in found,
        category=found.get("c", [None])[0],
        sizes=frozenset(found.get("s", ())), days=frozenset(found.get("d", ())),
        purposes=frozenset(found.get("p", ())), objects=frozenset(found.get("o", ())),
        others=frozenset(found.get("a", ())), audience=frozenset(found.get("u", ())),
        kinds=frozenset(k.replace("_", " ") if k[0] == "~" else k for k in found.get("k", ())),
        base=found.get("b", [None])[0], made_of=frozenset(found.get("m", ())),
    )
