"""The arguments of MSG / NOTA (SPEC §6.4): whom the note is for, and its words.

`MSG m3 at 5 by the gate`, `MSG o12 …`, `MSG n 7 …`; the committee may also write
`MSG Ana …` or `MSG !a1b2c3d4 …`. The words are kept as written, single-spaced.
"""

from __future__ import annotations

from ._errors import fail as _fail
from ._fields import is_symbolic, is_wordish, ref_of, strip_edges
from .commands import Note, ParseError
from .vocab import fold

_SPLIT_REF_LETTERS = frozenset({"o", "n", "m", "#o", "#n", "#m"})


def _target(tokens: list[str]) -> tuple[str, list[str]] | None:
    """(ref or name, the words after it), or None when the first word names nobody."""
    first = tokens[0]
    ref = ref_of([first])
    if ref is not None:
        return ref, tokens[1:]
    if fold(strip_edges(first)) in _SPLIT_REF_LETTERS and len(tokens) > 1:
        ref = ref_of(tokens[:2])
        if ref is not None:
            return ref, tokens[2:]
    name = first.strip(".,;:") if first.startswith("!") else strip_edges(first).lstrip("@")
    if is_wordish(name):
        return name, tokens[1:]
    return None


def parse_msg(args: str, lang: str) -> Note | ParseError:
    """MSG <m3|o12|n7|name> <words>."""
    tokens = args.split()
    while tokens and is_symbolic(tokens[0]):
        tokens.pop(0)
    found = _target(tokens) if tokens else None
    if found is None or not found[1]:
        return _fail("missing_args", lang, "msg")
    to, words = found
    return Note(to=to, text=" ".join(words), lang=lang)
