"""The arguments of the verbs that are not postings (SPEC §6): ALERT, LIST, FIND, MY, MORE,
DIGEST, TAKE/DONE/CANCEL, SAFE, JOIN, UPDATE, OK, HELPING, EMERGENCY and MEMBERS.

Each parser takes the words after the verb and the message's language, and returns the
command or a `ParseError` with the reply to send. OFFER/NEED and HELP are in parse.py.
"""

from __future__ import annotations

import re
from typing import Callable

from ._errors import fail as _fail, quote as _quote
from ._fields import (
    MAX_NAME_CHARS, as_zone, category_word, is_symbolic, is_wordish, ref_of, split_tokens,
    strip_edges, text_and_place, zone_of,
)
from .commands import (
    Ack, Alert, Cancel, Command, Digest, Done, EmergencyMode, Find, Helping, Join, ListBoard,
    Members, More, My, ParseError, Safe, Show, Take, Update,
)
from .vocab import MODE_WORDS, fold

Parser = Callable[[str, str], "Command | ParseError"]


def _alert(args: str, lang: str) -> Alert | ParseError:
    text, place = text_and_place(args)
    if not is_wordish(text) and not any(is_symbolic(t) for t in text.split()):
        return _fail("missing_args", lang, "alert")
    return Alert(text=text, place=place, lang=lang)


_LIST_KINDS = {"offer": "offer", "offers": "offer", "oferta": "offer", "ofertas": "offer",
               "o": "offer", "need": "need", "needs": "need", "necesidad": "need",
               "necesidades": "need", "n": "need"}
_LIST_FILLERS = frozenset("all todo todos todas everything the de los las en in at me for "
                          "por para near cerca open abiertas abiertos".split())


def _list(args: str, lang: str) -> ListBoard | Show | ParseError:
    """LIST [offers|needs] [category] [@zone]; with one posting id instead, SHOW o12."""
    posting = ref_of(args.split())
    if posting is not None and posting[:1] in ("o", "n") and len(args.split()) <= 2:
        return Show(ref=posting, lang=lang)
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
            return _fail("bad_args", lang, "list", word=_quote(token))
    return ListBoard(kind=kind, category=category, place=place, lang=lang)  # type: ignore[arg-type]


def _find(args: str, lang: str) -> Find | ParseError:
    text, place = text_and_place(args)
    words = [strip_edges(t) for t in split_tokens(text) if not is_symbolic(t)]
    query = " ".join(w for w in words if is_wordish(w)).lower()
    if not query:
        return _fail("missing_args", lang, "find")
    return Find(query=query, place=place, lang=lang)


def _my(args: str, lang: str) -> My:
    return My(lang=lang)


def _more(args: str, lang: str) -> More:
    return More(lang=lang)


def _digest(args: str, lang: str) -> Digest:
    return Digest(lang=lang)


def _ref_parser(cls: type[Take] | type[Done] | type[Cancel]) -> Parser:
    verb = cls.verb

    def parse_ref(args: str, lang: str) -> Take | Done | Cancel | ParseError:
        tokens = [t for t in args.split() if not is_symbolic(t)]
        if not tokens:
            return _fail("missing_ref", lang, verb)
        ref = ref_of(tokens)
        if ref is None:
            return _fail("bad_ref", lang, verb, word=_quote(tokens[0]))
        return cls(ref=ref, lang=lang)

    parse_ref.__name__ = parse_ref.__qualname__ = f"_{verb}"
    parse_ref.__doc__ = f"{verb.upper()} <ref>: the first word is the posting id."
    return parse_ref


def _safe(args: str, lang: str) -> Safe:
    return Safe(note=args.strip(), lang=lang)


def _join(args: str, lang: str) -> Join | ParseError:
    tokens = [t for t in args.split() if not is_symbolic(t)]
    at = next((i for i, t in enumerate(tokens) if strip_edges(t).startswith("@")), None)
    if at is None and len(tokens) >= 2:
        at = len(tokens) - 1
    if at is None:
        return _fail("missing_args", lang, "join")
    zone = as_zone(tokens[at])
    name = " ".join(strip_edges(t) for t in tokens[:at] + tokens[at + 1:]).strip()
    if not is_wordish(name):
        return _fail("missing_args", lang, "join")
    if zone is None:
        return _fail("bad_args", lang, "join", word=_quote(tokens[at]), what="zone")
    if len(name) > MAX_NAME_CHARS:
        return _fail("bad_args", lang, "join", what="name")
    return Join(name=name, zone=zone, lang=lang)


