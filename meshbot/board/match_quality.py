"""How good the matcher's pairs are on a board whose right answers are known.

A board is a text file of postings in arrival order (`label !node TEXT`), and its truth
the pairs a sensible coordinator would make (`offer_label need_label`), written before
the matcher saw the board. The board is fed through the real worker one message a minute
(as `meshbot ingest` does), or loaded whole and matched by the whole-board pass; the
matches made are compared with the truth. Used by tests/test_match_quality.py and
bench/bench_match_quality.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import col, func, select

from hardware.link import parse_node_id
from meshbot.board.board_pass import rematch_board
from meshbot.inbound.inbox import Inbound
from meshbot.board.matcher import rebuild_index
from meshbot.board.matching.items import category_for, zone_of
from meshbot.board.matching.units import EPSILON
from meshbot.settings import Settings
from meshbot.inbound.worker import Worker
from protocol import Need, Offer, parse
from store import Match, Posting, open_engine, session

START = 1_800_000_000.0
STEP_S = 60.0
"""One message a minute, from START."""


@dataclass(frozen=True)
class Line:
    label: str
    node: int
    text: str


@dataclass
class Score:
    """The matches made on a board, against its truth."""

    made: set[tuple[str, str]]
    truth: set[tuple[str, str]]
    held: set[tuple[str, str]] = field(default_factory=set)
    reasons: dict[tuple[str, str], str] = field(default_factory=dict)
    over_allocated: list[str] = field(default_factory=list)
    self_matches: list[tuple[str, str]] = field(default_factory=list)
    not_postings: list[str] = field(default_factory=list)
    """Lines the parser did not read as an offer or a need."""

    @property
    def precision(self) -> float:
        return len(self.made & self.truth) / len(self.made) if self.made else 1.0

    @property
    def recall(self) -> float:
        return len(self.made & self.truth) / len(self.truth) if self.truth else 1.0

    @property
    def wrong(self) -> list[tuple[str, str]]:
        return sorted(self.made - self.truth)

    @property
    def missed(self) -> list[tuple[str, str]]:
        return sorted(self.truth - self.made)


def read_board(path: Path) -> list[Line]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            label, node, text = raw.split(" ", 2)
            lines.append(Line(label, parse_node_id(node), text))
    return lines


def read_truth(path: Path) -> set[tuple[str, str]]:
    pairs = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            offer, need = raw.split()
            pairs.add((offer, need))
    return pairs


def incremental(board: Iterable[Line], truth: set[tuple[str, str]], db: Path, settings: Settings) -> Score:
    """Each posting through the worker, as received: matched at once, one at a time."""
    settings = settings.model_copy(update={"db": str(db)})
    engine = open_engine(db)
    clock = _Clock()
    worker = Worker(engine, settings, clock)
    labels: dict[int, str] = {}
    for n, line in enumerate(board):
        clock.now = START + n * STEP_S
        worker.process(Inbound(line.node, 0, n + 1, 0, line.text))
        with session(engine) as s:
            newest = s.exec(select(func.max(Posting.id))).one()
        if newest is not None and newest not in labels:
            labels[newest] = line.label
    return _score(engine, labels, truth, [line.label for line in board if line.label not in labels.values()])


def whole_board(board: Iterable[Line], truth: set[tuple[str, str]], db: Path, settings: Settings) -> Score:
    """All postings on the board first, then one whole-board pass from scratch."""
    settings = settings.model_copy(update={"db": str(db)})
    engine = open_engine(db)
    labels: dict[int, str] = {}
    not_postings: list[str] = []
    with session(engine) as s:
        for n, line in enumerate(board):
            command = parse(line.text)
            if not isinstance(command, (Offer, Need)):
                not_postings.append(line.label)
                continue
            now = START + n * STEP_S
            posting = Posting(
                kind=command.kind, category=category_for(command.item, command.category, settings),
                item=command.item, quantity=command.quantity, unit=command.unit,
                zone=zone_of(command.place, settings), urgency=command.urgency, author=line.node,
                community=settings.community, created=now, updated=now,
                expires=now + settings.posting_ttl_days * 86_400.0, remaining=command.quantity, window=command.when,
            )
            s.add(posting)
            s.flush()
            assert posting.id is not None
            labels[posting.id] = line.label
        now = START + len(board) * STEP_S
        rebuild_index(s, now, settings)
        rematch_board(s, now, settings)
        s.commit()
    return _score(engine, labels, truth, not_postings)


class _Clock:
    now = START

    def __call__(self) -> float:
        return self.now


def _score(engine: object, label: dict[int, str], truth: set[tuple[str, str]], not_postings: list[str]) -> Score:
    """The matches made, by label; a line that did not make a posting is listed, and its pairs are missed."""
    with session(engine) as s:  # type: ignore[arg-type]
        postings = {p.id: p for p in s.exec(select(Posting).order_by(col(Posting.id)))}
        score = Score(set(), truth, not_postings=not_postings)
        given: dict[int, list[float | None]] = defaultdict(list)
        got: dict[int, list[float | None]] = defaultdict(list)
        for m in s.exec(select(Match).where(col(Match.offer_id).is_not(None), col(Match.need_id).is_not(None))):
            assert m.offer_id is not None and m.need_id is not None
            pair = (label[m.offer_id], label[m.need_id])
            score.made.add(pair)
            score.reasons[pair] = m.fit_reason or ""
            if m.held:
                score.held.add(pair)
            if postings[m.offer_id].author == postings[m.need_id].author:
                score.self_matches.append(pair)
            if m.status != "cancelled":
                given[m.offer_id].append(m.quantity)
                got[m.need_id].append(m.need_quantity)
        for pid, amounts in (*given.items(), *got.items()):
            if _over(postings[pid], amounts):
                score.over_allocated.append(label[pid])
    return score


def _over(posting: Posting, amounts: list[float | None]) -> bool:
    if posting.quantity is None or any(a is None for a in amounts):
        return len(amounts) > 1
    return sum(a for a in amounts if a is not None) > posting.quantity + EPSILON
