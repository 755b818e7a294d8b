"""`meshbot parse -`: one scratch board for the whole stream, and every line answered as
on a fresh board (its savepoint is rolled back)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from meshbot.inbound.inbox import Inbound
from meshbot.settings import Settings
from meshbot.simulation.tryout import TRY_BOT, TRY_EPOCH, TRY_SENDER, ScratchBoard, explain
from meshbot.inbound.worker import Worker
from protocol import ParseError, parse
from store import open_engine

VECTORS = Path(__file__).resolve().parent.parent / "protocol" / "vectors"


def resident_texts() -> list[str]:
    """The conformance vectors' texts that fit on one line."""
    texts = [json.loads(line)["text"] for path in sorted(VECTORS.glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [t for t in texts if not any(ch in t for ch in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")]


def test_each_line_is_answered_as_on_an_empty_board() -> None:
    board = ScratchBoard()
    try:
        sequence = ["OFFER rice 10kg @elm", "MY", "CANCEL o1", "NEED rice !!", "TAKE o1", "JOIN Ana elm",
                    "OFFER blanket", "LIST", "HELP", "BANANA 5"]
        streamed = [explain(text, board) for text in sequence]
    finally:
        board.close()
    fresh = [explain(text) for text in sequence]
    assert streamed == fresh
    # What was posted on one line is gone on the next: the same id again, nothing of yours.
    assert streamed[0]["reply"] == "o1 rice 10kg posted. CANCEL o1 undoes"
    assert streamed[1]["reply"] == "Yours: none open."
    assert streamed[6]["reply"].startswith("o1 blanket posted")


def test_a_10000_line_file_finishes_with_one_answer_per_line() -> None:
    rng = random.Random(7)
    texts = resident_texts()
    lines = [rng.choice(texts) for _ in range(9_990)] + [f"NEED {n} cans item{n}" for n in range(10)]
    out = subprocess.run([sys.executable, "-m", "meshbot.cli.main", "parse", "-"], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(answers) == 10_000
    assert all(0 < len(a["reply"].encode()) <= 200 for a in answers)
    assert answers[-1]["verb"] == "need" and answers[-1]["reply"] == explain(lines[-1])["reply"]
    for index in rng.sample(range(10_000), 25):  # the stream answers as a fresh board does
        assert answers[index] == explain(lines[index])


def daemon_reply(text: str) -> str | None:
    """What the daemon's worker answers to `text` from a new sender on a board of its own."""
    engine = open_engine(":memory:")
    try:
        worker = Worker(engine, Settings(db=":memory:"), lambda: TRY_EPOCH)
        return worker.process(Inbound(TRY_SENDER, TRY_BOT, 1, 0, text))
    finally:
        engine.dispose()


HANDPICKED = [
    "OFFER 10kg rice @elm", "NEED insulin !!", "need 2 blankets @oak !", "LIST", "LIST food @elm",
    "FIND rice", "FIND nothing-here", "TAKE o1", "TAKE n7", "CANCEL o1", "CANCEL", "DONE o1", "MY",
    "HELP", "HELP offer", "ALERT family evicted @oak", "JOIN Ana elm", "OFREZCO 5kg arroz @elm",
    "NECESITO pañales !!", "LISTA", "AYUDA", "BUSCAR arroz", "BANANA 5", "", "   ", "hello?",
    "thanks!!", "OFFER", "NEED", "TAKE", "TAKE xyz", "OFFER -3kg rice", "🍞 🥖", "x" * 300,
]


def test_parse_stream_answers_each_line_as_the_daemon_worker_does() -> None:
    rng = random.Random(15)
    texts = resident_texts()
    lines = HANDPICKED + rng.sample(texts, 240) + [f"OFFER {n}kg item{n} @zone{n % 5}" for n in range(20)]
    expected = [daemon_reply(line) for line in lines]  # written down before `parse -` runs
    out = subprocess.run([sys.executable, "-m", "meshbot.cli.main", "parse", "-"], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, timeout=600, check=True)
    answered = [json.loads(line)["reply"] for line in out.stdout.splitlines()]
    assert len(answered) == len(lines)
    mismatches = [(line, want, got) for line, want, got in zip(lines, expected, answered, strict=True) if want != got]
    assert mismatches == []
    # Both paths were exercised: lines that never reach the board and lines that do.
    assert any(a and a.startswith("o1 ") and "posted" in a for a in answered)
    assert sum(isinstance(parse(line), ParseError) for line in lines) >= 20
