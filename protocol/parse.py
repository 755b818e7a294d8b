"""Text from a handheld -> a command object, or a `ParseError` carrying the short reply.

`parse` never raises on any str. The verb is the first word (any alias or phrase, en/es,
one typo allowed on words of 3+ letters), after greetings and an urgency word, or found
in ordinary phrasing (`_lead.py`);
`PARSERS` maps each canonical verb to the function that reads the rest. The language
of the message (`en`/`es`) rides on the result. See SPEC.md for the language.
"""

from __future__ import annotations

import re
from dataclasses import replace
from operator import methodcaller

from ._args import (
    Parser, _alert, _digest, _emergency, _find, _helping, _join, _list, _members, _more, _my,
    _ok, _ref_parser, _safe, _update,
)
from ._errors import MAX_REPLY_BYTES, fail as _fail, quote as _quote, verb_name
from ._fields import (
    MAX_INPUT_BYTES, bangs, clean, is_symbolic, is_wordish, max_urgency, posting_fields,
    ref_of, strip_edges, utf8_len,
)
from ._language import ENGLISH_WORDS, SPANISH_WORDS, language_of
from ._lead import read_lead
from ._noise import TRIPLE as _TRIPLE, tidy
from ._council import parse_agenda, parse_vote
from ._notes import parse_msg
from ._services import _cant, _events, _rsvp, _services, _signup, _volunteer
from ._typos import KNOWN_WORDS, near_verbs, typo
from ._ways import CHATTER, MY_WORDS, NOT_THINGS, OUT_OF_PLACES, POSSESSION, WAY_LANG
from .commands import LANGS, Cancel, Command, Done, Help, ListBoard, Need, Offer, ParseError, Take
from .vocab import (
    ALIAS_LANG, CHAIN_MODALS, CHAIN_WORDS, DANGER_WORDS, LEAD_FILLERS, MAX_PHRASE_WORDS,
    MODE_ALIASES, MODE_WORDS, STRONG_KEYWORDS, URGENCY_WORDS, URGENT_ALIASES, VERB_ALIASES,
    VERB_PHRASES, category_of, fold,
)

__all__ = ["MAX_REPLY_BYTES", "PARSERS", "parse"]
_ARTICLES = frozenset("a an the un una el la los las".split())
_PUNCT_RE = re.compile(r"([:,;.]+)")
_MARKABLE = ("offer", "need", "alert", "help")  # verbs an urgency word may come before
_PHRASE_FIRST = frozenset(p.split()[0] for p in VERB_PHRASES)
_EDGE = ".,;:()[]{}<>\"'`*¡¿?«»“”‘’…!"
_HOW = frozenset(("how", "como"))
_MINE = frozenset("my our mi".split())
_CAN_YOU = frozenset(("me podrian", "nos podrian", "me pueden", "nos pueden", "me podrias", "me puedes",
                      "alguien me puede", "alguien nos puede", "alguien que pueda"))
_HELP_ASKED = frozenset("ayudar ayudarme ayudarnos ayuda help".split())
"""`me puedes ayudar?`: asking for help, a HELP request (§6.1), not a NEED of `ayudar`."""
_KIND_WORDS = {"offers": "offer", "needs": "need", "ofertas": "offer", "necesidades": "need"}
_strip_edge = methodcaller("strip", _EDGE)


def parse(text: str, lang: str = "en") -> Command | ParseError:
    """Parse one message. Bad input gives a `ParseError` whose `reply` fits one packet.

    `lang` is the language to assume when the message does not tell (for example the
    one the sender used last); the result's own `lang` says what was decided.
    """
    lang = lang if lang in LANGS else "en"
    if not isinstance(text, str):
        return _fail("empty", lang)
    if len(text) > MAX_INPUT_BYTES or not text.isascii() and utf8_len(text) > MAX_INPUT_BYTES:
        return _fail("too_long", lang)
    if not text.isascii() or _TRIPLE.search(text):
        text = tidy(text, KNOWN_WORDS)
    tokens = clean(text).split()
    while tokens and is_symbolic(tokens[0]):
        tokens.pop(0)
    if not tokens:
        return _fail("empty", lang)
    found, marks, context, cue = read_lead(tokens, _verb_at)
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
    if verb == "need" and alias in _CAN_YOU and rest and all(
            w in _HELP_ASKED or w in _PERSONAL for w in _plain_words(rest)):
        return Help(request=" ".join(_plain_words(rest)), urgency=marks, lang=lang)  # me puedes ayudar?
    if verb in ("offer", "need"):
        if marks != "normal":
            rest = ["!" if marks == "high" else "!!", *rest]
        posting = _posting(Offer if verb == "offer" else Need, " ".join(rest), lang)
        if isinstance(posting, ParseError):
            return posting
        got_mine = alias == "got" and bool(rest) and fold(strip_edges(rest[0])) in _MINE  # i got my insulin
        if (cue or alias in POSSESSION) and _chatter(posting.item) or _not_a_thing(posting.item) or got_mine:
            return _unknown(tokens, lang, near=False)  # `have a good night`, `need to talk`, `i got my insulin`
        return _with_context(posting, context) if context else posting
    elif verb == "my" and any(w not in MY_WORDS for w in _plain_words(rest)):
        return _unknown(tokens, lang)  # `my dog got out`: chatter, not MY
    elif verb == "help":
        if alias in _HOW and rest and _chatter(" ".join(rest)):
            return _unknown(tokens, lang, near=False)  # `¿cómo están todos?`: a greeting
        return _help(rest, lang, marks)
    else:
        while rest and set(rest[0]) == {"!"}:
            rest.pop(0)  # SOS!! fire: the marks say nothing outside a posting
    return PARSERS[verb](" ".join(rest), lang)


