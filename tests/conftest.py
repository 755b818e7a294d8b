"""Shared fixtures: a real SQLite file and a worker on a hand-turned clock."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlmodel import select

from meshbot.inbox import Inbound
from meshbot.settings import Settings
from meshbot.worker import Worker
from store import OutboxItem, Posting, open_engine, session

BOT = 0x0B0B0B0B
T0 = 1_767_225_600.0


@dataclass
class Clock:
    now: float = T0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Board:
    """A worker over a real SQLite file: send texts in, read replies and rows out."""

    path: Path
    clock: Clock = field(default_factory=Clock)
    settings: Settings = field(default_factory=lambda: Settings(db=":memory:"))
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))

    def __post_init__(self) -> None:
        self.engine = open_engine(self.path)
        self.worker = Worker(self.engine, self.settings, self.clock)

    def send(self, node: int, text: str, *, direct: bool = True, packet_id: int | None = None) -> str | None:
        pid = next(self._ids) if packet_id is None else packet_id
        to = BOT if direct else 0xFFFFFFFF
        return self.worker.process(Inbound(node, to, pid, 0, text))

    def outbox(self, destination: int | None = None) -> list[OutboxItem]:
        with session(self.engine) as db:
            query = select(OutboxItem).order_by(OutboxItem.id)
            if destination is not None:
                query = query.where(OutboxItem.destination == destination)
            return list(db.exec(query).all())

    def postings(self) -> list[Posting]:
        with session(self.engine) as db:
            return list(db.exec(select(Posting).order_by(Posting.id)).all())


@pytest.fixture
def board(tmp_path: Path) -> Board:
    return Board(tmp_path / "board.db")
