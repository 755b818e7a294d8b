"""What encryption at rest costs: FIND over encrypted items, and commands per second.

FIND cannot search encrypted items in SQL: it reads the open postings (of a zone, if
given) in board order and compares their decrypted items in Python. This measures one
FIND through the worker on boards of 1,000 / 10,000 / 100,000 open postings, encrypted
and not, and the ingest rate of a command mix with and without encryption.

    .venv/bin/python bench/bench_security.py [--sizes 1000 10000 100000] [--commands 2000]
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from meshbot.daemon import BATCH_MAX
from meshbot.inbound.inbox import Inbound
from meshbot.security.keys import NewKey, init
from meshbot.settings import Settings
from meshbot.inbound.worker import Worker
from store import Posting, open_engine

RANDOM_SEED = 42
T0 = 1_767_225_600.0
WORDS = ("rice", "beans", "insulin", "blankets", "coat", "drill", "bread", "water", "soap", "diapers",
         "tent", "generator", "ladder", "charger", "formula", "tutoring", "ride", "soup", "milk", "gloves")
FINDS = ("FIND blanket", "FIND insulin", "FIND wool coat", "FIND generator @z3", "FIND zzz")
MIX = ("OFFER rice 2kg", "NEED water 10L", "NEED insulin !!", "LIST", "FIND rice", "MY", "OFFER coat size 8")
PASSPHRASE = "benchmark passphrase only"


def board(path: Path, size: int, encrypted: bool, rng: random.Random) -> Worker:
    engine = open_engine(path)
    if encrypted:
        init(engine, NewKey(passphrase=PASSPHRASE), "interactive", T0)
    rows = [{"kind": rng.choice(("offer", "need")), "category": "other",
             "item": " ".join(rng.sample(WORDS, 2)) + f" {rng.choice(('wool', 'size 8', 'new', 'spare', ''))}",
             "zone": f"z{rng.randrange(12)}", "urgency": rng.choice(("normal", "normal", "high", "critical")),
             "author": 0x1000 + rng.randrange(5000), "created": T0 - i, "updated": T0 - i,
             "expires": T0 + 86_400 * 30} for i in range(size)]
    with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(insert(Posting), rows[start:start + 5000])  # sealed by the engine's cipher
    clock = itertools.count(T0, 0.5).__next__
    return Worker(engine, Settings(db=str(path), rate_limit_per_minute=10_000, repeat_window_s=0), clock)


def find_ms(worker: Worker, rounds: int) -> float:
    times = []
    ids = itertools.count(10_000_000)
    for i in range(rounds):
        text = FINDS[i % len(FINDS)]
        start = time.perf_counter()
        worker.process(Inbound(0x9000 + i, 0x42, next(ids), 0, text))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def ingest_rates(path: Path, encrypted: bool, n: int, rng: random.Random) -> tuple[float, float]:
    """Commands/s one at a time (a commit each), then in bursts of BATCH_MAX as the daemon takes them."""
    worker = board(path, 0, encrypted, rng)
    messages = [Inbound(0x1000 + rng.randrange(500), 0x42, i + 1, 0, rng.choice(MIX)) for i in range(2 * n)]
    start = time.perf_counter()
    for message in messages[:n]:
        worker.record(message)
        worker.process(message)
    one_by_one = n / (time.perf_counter() - start)
    start = time.perf_counter()
    for first in range(n, 2 * n, BATCH_MAX):
        burst = messages[first:first + BATCH_MAX]
        for message in burst:
            worker.record(message)
        worker.process_batch(burst)
    return one_by_one, n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--commands", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("open postings  FIND median, plain  FIND median, encrypted")
        for size in args.sizes:
            medians = []
            for encrypted in (False, True):
                worker = board(folder / f"b{size}{encrypted}.db", size, encrypted, random.Random(RANDOM_SEED))
                rounds = 20 if size >= 100_000 else 50
                medians.append(find_ms(worker, rounds))
            print(f"{size:>13,}  {medians[0]:>14.1f} ms  {medians[1]:>18.1f} ms")
        rates: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
        for run in range(3):  # alternated: the disk's fsync time varies more than encryption costs
            for encrypted in (False, True):
                path = folder / f"ingest-{run}-{encrypted}.db"
                rates[encrypted].append(ingest_rates(path, encrypted, args.commands, random.Random(RANDOM_SEED)))
        for mode, how in ((0, "one at a time, a commit each"), (1, f"in bursts of {BATCH_MAX}")):
            plain = statistics.median(r[mode] for r in rates[False])
            sealed = statistics.median(r[mode] for r in rates[True])
            print(f"ingest ({how}): plain {plain:,.0f}/s, encrypted {sealed:,.0f}/s (median of 3 runs each)")


if __name__ == "__main__":
    main()
