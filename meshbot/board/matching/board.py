"""The whole-board pass: every open offer against every open need, by the same policy.

A greedy with the policy's guarantees (docs/matching.md, "The whole-board pass"). Level
by level (critical, then high, then normal), each offer, oldest first, is shared out
among the waiting needs of that level exactly as a new offer would be: nearest first
(same zone, neighbouring zones, elsewhere), longest waiting first within each, in fair
shares (`share_out`). So:

1. a need of one level only gets what no compatible need of a more urgent level could
   take: when the offer reached the lower level, every compatible more urgent need was
   already filled, or the offer would have been given out to it;
2. when the pass ends, no need with something left to get has a compatible offer with
   something left to give: each such offer was shared out among all its compatible needs
   of that level until it ran dry or they were filled.

Candidate indexes keep it fast: needs are bucketed by community and category, then by
urgency, item key and unit dimension, then by zone, each bucket in age order with a
cursor that skips needs already filled.
"""

from __future__ import annotations

import bisect
import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator
from operator import attrgetter

from meshbot.board.matching.policy import (
    ELSEWHERE, LEVELS, NEIGHBOUR, SAME, Allocation, FirstRound, FitMemo, Policy, Side, alive, share_out,
)
from meshbot.board.matching.units import EPSILON, LOT

ALL_ITEMS = ""
"""The bucket every posting of a category is in (for an item that names only the category)."""
GENERIC = "*"
"""The bucket of postings that name only their category (they fit every item of it)."""
PAGE = 32
"""Needs shared one offer at a time, at most; the same page as one-at-a-time matching reads."""
_AGE = attrgetter("created", "id")
"""Oldest first (a C function: it runs for every need read)."""
_CREATED = attrgetter("created")


class _Cursor:
    """Needs of one bucket, oldest first; the head moves past those already filled."""

    __slots__ = ("items", "head", "split")

    def __init__(self) -> None:
        self.items: list[Side] = []
        self.head = 0
        self.split = -1  # where the needs that waited past the aging time end (found once)

    def exhausted(self) -> bool:
        """Is every need here filled? (Moves the head past the filled ones.)"""
        items = self.items
        i, end = self.head, len(items)
        while i < end and items[i].available <= EPSILON:
            i += 1
        self.head = i
        return i == end

    def may_wait(self, aged_before: float, aged: bool | None = None) -> bool:
        """Could `waiting` yield anything? False for certain when nothing is left in its
        range, so no reader is made for it (most buckets an offer looks in are done)."""
        if self.exhausted():
            return False
        if aged is None:
            return True
        if self.split < 0:
            self.split = bisect.bisect_right(self.items, aged_before, key=_CREATED)
        return self.head < self.split if aged else self.split < len(self.items)

    def waiting(self, aged_before: float, aged: bool | None = None) -> Iterator[Side]:
        """The needs still open, oldest first: all, or only those that waited past the
        aging time (`aged` True), or only the others (`aged` False). Ask `may_wait` first:
        it moves the head past the needs already filled."""
        items, i = self.items, self.head
        if self.split < 0:
            self.split = bisect.bisect_right(items, aged_before, key=_CREATED)
        end = len(items)
        if aged is True:
            end = self.split
        elif aged is False:
            i = max(i, self.split)
        while i < end:
            need = items[i]
            if need.available > EPSILON:
                yield need
            i += 1


class _Bucket:
    __slots__ = ("by_zone", "every")

    def __init__(self) -> None:
        self.by_zone: dict[str, _Cursor] = defaultdict(_Cursor)
        self.every = _Cursor()


class NeedIndex:
    """The open needs of one community and category, ready to be read in an offer's order."""

    def __init__(self, needs: Iterable[Side], now: float) -> None:
        # level -> item key -> unit dimension -> bucket
        self.buckets: dict[int, dict[str, dict[str, _Bucket]]] = {level: defaultdict(dict) for level in LEVELS}
        for need in sorted(needs, key=_AGE):
            if not need.open or not alive(need, now):
                continue
            keys = (GENERIC,) if need.generic else tuple(need.keys)
            for key in (ALL_ITEMS, *keys):
                by_dim = self.buckets[need.urgency][key]
                bucket = by_dim.get(need.dim)
                if bucket is None:
                    bucket = by_dim[need.dim] = _Bucket()
                bucket.every.items.append(need)
                if need.zone is not None:
                    bucket.by_zone[need.zone].items.append(need)

    def buckets_for(self, offer: Side, level: int) -> list[_Bucket]:
        """The buckets of one level `offer` may serve; a bucket found all filled is dropped."""
        by_key = self.buckets[level]
        found: list[_Bucket] = []
        for key in (ALL_ITEMS,) if offer.generic else (*offer.keys, GENERIC):
            by_dim = by_key.get(key)
            if by_dim is None:
                continue
            for dim in list(by_dim) if offer.quantity is None else (offer.dim, LOT):
                bucket = by_dim.get(dim)
                if bucket is None:
                    continue
                if bucket.every.exhausted():
                    del by_dim[dim]
                    if not by_dim:
                        del by_key[key]
                    continue
                found.append(bucket)
        return found


