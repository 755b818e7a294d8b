"""HELP: the command card in one packet, one line of usage per verb, and the answer to a
person asking for help (`HELP fire at elm`). The words are the catalogue's `help.*` messages."""

from __future__ import annotations

from .catalogue import TABLES, render, template
from .commands import Help

_TOPICS = ("offer", "need", "alert", "list", "find", "my", "take", "done", "cancel", "safe", "join", "help",
           "more", "digest", "update", "ok", "helping", "members", "emergency", "msg",
           "agenda", "vote")
CARD: dict[str, str] = {lang: template("help.card", lang) for lang in TABLES}
"""The command card in one packet, per language (the words are the catalogue's `help.card`)."""
USAGE: dict[str, dict[str, str]] = {
    verb: {lang: template(f"help.usage.{verb}", lang) for lang in TABLES} for verb in _TOPICS
}
"""Canonical verb -> language -> one line of usage (`help.usage.<verb>`)."""

_REQUEST_MAX_BYTES = 70
_NOT_ITEMS = frozenset("me us please pls plz por favor nos porfa".split())


def help_text(topic: str | None, lang: str = "en") -> str:
    """The card, or the usage of a canonical verb (unknown topics get the card)."""
    lang = lang if lang in CARD else "en"
    usage = USAGE.get(topic or "")
    return usage[lang] if usage else CARD[lang]


def help_reply(cmd: Help, told: bool = False) -> str:
    """What to answer a HELP: usage, the card, or, to a person asking for help, what to do
    now. `told` says the committee was told of the request."""
    if not cmd.is_request:
        return help_text(cmd.topic, cmd.lang)
    words = _cut(cmd.request)
    note = render("help.told", cmd.lang) if told else ""
    if cmd.urgency == "critical":
        return render("help.danger", cmd.lang, word=words or render("help.what_zone", cmd.lang), note=note)
    item = words if words and words.casefold() not in _NOT_ITEMS else render("help.what", cmd.lang)
    return render("help.ask", cmd.lang, word=item, note=note)


def _cut(text: str) -> str:
    data = text.encode("utf-8")
    if len(data) <= _REQUEST_MAX_BYTES:
        return text
    return data[:_REQUEST_MAX_BYTES].decode("utf-8", "ignore").rstrip() + "…"
