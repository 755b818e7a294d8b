"""Text from a handheld -> a command object, or a `ParseError` carrying the short reply.

`parse` never raises on any str. The first word is the verb (any alias, en/es, one typo
allowed on words of 4+ letters); `PARSERS` maps each canonical verb to the function that
reads the rest. See SPEC.md for the language.
"""

from __future__ import annotations

import re
from typing import Callable

from ._fields import (
    MAX_INPUT_BYTES, MAX_NAME_CHARS, as_zone, bangs, category_word, clean, is_symbolic,
    is_wordish, posting_fields, ref_of, split_tokens, strip_edges, text_and_place,
    urgency_word, utf8_len, zone_of,
)
from .commands import (
    VERBS, Alert, Cancel, Command, Digest, Done, Find, Help, Join, ListBoard, More, My, Need, Offer,
    ParseError, Safe, Take,
)
from .vocab import NOT_TYPOS, TYPO_MIN_LEN, VERB_ALIASES, VERB_PHRASES, fold

MAX_REPLY_BYTES = 200
_PUNCT_RE = re.compile(r"([:,;.]+)")
_MARKABLE = ("offer", "need", "alert")  # verbs an urgency word may come before
_EXAMPLE = "OFFER rice 5kg @elm"
_TRY = f"Try: {_EXAMPLE}, NEED, LIST, HELP"

Parser = Callable[[str], "Command | ParseError"]


def parse(text: str) -> Command | ParseError:
    """Parse one message. Bad input gives a `ParseError` whose `reply` fits one packet."""
    if not isinstance(text, str):
        return _fail("empty", f"Send a command. {_TRY}")
    if len(text) > MAX_INPUT_BYTES or utf8_len(text) > MAX_INPUT_BYTES:
        return _fail("too_long", f"Too long (max {MAX_INPUT_BYTES} bytes). Send one short command")
    tokens = [t for t in clean(text).split() if t]
    while tokens and is_symbolic(tokens[0]):
        tokens.pop(0)
    if not tokens:
        return _fail("empty", f"Send a command. {_TRY}")
    lead: list[str] = []
    if len(tokens) > 1 and urgency_word(tokens[0]) and _verb_of(tokens[1:])[0] in _MARKABLE:
        lead.append(tokens.pop(0))  # URGENT NEED insulin, !! NEED insulin
    verb, asked, rest = _verb_of(tokens)
    if verb is None:
        return _unknown(tokens[0])
    if asked and not rest:
        return Help(topic=None if verb == "help" else verb)  # offer? -> how to OFFER
    if verb in ("offer", "need"):
        rest = lead + rest
    else:
        while rest and set(rest[0]) == {"!"}:
            rest.pop(0)  # SOS!! fire: the marks say nothing outside a posting
    return PARSERS[verb](" ".join(rest))


def _verb_of(tokens: list[str]) -> tuple[str | None, bool, list[str]]:
    """(canonical verb or None, ended with `?`, remaining tokens)."""
    head, _, glued = (_PUNCT_RE.split(tokens[0].lstrip("/:,;."), maxsplit=1) + ["", ""])[:3]
    rest = ([glued] if glued else []) + tokens[1:]
    if not head:
        return None, False, rest
    if set(head) == {"?"}:
        return "help", False, rest
    word, marks = bangs(head)
    asked = word.endswith("?")
    word = word.rstrip("?")
    if marks != "normal":
        rest = ["!" * (1 if marks == "high" else 2)] + rest
    folded = fold(word)
    if rest and f"{folded} {fold(strip_edges(rest[0]))}" in VERB_PHRASES:
        return VERB_PHRASES[f"{folded} {fold(strip_edges(rest[0]))}"], asked, rest[1:]
    if folded in VERB_ALIASES:
        return VERB_ALIASES[folded], asked, rest
    if len(folded) >= TYPO_MIN_LEN and folded not in NOT_TYPOS:
        near = _near_verbs(folded, 1, TYPO_MIN_LEN)
        if len(near) == 1:
            return near[0], asked, rest
    return None, False, rest


def _near_verbs(word: str, distance: int, min_len: int) -> list[str]:
    """Canonical verbs with an alias of `min_len`+ letters at the smallest distance
    found, if that is within `distance` edits."""
    if len(word) > 20:
        return []
    scored = [(_distance(word, alias, distance), verb) for alias, verb in VERB_ALIASES.items()
              if len(alias) >= min_len]
    best = min((d for d, _ in scored), default=distance + 1)
    found = {verb for d, verb in scored if d == best <= distance}
    return sorted(found, key=VERBS.index)


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (Damerau: a swap counts once), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return min(prev[-1], limit + 1)


def _unknown(token: str) -> ParseError:
    word = fold(strip_edges(token).strip("!?"))
    near = _near_verbs(word, 2, 3) if len(word) >= 3 else []
    if near:
        names = " or ".join(v.upper() for v in near[:2])
        return _fail("unknown_verb", f"?? {_quote(token)}. Did you mean {names}? Send HELP")
    return _fail("unknown_verb", f"?? {_quote(token)}. {_TRY}")


def _quote(text: str, limit: int = 16) -> str:
    text = text.replace('"', "'")
    return f'"{text[:limit]}…"' if len(text) > limit else f'"{text}"'


