"""Ingest rate: received commands processed per second on a real SQLite file
(WAL, synchronous=FULL), each in its own transaction as the daemon does it.

Also the resident set size of a process holding a board of many postings.

    .venv/bin/python bench/bench_ingest.py [--commands 3000] [--postings 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from meshbot.daemon import BATCH_MAX
from meshbot.inbound.inbox import Inbound
from meshbot.settings import Settings
from meshbot.inbound.worker import Worker
from store import Posting, open_engine, session

RANDOM_SEED = 42
ITEMS = ("rice 10kg", "insulin !!", "blankets 3", "ride to clinic", "bread 6 loaves", "drill",
         "tutoring maths", "diapers size 3", "water 20L", "generator", "coat size 8", "soap")
VERBS = ("OFFER", "NEED", "NEED", "LIST", "FIND rice", "MY")


def commands(n: int, rng: random.Random) -> list[Inbound]:
    out = []
    for i in range(n):
        verb = rng.choice(VERBS)
        text = f"{verb} {rng.choice(ITEMS)} @z{rng.randrange(8)}" if verb in ("OFFER", "NEED") else verb
        out.append(Inbound(0x1000 + rng.randrange(2000), 0x42, i + 1, 0, text))
    return out


def rss_mb() -> float:
    """Peak resident set of this process (VmHWM: unlike ru_maxrss, not inherited over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ingest_rates(commands_count: int, tmp: Path) -> tuple[float, float]:
    """Commands/s on a fresh board: the first half one at a time, the second in bursts."""
    rng = random.Random(RANDOM_SEED)
    clock = itertools.count(1_767_225_600, 0.01).__next__
    db = tmp / "bench.db"
    settings = Settings(db=str(db), rate_limit_per_minute=10_000, repeat_window_s=0)
    engine = open_engine(db)
    worker = Worker(engine, settings, clock)
    batch = commands(commands_count, rng)
    half = len(batch) // 2
    started = time.perf_counter()
    for message in batch[:half]:
        worker.record(message)
        worker.process(message)
    one_by_one = half / (time.perf_counter() - started)
    started = time.perf_counter()
    for start in range(half, len(batch), BATCH_MAX):  # a burst, as the daemon takes it
        burst = batch[start:start + BATCH_MAX]
        for message in burst:
            worker.record(message)
        worker.process_batch(burst)
    in_bursts = (len(batch) - half) / (time.perf_counter() - started)
    engine.dispose()
    return one_by_one, in_bursts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commands", type=int, default=3000)
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs on fresh boards; the median is reported")
    parser.add_argument("--rss-of", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_of:
        rss_of(args.rss_of)
        return
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(ingest_rates(args.commands, Path(tmp)))
    singles = sorted(one for one, _ in runs)
    bursts = sorted(burst for _, burst in runs)
    print(f"ingest, one at a time: {statistics.median(singles):.0f} commands/s "
          f"(record + process, synchronous=FULL; {singles[0]:.0f}-{singles[-1]:.0f} over {args.repeat} runs)")
    print(f"ingest, bursts of {BATCH_MAX}: {statistics.median(bursts):.0f} commands/s "
          f"({bursts[0]:.0f}-{bursts[-1]:.0f}; {statistics.median(bursts) / statistics.median(singles):.1f}x)")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "board.db"
        engine = open_engine(db)
        filler = commands(args.postings, random.Random(RANDOM_SEED + 1))
        with session(engine) as db_session, db_session.begin():  # the board, loaded without the mesh
            db_session.add_all(
                Posting(kind="offer" if i % 2 else "need", category="food", item=m.text[5:35],
                        zone=f"z{i % 8}", author=m.from_node, created=0.0, updated=0.0)
                for i, m in enumerate(filler)
            )
        engine.dispose()
        # A fresh process, as the daemon would be after a restart on that board.
        out = subprocess.run([sys.executable, __file__, "--rss-of", str(db)], capture_output=True,
                             text=True, check=True)
        print(out.stdout.strip() + f" against {args.postings} postings")


def rss_of(db: Path) -> None:
    """Peak RSS of a process that opens the board and answers 200 commands."""
    import meshtastic.tcp_interface  # noqa: F401  (the daemon has the radio library loaded)

    engine = open_engine(db)
    clock = itertools.count(1_800_000_000, 0.01).__next__
    settings = Settings(db=str(db), rate_limit_per_minute=10_000, repeat_window_s=0)
    worker = Worker(engine, settings, clock)
    before = rss_mb()
    for message in commands(200, random.Random(7)):
        worker.process(Inbound(message.from_node, 0x42, message.packet_id + 10**7, 0, message.text))
    print(f"rss: {rss_mb():.0f} MB peak after 200 commands ({before:.0f} MB after imports)")


if __name__ == "__main__":
    main()
