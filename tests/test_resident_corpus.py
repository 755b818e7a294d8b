"""The resident corpus (tests/data/resident_corpus.jsonl): messages written the way
residents type, labelled with what each sender means before the parser read them.

The scores must reach the aims in bench/bench_corpus.py (the same scoring, so the test
and the figures in docs/benchmarks.md cannot drift apart), in-process and through
`meshbot parse -`.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

_ROOT = Path(__file__).resolve().parent.parent


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_corpus", _ROOT / "bench" / "bench_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench()
CASES = bench.load()


def test_the_corpus_is_what_it_claims() -> None:
    assert len(CASES) >= 250
    assert sum(c["lang"] == "es" for c in CASES) * 3 >= len(CASES)
    assert len({c["text"] for c in CASES}) == len(CASES), "a text appears twice"
    assert sum(c["expect"]["verb"] is None for c in CASES) >= 30, "non-commands"
    examples = _ROOT / "protocol" / "vectors" / "residents.jsonl"  # the examples it was built from
    vectors = {json.loads(line)["text"] for line in examples.read_text(encoding="utf-8").splitlines()
               if line.strip()}
    assert not vectors & {c["text"] for c in CASES}, "held out: none of those examples is in it"


@pytest.mark.parametrize("name", list(bench.AIMS))
def test_scores_reach_their_aims(name: str) -> None:
    tallies = bench.score(CASES, bench.read_in_process([c["text"] for c in CASES]))
    tally = tallies[name]
    misses = "\n".join(f"{m['text']!r}: want {m['want']}, got {m['got']}" for m in tally["misses"])
    assert tally["share"] >= bench.AIMS[name], f"{name} {tally['share']:.1%}\n{misses}"


FRESH = bench.load(bench.FRESH)


def test_the_fresh_corpus_is_new() -> None:
    assert len(FRESH) >= 60
    assert sum(c["lang"] == "es" for c in FRESH) * 3 >= len(FRESH)
    assert len({c["text"] for c in FRESH}) == len(FRESH), "a text appears twice"
    vectors = {json.loads(line)["text"] for path in (_ROOT / "protocol" / "vectors").glob("*.jsonl")
               for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    assert not (vectors | {c["text"] for c in CASES}) & {c["text"] for c in FRESH}


FRESH3 = bench.load(bench.FRESH3)


def test_the_third_fresh_corpus_is_new() -> None:
    assert len(FRESH3) >= 120
    assert sum(c["lang"] == "es" for c in FRESH3) * 3 >= len(FRESH3)
    assert len({c["text"] for c in FRESH3}) == len(FRESH3), "a text appears twice"
    assert sum(c["expect"]["verb"] is None for c in FRESH3) >= 20, "non-commands"
    vectors = {json.loads(line)["text"] for path in (_ROOT / "protocol" / "vectors").glob("*.jsonl")
               for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    earlier = vectors | {c["text"] for c in CASES} | {c["text"] for c in FRESH}
    assert not earlier & {c["text"] for c in FRESH3}


HELD_OUT = {"fresh": (FRESH, bench.FRESH_FLOORS), "fresh3": (FRESH3, bench.FRESH3_FLOORS)}
"""The corpora written after the rules, each with the floors it must keep."""


@pytest.mark.parametrize(("corpus", "name"), [(c, n) for c, (_, floors) in HELD_OUT.items() for n in floors])
def test_the_fresh_corpora_keep_their_scores(corpus: str, name: str) -> None:
    cases, floors = HELD_OUT[corpus]
    tally = bench.score(cases, bench.read_in_process([c["text"] for c in cases]))[name]
    misses = "\n".join(f"{m['text']!r}: want {m['want']}, got {m['got']}" for m in tally["misses"])
    assert tally["share"] >= floors[name], f"{corpus} {name} {tally['share']:.1%}\n{misses}"


def test_the_command_line_reads_the_corpus_the_same_way() -> None:
    texts = [c["text"] for c in CASES]
    through_cli = bench.score(CASES, bench.read_through_cli(texts))
    in_process = bench.score(CASES, bench.read_in_process(texts))
    assert {n: t["hits"] for n, t in through_cli.items()} == \
        {n: t["hits"] for n, t in in_process.items()}
