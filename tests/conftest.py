"""Shared fixtures: a real SQLite file and a worker on a hand-turned clock."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlmodel import select

from meshbot.inbound.inbox import Inbound
from meshbot.settings import Settings
from meshbot.inbound.worker import Worker
from store import OutboxItem, Posting, open_engine, session
from store.db import Unlock

BOT = 0x0B0B0B0B
T0 = 1_767_225_600.0


@dataclass
class Clock:
    now: float = T0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def node_key(node: int) -> str:
    """The PKI public key (base64) of a test node's radio: the same node, the same key."""
    return base64.b64encode(hashlib.sha256(f"radio {node}".encode()).digest()).decode("ascii")


@dataclass
class Board:
    """A worker over a real SQLite file: send texts in, read replies and rows out."""

    path: Path
    clock: Clock = field(default_factory=Clock)
    settings: Settings = field(default_factory=lambda: Settings(db=":memory:"))
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))
    unlock: Unlock | None = None
    """For an encrypted board: what opens it (`meshbot.security.keys.unlocker`)."""

    def __post_init__(self) -> None:
        self.engine = open_engine(self.path, self.unlock)
        self.worker = Worker(self.engine, self.settings, self.clock)

    def send(self, node: int, text: str, *, direct: bool = True, packet_id: int | None = None,
             pki: bool | None = None, key: str | None = None) -> str | None:
        """A DM comes under PKI with the node's own key, as firmware 2.5+ sends it (`pki=False`:
        a plain DM); `key` is another radio's key claiming the node's number."""
        pid = next(self._ids) if packet_id is None else packet_id
        to = BOT if direct else 0xFFFFFFFF
        pki = direct if pki is None else pki
        public_key = (key or node_key(node)) if pki else None
        return self.worker.process(Inbound(node, to, pid, 0, text, pki, public_key))

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


def _child_daemons() -> list[int]:
    """Processes this test run started that are still `meshbot` daemons (not the console,
    `meshbot web`, which its module's fixture starts once and stops)."""
    me = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if fields[1] == me and b"meshbot.cli.main" in cmdline and b"\x00web\x00" not in cmdline:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture(autouse=True)
def _no_daemon_outlives_its_test() -> Iterator[None]:
    """A test stopped by a failure or a timeout must not leave its daemon running."""
    yield
    for pid in _child_daemons():
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
