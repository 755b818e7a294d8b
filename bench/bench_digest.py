"""How long the committee waits for a digest, a report and a map on a board of N postings.

The DIGEST verb computes the day's digest on the worker thread, so its time is time the
next resident's command waits; the rest runs on the laptop from the command line.

    .venv/bin/python bench/bench_digest.py [--postings 1000 10000 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from meshbot.papers.digest import build_digest
from meshbot.papers.mesh_digest import mesh_digest
from meshbot.papers.needs_map import build_map, render
from meshbot.papers.periods import month_window, rolling
from meshbot.papers.reports import build_report
from store import Match, Member, Posting, open_engine, session

RANDOM_SEED = 42
DAY_S = 86_400.0
SPAN_DAYS = 60
NOW = 1_767_225_600.0 + 75 * DAY_S  # mid-March 2026, UTC
CATEGORIES = ("food", "food", "food", "water", "medical", "childcare", "transport", "power", "clothing", "repair")
COMMUNITIES = ("Elm Street", "Riverside", "Hillcrest")


def build_board(engine: Engine, n: int, rng: random.Random) -> None:
    """n postings over 60 days, 3 communities, 6 zones, about one in three matched."""
    with session(engine) as db, db.begin():
        people = max(50, n // 20)
        db.add_all(Member(node_num=i, name=f"R{i}", role="committee" if i < 3 else "resident",
                          community=COMMUNITIES[i % 3], first_seen=0, last_seen=NOW) for i in range(people))
        rows = []
        for _ in range(n):
            created = NOW - rng.uniform(0, SPAN_DAYS * DAY_S)
            expires = created + 14 * DAY_S
            author = rng.randrange(people)
            rows.append(Posting(
                kind=rng.choice(("offer", "need")), category=rng.choice(CATEGORIES), item="item",
                zone=f"z{rng.randrange(6)}", urgency=rng.choices(("normal", "high", "critical"), (8, 2, 1))[0],
                author=author, community=COMMUNITIES[author % 3], created=created, updated=created, expires=expires,
                status="open" if expires > NOW else "expired",
            ))
        db.add_all(rows)
        db.flush()
        needs = [p for p in rows if p.kind == "need"]
        offers = [p for p in rows if p.kind == "offer"]
        for need, offer in zip(needs[::3], offers[::3], strict=False):
            made = max(need.created, offer.created) + rng.uniform(60, 6 * 3600)
            done = made + rng.uniform(3600, 3 * DAY_S)
            status = "done" if done < NOW else "proposed"
            db.add(Match(offer_id=offer.id, need_id=need.id, created=made, status=status,
                         closed=done if status == "done" else None))
            for p in (need, offer):
                p.status = "done" if status == "done" else "matched"


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    march = month_window("2026-03", None)
    print("| postings | DIGEST (day, mesh) | digest week | digest month | report month | map month (PNG) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in args.postings:
        with tempfile.TemporaryDirectory() as tmp:
            engine = open_engine(Path(tmp) / "bench.db")
            build_board(engine, n, random.Random(RANDOM_SEED))

            def digest(period: str) -> Callable[[], object]:
                def run() -> object:
                    with session(engine) as db:
                        d = build_digest(db, rolling(period, NOW), NOW, period=period)
                    return mesh_digest(d) if period == "day" else d
                return run

            def report() -> object:
                with session(engine) as db:
                    return build_report(db, march, "2026-03", NOW)

            def needs_map() -> object:
                with session(engine) as db:
                    m = build_map(db, march, NOW)
                return render(m, "png", "bench")

            cells = [best_of(args.repeat, work) for work in
                     (digest("day"), digest("week"), digest("month"), report, needs_map)]
            engine.dispose()
        print(f"| {n:,} | " + " | ".join(f"{s * 1000:.0f} ms" for s in cells) + " |")


if __name__ == "__main__":
    main()
