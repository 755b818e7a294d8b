"""Who may be matched with whom, who goes first, and how much each gets (docs/matching.md).

Plain values only: a `Side` is one open posting as the matcher sees it. The same rules
serve the one-at-a-time matching of a new posting and the whole-board pass.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from meshbot.board.matching.units import EPSILON, LOT, convert, dimension, is_counted
from protocol.items import SCORES, Fit, Identity, fit

URGENCY_LEVELS: dict[str, int] = {"critical": 0, "high": 1, "normal": 2}
"""Smaller is served first."""
LEVELS = (0, 1, 2)
SAME, NEIGHBOUR, ELSEWHERE = 0, 1, 2
"""Distance classes: the same zone (or waited past the aging time), a neighbouring zone, any other."""


@dataclass(slots=True)
class Side:
    """One open posting, reduced to what matching needs.

    `available` is what is left to give (offer) or to get (need) and not yet promised
    in a live match: in `unit` for a posting with a quantity, or 1 (still open) / 0 for
    a posting without one, which counts as one lot.
    """

    id: int
    kind: str
    author: int
    community: str
    category: str
    keys: frozenset[str]
    generic: bool
    unit: str | None
    quantity: float | None
    available: float
    urgency: int
    zone: str | None
    created: float
    expires: float | None = None
    ident: Identity | None = None
    """What the item is (`protocol.items`); None: only `keys` are known (one shared key fits)."""
    dim: str = field(init=False, default=LOT)
    """What the quantity measures (`mass`, `count`, `bags`...); LOT for a posting without one."""

    def __post_init__(self) -> None:
        self.dim = LOT if self.quantity is None else dimension(self.unit)

    @property
    def lot(self) -> bool:
        return self.quantity is None

    @property
    def open(self) -> bool:
        return self.available > EPSILON


@dataclass(frozen=True)
class Policy:
    """The committee's knobs (settings `match_share_parts`, `match_aging_hours`) and zone map."""

    share_parts: int = 3
    aging_s: float = 48 * 3600.0
    neighbours: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def near(self, zone: str | None) -> frozenset[str]:
        return self.neighbours.get(zone, frozenset()) if zone else frozenset()


@dataclass(frozen=True, slots=True)
class Allocation:
    """This much of an offer promised to a need: `offer_amount` in the offer's unit
    (None: a lot, all of it), `need_amount` in the need's unit (None: a lot)."""

    offer_id: int
    need_id: int
    offer_amount: float | None
    need_amount: float | None


def alive(side: Side, now: float) -> bool:
    return side.expires is None or side.expires > now


def item_fit(offer: Side, need: Side) -> Fit | None:
    """Is the offer the thing the need asks for (`protocol.items.fit`), how sure, and why."""
    if offer.ident is not None and need.ident is not None:
        return fit(offer.ident, need.ident)
    if offer.generic or need.generic:
        return Fit(SCORES["category"], "category")
    return None if offer.keys.isdisjoint(need.keys) else Fit(SCORES["same item"], "same item")


class FitMemo:
    """`item_fit`, remembered per pair of item identities.

    A board has far fewer distinct items than postings (200,000 postings name a few
    hundred things), so the whole-board pass asks `protocol.items.fit` once per pair of
    identities and looks the answer up for every other posting naming the same pair.
    Keyed by object identity (`Side`s of one load share their `Identity` objects); the
    identities are kept with the answer, so a key is never reused by another object.
    """

    __slots__ = ("_known",)

    def __init__(self) -> None:
        self._known: dict[tuple[int, int], tuple[Identity, Identity, Fit | None]] = {}

    def against(self, offer: Side) -> Callable[[Side], Fit | None]:
        """`item_fit` of `offer` with any need: the pass asks it for every need an offer
        reads, so the offer's half of the key is found once."""
        offer_ident = offer.ident
        if offer_ident is None:
            return lambda need: item_fit(offer, need)
        known = self._known
        offer_key = id(offer_ident)

        def fit_of(need: Side) -> Fit | None:
            need_ident = need.ident
            if need_ident is None:
                return item_fit(offer, need)
            key = (offer_key, id(need_ident))
            found = known.get(key)
            if found is None:
                found = known[key] = (offer_ident, need_ident, fit(offer_ident, need_ident))
            return found[2]
        return fit_of

    def __call__(self, offer: Side, need: Side) -> Fit | None:
        offer_ident, need_ident = offer.ident, need.ident
        if offer_ident is None or need_ident is None:
            return item_fit(offer, need)
        key = (id(offer_ident), id(need_ident))
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = (offer_ident, need_ident, fit(offer_ident, need_ident))
        return known[2]


def items_fit(a: Side, b: Side) -> bool:
    offer, need = (a, b) if a.kind == "offer" else (b, a)
    return item_fit(offer, need) is not None


def units_fit(a: Side, b: Side) -> bool:
    """A lot goes with anything; quantities only with quantities of the same dimension."""
    return a.lot or b.lot or a.dim == b.dim


def compatible(offer: Side, need: Side, now: float, excluded: Collection[tuple[int, int]] = frozenset()) -> bool:
    """May `offer` serve `need` at all (before asking who goes first)?"""
    return (
        offer.kind == "offer" and need.kind == "need"
        and offer.community == need.community and offer.category == need.category
        and offer.author != need.author
        and offer.open and need.open and alive(offer, now) and alive(need, now)
        and items_fit(offer, need) and units_fit(offer, need)
        and (offer.id, need.id) not in excluded
    )


