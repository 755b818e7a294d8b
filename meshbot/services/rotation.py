"""Whose turn it is to host a care pod: a fair rotation, as a pure function.

Turns are taken in rounds. Within a round each household hosts at most once; a new
round begins only when every household available that day has hosted in the current
one. Among those still due, the one who hosted least recently goes first (never hosted:
first of all, in the order they joined). A household away that day is passed over and
stays due, so it hosts when it is back, still within the round.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Turn:
    household: int
    round: int


def next_turn(households: Sequence[int], hosted_this_round: Container[int], current_round: int,
              last_hosted: Mapping[int, float], away: Container[int]) -> Turn | None:
    """The household to host next and the round its turn counts in; None when all are away."""
    available = [h for h in households if h not in away]
    if not available:
        return None
    due = [h for h in available if h not in hosted_this_round]
    round_ = current_round
    if not due:
        due, round_ = available, current_round + 1
    order = {h: i for i, h in enumerate(households)}
    chosen = min(due, key=lambda h: (last_hosted.get(h, float("-inf")), order[h]))
    return Turn(chosen, max(round_, 1))
