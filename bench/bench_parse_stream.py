"""`meshbot parse -` throughput: a file of resident texts through the whole bot.

Covers: the command as a committee member runs it (a real process, JSON lines out), each
line parsed, handled and answered on one scratch board whose savepoint is rolled back
after every line (a text seen before is answered from memory); and, for comparison, the
old way (a new in-memory board per line) on a sample.
Scenarios: (1) the conformance-vector texts of bench_parse.py (a few hundred distinct
resident texts) shuffled into LINES lines, seed 42: a committee's file, where texts
repeat; (2) LINES texts that are all different (each OFFER/NEED with its own item and
quantity): the worst case, every line through the whole bot; (3) LINES lines that are
all different and none a command (`BANANA 17`): answered by the worker's first step
(`Worker.answer_before_board`) without a transaction, so this is the parser's own speed
plus process start-up. Scenarios (2) and (3) are also timed in this process through the
command's own loop (one scratch board, `explain` per line), start-up left out.
Target: at least 5,000 lines/s on (1) and (2).

    .venv/bin/python bench/bench_parse_stream.py [--lines 20000] [--sample 200]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_parse import corpus  # noqa: E402

from meshbot.simulation.tryout import ScratchBoard, explain  # noqa: E402

LINES = 20_000
SAMPLE = 200
TARGET_LINES_PER_S = 5_000


def stream_seconds(lines: list[str]) -> float:
    """Seconds `meshbot parse -` takes over `lines`, process start included."""
    text = "\n".join(lines) + "\n" if lines else ""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "meshbot.cli.main", "parse", "-"], input=text, capture_output=True,
                         text=True, check=True)
    seconds = time.perf_counter() - start
    read = text.replace("\r\n", "\n").replace("\r", "\n").count("\n")  # as stdin splits it
    assert out.stdout.count("\n") == read, "a line went unanswered"
    return seconds


def stream_rate(lines: list[str]) -> float:
    """Lines per second through `meshbot parse -`, process start included."""
    return len(lines) / stream_seconds(lines)


def in_process_rate(lines: list[str]) -> float:
    """Lines per second through the command's loop (one scratch board), start-up left out."""
    board = ScratchBoard()
    try:
        start = time.perf_counter()
        for line in lines:
            explain(line, board)
        return len(lines) / (time.perf_counter() - start)
    finally:
        board.close()


def distinct_lines(count: int) -> list[str]:
    """Texts that never repeat: every line is handled, none answered from memory."""
    return [f"{'OFFER' if i % 2 else 'NEED'} {i % 97 + 1}kg item{i} @zone{i % 13}" for i in range(count)]


def distinct_bad_lines(count: int) -> list[str]:
    """All different, none a command: the worker's own cost per text, without a handler."""
    return [f"BANANA {i}" for i in range(count)]


def fresh_board_rate(lines: list[str]) -> float:
    """Lines per second when each line gets a board of its own (how it was done before)."""
    start = time.perf_counter()
    for line in lines:
        explain(line)
    return len(lines) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=LINES)
    parser.add_argument("--sample", type=int, default=SAMPLE)
    args = parser.parse_args()
    lines = corpus(args.lines)
    startup = stream_seconds([])
    streamed = stream_rate(lines)
    worst = stream_rate(distinct_lines(args.lines // 4))
    bad = distinct_bad_lines(args.lines // 4)
    floor = stream_rate(bad)
    worst_running, floor_running = in_process_rate(distinct_lines(args.lines // 8)), in_process_rate(bad)
    fresh = fresh_board_rate(lines[: args.sample])
    print(f"parse -: start-up {startup:.1f} s; {len(lines)} lines ({len(set(lines))} distinct) at {streamed:,.0f} "
          f"lines/s (target {TARGET_LINES_PER_S:,}); {args.lines // 4} all-distinct lines at {worst:,.0f} lines/s "
          f"({worst_running:,.0f} once started); {args.lines // 4} all-distinct non-commands at {floor:,.0f} lines/s "
          f"({floor_running:,.0f} once started); "
          f"a new board per line: {fresh:,.0f} lines/s on {args.sample} lines")
    raise SystemExit(0 if streamed >= TARGET_LINES_PER_S else 1)


if __name__ == "__main__":
    main()
