"""Finding the verb of a message the way residents write it (SPEC §1, §1.1).

The verb is usually the first word, after greetings, urgency words (`high priority:`)
and a count (`one spare tent`). When it is not, ordinary phrasing still says OFFER or
NEED: `I can fix bikes` (an ability is an offer), `can you bring water` (a question to
others is a need), `im a nurse, can check blood pressure` and `tengo 2 niños, necesito
leche` (a later clause carries the verb; a need beats a mere `have`), or a cue at a
clause's edge (`two dozen tortillas, free`, `water needed`). Pure functions of tokens.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

from ._fields import is_wordish, max_urgency, strip_edges, urgency_word
from ._ways import ABLE, ASKING, ASKING_FOR_SELF, CLAUSE_WORDS, HAZARDS, MY_WORDS, NEED_CUES, \
    OFFER_CUES, POSSESSION, SUBJECTS, by_first
from .vocab import CATEGORY_KEYWORDS, DANGER_WORDS, DOZEN_WORDS, LEAD_FILLERS, MAX_LEAD_FILLERS, NUMBER_WORDS, \
    STRONG_KEYWORDS, UNITS, URGENCY_PHRASES, URGENCY_WORDS, fold

Found = tuple[str, str, bool, list[str]]
"""(canonical verb, folded alias, ended with `?`, the tokens after the verb)."""
VerbAt = Callable[[list[str], int], "Found | None"]

MAX_HELD = 3
"""Count words before the verb that are kept for it (`one spare tent`, `2 kg rice`)."""
MAX_CLAUSE_START = 16
"""Later clauses are looked for among the first this many words."""

_ADVERBS = frozenset("also just really still definitely happily tambien si".split())
_SELF = frozenset("i we yo nosotros".split())
_PLEASE = frozenset("please pls plz porfa kindly".split())
_NOT = frozenset("not no t".split())
_URGENT = by_first(frozenset(URGENCY_PHRASES))
_CUES = by_first(OFFER_CUES | NEED_CUES)
_HAZARDS = by_first(HAZARDS)
_CLAUSE_END = ",;.:!?"
_DASHES = frozenset("- – — -- ...".split())
_HAVE_TO = frozenset("to que q".split())
_ABLE_OTHER = frozenset("puede pueden".split())
"""`mi hija puede cuidar niños`: someone's ability, after a possessive only."""
_TO_ME = frozenset("me us nos le".split())
"""Between the one asked and the giving verb: `alguien me presta`."""
_POSSESSIVE = frozenset("my our mi nuestra nuestro nuestros nuestras the el la los las".split()) | SUBJECTS
"""`my mom needs …`, `the shelter needs …`, `kids need …`: someone's need, told first."""
MAX_SUBJECT = 2
"""Words between the possessive and the NEED verb (`my elderly neighbor needs`)."""


class Lead(NamedTuple):
    found: Found | None
    marks: str = "normal"
    context: tuple[str, ...] = ()
    """Words of a clause before the verb (`roof is leaking,`): the category may come
    from them when the item's words give none."""
    cue: bool = False
    """True when a cue, not a verb, made the posting: an item of chatter is no posting."""


_USUAL = tuple.__new__
"""Builds a Lead without NamedTuple's keyword handling: the usual message's fast path."""


def _word(token: str) -> str:
    return fold(strip_edges(token).strip("!?").replace("’", "'"))


