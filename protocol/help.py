"""HELP texts: the command card in one packet, and one line of usage per verb."""

from __future__ import annotations

CARD = (
    "Emergency: ALERT what @zone. OFFER rice 5kg @elm | NEED insulin !! | LIST [offers|needs] | "
    "FIND word | MY | TAKE o12 | DONE o12 | CANCEL o12 | JOIN name zone | SAFE | HELP verb"
)

USAGE: dict[str, str] = {
    "offer": "OFFER item [qty unit] [@zone] [!]. Ex: OFFER rice 10kg @elm. Alias: OFREZCO, TENGO",
    "need": "NEED item [qty unit] [@zone] [! or !! urgent]. Ex: NEED insulin !!. Alias: NECESITO",
    "alert": "ALERT what happened [@zone]: sent to every radio. Ex: ALERT family evicted @oak. "
             "Also SOS, ALERTA. CANCEL a3 ends it",
    "list": "LIST [offers|needs] [category] [@zone]: open posts, urgent first. Ex: LIST needs food",
    "find": "FIND words [@zone]: open posts naming them. Ex: FIND blanket",
    "my": "MY: your open posts (* = matched)",
    "take": "TAKE id: claim an offer or answer a need. Ex: TAKE o12",
    "done": "DONE id: it was given or received; closes it. Ex: DONE o12",
    "cancel": "CANCEL id: withdraw your post or alert. Ex: CANCEL n7",
    "safe": "SAFE [note]: tell the committee you are safe",
    "join": "JOIN name zone: your name and area. Ex: JOIN Ana elm",
    "help": "HELP [verb]: this card, or one verb. Ex: HELP offer. Alias: ?, AYUDA",
}


def help_text(topic: str | None) -> str:
    """The card, or the usage of a canonical verb (unknown topics get the card)."""
    return USAGE.get(topic or "", CARD)
