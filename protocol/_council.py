"""The arguments of the council's verbs (SPEC §6.5): AGENDA [heading:] <item> and
VOTE p3 yes|no|abstain. The words are tables in protocol/vocab/council.toml."""

from __future__ import annotations

import re

from ._errors import fail as _fail, quote as _quote
from ._fields import is_symbolic, strip_edges
from .commands import Agenda, ParseError, Vote
from .vocab import _table, fold

_WORDS = _table("council.toml")
HEADING_WORDS: dict[str, str] = {w: h for h, words in _WORDS["headings"].items() for w in words.split()}
"""Folded word -> heading, for the first word of an AGENDA item."""
CHOICE_WORDS: dict[str, str] = {w: c for c, words in _WORDS["choices"].items() for w in words.split()}
"""Folded word -> yes, no or abstain."""
_PROPOSAL_RE = re.compile(r"#?p ?(\d{1,7})")


def parse_agenda(args: str, lang: str) -> Agenda | ParseError:
    """AGENDA <item>; a heading word first files it (with a colon, the word is not kept)."""
    tokens = args.split()
    while tokens and is_symbolic(tokens[0]):
        tokens.pop(0)
    if not tokens:
        return _fail("missing_args", lang, "agenda")
    folded = fold(strip_edges(tokens[0]))
    heading = HEADING_WORDS.get(folded, "other")
    if folded in HEADING_WORDS and tokens[0].endswith(":"):
        tokens = tokens[1:]
    if not tokens:
        return _fail("missing_args", lang, "agenda")
    return Agenda(text=" ".join(tokens), heading=heading, lang=lang)


def parse_vote(args: str, lang: str) -> Vote | ParseError:
    """VOTE p3 yes: the proposal, then the choice (`p 3`, `#p3` and `P3` too)."""
    words = [strip_edges(t).lower() for t in args.split() if not is_symbolic(t)]
    words = [w for w in words if w]
    joined = " ".join(words[:2])
    found = _PROPOSAL_RE.match(joined)
    if found is None:
        return _fail("missing_args", lang, "vote")
    rest = joined[found.end():].split() + words[2:]
    if not rest:
        return _fail("missing_args", lang, "vote")
    choice = CHOICE_WORDS.get(fold(rest[0]))
    if choice is None or len(rest) > 1:
        return _fail("bad_args", lang, "vote", word=_quote(rest[0] if choice is None else rest[1]))
    return Vote(proposal=f"p{int(found[1])}", choice=choice, lang=lang)
