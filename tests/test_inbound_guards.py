"""What protects the board from doubled and flooded input: repeats and the rate limit."""

from __future__ import annotations

from tests.conftest import Board

ANA, BEN = 0xA1, 0xB2


def test_a_command_repeated_word_for_word_gets_the_first_answer_not_a_second_post(board: Board) -> None:
    first = board.send(ANA, "NEED insulin !!")
    board.clock.advance(90)  # the resident never saw our answer and sends it again
    again = board.send(ANA, "need   INSULIN !!")
    assert again == first
    assert len(board.postings()) == 1
    assert [o.text for o in board.outbox(ANA)] == [first, first]


def test_the_same_words_after_the_repeat_window_are_a_new_post(board: Board) -> None:
    board.send(ANA, "OFFER bread")
    board.clock.advance(board.settings.repeat_window_s + 1)
    # Not the first answer again: the same item from the same resident is asked about once,
    assert board.send(ANA, "OFFER bread") == "You already offer bread (o1). Send OFFER again to add another."
    assert len(board.postings()) == 1
    # and the same words once more are a second posting.
    assert board.send(ANA, "OFFER bread").startswith("o2 ")  # type: ignore[union-attr]
    assert len(board.postings()) == 2


def test_reading_commands_are_answered_fresh_when_repeated(board: Board) -> None:
    assert board.send(ANA, "LIST") == "Board: none open."
    board.send(BEN, "OFFER soup")
    assert board.send(ANA, "LIST") == "Board (1): o1 soup"


def test_a_flooding_node_is_told_once_then_ignored_until_it_calms(board: Board) -> None:
    limit = board.settings.rate_limit_per_minute
    answers = []
    for i in range(limit + 3):
        board.clock.advance(1)
        answers.append(board.send(ANA, f"FIND thing{i}"))
    assert all(a is not None and a.startswith("'thing") for a in answers[:limit])
    assert answers[limit] == f"Slow down: at most {limit} commands a minute. Wait a minute, then send again."
    assert answers[limit + 1:] == [None, None]
    assert board.send(BEN, "LIST") == "Board: none open."  # others are not affected
    board.clock.advance(61)
    assert board.send(ANA, "MY") == "Yours: none open."
    assert len(board.outbox(ANA)) == limit + 2
