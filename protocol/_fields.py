"""Field extraction for the argument parsers: cleaning, tokens, zones, urgency,
quantities, category tags and refs. Pure functions over strings; no verbs here."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .commands import CATEGORIES
from .vocab import (
    DOZEN_WORDS, MAX_QUANTITY, NUMBER_WORDS, SYMBOL_UNITS, UNITS, URGENCY_RANK,
    URGENCY_WORDS, category_of, fold,
)

MAX_INPUT_BYTES = 233
"""Longer input cannot come from a radio (`DATA_PAYLOAD_LEN`); it is refused unread."""
MAX_NAME_CHARS = 20
MAX_ZONE_CHARS = 24

_ZONE_RE = re.compile(r"[\w-]{1,%d}" % MAX_ZONE_CHARS)
_REF_RE = re.compile(r"#?(?:([ona])-?)?(\d{1,7})")
_DIGITS_RE = re.compile(r"\d{1,6}(?:\.\d{1,3}|,\d{1,2})?")
_GLUED_RE = re.compile(r"(\d{1,6}(?:\.\d{1,3}|,\d{1,2})?)([^\W\d_]+)")
_TIMES_RE = re.compile(r"x(\d{1,6})|(\d{1,6})x")
_UNIT_WORD_RE = re.compile(r"^[\d.,]+")
_SEPARATOR_RE = re.compile(r"(?<!\d)[,;]|[,;](?!\d)")
_EDGE_PUNCT = ".,;:()[]{}<>\"'`*¡¿?«»“”‘’…"
_KEEP_CF = "\u200d"  # zero-width joiner: part of emoji sequences
_SPACES = "\t\n\r\v\f\x1c\x1d\x1e\x1f\x85"

# Words that mean the number next to them is not a quantity (`size 8`, `5 años`).
_NOT_QUANTITY_BEFORE = frozenset("size talla age edad no num number numero model modelo apt #".split())
_NOT_QUANTITY_AFTER = frozenset("years year yrs yo anos ano months meses mo am pm".split())
_LEAD_FILLERS = frozenset("of de del x a an the some el la los las unos unas".split())
_TRAIL_FILLERS = frozenset("of de del x for para with con and y".split())
_ARTICLES = frozenset("a an un una".split())


def clean(text: str) -> str:
    """Drop control, format and surrogate characters, NFC-normalise, collapse spaces."""
    kept = []
    for ch in text:
        if ch in _SPACES:
            kept.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cs") or (
                unicodedata.category(ch) == "Cf" and ch not in _KEEP_CF):
            continue
        else:
            kept.append(ch)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def is_symbolic(token: str) -> bool:
    """True for emoji and pictographs (`🍞`, `❤️`, `�`): tokens with no letter, digit or
    punctuation, which the parser skips."""
    return bool(token) and all(
        unicodedata.category(ch) in ("So", "Sk", "Mn", "Me", "Cf", "Co", "Cn") for ch in token)


def strip_edges(token: str) -> str:
    return token.strip(_EDGE_PUNCT)


def is_wordish(token: str) -> bool:
    """Has at least one letter or digit."""
    return any(ch.isalnum() for ch in token)


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
    args = re.sub(r"@\s+(?=\w)", "@", args)
    return _SEPARATOR_RE.sub(" ", args).split()


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


def posting_fields(args: str) -> PostingFields:
    """Take quantity, unit, `@zone`, urgency and `#category` out of an OFFER/NEED; the
    remaining words, lowercased, are the item. The item may come back empty."""
    words: list[str] = []
    place: str | None = None
    urgency = "normal"
    tag: str | None = None
    for raw in split_tokens(args):
        if is_symbolic(raw):
            continue
        token, marks = bangs(strip_edges(raw))
        urgency = max_urgency(urgency, marks)
        token = strip_edges(token)
        if not token:
            continue
        if token.startswith("@"):
            zone = as_zone(token)
            if place is None and zone:
                place = zone
                continue
        if token.startswith("#") and tag is None and (found := category_word(token)):
            tag = found
            continue
        if (level := URGENCY_WORDS.get(fold(token))) is not None:
            urgency = max_urgency(urgency, level)
            continue
        words.append(token)
    quantity, unit, words, used = take_quantity(words)
    item = " ".join(_trim_fillers(words)).lower()
    if not item and unit and unit not in SYMBOL_UNITS:
        item, unit = _UNIT_WORD_RE.sub("", used[-1]).lower(), None  # OFFER 6 loaves
    category = tag or category_of(re.findall(r"[^\W_]+", fold(item))) or "other"
    return PostingFields(item, quantity, unit, place, urgency, category)


def take_quantity(words: list[str]) -> tuple[float | None, str | None, list[str], list[str]]:
    """Find the quantity; return it, its unit, the words left over and the words used.

    Preference: a number with a unit or `dozen` (`10kg`, `6 loaves`, `two dozen`), then
    the first bare numeral not next to `size`/`años`, then the first number word.
    """
    folded = [fold(w) for w in words]
    best: tuple[int, int, int, float, str | None] | None = None  # rank, start, end, value, unit
    for i in range(len(words)):
        found = _quantity_at(folded, i)
        if found is None:
            continue
        end, value, unit, rank = found
        if not 0 < value <= MAX_QUANTITY or (rank == 1 and _is_label(folded, i, end)):
            continue
        if best is None or rank < best[0]:
            best = (rank, i, end, value, unit)
    if best is None:
        return None, None, words, []
    _, start, end, value, unit = best
    rest = words[:start] + words[end:]
    if start < len(rest) and fold(rest[start]) in ("of", "de", "del"):
        del rest[start]
    return value, unit, rest, words[start:end]


def _quantity_at(f: list[str], i: int) -> tuple[int, float, str | None, int] | None:
    """(end, value, unit, rank) for a quantity starting at word i; rank 0 has a unit."""
    word = f[i]
    if m := _TIMES_RE.fullmatch(word):
        return i + 1, float(m.group(1) or m.group(2)), None, 1
    if m := _GLUED_RE.fullmatch(word):
        unit = UNITS.get(m.group(2))
        return (i + 1, _number(m.group(1)), unit, 0) if unit else None
    if _DIGITS_RE.fullmatch(word):
        value, rank = _number(word), 1
    elif word in NUMBER_WORDS:
        value, rank = NUMBER_WORDS[word], 2
    elif word in DOZEN_WORDS:
        return i + 1, 12.0, None, 0
    elif word in _ARTICLES and i + 1 < len(f) and f[i + 1] in DOZEN_WORDS:
        value, rank = 1.0, 2
    else:
        return None
    end = i + 1
    if end < len(f) and f[end] in _ARTICLES and value == 0.5 and end + 1 < len(f):
        end += 1  # half a dozen, half a kilo
    if end < len(f) and f[end] in DOZEN_WORDS:
        return end + 1, value * 12, None, 0
    if end < len(f) and f[end] in UNITS:
        return end + 1, value, UNITS[f[end]], 0
    return i + 1, value, None, rank


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _is_label(f: list[str], start: int, end: int) -> bool:
    """`size 8`, `#3`, `5 years`: a numeral that names rather than counts."""
    before = f[start - 1] if start > 0 else ""
    after = f[end] if end < len(f) else ""
    return before in _NOT_QUANTITY_BEFORE or after in _NOT_QUANTITY_AFTER


def _trim_fillers(words: list[str]) -> list[str]:
    """Drop connectors and bare punctuation at the item's edges (`of rice` -> `rice`)."""
    words = list(words)
    while words and (fold(words[0]) in _LEAD_FILLERS or not is_wordish(words[0])):
        words.pop(0)
    while words and (fold(words[-1]) in _TRAIL_FILLERS or not is_wordish(words[-1])):
        words.pop()
    return words


def text_and_place(args: str) -> tuple[str, str | None]:
    """Split free text (ALERT, FIND) into the text, as typed, and the first `@zone`."""
    tokens = re.sub(r"@\s+(?=\w)", "@", args).split()
    for i, token in enumerate(tokens):
        if (zone := zone_of(token)) is not None:
            return " ".join(tokens[:i] + tokens[i + 1:]), zone
    return " ".join(tokens), None


def ref_of(tokens: list[str]) -> str | None:
    """`o12`, `#O12`, `o 12`, `n7`, `a3`, `12` -> `o12`, ... ; None if not a ref."""
    if not tokens:
        return None
    first = fold(strip_edges(tokens[0]).strip("!"))
    if first in ("o", "n", "a", "#o", "#n", "#a") and len(tokens) > 1:
        first += fold(strip_edges(tokens[1]).strip("!"))
    m = _REF_RE.fullmatch(first)
    if m is None:
        return None
    return (m.group(1) or "") + str(int(m.group(2)))
