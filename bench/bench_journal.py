"""The window between reading a text from the radio and its durable record (the journal).

A "radio" thread hands texts to the daemon's `Journal` as the library's thread does (its
`put`, an append); the journal thread writes them down in group commits exactly as the
daemon runs it, on a real SQLite file (WAL, synchronous=FULL, on this machine's disk).
For each text: the time from `put` to the end of the commit that holds it (the
`hand_over` that follows it). That is what a kill -9 can lose: a text read but not yet
committed. Two arrival patterns: a backlog replayed at a serial port's pace (one text
every 6.5 ms, 115200 baud) and the same burst as fast as the thread can put it. For
comparison, the old way: one fsync'd commit per text on the radio's thread
(`Worker.record`), whose window is the commit itself plus the queue of texts waiting
behind it.

With the arrival log (`meshbot.inbound.arrival_log`, as the daemon runs on a board file) a text
is safe from a kill -9 when `put` returns (its line is written to the log's file):
the "kill-safe" columns time `put` itself. The "burst s" column is the time from the
first `put` to the last text's commit: the journal's throughput, with and without
the log.

    .venv/bin/python bench/bench_journal.py [--texts 400] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

from meshbot.inbound.arrival_log import ArrivalLog
from meshbot.daemon import JOURNAL_POLL_S
from meshbot.inbound.inbox import Inbound
from meshbot.inbound.journal import Journal
from meshbot.settings import Settings
from meshbot.inbound.worker import Worker
from store import open_engine

SERIAL_PACE_S = 0.0065
BOT = 0x4D42A001


def texts(n: int) -> list[Inbound]:
    return [Inbound(0x1000 + i, BOT, 9000 + i, 0, f"OFFER thing{i} @elm") for i in range(n)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def journal_window(
    db: Path, burst: list[Inbound], pace_s: float, with_log: bool = False,
) -> tuple[list[float], int, list[float], float]:
    """Per-text seconds from `put` to durable, the commits it took, per-text seconds of
    `put` itself (kill-safe with the log), and seconds from the first put to the last commit."""
    put_at: dict[int, float] = {}
    put_cost: list[float] = []
    durable_at: dict[int, float] = {}

    def handed(messages: list[Inbound]) -> None:
        now = time.perf_counter()
        for m in messages:
            durable_at[m.packet_id] = now

    log = ArrivalLog(db.with_name(db.name + ".arrivals")) if with_log else None
    journal = Journal(open_engine(db), time.time, handed, arrival_log=log)
    stop = threading.Event()

    def journal_thread() -> None:
        while not stop.is_set():
            if journal.wait_for_arrivals(JOURNAL_POLL_S):
                journal.write_waiting()

    thread = threading.Thread(target=journal_thread)
    thread.start()
    for message in burst:
        put_at[message.packet_id] = time.perf_counter()
        journal.put(message)
        put_cost.append(time.perf_counter() - put_at[message.packet_id])
        if pace_s:
            time.sleep(pace_s)
    while len(durable_at) < len(burst):
        time.sleep(0.001)
    stop.set()
    thread.join()
    journal.close()
    windows = [durable_at[m.packet_id] - put_at[m.packet_id] for m in burst]
    span = max(durable_at.values()) - min(put_at.values())
    return windows, journal.commits, put_cost, span


def per_text_window(db: Path, burst: list[Inbound], pace_s: float) -> list[float]:
    """The old way: the radio's thread commits each text itself; later texts wait behind it."""
    worker = Worker(open_engine(db), Settings(db=str(db)), time.time)
    windows = []
    start = time.perf_counter()
    for index, message in enumerate(burst):
        arrived = start + index * pace_s  # when the library had it in hand
        worker.record(message)
        windows.append(time.perf_counter() - arrived)
        if pace_s:
            wait = start + (index + 1) * pace_s - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
    return windows


def line(name: str, windows: list[float], commits: int | None, kill_safe: list[float] | None = None,
         span: float | None = None) -> str:
    ms = [w * 1000 for w in windows]
    extra = f" | {commits}" if commits is not None else f" | {len(ms)}"
    safe = [w * 1000 for w in kill_safe] if kill_safe is not None else ms
    return (f"| {name} | {statistics.median(ms):.1f} | {percentile(ms, 0.99):.1f} | {max(ms):.1f}{extra} | "
            f"{statistics.median(safe):.3f} | {percentile(safe, 0.99):.3f} | {max(safe):.3f} | "
            f"{'' if span is None else f'{span:.3f}'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    burst = texts(args.texts)
    print("| arrivals, way of writing | durable p50 ms | p99 ms | max ms | commits "
          "| kill-safe p50 ms | p99 ms | max ms | burst s |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        for run in range(args.repeat):
            for label, pace in (("serial pace", SERIAL_PACE_S), ("all at once", 0.0)):
                for with_log in (False, True):  # alternately, so load changes hit both alike
                    windows, commits, put_cost, span = journal_window(
                        Path(tmp) / f"j{run}{pace}{with_log}.db", burst, pace, with_log)
                    how = "journal + arrival log" if with_log else "journal thread (group commit)"
                    print(line(f"{label}, {how}", windows, commits, put_cost if with_log else None, span))
                windows = per_text_window(Path(tmp) / f"w{run}{pace}.db", burst, pace)
                print(line(f"{label}, one commit per text on the radio's thread", windows, None))


if __name__ == "__main__":
    main()