def read_lead(tokens: list[str], verb_at: VerbAt) -> Lead:
    """The verb of the message (or None), the urgency marked before it, and context."""
    first = verb_at(tokens, 0)
    if (first is None or first[0] == "my") and len(tokens) > 2 and _word(tokens[0]) in _POSSESSIVE:
        for at in range(1 if _word(tokens[0]) in SUBJECTS else 2, min(len(tokens), 2 + MAX_SUBJECT)):
            found = verb_at(tokens, at)
            if found is not None and found[0] == "need" and found[3]:
                return Lead(found, context=tuple(tokens[:at]))  # my mom needs her pills
            able = _word(tokens[at])
            if (able in ABLE or able in _ABLE_OTHER) and (found := _able(tokens, at + 1, able, verb_at)):
                return Lead(found, context=tuple(tokens[:at]))  # our church can house a family
    if first is not None and first[0] == "alert" and first[1] in URGENCY_WORDS:
        for at in range(1, min(len(tokens), 2 + MAX_SUBJECT)):
            found = verb_at(tokens, at)
            if found is not None and found[0] == "need" and found[3]:
                return Lead(found, URGENCY_WORDS[first[1]])  # emergency: neighbour needs insulin
    if first is not None and first[0] == "my" and any(
            w and w not in MY_WORDS for w in map(_word, first[3])):
        first = None  # `my car won't start, anyone good with engines?`: not MY; read on
    if first is not None and _obliged(first):
        first = None
    if first is not None:
        if not (first[0] == "offer" and first[1] in POSSESSION):
            return _USUAL(Lead, (first, "normal", (), False))  # the verb comes first
        found, marks = first, "normal"
    else:
        found, marks = _scan(tokens, 0, verb_at, tried=True)
        found = None if found is not None and _obliged(found) else found
    if found is not None and not (found[0] == "offer" and found[1] in POSSESSION):
        return Lead(found, marks)
    words = [_word(t) for t in tokens]
    if found is None and (hazard := _hazard(tokens, words)) is not None:
        return Lead(hazard)
    if _danger(words):
        return Lead(found, marks)  # `fire on elm, need help`: the SOS hint, not a NEED
    for start in _clause_starts(tokens, words):
        later, later_marks = _scan(tokens, start, verb_at)
        if later is not None and later[0] in ("offer", "need") and later[3] \
                and (found is None or later[0] == "need"):
            return Lead(later, max_urgency(marks, later_marks), tuple(tokens[:start]))
    if found is not None:
        return Lead(found, marks)
    cue = _cue(tokens, words)
    return Lead(cue, marks, cue=cue is not None)


def _obliged(found: Found) -> bool:
    """`tengo que ir al médico`, `i have to work`: an obligation, not a thing one has."""
    return found[1] in POSSESSION and bool(found[3]) and _word(found[3][0]) in _HAVE_TO


def _scan(tokens: list[str], start: int, verb_at: VerbAt,
          tried: bool = False) -> tuple[Found | None, str]:
    """The verb at `start` after greetings, urgency, dashes and counts; and the urgency.
    `tried`: the word at `start` is known not to be a verb."""
    marks = "normal"
    held: list[str] = []
    for _ in range(MAX_LEAD_FILLERS + 3):
        if start >= len(tokens):
            break
        found = None if tried else verb_at(tokens, start)
        tried = False
        if found is None:
            word = _word(tokens[start])
            if word in ABLE:
                found = _able(tokens, start + 1, word, verb_at)
            elif word in ASKING:
                found = _asked_to_give(tokens, start + 1, verb_at)
        if found is not None:
            verb, alias, asked, rest = found
            return (verb, alias, asked, held + rest) if held else found, marks
        phrase = _urgency_phrase(tokens, start, word) if word in _URGENT else None
        level = URGENCY_WORDS.get(word) if word else urgency_word(tokens[start])
        if phrase is not None:
            marks = max_urgency(marks, phrase[1])
            start += phrase[0]
            continue
        if level is not None:
            marks = max_urgency(marks, level)
        elif word in LEAD_FILLERS or word in ABLE or not is_wordish(tokens[start]):
            pass
        elif len(held) < MAX_HELD and (word[:1].isdigit() or word in NUMBER_WORDS
                                       or word in DOZEN_WORDS or word in UNITS):
            held.append(tokens[start])
        else:
            break
        start += 1
    return None, marks


def _urgency_phrase(tokens: list[str], start: int, word: str) -> tuple[int, str] | None:
    for phrase in _URGENT[word]:
        if tuple(_word(t) for t in tokens[start:start + len(phrase)]) == phrase:
            return len(phrase), URGENCY_PHRASES[phrase]
    return None


