"""What the bot would answer to one text, on a fresh in-memory board: `meshbot parse`.

For a stream of texts (`meshbot parse -`) one scratch board serves them all: each text
runs inside a savepoint that is rolled back afterwards, so every answer is the one a
fresh board would give (the same ids, no rate limit from the texts before it), without
building the schema again for each line. Since the board, the sender and the clock are
the same for every line, the answer depends on the text alone: a text seen before (files
of resident texts repeat canned messages, HELP, LIST...) is answered from memory. A text
the worker answers before it reads the board (bad input, chatter) gets no transaction at
all: `Worker.answer_before_board` gives its answer, the same call the daemon makes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from meshbot.inbound.inbox import Inbound
from meshbot.settings import Settings
from meshbot.inbound.worker import NEW_MEMBER_LANG, Worker
from protocol import Command, ParseError, parse
from protocol.commands import Alert, Find, ListBoard, _Posting
from store import open_engine

TRY_SENDER = 0x0000_0001
TRY_BOT = 0x0000_0002
TRY_EPOCH = 1_767_225_600.0  # a fixed clock, so the answer is the same every time


def _number(value: float | None) -> float | int | None:
    return int(value) if value is not None and float(value).is_integer() else value


REMEMBERED_MAX = 20_000
"""Answers kept for texts seen before; the memory is emptied when it is full."""


class ScratchBoard:
    """An empty in-memory board that every text sees as new."""

    def __init__(self) -> None:
        self._answers: dict[str, str | None] = {}
        self.settings = Settings(db=":memory:")
        self._engine = open_engine(":memory:")
        self._connection: Connection = self._engine.connect()
        self._outer = self._connection.begin()  # never committed

    def reply(self, text: str, parsed: Command | ParseError | None = None) -> str | None:
        """The reply to `text` on the empty board; whatever it wrote is rolled back.

        `parsed`, if given, is `parse(text, NEW_MEMBER_LANG)`, so the text is not parsed twice.
        """
        if text not in self._answers:
            if len(self._answers) >= REMEMBERED_MAX:
                self._answers.clear()
            self._answers[text] = self._run(text, parsed if parsed is not None else parse(text, NEW_MEMBER_LANG))
        return self._answers[text]

    def _run(self, text: str, parsed: Command | ParseError) -> str | None:
        message = Inbound(TRY_SENDER, TRY_BOT, 1, 0, text)
        # Bad input, and anything else answered before the board is read, needs no
        # transaction: the worker's own first step says so (a new member has no language yet).
        settled, early = Worker(self._engine, self.settings, lambda: TRY_EPOCH).answer_before_board(
            message, parsed, TRY_EPOCH)
        if settled:
            return early.text if early is not None else None
        line = self._connection.begin_nested()
        try:
            # Sessions bound to a connection inside a savepoint keep to savepoints of their
            # own (SQLAlchemy's "join an external transaction"), so the worker's commits
            # stay inside this one. A new worker each time: no rate limit carries over.
            worker = Worker(self._connection, self.settings, lambda: TRY_EPOCH)  # type: ignore[arg-type]
            return worker.process(message)
        finally:
            line.rollback()

    def close(self) -> None:
        self._outer.rollback()
        self._connection.close()
        self._engine.dispose()


def explain(text: str, board: ScratchBoard | None = None) -> dict[str, Any]:
    """The parse of `text` and the exact reply the bot would send to it as a DM."""
    command = parse(text, NEW_MEMBER_LANG)  # as the worker reads a text from a new sender
    scratch = board or ScratchBoard()
    try:
        reply = scratch.reply(text, command)
    finally:
        if board is None:
            scratch.close()
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
