"""Replies that are one catalogue message filled with the caller's fields, nothing chosen.

Each function names its message id; the words are in `protocol.catalogue`.
"""

from __future__ import annotations

from .catalogue import render


def posted(short_id: str, item: str, lang: str = "en") -> str:
    """The confirmation of any OFFER or NEED, within 50 bytes: `n5 blankets 2 posted. CANCEL n5 undoes`."""
    return render("posted", lang, id=short_id, item=item)


def match_for_author(your_id: str, other: str, who: str, lang: str = "en") -> str:
    """To one side of a new match: what was found and whom to contact."""
    return render("match.for_author", lang, id=your_id, other=other, who=who)


def taken_by(your_id: str, who: str, lang: str = "en") -> str:
    return render("taken_by", lang, id=your_id, who=who)


def you_took(what: str, who: str, short_id: str, lang: str = "en") -> str:
    return render("you_took", lang, what=what, who=who, id=short_id)


def cancelled(short_id: str, lang: str = "en") -> str:
    return render("cancelled", lang, id=short_id)


def counterpart_cancelled(short_id: str, what: str, lang: str = "en") -> str:
    return render("counterpart_cancelled", lang, id=short_id, what=what)


def done(short_id: str, lang: str = "en") -> str:
    return render("done", lang, id=short_id)


def safe(name: str, lang: str = "en") -> str:
    """`name` is how the resident calls themselves (no node id: they know who they are)."""
    return render("safe", lang, name=name)


def welcome(name: str, zone: str, lang: str = "en") -> str:
    return render("welcome", lang, name=name, zone=zone)


def not_found(short_id: str, lang: str = "en") -> str:
    return render("not_found", lang, id=short_id)


def not_yours(short_id: str, lang: str = "en") -> str:
    return render("not_yours", lang, id=short_id)


def own_posting(short_id: str, lang: str = "en") -> str:
    return render("own_posting", lang, id=short_id)


def slow_down(per_minute: int, lang: str = "en") -> str:
    return render("slow_down", lang, per_minute=per_minute)


def oops(lang: str = "en") -> str:
    return render("oops", lang)


def posting_expired(what: str, lang: str = "en") -> str:
    """To the author, once, when their posting's time is up (`what` is its label)."""
    return render("posting_expired", lang, label=what)


def committee_only(verb_word: str, lang: str = "en") -> str:
    return render("committee_only", lang, verb=verb_word)


def confirm_by_dm(short_id: str, lang: str = "en") -> str:
    """A channel message is not proof of who sent it: confirming takes a DM."""
    return render("confirm_by_dm", lang, id=short_id)


def only_by_dm(verb_word: str, short_id: str, lang: str = "en") -> str:
    return render("only_by_dm", lang, verb=verb_word, id=short_id)
