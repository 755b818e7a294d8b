"""Whose turn it is to host the council, or to facilitate it: pure, from the history alone.

The rule is least recently served: someone who never served goes first (in the order
the eligible are given), then whoever served longest ago. So while the eligible stay
the same nobody serves twice before everyone has served once, and a newcomer (a
community that joins, a person newly trained) takes the next turn.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

Who = TypeVar("Who", bound=Hashable)


def next_in_turn(eligible: Sequence[Who], history: Sequence[Who]) -> Who | None:
    """The eligible one whose last turn in `history` (oldest first) is the oldest; None if
    nobody is eligible. `exclude`-style choices are the caller's: pass fewer eligible."""
    if not eligible:
        return None
    last = {who: i for i, who in enumerate(history)}
    order = {who: i for i, who in enumerate(eligible)}
    return min(eligible, key=lambda who: (last.get(who, -1), order[who]))
