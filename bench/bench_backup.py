"""How long a backup and a restore take, and whether the daemon's writes wait for them.

A backup holds one read transaction for its whole copy (that is what makes it one
consistent instant). In WAL mode that must not block the worker: this measures the
worker's per-command latency while a backup runs next to it, against the same worker
with no backup.

    .venv/bin/python bench/bench_backup.py [--postings 10000 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from meshbot.ops.backup import backup, restore
from meshbot.inbound.inbox import Inbound
from meshbot.settings import Settings
from meshbot.inbound.worker import Worker
from store import OutboxItem, Posting, SeenPacket, open_engine, session

BOT = 0x0B0B0B0B
T0 = 1_767_225_600.0
ITEM_TEXT = "tins of chickpeas and a bag of rice, ask for Ana at the blue door " * 2


def build_board(db: Path, n: int) -> None:
    """n texts as the worker stores them: packet seen, posting, reply in the outbox."""
    engine = open_engine(db)
    with session(engine) as s, s.begin():
        for i in range(n):
            node = 0x20000 + i
            s.add(SeenPacket(from_node=node, packet_id=i, received=T0, text="OFFER " + ITEM_TEXT, reply="posted"))
            s.add(Posting(kind="offer", category="food", item=ITEM_TEXT, author=node, created=T0, updated=T0))
            s.add(OutboxItem(destination=node, text="Offer posted. CANCEL o1 to remove.", priority=1,
                             created=T0, not_before=T0))
    engine.dispose()


def write_latencies(db: Path, stop: threading.Event, first_node: int) -> list[float]:
    """Feed the real worker one OFFER after another until stop; seconds per command."""
    clock = itertools.count(T0, 0.01)
    worker = Worker(open_engine(db), Settings(db=str(db)), lambda: next(clock))
    took: list[float] = []
    for i in itertools.count():
        if stop.is_set():
            return took
        started = time.perf_counter()
        worker.process(Inbound(first_node + i, BOT, i + 1, 0, f"OFFER blanket {i + 1}"))
        took.append(time.perf_counter() - started)


def measure(n: int, folder: Path) -> dict[str, float]:
    db = folder / f"board-{n}.db"
    build_board(db, n)
    # The worker alone, for as long as a backup takes.
    stop = threading.Event()
    alone: list[float] = []
    t = threading.Thread(target=lambda: alone.extend(write_latencies(db, stop, 0x100000)))
    t.start()
    time.sleep(1.0)
    stop.set()
    t.join()
    # The worker beside a backup.
    stop = threading.Event()
    beside: list[float] = []
    t = threading.Thread(target=lambda: beside.extend(write_latencies(db, stop, 0x200000)))
    t.start()
    time.sleep(0.2)
    started = time.perf_counter()
    made = backup(db, folder / "backups", 3, datetime.now(UTC))
    backup_s = time.perf_counter() - started
    stop.set()
    t.join()
    started = time.perf_counter()
    restore(made.path, folder / f"restored-{n}.db", datetime.now(UTC))
    restore_s = time.perf_counter() - started
    return {
        "postings": n,
        "db_mb": db.stat().st_size / 1e6,
        "backup_s": backup_s,
        "restore_s": restore_s,
        "write_p50_ms_alone": statistics.median(alone) * 1e3,
        "write_max_ms_alone": max(alone) * 1e3,
        "write_p50_ms_during_backup": statistics.median(beside) * 1e3,
        "write_max_ms_during_backup": max(beside) * 1e3,
        "writes_during_backup": len(beside),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for n in args.postings:
        runs = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                runs.append(measure(n, Path(tmp)))
        best = {k: min(r[k] for r in runs) for k in runs[0]}
        worst_max = max(r["write_max_ms_during_backup"] for r in runs)
        print(f"{n:>7} postings  {best['db_mb']:6.1f} MB  backup {best['backup_s']:.2f} s  "
              f"restore {best['restore_s']:.2f} s  worker p50 {best['write_p50_ms_alone']:.1f} ms alone / "
              f"{best['write_p50_ms_during_backup']:.1f} ms during backup, worst {worst_max:.0f} ms "
              f"(best of {args.repeat})")


if __name__ == "__main__":
    main()
