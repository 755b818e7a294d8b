"""The whole-board pass: every open need against every open offer, by the same policy.

A greedy with the policy's guarantees (docs/matching.md, "The whole-board pass"):

1. Levels one after another: every critical need has had every compatible offer it could
   get before a high one is looked at, and so on.
2. Within a level, each unfilled need picks its best offer (nearest, then waiting
   longest). Needs that picked the same offer share it out (`share_out`: fair shares,
   then the rest in order). A need whose offer ran dry picks again; this repeats until
   every need is filled or has no compatible offer left.
3. So when it ends, no need with something left to get has a compatible offer with
   something left to give: nothing compatible sits unallocated, at any level.

Candidate indexes keep it fast: offers are bucketed by community and category, then by
item key and unit dimension, then by zone, each bucket in age order with a cursor that
skips offers already given out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from meshbot.matching.policy import (
    LEVELS, Allocation, Policy, Side, alive, need_order, share_out,
)
from meshbot.matching.units import LOT

ALL_ITEMS = ""
"""The bucket every offer of a category is in (for needs that name only the category)."""
GENERIC = "*"
"""The bucket of offers that name only their category (they fit every need of it)."""


class _Cursor:
    """Offers of one bucket, oldest first; the head skips those already given out."""

    __slots__ = ("items", "head")

    def __init__(self) -> None:
        self.items: list[Side] = []
        self.head = 0

    def first(self, need: Side, excluded: set[tuple[int, int]], not_after: float | None = None) -> Side | None:
        """The oldest offer here that still has something and may serve `need`."""
        items = self.items
        i = self.head
        while i < len(items) and not items[i].open:
            i += 1
        self.head = i
        while i < len(items):
            offer = items[i]
            if not_after is not None and offer.created > not_after:
                return None
            if offer.open and offer.author != need.author and (offer.id, need.id) not in excluded:
                return offer
            i += 1
        return None


@dataclass
class _Bucket:
    """One (key, dimension) of a category: its offers by zone, and all of them."""

    by_zone: dict[str, _Cursor] = field(default_factory=lambda: defaultdict(_Cursor))
    every: _Cursor = field(default_factory=_Cursor)


class OfferIndex:
    """The open offers of one community and category, ready to be asked for a need's best."""

    def __init__(self, offers: Iterable[Side], policy: Policy, now: float) -> None:
        self.policy = policy
        self.now = now
        self.aged_before = now - policy.aging_s
        self.buckets: dict[str, dict[str, _Bucket]] = defaultdict(dict)
        for offer in sorted(offers, key=lambda o: (o.created, o.id)):
            if not offer.open or not alive(offer, now):
                continue
            keys = (GENERIC,) if offer.generic else tuple(offer.keys)
            for key in (ALL_ITEMS, *keys):
                bucket = self.buckets[key].get(offer.dim)
                if bucket is None:
                    bucket = self.buckets[key][offer.dim] = _Bucket()
                bucket.every.items.append(offer)
                if offer.zone is not None:
                    bucket.by_zone[offer.zone].items.append(offer)

    def _buckets_for(self, need: Side) -> Iterator[_Bucket]:
        keys = (ALL_ITEMS,) if need.generic else (*need.keys, GENERIC)
        for key in keys:
            by_dim = self.buckets.get(key)
            if not by_dim:
                continue
            if need.lot:
                yield from by_dim.values()
            else:
                for dim in (need.dim, LOT):
                    if dim in by_dim:
                        yield by_dim[dim]

    def best(self, need: Side, excluded: set[tuple[int, int]]) -> Side | None:
        """The offer `need` takes first: nearest class, then oldest; None if none fits."""
        buckets = list(self._buckets_for(need))
        if not buckets:
            return None
        near = self.policy.near(need.zone)
        for distance_class in range(3):
            found: Side | None = None
            for bucket in buckets:
                if distance_class == 0:
                    cursors = [(bucket.every, self.aged_before)]
                    if need.zone is not None and need.zone in bucket.by_zone:
                        cursors.append((bucket.by_zone[need.zone], None))
                elif distance_class == 1:
                    cursors = [(bucket.by_zone[z], None) for z in near if z in bucket.by_zone]
                else:
                    cursors = [(bucket.every, None)]
                for cursor, not_after in cursors:
                    offer = cursor.first(need, excluded, not_after)
                    if offer is not None and (found is None or (offer.created, offer.id) < (found.created, found.id)):
                        found = offer
            if found is not None:
                return found
        return None


def match_board(
    offers: Iterable[Side], needs: Iterable[Side], policy: Policy, now: float,
    excluded: Iterable[tuple[int, int]] = (),
) -> list[Allocation]:
    """New allocations for the open postings given (their `available` is updated)."""
    banned = set(excluded)
    offers_by_part: dict[tuple[str, str], list[Side]] = defaultdict(list)
    needs_by_part: dict[tuple[str, str], list[Side]] = defaultdict(list)
    for offer in offers:
        offers_by_part[(offer.community, offer.category)].append(offer)
    for need in needs:
        if need.open and alive(need, now):
            needs_by_part[(need.community, need.category)].append(need)
    allocations: list[Allocation] = []
    for part, part_needs in needs_by_part.items():
        part_offers = offers_by_part.get(part)
        if not part_offers:
            continue
        index = OfferIndex(part_offers, policy, now)
        for level in LEVELS:
            waiting = sorted((n for n in part_needs if n.urgency == level), key=lambda n: (n.created, n.id))
            allocations.extend(_serve_level(index, waiting, banned, policy, now))
    return allocations


def _serve_level(index: OfferIndex, waiting: list[Side], banned: set[tuple[int, int]], policy: Policy, now: float) -> list[Allocation]:
    """Step 2 of the pass for one urgency level."""
    allocations: list[Allocation] = []
    active = waiting
    while active:
        groups: dict[int, tuple[Side, list[Side]]] = {}
        for need in active:
            offer = index.best(need, banned)
            if offer is not None:
                groups.setdefault(offer.id, (offer, []))[1].append(need)
        retry: list[Side] = []
        for offer, group in groups.values():
            group.sort(key=lambda n: need_order(n, offer, policy, now))
            allocations.extend(share_out(offer, group, policy))
            retry.extend(n for n in group if n.open)
        active = sorted(retry, key=lambda n: (n.created, n.id))
    return allocations
