"""The emergency planner: who gives what to whom, who carries it, by when.

Pure: plain values in, moves out (the database side is `meshbot.alerts.emergency`). The policy:

* **Critical first.** Needs for food, water, shelter and medical go before any other,
  then by urgency (critical, high, normal), then the longest waiting.
* **Partial fills.** Amounts in the same unit are split: 20 L of water can feed a need of
  15 L and another of 5 L, and a need of 30 L takes from two offers; two postings with no
  amount count one each. An offer with no amount (`spare room`) goes whole to one need.
  When the units differ (`rice 5kg` against `canned food 20 cans`) the need gets as many
  of the offer's units as it asked for in its own (5 cans), or one for a need with no
  amount (`baby formula`), at most what is left, and counts as served: the DM says
  exactly what moves, and people adjust on the spot.
* **Across zones**, nearest first: an offer in the need's zone is taken before one across
  the neighbourhood, but distance never leaves a need unmet.
* **The same thing.** The offer must be what the need asks for, by the matcher's own item
  identity (`Identities`, `protocol.items.fit`): rice never serves a need for baby milk,
  `agua` serves `water`. An offer of the same category only (or a need that names only
  its category, `comida`), or one the matcher is less sure of than `match_min_score`, is
  not planned: it is a *suggestion* for the committee (`suggest`), never sent to anyone.
* **Carriers.** Volunteers (responders, HELPING answers, people offering transport or
  labour) carry, the least loaded first, preferring one in the offer's or the need's zone.
  With no volunteer the giver brings it.
* **By when.** A critical need within 3 h, a high one within 6 h, the rest before the end
  of the window; never after it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from meshbot.board.matching.items import vocabulary
from meshbot.settings import Settings
from protocol.items import Fit, Vocabulary, fit, identify

CRITICAL_CATEGORIES: tuple[str, ...] = ("food", "water", "shelter", "medical")
URGENCY_ORDER = {"critical": 0, "high": 1, "normal": 2}
DUE_WITHIN_S = {"critical": 3 * 3600.0, "high": 6 * 3600.0}
SUGGESTIONS_PER_NEED = 2


@dataclass(frozen=True)
class _Lot:
    """What an offer and a need both say: what, how much, where."""

    id: int
    category: str
    item: str
    quantity: float | None
    unit: str | None
    zone: str | None

    @property
    def amount(self) -> float:
        return self.quantity if self.quantity is not None else 1.0


@dataclass(frozen=True)
class Supply(_Lot):
    """An open offer and how much of it earlier plans already gave away."""

    author: int
    created: float
    used: float = 0.0


@dataclass(frozen=True)
class Demand(_Lot):
    """An open need and how much of it earlier plans already cover."""

    urgency: str
    author: int
    created: float
    covered: float = 0.0

    @property
    def critical(self) -> bool:
        return self.category in CRITICAL_CATEGORIES


@dataclass(frozen=True)
class Volunteer:
    node: int
    zone: str | None
    load: int = 0
    """Moves already given to them and not yet done."""


@dataclass(frozen=True)
class Move:
    """One step of the plan: `quantity` (in `unit`) of offer `offer_id` to need `need_id`."""

    need_id: int
    offer_id: int
    quantity: float | None
    unit: str | None
    carrier: int
    due: float


class Identities:
    """The matcher's item identity (`protocol.items`), with the committee's `[matching]`
    words when settings are given: `fits` says how sure it is that an offer is the thing a
    need asks for, and why (`same item`, `synonym`, `translation`, `typo`, `category`)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings
        self.vocab: Vocabulary = vocabulary(settings)
        self.min_score = settings.match_min_score if settings is not None else 0.0

    def fits(self, offer_item: str, need_item: str) -> Fit | None:
        return fit(identify(offer_item, self.vocab), identify(need_item, self.vocab))

    def level(self, need: Demand, offer: Supply) -> str | None:
        """`item` when the plan may give the offer to the need; `category` when they only
        share the category, or the matcher is not sure enough (the committee's to judge);
        None when it cannot serve it at all."""
        if need.category != offer.category or need.author == offer.author:
            return None
        found = self.fits(offer.item, need.item)
        if found is None or found.reason == "category" or found.score < self.min_score:
            return "category"
        return "item"


@functools.lru_cache(maxsize=1)
def _default() -> Identities:
    """The package's own item tables (no committee words), loaded once."""
    return Identities()