def _verb_at(tokens: list[str], i: int) -> tuple[str, str, bool, list[str]] | None:
    """(canonical verb, folded alias, ended with `?`, remaining tokens) for a verb at i."""
    token = tokens[i]
    if token.isalpha():  # the usual first word: no punctuation, marks or `?` to read
        folded = fold(token)
        if folded in VERB_ALIASES and folded not in _PHRASE_FIRST:
            return VERB_ALIASES[folded], folded, False, tokens[i + 1:]
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
                if key.endswith("out of") and tail and fold(strip_edges(tail[0])) in OUT_OF_PLACES:
                    return None  # `we're out of town`: away, not short of anything
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
    corrected = typo(folded)
    if corrected is not None:
        return VERB_ALIASES[corrected], corrected, asked, rest
    return None


def _language(alias: str, tokens: list[str], default: str) -> str:
    """The alias's language, unless the other words are clearly the other language
    (two or more words of it and none of the alias's); a neutral alias (`o`, `sos`)
    goes by the words, then by `default`."""
    words = [w for w in map(fold, map(_strip_edge, tokens)) if w != alias]
    own = ALIAS_LANG.get(alias) or WAY_LANG.get(alias, "*")
    if own == "*":
        return language_of(words, default)
    other = "es" if own == "en" else "en"
    theirs, mine = (SPANISH_WORDS, ENGLISH_WORDS) if other == "es" else (ENGLISH_WORDS, SPANISH_WORDS)
    if sum(map(theirs.__contains__, words)) >= 2 and not any(map(mine.__contains__, words)):
        return other  # (then the words are the other language's by `language_of` too)
    return own


def _plain_words(tokens: list[str]) -> list[str]:
    """Folded words of `tokens`, without emoji, bare punctuation and `@zones`."""
    words = (fold(strip_edges(t).strip("!?")) for t in tokens if not is_symbolic(t))
    return [w for w in words if w and not w.startswith("@")]


def _not_a_thing(item: str) -> bool:
    """`the number for the clinic`, `a question about …`, `to talk`: no thing to post."""
    words = [w for w in _plain_words(item.split()) if w not in _ARTICLES and w not in ("to", "de", "del")]
    return bool(words) and words[0] in NOT_THINGS


def _chatter(item: str) -> bool:
    """An item of nothing but greetings and small talk (`good night everyone`)."""
    words = _plain_words(item.split())
    return all(w in CHATTER or w in LEAD_FILLERS or w in _ARTICLES for w in words)


def _with_context(posting: Offer | Need, context: tuple[str, ...]) -> Offer | Need:
    """The category from the clause before the verb (`roof is leaking, need a tarp`)
    when it has a repair word, or when the item's own words gave none."""
    if not context or posting.category != "other" and not any(
            w in STRONG_KEYWORDS for w in _plain_words(list(context))):
        return posting
    found = category_of(_plain_words(list(context)))
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


def _unknown(tokens: list[str], default: str, near: bool = True) -> ParseError:
    words = [fold(strip_edges(t).strip("!?")) for t in tokens]
    lang = language_of(words, default)
    token = tokens[0]
    if any(w in DANGER_WORDS and w not in URGENCY_WORDS for w in words):
        return _fail("unknown_verb", lang, word=_quote(token), text=" ".join(tokens))
    close = near_verbs(words[0]) if near else ()
    if close:
        return _fail("unknown_verb", lang, word=_quote(token),
                     near=[verb_name(v, lang) for v in close[:2]])
    return _fail("unknown_verb", lang, word=_quote(token))


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
    "msg": parse_msg,
    "agenda": parse_agenda,
    "vote": parse_vote,
    "services": _services,
    "events": _events,
    "signup": _signup,
    "rsvp": _rsvp,
    "volunteer": _volunteer,
    "cant": _cant,
}
"""Canonical verb -> parser of the words after it (and the message's language); keys
are exactly `VERBS`."""
