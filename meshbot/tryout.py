"""What the bot would answer to one text, on a fresh in-memory board: `meshbot parse`."""

from __future__ import annotations

from typing import Any

from meshbot.inbox import Inbound
from meshbot.settings import Settings
from meshbot.worker import Worker
from protocol import ParseError, parse
from protocol.commands import Alert, Find, ListBoard, _Posting
from store import open_engine

TRY_SENDER = 0x0000_0001
TRY_BOT = 0x0000_0002
TRY_EPOCH = 1_767_225_600.0  # a fixed clock, so the answer is the same every time


def _number(value: float | None) -> float | int | None:
    return int(value) if value is not None and float(value).is_integer() else value


def explain(text: str) -> dict[str, Any]:
    """The parse of `text` and the exact reply the bot would send to it as a DM."""
    command = parse(text)
    worker = Worker(open_engine(":memory:"), Settings(db=":memory:"), lambda: TRY_EPOCH)
    reply = worker.process(Inbound(TRY_SENDER, TRY_BOT, 1, 0, text))
    result: dict[str, Any] = dict.fromkeys(
        ("ok", "verb", "category", "item", "quantity", "unit", "place", "urgency", "reply", "error")
    )
    result["reply"] = reply
    if isinstance(command, ParseError):
        result.update(ok=False, verb=command.verb, error=command.code)
        return result
    result.update(ok=True, verb=command.verb)
    if isinstance(command, _Posting):
        result.update(
            category=command.category, item=command.item, quantity=_number(command.quantity),
            unit=command.unit, place=command.place, urgency=command.urgency,
        )
    elif isinstance(command, Alert | ListBoard | Find):
        result.update(place=command.place)
        if isinstance(command, ListBoard):
            result.update(category=command.category)
    return result
