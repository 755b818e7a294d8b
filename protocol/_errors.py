"""The replies to messages that are not commands we can act on.

Their words are the catalogue's `error.*` messages, keyed by error code and, where the
answer depends on it, the verb (`error.missing_item.offer`); SPEC.md §7 quotes the
English ones, and a test checks that it quotes them exactly.
"""

from __future__ import annotations

from .catalogue import TABLES, render
from .commands import ParseError
from .vocab import VERB_NAMES

MAX_REPLY_BYTES = 200

_DANGER_TEXT_BYTES = 100


def verb_name(verb: str, lang: str) -> str:
    """How a reply names a verb: `OFFER` / `OFREZCO`."""
    return VERB_NAMES.get(lang, VERB_NAMES["en"]).get(verb, verb.upper())


def error_text(code: str, lang: str, verb: str | None = None, **details: object) -> str:
    """The reply for a ParseError; `details` fill the blanks (`word`, `near`, `text`, `what`)."""
    lang = lang if lang in TABLES else "en"
    key: str | None = verb
    if code == "unknown_verb":
        key = "danger" if "text" in details else "near" if "near" in details else None
    elif code == "bad_args" and verb == "join":
        key = str(details.get("what", "zone"))
    elif f"error.{code}.{verb}" not in TABLES["en"]:
        key = None
    message = f"error.{code}.{key}" if key else f"error.{code}"
    near = details.get("near")
    if isinstance(near, list):
        near = render("error.or", lang).join(near)
    text = str(details.get("text", ""))
    if len(text.encode("utf-8")) > _DANGER_TEXT_BYTES:
        text = text.encode("utf-8")[:_DANGER_TEXT_BYTES].decode("utf-8", "ignore").rstrip() + "…"
    values = {"try": render("error.try", lang), "word": details.get("word", ""), "near": near or "",
              "text": text, "verb": verb_name(verb or "", lang)}
    return render(message, lang, **values)


def quote(text: str, limit: int = 16) -> str:
    text = text.replace('"', "'")
    return f'"{text[:limit]}…"' if len(text) > limit else f'"{text}"'


def fail(code: str, lang: str, verb: str | None = None, **details: object) -> ParseError:
    """A ParseError whose reply is cut, on a UTF-8 boundary, to one packet."""
    reply = error_text(code, lang, verb, **details)
    data = reply.encode("utf-8", "replace")
    if len(data) > MAX_REPLY_BYTES:
        reply = data[:MAX_REPLY_BYTES].decode("utf-8", "ignore")
    return ParseError(code=code, reply=reply, verb=verb, lang=lang)
