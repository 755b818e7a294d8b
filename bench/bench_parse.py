"""Parse throughput on a realistic mix of resident messages, on one core.

Covers: `protocol.parse` alone (no store, no radio).
Scenario: the messages of protocol/vectors/*.jsonl (offers, needs, Spanish, messy
typing, times, errors, HELP) shuffled into LINES lines, parsed REPEAT times; the best
run is reported. Target: at least 50,000 lines/s.

    .venv/bin/python bench/bench_parse.py [--lines 200000] [--repeat 5] [--cpu]

`--cpu` times the process's CPU time instead of the wall clock: on a machine shared with
other work it is the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Callable

from protocol import parse

RANDOM_SEED = 42
LINES = 200_000
REPEAT = 5
TARGET_LINES_PER_S = 50_000
VECTORS = Path(__file__).resolve().parent.parent / "protocol" / "vectors"


def corpus(lines: int, seed: int = RANDOM_SEED) -> list[str]:
    """`lines` messages drawn from the conformance vectors (realistic resident texts)."""
    texts = [json.loads(line)["text"] for path in sorted(VECTORS.glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    return [rng.choice(texts) for _ in range(lines)]


def run(lines: list[str], clock: Callable[[], float] = time.perf_counter) -> float:
    """Seconds to parse every line once, by `clock`."""
    start = clock()
    for text in lines:
        parse(text)
    return clock() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=LINES)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--cpu", action="store_true", help="time CPU, not the wall clock")
    args = parser.parse_args()
    lines = corpus(args.lines)
    clock = time.process_time if args.cpu else time.perf_counter
    best = min(run(lines, clock) for _ in range(args.repeat))
    rate = len(lines) / best
    distinct = len(set(lines))
    print(f"parse: {len(lines)} lines ({distinct} distinct) in {best:.3f} s = "
          f"{rate:,.0f} lines/s on one core{' (CPU time)' if args.cpu else ''} "
          f"(target {TARGET_LINES_PER_S:,})")
    raise SystemExit(0 if rate >= TARGET_LINES_PER_S else 1)


if __name__ == "__main__":
    main()
