"""Whose turn it is to host a care pod: a fair rotation, as a pure function.

Turns are taken in rounds. Within a round each household hosts at most once; a new
round begins only when every household available that day has hosted in the current
one. Among those still due, the one who hosted least recently goes first (never hosted:
first of all, in the order they joined). A household away that day is passed over and
stays due, so it hosts when it is back, still within the round.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass

from meshbot.council.rotation import next_in_turn


@dataclass(frozen=True)
class Turn:
    household: int
    round: int


def next_turn(households: Sequence[int], hosted_this_round: Container[int], current_round: int,
              history: Sequence[int], away: Container[int]) -> Turn | None:
    """The household to host next and the round its turn counts in; None when all are away.
    `history` is who hosted, oldest first."""
    available = [h for h in households if h not in away]
    if not available:
        return None
    due = [h for h in available if h not in hosted_this_round]
    round_ = current_round
    if not due:
        due, round_ = available, current_round + 1
    chosen = next_in_turn(due, history)
    assert chosen is not None
    return Turn(chosen, max(round_, 1))