def fit_level(need: Demand, offer: Supply, identities: Identities | None = None) -> str | None:
    return (identities or _default()).level(need, offer)


def alike(need: Demand, offer: Supply, identities: Identities | None = None) -> bool:
    """Whether the plan may give the offer to the need (the same category and the same thing)."""
    return fit_level(need, offer, identities) == "item"


def need_order(need: Demand) -> tuple[int, int, float, int]:
    return (0 if need.critical else 1, URGENCY_ORDER.get(need.urgency, 2), need.created, need.id)


@dataclass
class _Ledger:
    """What is left of each offer and each need while the plan is drawn."""

    left: dict[int, float] = field(default_factory=dict)
    untouched: set[int] = field(default_factory=set)


def plan(
    demands: Sequence[Demand],
    supplies: Sequence[Supply],
    volunteers: Sequence[Volunteer],
    now: float,
    deadline: float,
    identities: Identities | None = None,
) -> list[Move]:
    """The moves that serve the open needs from the open offers, most important first."""
    ledger = _Ledger(
        left={s.id: max(0.0, s.amount - s.used) for s in supplies},
        untouched={s.id for s in supplies if s.used == 0},
    )
    loads = {v.node: v.load for v in volunteers}
    zones = {v.node: v.zone for v in volunteers}
    moves: list[Move] = []
    for need in sorted(demands, key=need_order):
        wanted = need.amount - need.covered
        if wanted <= 0:
            continue
        candidates = sorted(
            (s for s in supplies if alike(need, s, identities) and ledger.left[s.id] > 0),
            key=lambda s: (s.unit != need.unit, s.zone != need.zone, s.created, s.id),
        )
        due = due_by(need.urgency, now, deadline)
        for offer in candidates:
            if wanted <= 0:
                break
            if _measured_alike(offer, need):
                take = min(wanted, ledger.left[offer.id])
                quantity: float | None = take if offer.quantity is not None else None
                wanted -= take
            elif offer.quantity is None:
                if offer.id not in ledger.untouched or need.covered > 0 or wanted < need.amount:
                    continue  # a lot goes whole, to a need nothing else serves yet
                take, quantity, wanted = ledger.left[offer.id], None, 0.0
            else:
                asked = wanted if need.quantity is not None else 1.0
                take = min(ledger.left[offer.id], max(1.0, asked))
                quantity, wanted = take, 0.0
            ledger.left[offer.id] -= take
            ledger.untouched.discard(offer.id)
            carrier = pick_carrier(loads, zones, offer.author, {offer.zone, need.zone})
            if carrier in loads:
                loads[carrier] += 1
            moves.append(Move(need.id, offer.id, quantity, offer.unit, carrier, due))
    return moves


def _measured_alike(offer: Supply, need: Demand) -> bool:
    """Both give an amount in the same unit (or neither gives one): split by amount."""
    return offer.unit == need.unit and (offer.quantity is None) == (need.quantity is None)


def due_by(urgency: str, now: float, deadline: float) -> float:
    """A critical need within 3 h, a high one within 6 h, the rest by the deadline."""
    return min(deadline, now + DUE_WITHIN_S.get(urgency, deadline - now))


def pick_carrier(loads: dict[int, int], zones: dict[int, str | None], giver: int, near: set[str | None]) -> int:
    """The least loaded volunteer, one in a zone of `near` first; else the giver brings it.
    The chosen one's load is not changed: the caller counts it."""
    if not loads:
        return giver
    return min(loads, key=lambda n: (loads[n], zones.get(n) not in near - {None}, n))


def suggest(demands: Sequence[Demand], supplies: Sequence[Supply],
            identities: Identities | None = None) -> list[tuple[Demand, Supply]]:
    """For each critical need with something still to get and no offer of the same thing
    left, up to `SUGGESTIONS_PER_NEED` offers of its category with something left: the
    committee's to judge (baby formula wanted, rice offered), never planned or sent."""
    free = [s for s in supplies if s.amount - s.used > 0]
    out: list[tuple[Demand, Supply]] = []
    for need in sorted(demands, key=need_order):
        if not need.critical or need.amount - need.covered <= 0 or any(alike(need, s, identities) for s in free):
            continue
        fallbacks = sorted((s for s in free if fit_level(need, s, identities) == "category"),
                           key=lambda s: (s.zone != need.zone, s.created, s.id))
        out.extend((need, s) for s in fallbacks[:SUGGESTIONS_PER_NEED])
    return out