def _in_order(cursors: list[Iterator[Side]]) -> Iterator[Side]:
    """Needs from several cursors, oldest first, each once."""
    if len(cursors) == 1:  # one cursor lists each need once
        yield from cursors[0]
        return
    seen: set[int] = set()
    for need in heapq.merge(*cursors, key=_AGE):
        if need.id not in seen:
            seen.add(need.id)
            yield need


def _waiting(buckets: list[_Bucket], offer: Side, distance: int, policy: Policy, aged_before: float) -> Iterator[Side]:
    """The needs of one distance class in `buckets` that may take `offer`, oldest first."""
    zone = offer.zone
    if distance == SAME:
        cursors = [b.every.waiting(aged_before, True) for b in buckets if b.every.may_wait(aged_before, True)]
        if zone is not None:
            cursors += [c.waiting(aged_before) for b in buckets
                        if (c := b.by_zone.get(zone)) is not None and c.may_wait(aged_before)]
    elif distance == NEIGHBOUR:
        cursors = [c.waiting(aged_before, False) for b in buckets for z in policy.near(zone)
                   if (c := b.by_zone.get(z)) is not None and c.may_wait(aged_before, False)]
    else:
        cursors = [b.every.waiting(aged_before, False) for b in buckets if b.every.may_wait(aged_before, False)]
    return _in_order(cursors) if cursors else iter(())


def _give(offer: Side, needs: Iterator[Side], banned: set[tuple[int, int]], policy: Policy,
          fits: FitMemo) -> list[Allocation]:
    """Share `offer` out among `needs` (in order), a page at a time, until it runs dry.

    A page ends early once its first round would give everything away (`FirstRound`):
    the needs after it would get nothing, so they are not read.
    """
    made: list[Allocation] = []
    page: list[Side] = []
    author, offer_id = offer.author, offer.id
    first_round = FirstRound(offer, policy)
    fit_of, counts = fits.against(offer), first_round.add
    for need in needs:
        if need.author == author or (banned and (offer_id, need.id) in banned) or fit_of(need) is None:
            continue
        page.append(need)
        if counts(need) or len(page) == PAGE:
            made.extend(share_out(offer, page, policy))
            page = []
            first_round.restart()
            if offer.available <= EPSILON:
                return made
    if page:
        made.extend(share_out(offer, page, policy))
    return made


def match_board(
    offers: Iterable[Side], needs: Iterable[Side], policy: Policy, now: float,
    excluded: Iterable[tuple[int, int]] = (), fits: FitMemo | None = None,
) -> list[Allocation]:
    """New allocations for the open postings given (their `available` is updated).

    `fits` remembers which items fit; pass one to read the fits of the allocations after."""
    banned = set(excluded)
    fits = fits if fits is not None else FitMemo()
    aged_before = now - policy.aging_s
    offers_by_part: dict[tuple[str, str], list[Side]] = defaultdict(list)
    needs_by_part: dict[tuple[str, str], list[Side]] = defaultdict(list)
    for offer in offers:
        if offer.open and alive(offer, now):
            offers_by_part[(offer.community, offer.category)].append(offer)
    for need in needs:
        needs_by_part[(need.community, need.category)].append(need)
    allocations: list[Allocation] = []
    for part, part_offers in offers_by_part.items():
        part_needs = needs_by_part.get(part)
        if not part_needs:
            continue
        index = NeedIndex(part_needs, now)
        part_offers.sort(key=_AGE)
        for level in LEVELS:
            part_offers = [o for o in part_offers if o.available > EPSILON]  # those given out are done
            for offer in part_offers:
                if not index.buckets[level]:
                    break  # every need of this level is filled
                if offer.available <= EPSILON:
                    continue
                buckets = index.buckets_for(offer, level)
                if not buckets:
                    continue
                for distance in (SAME, NEIGHBOUR, ELSEWHERE):
                    if distance == NEIGHBOUR and not policy.near(offer.zone):
                        continue
                    allocations.extend(_give(offer, _waiting(buckets, offer, distance, policy, aged_before), banned, policy, fits))
                    if offer.available <= EPSILON:
                        break
    return allocations
