"""Canned messages for keyboardless handhelds, and the printed card with the same commands.

The firmware's canned-message module stores every message in one string, the messages
separated by `|`: `CannedMessageModuleConfig.messages` is `char messages[201]` in the
firmware's generated protobuf header (`cannedmessages.pb.h`), so 200 bytes in all, and
the module splits it into at most 50 messages (`CANNED_MESSAGE_MODULE_MESSAGE_MAX_COUNT`).
The `meshtastic` CLI refuses a `--set-canned-message` longer than 200 characters.

The list is ordered most useful first; when a zone tag makes it longer than the
limit, the least useful messages are left out (and reported), never cut in half.
Every message must be a command the bot understands.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from protocol import ParseError, parse
from protocol.catalogue import LANGUAGES, render

MAX_TOTAL_BYTES = 200
MAX_MESSAGES = 50
SEPARATOR = "|"


@dataclass(frozen=True)
class Canned:
    """One canned message and the line explaining it on the resident card."""

    text: str
    meaning: str
    zoned: bool = False
    """Gets ` @zone` appended when the handhelds are prepared for one zone."""


CANNED: tuple[tuple[str, bool], ...] = (
    ("safe", False), ("medical", True), ("water", True), ("food", True), ("shelter", True),
    ("list_needs", False), ("list_offers", False), ("my", False), ("help", False),
    ("power", True), ("ride", True),
)
"""Catalogue key (`canned.<key>`, its meaning `canned.<key>.means`) and whether it is zoned."""
KEYBOARD_EXAMPLES = ("offer", "need", "alert", "take", "done", "cancel")
"""Commands with free text, shown on the card for residents who can type (`card.example.<key>`)."""


def messages(language: str) -> tuple[Canned, ...]:
    """The canned messages in `language`, most useful first."""
    return tuple(Canned(render(f"canned.{key}", language), render(f"canned.{key}.means", language), zoned)
                 for key, zoned in CANNED)


def keyboard_examples(language: str) -> tuple[Canned, ...]:
    return tuple(Canned(render(f"card.example.{key}", language), render(f"card.example.{key}.means", language))
                 for key in KEYBOARD_EXAMPLES)





class CannedError(ValueError):
    """A canned list that the firmware or the bot would not accept."""


@dataclass(frozen=True)
class CannedList:
    messages: tuple[Canned, ...]
    left_out: tuple[Canned, ...]

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.messages]

    @property
    def joined(self) -> str:
        """The firmware's format: messages separated by `|`."""
        return SEPARATOR.join(self.texts)

    @property
    def size_bytes(self) -> int:
        return len(self.joined.encode("utf-8"))

    def commands(self, port: str | None = None) -> list[str]:
        """The exact `meshtastic` commands that load this list on a handheld on USB."""
        target = f" --port {shlex.quote(port)}" if port else ""
        return [
            f"meshtastic{target} --set canned_message.enabled true",
            f"meshtastic{target} --set-canned-message {shlex.quote(self.joined)}",
        ]


def check_message(text: str) -> None:
    """CannedError unless `text` can be one canned message the bot understands."""
    if not text or SEPARATOR in text:
        raise CannedError(f"{text!r}: a canned message is non-empty and has no '|'")
    command = parse(text)
    if isinstance(command, ParseError):
        raise CannedError(f"{text!r} is not a command the bot understands: {command.reply}")


def build(language: str = "en", zone: str | None = None) -> CannedList:
    """The canned list for `language`, zone-tagged if asked, within the firmware's limits."""
    if language not in LANGUAGES:
        raise CannedError(f"unknown language {language!r}; use {', '.join(LANGUAGES)}")
    tag = zone.strip().lstrip("@") if zone else ""
    if tag and (not tag.replace("-", "").replace("_", "").isalnum() or len(tag) > 20):
        raise CannedError(f"zone {zone!r}: use a short zone name of letters and digits, e.g. elm")
    wanted = [
        Canned(f"{m.text} @{tag}", m.meaning, m.zoned) if tag and m.zoned else m for m in messages(language)
    ]
    kept: list[Canned] = []
    left: list[Canned] = []
    size = 0
    for message in wanted:
        check_message(message.text)
        extra = len(message.text.encode("utf-8")) + (1 if kept else 0)
        if size + extra <= MAX_TOTAL_BYTES and len(kept) < MAX_MESSAGES:
            kept.append(message)
            size += extra
        else:
            left.append(message)
    return CannedList(tuple(kept), tuple(left))


def card(canned: CannedList, language: str = "en", bot_name: str | None = None) -> str:
    """A printable resident card (plain text, under 60 columns) with the same commands."""
    to = render("card.bot", language)
    if bot_name:
        to += f" ({bot_name})"
    examples = keyboard_examples(language)
    width = max(len(m.text) for m in (*canned.messages, *examples))

    def rows(items: tuple[Canned, ...]) -> list[str]:
        return [f"  {m.text.ljust(width)}  {m.meaning}" for m in items]

    title = render("card.title", language)
    lines = [title, "=" * len(title), render("card.send", language, to=to), render("card.canned", language), ""]
    lines += [*rows(canned.messages), "", render("card.keyboard", language), *rows(examples), "",
              render("card.short", language)]
    return "\n".join(lines) + "\n"
