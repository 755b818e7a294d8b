"""How good the matcher's pairs are: precision and recall on boards whose right pairs are known.

Covers: `meshbot.board.match_quality` over tests/data/matching_eval/ — board.txt (258 postings,
en/es, traps), heldout_board.txt (86 postings written apart from the word tables) and
blind_board.txt (46 postings), fresh_a_board.txt (137), fresh_b_board.txt (122) and
fresh_c_board.txt (216 everyday goods and services, 84 in Spanish), fresh_d_board.txt (239
postings, 90 in Spanish: compounds, brands and sizes, tools vs services),
each against the pairs a coordinator would make, written before the matcher ran.

Scenario: each board fed through the real worker one message a minute (incremental, as
`meshbot ingest` does), then loaded whole and matched by one whole-board pass from
scratch (`rematch_board`). Zones olmo/roble/pino/arce are aliases of elm/oak/pine/maple.

    .venv/bin/python bench/bench_match_quality.py [--board NAME ...] [--show]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from meshbot.board.match_quality import incremental, read_board, read_truth, whole_board
from meshbot.settings_sources import build_settings

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "matching_eval"
BOARDS = {"main": ("board.txt", "truth.txt"), "heldout": ("heldout_board.txt", "heldout_truth.txt"),
          "blind": ("blind_board.txt", "blind_truth.txt"),
          "fresh_a": ("fresh_a_board.txt", "fresh_a_truth.txt"), "fresh_b": ("fresh_b_board.txt", "fresh_b_truth.txt"),
          "fresh_c": ("fresh_c_board.txt", "fresh_c_truth.txt"), "fresh_d": ("fresh_d_board.txt", "fresh_d_truth.txt")}
ZONES = {"olmo": "elm", "roble": "oak", "pino": "pine", "arce": "maple"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--board", nargs="+", choices=sorted(BOARDS), default=sorted(BOARDS))
    parser.add_argument("--show", action="store_true", help="list the wrong and the missed pairs")
    args = parser.parse_args()
    settings = build_settings({"matching": {"zones": ZONES}})
    print("| board | pass | postings | truth pairs | made | held | precision | recall | over-allocated | self | seconds |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in args.board:
        board_file, truth_file = BOARDS[name]
        board, truth = read_board(DATA / board_file), read_truth(DATA / truth_file)
        text = {line.label: line.text for line in board}
        for pass_name, run in (("incremental", incremental), ("whole board", whole_board)):
            with tempfile.TemporaryDirectory() as tmp:
                started = time.perf_counter()
                score = run(board, truth, Path(tmp) / "eval.db", settings)
                seconds = time.perf_counter() - started
            print(f"| {name} | {pass_name} | {len(board)} | {len(truth)} | {len(score.made)} | {len(score.held)} | "
                  f"{score.precision:.3f} | {score.recall:.3f} | {len(score.over_allocated)} | "
                  f"{len(score.self_matches)} | {seconds:.1f} |")
            if args.show:
                for label in score.not_postings:
                    print(f"    not a posting: {text[label]}")
                for offer, need in score.wrong:
                    print(f"    wrong: {text[offer]}  ->  {text[need]}  ({score.reasons.get((offer, need))})")
                for offer, need in score.missed:
                    print(f"    missed: {text[offer]}  ->  {text[need]}")


if __name__ == "__main__":
    main()
