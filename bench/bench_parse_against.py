"""Parse throughput of this tree against another tree's parser, run alternately.

Covers: `bench/bench_parse.py --cpu` on this tree and on `OTHER` (a checkout or a
`git archive` of another commit, holding `protocol/`), in child processes, alternating
A, B, A, B... so both see the same machine load; the ratio of medians is the figure.

    git archive main protocol | tar -x -C /tmp/main_tree
    .venv/bin/python bench/bench_parse_against.py /tmp/main_tree [--rounds 4] [--lines 100000]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
_RATE = re.compile(r"= ([\d,]+) lines/s")


def rate(tree: Path, lines: int, repeat: int) -> float:
    """Lines per second of `tree`'s parser, by one child process of bench_parse.py."""
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run(
        [sys.executable, str(HERE / "bench_parse.py"), "--cpu", "--lines", str(lines),
         "--repeat", str(repeat)], env=env, capture_output=True, text=True, check=False,
        cwd=tree).stdout
    match = _RATE.search(out)
    if match is None:
        raise SystemExit(f"no figure from {tree}: {out!r}")
    return float(match.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="a tree holding another protocol/")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    mine: list[float] = []
    theirs: list[float] = []
    for n in range(args.rounds):
        theirs.append(rate(args.other, args.lines, args.repeat))
        mine.append(rate(ROOT, args.lines, args.repeat))
        print(f"round {n + 1}: other {theirs[-1]:,.0f}  this {mine[-1]:,.0f} lines/s", flush=True)
    a, b = statistics.median(mine), statistics.median(theirs)
    print(f"median: this {a:,.0f} lines/s, other {b:,.0f} lines/s, ratio {a / b:.3f}")


if __name__ == "__main__":
    main()
