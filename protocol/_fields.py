"""Field extraction for the argument parsers: cleaning, tokens, zones, urgency, category
tags and refs, and the OFFER/NEED fields (with quantities from `_quantity.py` and time
windows and expiry from `_times.py`). Pure functions over strings; no verbs here."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ._quantity import take_quantity
from ._times import by_first as _by_first, take_times as _take_times
from .commands import CATEGORIES
from .items import Vocabulary, category_of_item
from .vocab import (
    BANG_CHARS, CALM_PHRASES, SYMBOL_UNITS, URGENCY_PHRASES, URGENCY_RANK, URGENCY_WORDS,
    category_of, fold,
)

MAX_INPUT_BYTES = 233
"""Longer input cannot come from a radio (`DATA_PAYLOAD_LEN`); it is refused unread."""
MAX_NAME_CHARS = 20
MAX_ZONE_CHARS = 24

_ZONE_RE = re.compile(r"[\w-]{1,%d}" % MAX_ZONE_CHARS)
_REF_RE = re.compile(r"#?(?:([onamse])-?)?(\d{1,7})")
_UNIT_WORD_RE = re.compile(r"^[\d.,]+")
_SEPARATOR_RE = re.compile(r"(?<!\d)[,;]|[,;](?!\d)")
_WORDS_RE = re.compile(r"[^\W_]+")
_EDGE_PUNCT = ".,;:()[]{}<>\"'`*¡¿?«»“”‘’…"
_KEEP_CF = "\u200d"  # zero-width joiner: part of emoji sequences
_ASCII_CONTROLS = {i: " " for i in (9, 10, 11, 12, 13, 28, 29, 30, 31)} | {
    i: None for i in [*range(0, 9), 14, 15, *range(16, 28), 127]}
_BANGS = str.maketrans(BANG_CHARS)

_LEAD_FILLERS = frozenset("of de del x a an the some el la los las unos unas un una about around "
                          "approx approximately roughly aprox aproximadamente entre between".split())
_TRAIL_FILLERS = frozenset("of de del x for para with con and y por to on at in en a".split())
_POLITE = frozenset("please pls plz thanks thx gracias porfa".split())
_POLITE_PAIRS = {("por", "favor"), ("thank", "you")}


_CALM = _by_first(CALM_PHRASES)
_URGENT = _by_first(URGENCY_PHRASES)
_URGENCY_STARTS = frozenset(_CALM) | frozenset(_URGENT) | frozenset(URGENCY_WORDS)
_POLITE_STARTS = _POLITE | frozenset(first for first, _ in _POLITE_PAIRS)


def clean(text: str) -> str:
    """Drop control, format and surrogate characters, NFC-normalise, collapse spaces."""
    if text.isascii():
        if text.isprintable():
            return " ".join(text.split())
        return " ".join(text.translate(_ASCII_CONTROLS).split())
    if text.isprintable():  # no C*, Zl, Zp or odd spaces: nothing to drop, one pass in C
        return " ".join(unicodedata.normalize("NFC", text.translate(_BANGS)).split())
    kept = []
    for ch in text.translate(_BANGS):
        cat = unicodedata.category(ch)
        if cat[0] == "C":
            if cat == "Cc":
                if ch in "\t\n\r\v\f\x1c\x1d\x1e\x1f\x85":
                    kept.append(" ")
                continue
            if ch != _KEEP_CF and cat in ("Cf", "Cs"):
                continue
        elif cat == "Zl" or cat == "Zp":
            kept.append(" ")
            continue
        kept.append(ch)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def is_symbolic(token: str) -> bool:
    """True for emoji and pictographs (`🍞`, `❤️`, `�`): tokens with no letter, digit or
    punctuation, which the parser skips."""
    if token.isascii():
        return False
    return bool(token) and all(
        unicodedata.category(ch) in ("So", "Sk", "Mn", "Me", "Cf", "Co", "Cn") for ch in token)


def strip_edges(token: str) -> str:
    return token.strip(_EDGE_PUNCT)


def is_wordish(token: str) -> bool:
    """Has at least one letter or digit."""
    return token.isalnum() or any(ch.isalnum() for ch in token)


_wordish = is_wordish


def zone_of(token: str) -> str | None:
    """`@Elm`, `@elm,` -> `elm`; None when the token is not a valid `@zone`."""
    token = strip_edges(token).rstrip("!")
    if not token.startswith("@"):
        return None
    return as_zone(token[1:])


def as_zone(word: str) -> str | None:
    """A zone name: letters, digits, `-`, `_`, at most 24 characters, lowercased."""
    word = strip_edges(word).lstrip("@").casefold()
    return word if _ZONE_RE.fullmatch(word) else None


def split_tokens(args: str) -> list[str]:
    """Whitespace tokens, with `,`/`;` as separators unless between digits (`1,5`)."""
    if "@ " in args:
        args = re.sub(r"@\s+(?=\w)", "@", args)
    if "," in args or ";" in args:
        args = _SEPARATOR_RE.sub(" ", args)
    return args.split()


def category_word(word: str) -> str | None:
    """A category from one word: a category name or keyword, en or es (`#comida`)."""
    folded = fold(strip_edges(word).lstrip("#"))
    if folded in CATEGORIES:
        return folded
    return category_of([folded]) if folded else None


def urgency_word(token: str) -> str | None:
    """The urgency a whole token stands for (`!`, `!!`, `URGENT`, `asap!`), or None."""
    bare = strip_edges(token)
    if bare and set(bare) == {"!"}:
        return "high" if len(bare) == 1 else "critical"
    return URGENCY_WORDS.get(fold(bare.strip("!")))


def max_urgency(a: str, b: str) -> str:
    return a if URGENCY_RANK[a] >= URGENCY_RANK[b] else b


def bangs(token: str) -> tuple[str, str]:
    """Split `insulin!!` into (`insulin`, `critical`); no `!` gives `normal`."""
    if "!" not in token and "¡" not in token:
        return token, "normal"
    core = token.strip("¡")
    stripped = core.strip("!")
    count = len(core) - len(stripped)
    return stripped.strip("¡"), ("normal", "high")[count] if count < 2 else "critical"


@dataclass
class PostingFields:
    item: str
    quantity: float | None
    unit: str | None
    place: str | None
    urgency: str
    category: str
    when: str | None = None
    until: str | None = None
    bad_quantity: str | None = None
    """The words of a negative or absurd quantity: the posting is refused."""


def posting_fields(args: str) -> PostingFields:
    """Take `@zone`, urgency, `#category`, expiry, time window and quantity out of an
    OFFER/NEED; the remaining words, lowercased, are the item (which may be empty)."""
    texts: list[str] = []
    place: str | None = None
    urgency = "normal"
    tag: str | None = None
    drop_number = False
    for raw in split_tokens(args):
        if raw.isalnum() and not drop_number:
            texts.append(raw)  # a plain word or number: the usual token, nothing to take
            continue
        if not raw.isascii() and is_symbolic(raw):
            continue
        token = raw.strip(_EDGE_PUNCT)
        if "!" in token or "¡" in token:
            token, marks = bangs(token)
            urgency = max_urgency(urgency, marks)
            token = token.strip(_EDGE_PUNCT)
        if not token:
            continue
        if drop_number:  # `@oak 12`: a house or block number, not a quantity
            drop_number = False
            if token.isdigit():
                continue
        if token[0] == "@":
            zone = as_zone(token)
            if place is None and zone:
                place, drop_number = zone, True
                continue
        elif token[0] == "#" and tag is None and (found := category_word(token)):
            tag = found
            continue
        texts.append(token)
    folded = list(map(fold, texts))
    if "" in folded:  # a token of combining marks only folds to nothing
        texts = [t for t, f in zip(texts, folded) if f]
        folded = [f for f in folded if f]
    calm, urgency = _take_urgency(texts, folded, urgency)
    until, when = _take_times(texts, folded)
    _drop_polite(texts, folded)
    amount = take_quantity(texts, folded)
    quantity, unit, used, bad = amount.value, amount.unit, amount.used, amount.bad
    item_words = _trim_fillers(texts, folded)
    item = " ".join(item_words).lower()
    if not item and unit and unit not in SYMBOL_UNITS and used:
        item, unit = _UNIT_WORD_RE.sub("", used[-1]).lower(), None  # OFFER 6 loaves
    category = tag or category_of_item(item, Vocabulary.load()) or category_of(_WORDS_RE.findall(fold(item))) or "other"
    if amount.span and item:
        item = f"{item} ({amount.span})"  # 2-3 blankets: 3, and the item says 2-3
    if calm:
        urgency = "normal"
    return PostingFields(item, quantity, unit, place, urgency, category, when, until, bad)


def _take_urgency(texts: list[str], folded: list[str], urgency: str) -> tuple[bool, str]:
    """Remove urgency words and phrases, and `not urgent`-like phrases, in place."""
    calm = False
    if _URGENCY_STARTS.isdisjoint(folded):
        return calm, urgency  # most postings say nothing of urgency
    i = 0
    while i < len(folded):
        word = folded[i]
        found = None
        for phrase, _ in _CALM.get(word, ()):
            if tuple(folded[i:i + len(phrase)]) == phrase:
                found, calm = len(phrase), True
                break
        else:
            for phrase, level in _URGENT.get(word, ()):
                if tuple(folded[i:i + len(phrase)]) == phrase:
                    found, urgency = len(phrase), max_urgency(urgency, str(level))
                    break
            else:
                level = URGENCY_WORDS.get(word)
                if level is not None:
                    found, urgency = 1, max_urgency(urgency, level)
        if found:
            del texts[i:i + found], folded[i:i + found]
        else:
            i += 1
    return calm, urgency


def _drop_polite(texts: list[str], folded: list[str]) -> None:
    if _POLITE_STARTS.isdisjoint(folded):
        return
    i = 0
    while i < len(folded):
        if folded[i] in _POLITE:
            del texts[i], folded[i]
        elif i + 1 < len(folded) and (folded[i], folded[i + 1]) in _POLITE_PAIRS:
            del texts[i:i + 2], folded[i:i + 2]
        else:
            i += 1


def _trim_fillers(texts: list[str], folded: list[str]) -> list[str]:
    """Drop connectors and bare punctuation at the item's edges (`of rice` -> `rice`)."""
    start, end = 0, len(texts)
    while start < end and (folded[start] in _LEAD_FILLERS or not _wordish(texts[start])):
        start += 1
    while end > start and (folded[end - 1] in _TRAIL_FILLERS or not _wordish(texts[end - 1])):
        end -= 1
    return texts[start:end]


def text_and_place(args: str) -> tuple[str, str | None]:
    """Split free text (ALERT, FIND) into the text, as typed, and the first `@zone`."""
    tokens = (re.sub(r"@\s+(?=\w)", "@", args) if "@ " in args else args).split()
    for i, token in enumerate(tokens):
        if "@" in token and (zone := zone_of(token)) is not None:
            return " ".join(tokens[:i] + tokens[i + 1:]), zone
    return " ".join(tokens), None


def ref_of(tokens: list[str]) -> str | None:
    """`o12`, `#O12`, `o 12`, `n7`, `a3`, `s3` (a session), `e2` (an event), `12` -> `o12`, ... ;
    None if not a ref."""
    if not tokens:
        return None
    first = fold(strip_edges(tokens[0]).strip("!"))
    if first in ("o", "n", "a", "m", "#o", "#n", "#a", "#m") and len(tokens) > 1:
        first += fold(strip_edges(tokens[1]).strip("!"))
    m = _REF_RE.fullmatch(first)
    if m is None:
        return None
    return (m.group(1) or "") + str(int(m.group(2)))
