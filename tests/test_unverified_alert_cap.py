"""Spoofed ALERTs with no committee to confirm them: capped per hour, repeats merged."""

from __future__ import annotations

from sqlmodel import col, select

from meshbot.alerts import rounds
from store import Alert, session
from tests.conftest import Board


def _alerts(board: Board) -> list[Alert]:
    with session(board.engine) as db:
        return list(db.exec(select(Alert).order_by(col(Alert.id))).all())


def _on_air(board: Board) -> int:
    return sum(a.status == "active" and a.sent is not None for a in _alerts(board))


def test_ten_spoofed_alerts_of_one_kind_and_place_are_one_broadcast(board: Board) -> None:
    answers = [board.send(0x5000 + k, f"ALERT fire near house {k} @elm", direct=False) for k in range(10)]
    assert answers[0] is not None and "broadcast to all, marked unverified" in answers[0]
    assert all(a is not None and "not broadcast again" in a for a in answers[1:])
    assert _on_air(board) == 1
    assert [a.status for a in _alerts(board)].count("merged") == 9


def test_at_most_the_hourly_number_go_unverified_and_the_rest_wait_for_the_hour(board: Board) -> None:
    per_hour = board.settings.unverified_alerts_per_hour
    texts = ["ALERT fire @elm", "ALERT flood @oak", "ALERT someone injured @elm", "ALERT family evicted @oak",
             "ALERT power outage @elm"]
    answers = [board.send(0x5000 + k, text, direct=False) for k, text in enumerate(texts)]
    assert _on_air(board) == per_hour == 3
    assert all(a is not None and a.startswith("Alert ") and " waits: " in a for a in answers[per_hour:])
    assert all(len(a.encode()) <= 200 for a in answers if a is not None)
    board.clock.advance(1800)
    rounds.tick(board.engine, board.settings, board.clock(), {})
    assert _on_air(board) == 3  # the hour is not over: still waiting
    board.clock.advance(1801)
    rounds.tick(board.engine, board.settings, board.clock(), {})
    assert _on_air(board) == 5  # delayed, never lost