def _able(tokens: list[str], i: int, able: str, verb_at: VerbAt) -> Found | None:
    """After `can`/`puedo`: an OFFER of what follows, or a NEED when it asks others
    (`can you`) or asks for oneself (`can I get`); None for `can not` or danger."""
    while i < len(tokens) and _word(tokens[i]) in _ADVERBS:
        i += 1
    if i >= len(tokens) or not is_wordish(tokens[i]):
        return None
    word = _word(tokens[i])
    if word in _NOT or _danger([_word(t) for t in tokens[i:]]):
        return None
    if word in ASKING:
        j = i + 1
        while j < len(tokens) and _word(tokens[j]) in _PLEASE:
            j += 1
        asked = verb_at(tokens, j) if j < len(tokens) else None
        if asked is not None and asked[0] == "help":
            return None  # `can you help me?` stays a HELP request (§6.1)
        return "need", able, False, tokens[i + 1:]
    if word in _SELF:
        j = i + 1
        while j < len(tokens) and _word(tokens[j]) in _PLEASE:
            j += 1  # could i please get …
        for phrase in sorted(ASKING_FOR_SELF, key=len, reverse=True):
            if tuple(_word(t) for t in tokens[j:j + len(phrase)]) == phrase:
                rest = tokens[j + len(phrase):]
                return ("need", able, False, rest) if rest else None
        return None
    inner = verb_at(tokens, i)
    if inner is not None and inner[0] in ("offer", "need"):
        return inner  # `can lend a drill`, `puedo dar clases`; `puedo pedir pañales` asks
    return "offer", able, False, tokens[i:]


def _asked_to_give(tokens: list[str], i: int, verb_at: VerbAt) -> Found | None:
    """`anyone giving away a crib?`, `alguien me presta una pala?`: asking others for
    what an OFFER verb gives is a NEED of it; so is asking for a repair (`anyone fix a
    flat tire?`)."""
    while i < len(tokens) and _word(tokens[i]) in _TO_ME:
        i += 1
    if i < len(tokens) and STRONG_KEYWORDS.get(_word(tokens[i])) == "repair":
        return "need", _word(tokens[i - 1]), False, tokens[i:]
    offered = verb_at(tokens, i) if i < len(tokens) else None
    if offered is None or offered[0] != "offer" or offered[1] in POSSESSION or not offered[3]:
        return None
    return "need", offered[1], False, offered[3]


def _danger(words: list[str]) -> bool:
    """A word naming a danger, unless it is part of a thing's name (`blood pressure`)."""
    for i, word in enumerate(words):
        if word in DANGER_WORDS and word not in URGENCY_WORDS:
            pair_after = tuple(words[i:i + 2])
            pair_before = tuple(words[max(i - 1, 0):i + 1])
            if pair_after not in CATEGORY_KEYWORDS and pair_before not in CATEGORY_KEYWORDS:
                return True
    return False


def _clause_starts(tokens: list[str], words: list[str]) -> list[int]:
    """Where later clauses start: after `,`/`;`/`.`/`:`/a dash, or a joining word."""
    starts = []
    for i in range(1, min(len(tokens), MAX_CLAUSE_START)):
        before = tokens[i - 1]
        if before[-1] in _CLAUSE_END or before in _DASHES or (words[i - 1],) in CLAUSE_WORDS \
                or (i > 1 and (words[i - 2], words[i - 1]) in CLAUSE_WORDS):
            starts.append(i)
    return starts


def _hazard(tokens: list[str], words: list[str]) -> Found | None:
    """`tree down across Pine rd`, `cayó un poste`: a hazard told with no verb is an ALERT
    of the whole message."""
    for i, word in enumerate(words[:MAX_CLAUSE_START]):
        for phrase in _HAZARDS.get(word, ()):
            if tuple(words[i:i + len(phrase)]) == phrase:
                return "alert", " ".join(phrase), False, tokens
    return None


def _cue(tokens: list[str], words: list[str]) -> Found | None:
    """An offer or need cue that starts or ends a clause: the message without it."""
    starts = {0, *_clause_starts(tokens, words)}
    for i, word in enumerate(words):
        for phrase in _CUES.get(word, ()):
            end = i + len(phrase)
            if tuple(words[i:end]) != phrase:
                continue
            after = [t for t in tokens[end:] if is_wordish(t) and not t.startswith("@")]
            at_edge = i in starts or not after or end in starts \
                or tokens[end - 1][-1] in _CLAUSE_END
            if at_edge:
                verb = "offer" if phrase in OFFER_CUES else "need"
                return verb, " ".join(phrase), False, tokens[:i] + tokens[end:]
    return None
