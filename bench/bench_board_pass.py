"""The whole-board pass before and after a change, in one run: wall time, CPU time, peak RSS.

Covers: the daemon's whole-board pass (`rematch_board`) with its writes, on a real SQLite
file, as the code of two checkouts runs it: a git ref (default: main), unpacked in a
temporary directory (`git archive`), and this working tree.

Scenario: `bench_matcher.py`'s seeded neighbourhood (RANDOM_SEED = 42) of N open postings,
half offers, half needs, none matched yet (a restore or an import): each checkout builds
the board with its own schema, then runs the pass in a fresh process, so the peak RSS (`VmHWM`) is
the pass's own. Both boards are the same postings, so both passes make the same matches.

    .venv/bin/python bench/bench_board_pass.py [--postings 200000] [--ref main]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, "bench")
from bench_matcher import Neighbourhood, RANDOM_SEED, build_board
from store import open_engine
engine = open_engine(Path(sys.argv[1]))
build_board(engine, int(sys.argv[2]), Neighbourhood(RANDOM_SEED))
engine.dispose()
"""

PASS = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, "bench")
from bench_matcher import NOW
try:
    from meshbot.board.board_pass import rematch_board
except ImportError:
    from meshbot.board.matcher import rematch_board
from meshbot.settings import Settings
from store import open_engine, session
engine = open_engine(Path(sys.argv[1]))
with session(engine) as db, db.begin():
    wall, cpu = time.perf_counter(), time.process_time()
    made = rematch_board(db, NOW, Settings(db=":memory:"))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
hwm = [line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:")]
rss = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"matches": len(made), "wall_s": wall, "cpu_s": cpu, "rss_mb": rss}))
"""


def run(checkout: Path, db: Path, postings: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    subprocess.run([sys.executable, "-c", BUILD, str(db), str(postings)], cwd=checkout, env=env, check=True)
    out = subprocess.run([sys.executable, "-c", PASS, str(db)], cwd=checkout, env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=200_000)
    parser.add_argument("--ref", default="main", help="The code to compare with (a git ref).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before"
        before.mkdir()
        archive = subprocess.run(["git", "archive", "--format=tar", args.ref], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
        rows = [(args.ref, run(before, Path(tmp) / "before.db", args.postings)),
                ("this tree", run(ROOT, Path(tmp) / "after.db", args.postings))]
    print(f"| code ({args.postings:,} open postings) | matches | end to end (with writes) | CPU | pass RSS |")
    print("|---|---:|---:|---:|---:|")
    for name, r in rows:
        print(f"| {name} | {r['matches']:,} | {r['wall_s']:.2f} s | {r['cpu_s']:.2f} s | {r['rss_mb']:.0f} MB |")


if __name__ == "__main__":
    main()