def _alert_ref(tokens: list[str]) -> tuple[str | None, int]:
    """(`a3`, tokens used) for an alert id at the start (`a3`, `A3`, `a 3`, `#a3`, `3`);
    (`o3`, n) for an id of another kind, so the caller can refuse it; (None, 0) for none."""
    for used in (1, 2):
        if len(tokens) >= used:
            ref = ref_of(tokens[:used])
            if ref is not None:
                return (f"a{ref}" if ref.isdigit() else ref), used
    return None, 0


def _after(args: str, used: int) -> str:
    """`args` without its first `used` words that are not emoji (the id)."""
    words = args.split()
    i = 0
    while i < len(words) and used:
        used -= not is_symbolic(words[i])
        i += 1
    return " ".join(words[i:])


def _update(args: str, lang: str) -> Update | ParseError:
    tokens = [t for t in args.split() if not is_symbolic(t)]
    if not tokens:
        return _fail("missing_ref", lang, "update")
    ref, used = _alert_ref(tokens)
    if ref is None or not ref.startswith("a"):
        return _fail("bad_ref", lang, "update", word=_quote(tokens[0]))
    text, place = text_and_place(_after(args, used))
    if not is_wordish(text) and not any(is_symbolic(t) for t in text.split()):
        return _fail("missing_args", lang, "update")
    return Update(ref=ref, text=text, place=place, lang=lang)


def _ok(args: str, lang: str) -> Ack | ParseError:
    """OK a3. A bare `ok` (or `ok thanks`) is chatter, not a command: unknown_verb, as
    before OK was a verb, so it stays unanswered on a channel."""
    tokens = [t for t in args.split() if not is_symbolic(t)]
    ref, _ = _alert_ref(tokens)
    if ref is None:
        return _fail("unknown_verb", lang, word='"ok"')
    if not ref.startswith("a"):
        return _fail("bad_ref", lang, "ok", word=_quote(tokens[0]))
    return Ack(ref=ref, lang=lang)


def _helping(args: str, lang: str) -> Helping | ParseError:
    tokens = [t for t in args.split() if not is_symbolic(t)]
    if not tokens:
        return _fail("missing_ref", lang, "helping")
    ref, used = _alert_ref(tokens)
    if ref is None or not ref.startswith("a"):
        return _fail("bad_ref", lang, "helping", word=_quote(tokens[0]))
    return Helping(ref=ref, note=_after(args, used).strip(), lang=lang)


def _emergency(args: str, lang: str) -> EmergencyMode | ParseError:
    word = fold(strip_edges(args.strip()).strip("!"))
    if word not in MODE_WORDS:
        return _fail("missing_args", lang, "alert")
    return EmergencyMode(on=MODE_WORDS[word], lang=lang)


_MEMBER_ACTIONS = {
    "list": "list", "pending": "list", "lista": "list", "pendientes": "list",
    "approve": "approve", "accept": "approve", "ok": "approve", "aprobar": "approve", "aprueba": "approve",
    "aceptar": "approve", "acepta": "approve",
    "reject": "reject", "deny": "reject", "rechazar": "reject", "rechaza": "reject",
    "role": "role", "rol": "role",
}
_ROLE_WORDS = {
    "resident": "resident", "residente": "resident", "vecino": "resident", "vecina": "resident",
    "responder": "responder", "socorrista": "responder", "committee": "committee",
    "comite": "committee", "admin": "admin",
}
_NODE_RE = re.compile(r"!?([0-9a-f]{1,8})")


def _members(args: str, lang: str) -> Members | ParseError:
    """MEMBERS [list] | approve !id | reject !id | role !id <role>; ids as `!a1b2c3d4` or `a1b2c3d4`."""
    tokens = [t for t in args.split() if not is_symbolic(t)]
    words = [fold(strip_edges(t)) for t in tokens]
    if not words:
        return Members(lang=lang)
    action = _MEMBER_ACTIONS.get(words[0])
    if action is None:
        return _fail("bad_args", lang, "members", word=_quote(tokens[0]))
    if action == "list":
        return Members(lang=lang)
    if len(words) < 2 or (action == "role" and len(words) < 3):
        return _fail("missing_args", lang, "members")
    found = _NODE_RE.fullmatch(tokens[1].lower().strip(".,;:"))
    node = int(found.group(1), 16) if found else 0
    if not 0 < node < 0xFFFFFFFF:
        return _fail("bad_args", lang, "members", word=_quote(tokens[1]))
    role = None
    if action == "role":
        role = _ROLE_WORDS.get(words[2])
        if role is None:
            return _fail("bad_args", lang, "members", word=_quote(tokens[2]))
    return Members(action=action, node=node, role=role, lang=lang)