def _fail(code: str, reply: str, verb: str | None = None) -> ParseError:
    """A ParseError whose reply is cut, on a UTF-8 boundary, to one packet."""
    data = reply.encode("utf-8", "replace")
    if len(data) > MAX_REPLY_BYTES:
        reply = data[:MAX_REPLY_BYTES].decode("utf-8", "ignore")
    return ParseError(code=code, reply=reply, verb=verb)


# --- argument parsers, one per verb --------------------------------------------------

def _offer(args: str) -> Offer | ParseError:
    return _posting(Offer, args, f"OFFER what? e.g. {_EXAMPLE}")


def _need(args: str) -> Need | ParseError:
    return _posting(Need, args, "NEED what? e.g. NEED insulin !! @elm")


def _posting(cls: type[Offer] | type[Need], args: str, hint: str) -> Offer | Need | ParseError:
    f = posting_fields(args)
    if not f.item:
        return _fail("missing_item", hint, cls.verb)
    return cls(item=f.item, category=f.category, quantity=f.quantity, unit=f.unit,
               place=f.place, urgency=f.urgency)


def _alert(args: str) -> Alert | ParseError:
    text, place = text_and_place(args)
    if not is_wordish(text) and not any(is_symbolic(t) for t in text.split()):
        return _fail("missing_args", "ALERT what? e.g. ALERT family evicted @oak", "alert")
    return Alert(text=text, place=place)


_LIST_KINDS = {"offer": "offer", "offers": "offer", "oferta": "offer", "ofertas": "offer",
               "o": "offer", "need": "need", "needs": "need", "necesidad": "need",
               "necesidades": "need", "n": "need"}
_LIST_FILLERS = frozenset("all todo todos todas everything the de los las en in at".split())


def _list(args: str) -> ListBoard | ParseError:
    kind = category = place = None
    for token in split_tokens(args):
        word = fold(strip_edges(token))
        if is_symbolic(token) or not word or word in _LIST_FILLERS:
            continue
        if token.startswith("@") and place is None and (zone := zone_of(token)):
            place = zone
        elif word in _LIST_KINDS and kind is None:
            kind = _LIST_KINDS[word]
        elif category is None and (found := category_word(word)):
            category = found
        else:
            return _fail("bad_args", f"?? {_quote(token)}. LIST [offers|needs] [food] [@zone]", "list")
    return ListBoard(kind=kind, category=category, place=place)  # type: ignore[arg-type]


def _find(args: str) -> Find | ParseError:
    text, place = text_and_place(args)
    words = [strip_edges(t) for t in split_tokens(text) if not is_symbolic(t)]
    query = " ".join(w for w in words if is_wordish(w)).lower()
    if not query:
        return _fail("missing_args", "FIND what? e.g. FIND rice @elm", "find")
    return Find(query=query, place=place)


def _my(args: str) -> My:
    return My()


def _more(args: str) -> More:
    return More()


def _digest(args: str) -> Digest:
    return Digest()


def _ref_parser(cls: type[Take] | type[Done] | type[Cancel]) -> Parser:
    verb = cls.verb

    def parse_ref(args: str) -> Take | Done | Cancel | ParseError:
        tokens = [t for t in args.split() if not is_symbolic(t)]
        if not tokens:
            return _fail("missing_ref", f"{verb.upper()} which? e.g. {verb.upper()} o12 (ids in LIST)", verb)
        ref = ref_of(tokens)
        if ref is None:
            return _fail("bad_ref", f"Bad id {_quote(tokens[0])}. e.g. {verb.upper()} o12 (ids in LIST)", verb)
        return cls(ref=ref)

    parse_ref.__name__ = parse_ref.__qualname__ = f"_{verb}"
    parse_ref.__doc__ = f"{verb.upper()} <ref>: the first word is the posting id."
    return parse_ref


def _safe(args: str) -> Safe:
    return Safe(note=args.strip())


def _join(args: str) -> Join | ParseError:
    hint = "JOIN name zone, e.g. JOIN Ana @elm"
    tokens = [t for t in args.split() if not is_symbolic(t)]
    at = next((i for i, t in enumerate(tokens) if strip_edges(t).startswith("@")), None)
    if at is None and len(tokens) >= 2:
        at = len(tokens) - 1
    if at is None:
        return _fail("missing_args", hint, "join")
    zone = as_zone(tokens[at])
    name = " ".join(strip_edges(t) for t in tokens[:at] + tokens[at + 1:]).strip()
    if not is_wordish(name):
        return _fail("missing_args", hint, "join")
    if zone is None:
        return _fail("bad_args", f"Zone {_quote(tokens[at])}: letters/digits only. {hint}", "join")
    if len(name) > MAX_NAME_CHARS:
        return _fail("bad_args", f"Name too long (max {MAX_NAME_CHARS}). {hint}", "join")
    return Join(name=name, zone=zone)


def _help(args: str) -> Help:
    tokens = args.split()
    if not tokens:
        return Help()
    topic, _, _ = _verb_of(tokens[:1])
    return Help(topic=topic if topic != "help" else None)


PARSERS: dict[str, Parser] = {
    "offer": _offer,
    "need": _need,
    "alert": _alert,
    "list": _list,
    "find": _find,
    "my": _my,
    "take": _ref_parser(Take),
    "done": _ref_parser(Done),
    "cancel": _ref_parser(Cancel),
    "safe": _safe,
    "join": _join,
    "help": _help,
    "more": _more,
    "digest": _digest,
}
"""Canonical verb -> parser of the words after it; keys are exactly `VERBS`."""