def distance(candidate: Side, toward: Side, policy: Policy, now: float) -> int:
    """SAME, NEIGHBOUR or ELSEWHERE: how far `candidate` is from `toward`'s zone.

    A candidate that has waited `aging_s` counts as SAME wherever it is, so nobody is
    passed over for ever because of where they live.
    """
    if (candidate.zone is not None and candidate.zone == toward.zone) or now - candidate.created >= policy.aging_s:
        return SAME
    if candidate.zone is not None and candidate.zone in policy.near(toward.zone):
        return NEIGHBOUR
    return ELSEWHERE


def need_order(need: Side, offer: Side, policy: Policy, now: float) -> tuple[int, int, float, int]:
    """Which waiting need an offer serves first: most urgent, nearest, longest waiting."""
    return (need.urgency, distance(need, offer, policy, now), need.created, need.id)


def offer_order(offer: Side, need: Side, policy: Policy, now: float) -> tuple[int, float, int]:
    """Which available offer a need takes first: nearest, then the one waiting longest."""
    return (distance(offer, need, policy, now), offer.created, offer.id)


def share(offer: Side, policy: Policy) -> float:
    """One share of a sized offer: whole pieces when counted (at least one), else a fraction."""
    assert offer.quantity is not None
    part = offer.quantity / max(policy.share_parts, 1)
    return max(1.0, math.floor(part + EPSILON)) if is_counted(offer.unit) else part


def demand(need: Side, offer: Side, policy: Policy) -> float:
    """What `need` still wants, in the units of the sized `offer`.

    A need that gave no quantity wants one piece of a counted offer, or one share of a
    measured one.
    """
    if need.lot:
        return 1.0 if is_counted(offer.unit) else share(offer, policy)
    wanted = convert(need.available, need.unit, offer.unit)
    return need.available if wanted is None else wanted


class FirstRound:
    """Would the first round of `share_out` over the needs read so far give all of `offer` away?

    Reading more waiting needs would then change nothing, so callers stop reading there.
    Kept as a running sum, one need at a time (a page of 32 is not summed 32 times).
    """

    __slots__ = ("offer", "policy", "cap", "wanted")

    def __init__(self, offer: Side, policy: Policy) -> None:
        self.offer, self.policy = offer, policy
        self.cap = None if offer.lot else share(offer, policy)
        self.wanted = 0.0

    def add(self, need: Side) -> bool:
        """Count `need` in; True once the needs counted would take everything."""
        if self.cap is None:
            return True  # a lot goes whole to the first need
        self.wanted += min(demand(need, self.offer, self.policy), self.cap)
        return self.wanted >= self.offer.available - EPSILON

    def restart(self) -> None:
        """A new page: nothing counted yet (what the offer has left may have changed)."""
        self.wanted = 0.0


def _whole(amount: float) -> float:
    return math.floor(amount + EPSILON) if amount >= 1.0 else amount


def share_out(offer: Side, needs: Sequence[Side], policy: Policy) -> list[Allocation]:
    """Promise `offer` to `needs` (already in the order they are served); updates `available`.

    Fair shares first: while several needs wait for one offer, each gets at most the
    larger of (what is available ÷ how many wait) and one share (`share_parts`); what
    is left then goes round again in the same order. A lot (no quantity) goes whole to
    the first need, and covers all of it.
    """
    waiting = [n for n in needs if n.available > EPSILON]  # (not `.open`: a property call per need)
    if offer.available <= EPSILON or not waiting:
        return []
    if offer.lot:
        need = waiting[0]
        allocation = Allocation(offer.id, need.id, None, None if need.lot else need.available)
        offer.available = need.available = 0.0
        return [allocation]
    if len(waiting) == 1:  # alone: no share to keep for anyone, it gets what it wants
        need = waiting[0]
        want = demand(need, offer, policy)
        amount = min(want, offer.available)
        offer.available = max(0.0, offer.available - amount)
        return [_allocate(offer, need, want, amount)]
    counted = is_counted(offer.unit)
    wants = [demand(n, offer, policy) for n in waiting]
    given = [0.0] * len(waiting)
    cap = max(share(offer, policy), offer.available / len(waiting))
    if counted:
        cap = _whole(cap)
    for fair_round in (True, False):
        for i, want in enumerate(wants):
            room = want - given[i]
            if room <= EPSILON or offer.available <= EPSILON:
                continue
            amount = min(room, offer.available, cap - given[i] if fair_round else room)
            if fair_round and counted:
                amount = _whole(amount)
            if amount <= EPSILON:
                continue
            given[i] += amount
            offer.available = max(0.0, offer.available - amount)
    return [_allocate(offer, need, want, amount) for need, want, amount in zip(waiting, wants, given) if amount > EPSILON]


def _allocate(offer: Side, need: Side, want: float, amount: float) -> Allocation:
    """`amount` of the sized `offer` (of the `want` it was asked) promised to `need`."""
    if need.lot:
        need.available = 0.0
        return Allocation(offer.id, need.id, amount, None)
    converted = convert(amount, offer.unit, need.unit)
    full = amount >= want - EPSILON
    need_amount = need.available if full or converted is None else min(converted, need.available)
    need.available = max(0.0, need.available - need_amount)
    return Allocation(offer.id, need.id, amount, need_amount)


def neighbour_map(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Zone -> its neighbours, from (zone, zone) pairs; adjacency goes both ways."""
    found: dict[str, set[str]] = {}
    for a, b in pairs:
        if a != b:
            found.setdefault(a, set()).add(b)
            found.setdefault(b, set()).add(a)
    return {zone: frozenset(near) for zone, near in found.items()}
