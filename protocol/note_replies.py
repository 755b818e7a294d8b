"""A relayed note (MSG / NOTA) as its recipient reads it: whole in one packet, or not at all.

The words are the sender's, so they are never cut; the "how to answer" hint rides along
only when there is room for it. A relayed note carries the match code the recipient
answers with, so neither side ever needs the other's node id. The texts are the
catalogue's `note.*` messages.
"""

from __future__ import annotations

from .catalogue import template, utf8_len, whole
from .replies import REPLY_LIMIT


def _with_hint(body: str | None, hint: str | None) -> str | None:
    if body is None or hint is None:
        return body
    return body + hint if utf8_len(body + hint) <= REPLY_LIMIT else body


def relayed(code: str, who: str, words: str, lang: str = "en") -> str | None:
    """What the recipient reads for a note in match `code`; None if it cannot fit one packet."""
    body = whole("note.relay", lang, code=code, who=who, text=words)
    return _with_hint(body, whole("note.relay_answer", lang, code=code))


def relayed_direct(who: str, words: str, lang: str = "en") -> str | None:
    """A note written by name (to or from the committee); None if it cannot fit one packet."""
    body = whole("note.relay_direct", lang, who=who, text=words)
    return _with_hint(body, whole("note.relay_direct_answer", lang, who=who))


def overflow(code: str, who: str, words: str) -> int:
    """How many bytes a note is over what one relayed packet can carry."""
    return utf8_len(template("note.relay", "en").format(code=code, who=who, text=words)) - REPLY_LIMIT
