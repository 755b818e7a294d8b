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


MESSAGES: dict[str, tuple[Canned, ...]] = {
    "en": (
        Canned("SAFE", "I am safe"),
        Canned("NEED medical !!", "I need medical help, urgently", zoned=True),
        Canned("NEED water", "I need water", zoned=True),
        Canned("NEED food", "I need food", zoned=True),
        Canned("NEED shelter", "I need a place to stay", zoned=True),
        Canned("LIST needs", "What do neighbours need?"),
        Canned("LIST offers", "What is on offer?"),
        Canned("MY", "My own posts"),
        Canned("HELP", "How to use the bot"),
        Canned("NEED power", "I need to charge a phone or device", zoned=True),
        Canned("NEED ride", "I need transport", zoned=True),
    ),
    "es": (
        Canned("BIEN", "Estoy bien"),
        Canned("NECESITO medico !!", "Necesito ayuda médica, urgente", zoned=True),
        Canned("NECESITO agua", "Necesito agua", zoned=True),
        Canned("NECESITO comida", "Necesito comida", zoned=True),
        Canned("NECESITO refugio", "Necesito un lugar donde quedarme", zoned=True),
        Canned("LISTA necesidades", "¿Qué necesitan los vecinos?"),
        Canned("LISTA ofertas", "¿Qué se ofrece?"),
        Canned("MIS", "Mis publicaciones"),
        Canned("AYUDA", "Cómo usar el bot"),
        Canned("NECESITO cargador", "Necesito cargar un teléfono", zoned=True),
        Canned("NECESITO transporte", "Necesito transporte", zoned=True),
    ),
}
KEYBOARD_EXAMPLES: dict[str, tuple[Canned, ...]] = {
    "en": (
        Canned("OFFER rice 5kg @elm", "offer something"),
        Canned("NEED insulin !! @elm", "! = soon, !! = urgent"),
        Canned("ALERT fire @oak", "emergency to everyone"),
        Canned("TAKE o12", "take offer o12"),
        Canned("DONE o12", "it was handed over"),
        Canned("CANCEL n7", "withdraw your post n7"),
    ),
    "es": (
        Canned("OFREZCO arroz 5kg @olmo", "ofrecer algo"),
        Canned("NECESITO insulina !!", "! = pronto, !! = urgente"),
        Canned("ALERTA incendio @roble", "emergencia para todos"),
        Canned("TOMO o12", "tomar la oferta o12"),
        Canned("HECHO o12", "ya se entregó"),
        Canned("CANCELAR n7", "retirar tu publicación n7"),
    ),
}
"""Commands with free text, shown on the card for residents who can type."""
CARD_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "MUTUAL AID ON THE MESH",
        "send": "Send one of these as a direct message {to}.",
        "bot": "to the bot",
        "canned": "No keyboard? Pick it from the canned messages.",
        "keyboard": "With a keyboard:",
        "short": "Keep it short: every letter uses airtime for everyone.",
    },
    "es": {
        "title": "AYUDA MUTUA EN LA RED",
        "send": "Envía uno de estos como mensaje directo {to}.",
        "bot": "al bot",
        "canned": "¿Sin teclado? Elígelo en los mensajes predefinidos.",
        "keyboard": "Con teclado:",
        "short": "Sé breve: cada letra gasta aire de todos.",
    },
}
LANGUAGES = tuple(MESSAGES)


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
    if language not in MESSAGES:
        raise CannedError(f"unknown language {language!r}; use {', '.join(LANGUAGES)}")
    tag = zone.strip().lstrip("@") if zone else ""
    if tag and (not tag.replace("-", "").replace("_", "").isalnum() or len(tag) > 20):
        raise CannedError(f"zone {zone!r}: use a short zone name of letters and digits, e.g. elm")
    wanted = [
        Canned(f"{m.text} @{tag}", m.meaning, m.zoned) if tag and m.zoned else m for m in MESSAGES[language]
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
    text = CARD_TEXT[language]
    to = f"{text['bot']} ({bot_name})" if bot_name else text["bot"]
    examples = KEYBOARD_EXAMPLES[language]
    width = max(len(m.text) for m in (*canned.messages, *examples))

    def rows(items: tuple[Canned, ...]) -> list[str]:
        return [f"  {m.text.ljust(width)}  {m.meaning}" for m in items]

    lines = [text["title"], "=" * len(text["title"]), text["send"].format(to=to), text["canned"], ""]
    lines += [*rows(canned.messages), "", text["keyboard"], *rows(examples), "", text["short"]]
    return "\n".join(lines) + "\n"
