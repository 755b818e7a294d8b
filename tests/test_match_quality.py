"""The matcher against a board whose right pairs were written down before it was run
(tests/data/matching_eval/): the postings go through the real worker one at a time, as
`meshbot ingest` feeds them, and again all at once through the whole-board pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from meshbot.match_quality import Score, incremental, read_board, read_truth, whole_board
from meshbot.settings import Settings, build_settings

DATA = Path(__file__).parent / "data" / "matching_eval"
ZONES = {"olmo": "elm", "roble": "oak", "pino": "pine", "arce": "maple"}


def _settings() -> Settings:
    return build_settings({"matching": {"zones": ZONES}})


def _check(score: Score) -> None:
    assert score.self_matches == []
    assert score.over_allocated == []
    assert score.precision >= 0.95, score.wrong
    assert score.recall >= 0.90, score.missed


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Score, Score]:
    board, truth = read_board(DATA / "board.txt"), read_truth(DATA / "truth.txt")
    tmp = tmp_path_factory.mktemp("quality")
    return (incremental(board, truth, tmp / "incremental.db", _settings()),
            whole_board(board, truth, tmp / "whole.db", _settings()))


def test_the_board_is_big_and_a_third_spanish() -> None:
    board = read_board(DATA / "board.txt")
    spanish = [line for line in board if line.text.split()[0].lower() in {"necesito", "tengo", "ofrezco", "busco", "doy"}]
    assert len(board) >= 200 and len(spanish) * 3 >= len(board)
    labels = {line.label for line in board}
    assert all(o in labels and n in labels for o, n in read_truth(DATA / "truth.txt"))


def test_incremental_matching_makes_the_coordinators_pairs(scores: tuple[Score, Score]) -> None:
    _check(scores[0])


def test_the_whole_board_pass_from_scratch_makes_them_too(scores: tuple[Score, Score]) -> None:
    one_at_a_time, whole = scores
    _check(whole)
    assert abs(whole.precision - one_at_a_time.precision) <= 0.03
    assert abs(whole.recall - one_at_a_time.recall) <= 0.03


def test_each_match_says_why(scores: tuple[Score, Score]) -> None:
    reasons = set(scores[0].reasons.values())
    assert reasons <= {"same item", "synonym", "translation", "typo", "category"}
    assert {"same item", "translation", "typo"} <= reasons
    assert scores[0].reasons[("g08a", "g08b")] == "typo"  # insuln
    assert scores[0].reasons[("g10a", "g10b")] == "translation"  # silla de ruedas


def test_a_second_board_written_apart(tmp_path: Path) -> None:
    """A board the word tables were not written for: a floor, not the target (see docs/matching.md)."""
    board, truth = read_board(DATA / "heldout_board.txt"), read_truth(DATA / "heldout_truth.txt")
    score = incremental(board, truth, tmp_path / "heldout.db", _settings())
    assert score.self_matches == [] and score.over_allocated == []
    assert score.precision >= 0.85 and score.recall >= 0.85, (score.wrong, score.missed)
