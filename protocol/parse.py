"""Text from a handheld -> a command object, or a `ParseError` carrying the short reply.

`parse` never raises on any str. The verb is the first word (any alias or phrase, en/es,
one typo allowed on words of 4+ letters), after greetings and an urgency word;
`PARSERS` maps each canonical verb to the function that reads the rest. The language
of the message (`en`/`es`) rides on the result. See SPEC.md for the language.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Callable

from ._errors import error_text, verb_name
from ._fields import (
    MAX_INPUT_BYTES, MAX_NAME_CHARS, as_zone, bangs, category_word, clean, is_symbolic,
    is_wordish, max_urgency, posting_fields, ref_of, split_tokens, strip_edges,
    text_and_place, utf8_len, zone_of,
)
from .commands import (
    LANGS, VERBS, Alert, Cancel, Command, Digest, Done, Find, Help, Join, ListBoard, More, My,
    Need, Offer, ParseError, Safe, Take,
)
from .commands import Ack, EmergencyMode, Helping, Update
from .commands import Members
from ._lead import read_lead
from ._noise import tidy
from ._ways import CHATTER, MY_WORDS, POSSESSION, WAY_LANG
from .vocab import (
    ALIAS_LANG, CHAIN_MODALS, CHAIN_WORDS, DANGER_WORDS, LEAD_FILLERS,
    MAX_PHRASE_WORDS, NOT_TYPOS, TYPO_MIN_LEN, TYPO_TARGETS, URGENT_ALIASES, VERB_ALIASES,
    URGENCY_WORDS, VERB_PHRASES, ENGLISH_WORDS, SPANISH_WORDS, MODE_ALIASES, MODE_WORDS,
    fold, language_of, osa_distance, CATEGORY_KEYWORDS, NUMBER_WORDS, STRONG_KEYWORDS, UNITS,
    category_of,
)

MAX_REPLY_BYTES = 200
_ARTICLES = frozenset("a an the un una el la los las".split())
_PUNCT_RE = re.compile(r"([:,;.]+)")
_MARKABLE = ("offer", "need", "alert", "help")  # verbs an urgency word may come before
_PHRASE_FIRST = frozenset(p.split()[0] for p in VERB_PHRASES)
_EDGE = ".,;:()[]{}<>\"'`*¡¿?«»“”‘’…!"
_KIND_WORDS = {"offers": "offer", "needs": "need", "ofertas": "offer", "necesidades": "need"}

Parser = Callable[[str, str], "Command | ParseError"]


def parse(text: str, lang: str = "en") -> Command | ParseError:
    """Parse one message. Bad input gives a `ParseError` whose `reply` fits one packet.

    `lang` is the language to assume when the message does not tell (for example the
    one the sender used last); the result's own `lang` says what was decided.
    """
    lang = lang if lang in LANGS else "en"
    if not isinstance(text, str):
        return _fail("empty", lang)
    if len(text) > MAX_INPUT_BYTES or utf8_len(text) > MAX_INPUT_BYTES:
        return _fail("too_long", lang)
    tokens = clean(tidy(text, _KNOWN)).split()
    while tokens and is_symbolic(tokens[0]):
        tokens.pop(0)
    if not tokens:
        return _fail("empty", lang)
    lead = read_lead(tokens, _verb_at)
    found, marks = lead.found, lead.marks
    if found is None:
        return _unknown(tokens, lang)
    verb, alias, asked, rest = found
    lang = _language(alias, tokens, lang)
    if verb == "alert" and alias in MODE_ALIASES and len(rest) == 1 \
            and fold(strip_edges(rest[0]).strip("!")) in MODE_WORDS:
        verb = "emergency"  # EMERGENCY ON / OFF; with any other words it is an ALERT
    if verb == "need" and alias in CHAIN_MODALS and rest:
        verb, alias, rest = _chain(verb, alias, rest)
    if alias in URGENT_ALIASES:
        marks = max_urgency(marks, URGENT_ALIASES[alias])
    if asked and not rest:
        return Help(topic=None if verb == "help" else verb, lang=lang)  # offer? -> how to OFFER
    if alias in _KIND_WORDS:
        if verb == "list":
            rest = [alias, *rest]  # ofertas comida = LISTA ofertas comida
        elif not rest:
            return ListBoard(kind=_KIND_WORDS[alias], lang=lang)  # type: ignore[arg-type]
    if verb in ("offer", "need"):
        if marks != "normal":
            rest = ["!" if marks == "high" else "!!", *rest]
        posting = _posting(Offer if verb == "offer" else Need, " ".join(rest), lang)
        if isinstance(posting, ParseError):
            return posting
        if (lead.cue or alias in POSSESSION) and _chatter(posting.item):
            return _unknown(tokens, lang, near=False)  # `have a good night`, `tengo una pregunta`
        return _with_context(posting, lead.context)
    elif verb == "my" and any(w not in MY_WORDS for w in _plain_words(rest)):
        return _unknown(tokens, lang)  # `my dog got out`: chatter, not MY
    elif verb == "help":
        return _help(rest, lang, marks)
    else:
        while rest and set(rest[0]) == {"!"}:
            rest.pop(0)  # SOS!! fire: the marks say nothing outside a posting
    return PARSERS[verb](" ".join(rest), lang)


def _verb_at(tokens: list[str], i: int) -> tuple[str, str, bool, list[str]] | None:
    """(canonical verb, folded alias, ended with `?`, remaining tokens) for a verb at i."""
    token = tokens[i]
    if ":" in token or "," in token or ";" in token or "." in token or "/" in token:
        head, _, glued = (_PUNCT_RE.split(token.lstrip("/:,;."), maxsplit=1) + ["", ""])[:3]
        rest = ([glued] if glued else []) + tokens[i + 1:]
    else:
        head, rest = token, tokens[i + 1:]
    if not head:
        return None
    if set(head) == {"?"}:
        return "help", "?", False, rest
    word, marks = bangs(head)
    asked = word.endswith("?")
    word = word.rstrip("?")
    folded = fold(word).replace("’", "'")
    if folded in _PHRASE_FIRST and rest:
        words = [folded] + [fold(strip_edges(t)).replace("’", "'") for t in rest[:MAX_PHRASE_WORDS - 1]]
        for n in range(min(MAX_PHRASE_WORDS, len(words)), 1, -1):
            key = " ".join(words[:n])
            if key in VERB_PHRASES:
                tail = rest[n - 1:]
                last, tail_marks = bangs(strip_edges(rest[n - 2]))
                if tail_marks != "normal":
                    tail = ["!" * (1 if tail_marks == "high" else 2)] + tail
                return VERB_PHRASES[key], key, asked, tail
    if marks != "normal":
        rest = ["!" * (1 if marks == "high" else 2)] + rest
    if folded in VERB_ALIASES:
        return VERB_ALIASES[folded], folded, asked, rest
    if folded in _KIND_WORDS:
        return "list", folded, asked, rest
    typo = _typo(folded)
    if typo is not None:
        return VERB_ALIASES[typo], typo, asked, rest
    return None


@lru_cache(maxsize=4096)
def _typo(word: str) -> str | None:
    """The one typo target one edit from `word` (3+ letters), when all such targets
    name one verb; None otherwise."""
    if len(word) < TYPO_MIN_LEN or len(word) > 20 or word in NOT_TYPOS or not word.isalpha() \
            or (len(word) == TYPO_MIN_LEN and word in _KNOWN):
        return None  # `one`, `don`, `fin`: a short word that is a word is not a typo
    near = [t for t in _TYPO_INDEX.get(word, ()) if _distance(word, t, 1) <= 1]
    for key in _deletes(word):
        near += [t for t in _TYPO_INDEX.get(key, ()) if _distance(word, t, 1) <= 1]
    verbs = {VERB_ALIASES[t] for t in near}
    if len(verbs) != 1:
        return None
    return min(near, key=lambda t: (_distance(word, t, 1), t))


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _typo_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for target in TYPO_TARGETS:
        for key in {target} | _deletes(target):
            index.setdefault(key, set()).add(target)
    return index


_TYPO_INDEX = _typo_index()
_KNOWN: frozenset[str] = frozenset(VERB_ALIASES) | LEAD_FILLERS | frozenset(URGENCY_WORDS) \
    | SPANISH_WORDS | ENGLISH_WORDS | frozenset(NUMBER_WORDS) | frozenset(UNITS) \
    | frozenset(w for p in VERB_PHRASES for w in p.split()) \
    | frozenset(w for key in CATEGORY_KEYWORDS for w in key) | CHATTER | MY_WORDS
"""Words a held-down key is repaired towards (`plzzz` -> `plz`, `necesitooo` -> `necesito`)."""


def _language(alias: str, tokens: list[str], default: str) -> str:
    """The alias's language, unless the other words are clearly the other language
    (two or more words of it and none of the alias's); a neutral alias (`o`, `sos`)
    goes by the words, then by `default`."""
    words = [w for w in (fold(t.strip(_EDGE)) for t in tokens) if w != alias]
    own = ALIAS_LANG.get(alias) or WAY_LANG.get(alias, "*")
    if own == "*":
        return language_of(words, default)
    other = "es" if own == "en" else "en"
    if language_of(words, own) == other:
        theirs = SPANISH_WORDS if other == "es" else ENGLISH_WORDS
        mine = ENGLISH_WORDS if other == "es" else SPANISH_WORDS
        if sum(w in theirs for w in words) >= 2 and not any(w in mine for w in words):
            return other
    return own


def _plain_words(tokens: list[str]) -> list[str]:
    """Folded words of `tokens`, without emoji, bare punctuation and `@zones`."""
    words = (fold(strip_edges(t).strip("!?")) for t in tokens if not is_symbolic(t))
    return [w for w in words if w and not w.startswith("@")]


def _chatter(item: str) -> bool:
    """An item of nothing but greetings and small talk (`good night everyone`)."""
    words = _plain_words(item.split())
    return all(w in CHATTER or w in LEAD_FILLERS or w in _ARTICLES for w in words)


def _with_context(posting: Offer | Need, context: list[str]) -> Offer | Need:
    """The category from the clause before the verb (`roof is leaking, need a tarp`)
    when it has a repair word, or when the item's own words gave none."""
    if not context or posting.category != "other" and not any(
            w in STRONG_KEYWORDS for w in _plain_words(context)):
        return posting
    found = category_of(_plain_words(context))
    return replace(posting, category=found) if found else posting


def _chain(verb: str, alias: str, rest: list[str]) -> tuple[str, str, list[str]]:
    """`want to offer rides`, `quiero cancelar n3`: the second verb is the command."""
    i = 1 if fold(rest[0]) in ("to", "a") and len(rest) > 1 else 0
    second = fold(strip_edges(rest[i]))
    if second in CHAIN_WORDS and (CHAIN_WORDS[second] not in ("take", "cancel")
                                  or ref_of(rest[i + 1:i + 3]) is not None):
        tail = rest[i + 1:]
        if tail and fold(tail[0]) == "away":
            tail = tail[1:]
        return CHAIN_WORDS[second], second, tail
    return verb, alias, rest


def _distance(a: str, b: str, limit: int) -> int:
    """`osa_distance`, capped at limit+1 (and skipped when the lengths alone exceed it)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    return min(osa_distance(a, b), limit + 1)


def _deletes2(word: str) -> set[str]:
    once = _deletes(word)
    return {word} | once | {d for w in once for d in _deletes(w)}


def _suggest_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for alias in VERB_ALIASES:
        if len(alias) >= 3:
            for key in _deletes2(alias):
                index.setdefault(key, set()).add(alias)
    return index


_SUGGEST_INDEX = _suggest_index()


@lru_cache(maxsize=4096)
def _near_verbs(word: str) -> tuple[str, ...]:
    """Canonical verbs with an alias of 3+ letters at the smallest distance (at most 2)."""
    if len(word) > 20 or len(word) < 3:
        return ()
    aliases = {a for key in _deletes2(word) for a in _SUGGEST_INDEX.get(key, ())}
    scored = [(_distance(word, alias, 2), VERB_ALIASES[alias]) for alias in aliases]
    best = min((d for d, _ in scored), default=3)
    found = {verb for d, verb in scored if d == best <= 2}
    return tuple(sorted(found, key=VERBS.index))


def _unknown(tokens: list[str], default: str, near: bool = True) -> ParseError:
    words = [fold(strip_edges(t).strip("!?")) for t in tokens]
    lang = language_of(words, default)
    token = tokens[0]
    if any(w in DANGER_WORDS and w not in URGENCY_WORDS for w in words):
        return _fail("unknown_verb", lang, word=_quote(token), text=" ".join(tokens))
    close = _near_verbs(words[0]) if near else ()
    if close:
        return _fail("unknown_verb", lang, word=_quote(token),
                     near=[verb_name(v, lang) for v in close[:2]])
    return _fail("unknown_verb", lang, word=_quote(token))


def _quote(text: str, limit: int = 16) -> str:
    text = text.replace('"', "'")
    return f'"{text[:limit]}…"' if len(text) > limit else f'"{text}"'


def _fail(code: str, lang: str, verb: str | None = None, **details: object) -> ParseError:
    """A ParseError whose reply is cut, on a UTF-8 boundary, to one packet."""
    reply = error_text(code, lang, verb, **details)
    data = reply.encode("utf-8", "replace")
    if len(data) > MAX_REPLY_BYTES:
        reply = data[:MAX_REPLY_BYTES].decode("utf-8", "ignore")
    return ParseError(code=code, reply=reply, verb=verb, lang=lang)


# --- argument parsers, one per verb --------------------------------------------------

def _offer(args: str, lang: str) -> Offer | ParseError:
    return _posting(Offer, args, lang)


def _need(args: str, lang: str) -> Need | ParseError:
    return _posting(Need, args, lang)


def _posting(cls: type[Offer] | type[Need], args: str, lang: str) -> Offer | Need | ParseError:
    f = posting_fields(args)
    if f.bad_quantity is not None:
        return _fail("bad_quantity", lang, cls.verb, word=_quote(f.bad_quantity))
    if not f.item:
        return _fail("missing_item", lang, cls.verb)
    return cls(item=f.item, category=f.category, quantity=f.quantity, unit=f.unit,
               place=f.place, urgency=f.urgency, when=f.when, until=f.until, lang=lang)


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


def _list(args: str, lang: str) -> ListBoard | ParseError:
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


_TOPIC_FILLERS = frozenset("with on for about con sobre de para to do i how a the el la using "
                           "use usar command comando verb the un una can se como puedo".split())
_PERSONAL = frozenset("me us please pls plz por favor nos porfa".split())


def _help(tokens: list[str], lang: str, marks: str) -> Help:
    """HELP [verb] is the card or one verb's usage; HELP with other words is a person
    asking for help (SPEC §6.1): `request` keeps the words, danger makes it critical."""
    words = [t for t in tokens if not is_symbolic(t)]
    personal = False
    i = 0
    while i < len(words):
        bare, level = bangs(strip_edges(words[i]))
        marks = max_urgency(marks, level)
        folded = fold(strip_edges(bare))
        if not folded:
            i += 1
        elif folded in _PERSONAL:
            personal = True
            i += 1
        elif folded in _TOPIC_FILLERS:
            i += 1
        else:
            break
    rest = words[i:]
    danger = any((w := fold(strip_edges(bangs(t)[0]))) in DANGER_WORDS and w not in URGENCY_WORDS
                 for t in rest)
    if rest and len(rest) <= 2 and not danger:
        topic = _verb_at([strip_edges(rest[0]).rstrip("!")], 0) if is_wordish(rest[0]) else None
        if topic is not None and topic[0] != "help":
            return Help(topic=topic[0], lang=lang)
        if topic is not None and topic[1] not in URGENT_ALIASES and len(rest) == 1:
            return Help(lang=lang)  # help help
    if not rest and not personal and marks == "normal":
        return Help(lang=lang)
    request = " ".join(w for w in (strip_edges(bangs(w)[0]) for w in rest or words) if w)
    for word in rest:
        bare, level = bangs(strip_edges(word))
        marks = max_urgency(marks, level)
        folded = fold(strip_edges(bare))
        if folded in DANGER_WORDS:
            marks = "critical"
        elif folded in URGENCY_WORDS:
            marks = max_urgency(marks, URGENCY_WORDS[folded])
    return Help(request=request, urgency=marks, lang=lang)


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
    "help": lambda args, lang: _help(args.split(), lang, "normal"),
    "more": _more,
    "digest": _digest,
    "update": _update,
    "ok": _ok,
    "helping": _helping,
    "emergency": _emergency,
    "members": _members,
}
"""Canonical verb -> parser of the words after it (and the message's language); keys
are exactly `VERBS`."""
