"""How fast the matcher is on a big board: one new posting at a time, and the whole board at once.

Covers: `meshbot.board.matcher.match_posting` (what OFFER/NEED runs, inside the worker's
transaction) and `rematch_board` (the daemon's periodic whole-board pass), on a real
SQLite file.

Scenario: a seeded neighbourhood (RANDOM_SEED = 42) of N open postings, half offers and
half needs, none yet matched: categories weighted like real mutual-aid boards (food
first, then clothing, transport, shelter...), items in English and Spanish (some only
naming their category), urgencies (80 % normal, 15 % high, 5 % critical), 24 zones,
quantities in kg / lb / g / L / gal / pieces / bags or none, written over two weeks.

1. incremental: NEW_POSTINGS more postings from the same neighbourhood, each matched
   at once against the N open ones in its own transaction; p50 / p99 / max of the
   matcher's time (candidate queries, shares, Match rows, index updates; not the
   commit's fsync, which every command pays anyway).
2. whole board: then `rematch_board` over what is open: load from the index, the greedy
   pass (compute), the peak Python memory of loading and computing (tracemalloc, a second
   run), and the real call,
   which also writes a Match row per allocation, run in a fresh process (so its peak
   resident memory, `pass RSS`, is the pass's own, not the board builder's). The 200,000
   board is 100,000 offers x 100,000 needs; it gets only the whole-board pass (its
   incremental figures would be those of the 100,000 board).

    .venv/bin/python bench/bench_matcher.py [--postings 1000 10000 100000 200000] [--new 1000]
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import random
import resource
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from meshbot.board.board_pass import open_sides, rematch_board
from meshbot.board.matcher import index_rows, policy_for, side_of
from meshbot.board.matching.board import match_board
from meshbot.settings import Settings
from store import Posting, open_engine, session
from store.models import MatchKey, ZoneLink

RANDOM_SEED = 42
NEW_POSTINGS = 1000
DAY_S = 86_400.0
NOW = 1_767_225_600.0 + 30 * DAY_S
ZONES = tuple(f"z{i:02d}" for i in range(24))

# category: (weight, items); an item is "words|unit choices" (units: "-" none, "n" a count).
NEIGHBOURHOOD: dict[str, tuple[int, tuple[str, ...]]] = {
    "food": (30, (
        "rice|kg lb - n", "arroz|kg - n", "beans|kg n cans -", "frijoles|kg n -", "canned tuna|n cans",
        "bread|n loaves -", "pan|n -", "milk|L gal -", "leche|L -", "eggs|n -", "pasta|kg g n -", "flour|kg lb",
        "baby formula|n -", "cooked meals|n meals -", "soup|n jars L -", "vegetables|kg -", "fruit|kg -",
        "food|- n", "comida|- n", "groceries|- bags", "coffee|kg g -", "sugar|kg lb",
    )),
    "clothing": (12, (
        "winter coat|- n", "jacket|- n", "chamarra|-", "kids shoes|n pairs -", "zapatos|pairs -", "socks|n pairs",
        "sweater|n -", "clothes|- bags", "ropa|- bags", "boots|pairs -", "gloves|pairs -",
    )),
    "transport": (10, ("ride to clinic|-", "ride|- trips", "aventón|-", "bike|-", "bus fare|$ -", "car|-")),
    "shelter": (8, ("blankets|n -", "mantas|n -", "tent|n -", "mattress|-", "sleeping bag|n -", "room|nights -")),
    "medical": (8, ("insulin|doses -", "bandages|n packs -", "crutches|pairs -", "medicine|-", "masks|n boxes")),
    "water": (6, ("water|L gal -", "agua|L -", "bottled water|n bottles L", "water filter|-")),
    "hygiene": (6, ("diapers|n packs -", "pañales|n packs -", "soap|n -", "toothpaste|n -", "pads|packs n")),
    "childcare": (5, ("babysitting|h -", "stroller|-", "crib|-", "toys|- bags")),
    "tools": (4, ("drill|-", "ladder|-", "taladro|-", "shovel|n -", "saw|-")),
    "repair": (3, ("fix roof|-", "plumber|h -", "fix bike|-")),
    "power": (3, ("batteries|n packs", "generator|-", "phone charger|n -", "fuel|L gal")),
    "education": (2, ("tutoring|h -", "school books|n -", "notebooks|n packs")),
    "labor": (2, ("help moving|h -", "yard work|h -")),
    "communication": (1, ("radio|n -", "phone|-")),
}
UNIT_OF = {"n": None, "-": "-"}
URGENCIES = (("normal", 80), ("high", 15), ("critical", 5))


class Neighbourhood:
    """The seeded generator of postings: what residents post, in what mix."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.categories = list(NEIGHBOURHOOD)
        self.weights = [NEIGHBOURHOOD[c][0] for c in self.categories]
        self.residents = 0

    def posting(self, kind: str, created: float) -> dict[str, object]:
        rng = self.rng
        category = rng.choices(self.categories, self.weights)[0]
        words, units = rng.choice(NEIGHBOURHOOD[category][1]).split("|")
        unit = rng.choice(units.split())
        quantity: float | None = None
        if unit != "-":
            unit_name = None if unit == "n" else unit
            quantity = float(rng.choice((1, 2, 2, 3, 4, 5, 6, 10, 12, 20)))
            unit = unit_name  # type: ignore[assignment]
        else:
            unit = None  # type: ignore[assignment]
        self.residents += 1
        return {
            "kind": kind, "category": category, "item": words, "quantity": quantity, "unit": unit,
            "remaining": quantity, "zone": rng.choice(ZONES),
            "urgency": rng.choices([u for u, _ in URGENCIES], [w for _, w in URGENCIES])[0] if kind == "need" else "normal",
            "status": "open", "author": 0x10000 + rng.randrange(max(50, self.residents // 4)),
            "community": "main", "created": created, "updated": created, "expires": created + 14 * DAY_S,
        }


def build_board(engine: Engine, n: int, hood: Neighbourhood) -> None:
    """N open postings, none matched, written straight to the tables with their index rows."""
    rows = [hood.posting("offer" if i % 2 else "need", NOW - hood.rng.uniform(0, 14 * DAY_S)) for i in range(n)]
    with session(engine) as db, db.begin():
        db.add_all(ZoneLink(zone=a, neighbour=b) for a, b in zip(ZONES, ZONES[1:]))
        for start in range(0, n, 5000):
            db.execute(insert(Posting), rows[start:start + 5000])
        keys: list[dict[str, object]] = []
        for posting in db.exec(Posting.__table__.select()).all():  # type: ignore[attr-defined]
            p = Posting(**posting._asdict())
            side = side_of(p, 1.0 if p.quantity is None else p.quantity, lambda w: w)
            keys.extend(index_rows(side))
        for start in range(0, len(keys), 10000):
            db.execute(insert(MatchKey), keys[start:start + 10000])


def incremental(engine: Engine, hood: Neighbourhood, settings: Settings, count: int) -> list[float]:
    """Seconds `match_posting` took for each of `count` new postings."""
    from meshbot.board.matcher import match_posting

    times = []
    for i in range(count):
        fields = hood.posting("offer" if i % 2 else "need", NOW + i)
        with session(engine) as db, db.begin():
            posting = Posting(**fields)
            db.add(posting)
            db.flush()
            start = time.perf_counter()
            match_posting(db, posting, NOW + i, settings)
            times.append(time.perf_counter() - start)
    return times


def whole_board(engine: Engine, settings: Settings) -> dict[str, float]:
    """The pass in its parts: load, compute, and (a second run) its peak memory; then the
    real thing, which also writes the Match rows and index updates."""
    with session(engine) as db:
        start = time.perf_counter()
        offers, needs = open_sides(db, NOW)
        loaded = time.perf_counter() - start
        policy = policy_for(db, settings)
    counts = (sum(1 for o in offers if o.open), sum(1 for n in needs if n.open))
    gc.collect()
    start = time.perf_counter()
    made = match_board(offers, needs, policy, NOW)
    computed = time.perf_counter() - start
    del offers, needs
    gc.collect()
    tracemalloc.start()
    with session(engine) as db:
        offers, needs = open_sides(db, NOW)
    match_board(offers, needs, policy, NOW)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del offers, needs
    url = engine.url.database
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        count, total, rss_mb = pool.apply(real_pass, (url, settings))
    assert count == len(made)
    return {"offers": counts[0], "needs": counts[1], "load_s": loaded, "compute_s": computed,
            "peak_mb": peak / 2**20, "matches": len(made), "end_to_end_s": total, "pass_rss_mb": rss_mb}


def real_pass(path: str, settings: Settings) -> tuple[int, float, float]:
    """`rematch_board` in its own transaction, as the daemon's chore runs it: (matches,
    seconds, this process's peak RSS in MB)."""
    engine = open_engine(Path(path))
    with session(engine) as db, db.begin():
        start = time.perf_counter()
        made = rematch_board(db, NOW, settings)
        total = time.perf_counter() - start
    engine.dispose()
    return len(made), total, peak_rss_mb()


def peak_rss_mb() -> float:
    """This process's own peak RSS. Linux's `ru_maxrss` carries the parent's over fork and
    exec (a worker of a 600 MB bench would report 600 MB); `VmHWM` starts afresh."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, nargs="+", default=[1000, 10000, 100000, 200000])
    parser.add_argument("--new", type=int, default=NEW_POSTINGS)
    parser.add_argument("--skip-incremental", type=int, default=150000,
                        help="Boards of this many postings or more get only the whole-board pass.")
    args = parser.parse_args()
    settings = Settings(db=":memory:")
    lines = []
    for n in args.postings:
        with tempfile.TemporaryDirectory() as tmp:
            engine = open_engine(Path(tmp) / "bench.db")
            build_board(engine, n, Neighbourhood(RANDOM_SEED))
            if n >= args.skip_incremental:
                incremental_cells = "| - | - | - "
            else:
                times = sorted(incremental(engine, Neighbourhood(RANDOM_SEED + 1), settings, args.new))
                p99 = times[int(0.99 * (len(times) - 1))]
                incremental_cells = (f"| {statistics.median(times) * 1000:.2f} ms | {p99 * 1000:.2f} ms "
                                     f"| {times[-1] * 1000:.1f} ms ")
            f = whole_board(engine, settings)
            engine.dispose()
        lines.append(f"| {n:,} {incremental_cells}| {f['offers']:,} x {f['needs']:,} | {f['load_s']:.2f} s "
                     f"| {f['compute_s']:.2f} s | {f['peak_mb']:.0f} MB | {f['matches']:,} | {f['end_to_end_s']:.2f} s "
                     f"| {f['pass_rss_mb']:.0f} MB |")
        print(lines[-1], flush=True)
    print()
    print("| open postings | incremental p50 | p99 | max | whole board: offers x needs | load | compute "
          "| peak memory | matches made | end to end (with writes) | pass RSS |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(lines))
    print(f"\nmax RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
