"""The matcher's store layer: open postings in, matches out, by the rules of `meshbot.board.matching`.

The decisions are made by pure functions over `Side` values (`matching.policy`,
`matching.board`); this module only reads the store into them and writes back what they
decide, inside the caller's transaction:

* `match_posting`: a new posting, matched at once against the index of open postings.
* `rematch`: postings whose goods came free again (a match lapsed, was withdrawn or
  rejected) are offered to the next in line.
* the periodic whole-board pass, which repairs whatever the one-at-a-time matching
  could not see, reads and writes in bulk: `meshbot.board.board_pass`.

The index (`MatchKey`, kept by `meshbot.board.match_index`) holds one row per item key of every
open posting with something left, with the columns the candidate queries filter and sort
on, so a new posting reads only the few candidates it can use, best first, however big the
board is.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, bindparam, func, insert, literal, or_, union_all
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from meshbot.board.match_index import (
    INDEX, KEYS, LIVE, MATCHES, OFFER_LEVEL, POSTINGS, SIDE_COLUMNS, WRITE_BATCH, Blinder, available_of, blinder,
    index_rows, live_matches, per_session, rebuild_index, record_available, session_vocabulary, side_of, side_of_row,
    sync, use_settings,
)
from meshbot.board.matching.board import ALL_ITEMS, GENERIC
from meshbot.board.matching.items import zone_of
from meshbot.board.matching.policy import (
    ELSEWHERE, LEVELS, NEIGHBOUR, SAME, Allocation, Policy, Side, item_fit, neighbour_map, share_out,
)
from meshbot.board.matching.units import LOT
from meshbot.settings import Settings
from store import Match, Posting
from store.models import ZoneLink

__all__ = [  # the index's names are used through this module too
    "INDEX", "KEYS", "LIVE", "MATCHES", "POSTINGS", "Blinder", "Proposal", "available_of", "blinder", "index_rows",
    "live_matches", "match_posting", "policy_for", "rebuild_index", "rematch", "side_of", "sync", "use_settings",
]

log = logging.getLogger(__name__)
PAGE = 32
"""Candidates read per query; more pages are read only while the new posting has something left."""
FEW_MATCHES = 8
"""Up to this many new matches are written one statement each, with RETURNING."""


@dataclass(frozen=True)
class Proposal:
    """A match just made, with its two postings (for the DMs)."""

    match: Match
    offer: Posting
    need: Posting


def policy_for(db: Session, settings: Settings) -> Policy:
    return per_session(db, "match.policy", lambda: _policy(db, settings))


def _policy(db: Session, settings: Settings) -> Policy:
    links = db.execute(core_select(ZoneLink.zone, ZoneLink.neighbour)).all()
    return Policy(
        share_parts=settings.match_share_parts,
        aging_s=settings.match_aging_hours * 3600.0,
        neighbours=neighbour_map((zone_of(a, settings) or a, zone_of(b, settings) or b) for a, b in links),
    )


# -- candidates, best first -----------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _candidate_part(lot: bool, part: str, paged: bool, key: str, tag: int) -> Select:  # type: ignore[type-arg]
    """One part of a candidate query, built once with bound parameters (it runs per posting).

    Each part reads one item key (the parameter named `key`) and one slice of distance in
    age order straight off an index, `LIMIT PAGE`, so its cost does not grow with the
    board: `zone` (the same zone), `aged` (waited past the aging time, anywhere), `near`
    (neighbouring zones), `rest` (anywhere else; `other` when the zone has no neighbours,
    `all` for a posting without a zone). `tag` comes back with each row, to tell the
    parts of a union apart.
    """
    where = [
        KEYS.community == bindparam("community"), KEYS.category == bindparam("category"),
        KEYS.kind == bindparam("kind"), KEYS.key == bindparam(key), KEYS.urgency == bindparam("level"),
        KEYS.author != bindparam("author"), or_(KEYS.expires.is_(None), KEYS.expires > bindparam("now")),
    ]
    if not lot:
        where.append(KEYS.dim.in_([bindparam("dim"), LOT]))  # its own measure, or none (a lot)
    if part == "zone":
        where.append(KEYS.zone == bindparam("zone"))
    elif part == "aged":
        where.append(KEYS.created <= bindparam("aged"))
    elif part == "near":
        where += [KEYS.zone.in_(bindparam("near", expanding=True)), KEYS.created > bindparam("aged")]
    elif part == "rest":
        where += [KEYS.created > bindparam("aged"),
                  or_(KEYS.zone.is_(None), KEYS.zone.not_in(bindparam("here", expanding=True)))]
    elif part == "other":  # "rest" for a zone without neighbours: a plain parameter, no list to expand
        where += [KEYS.created > bindparam("aged"), or_(KEYS.zone.is_(None), KEYS.zone != bindparam("zone"))]
    else:  # "all": `side` has no zone, so nobody is near it
        where.append(KEYS.created > bindparam("aged"))
    if paged:
        where.append(or_(KEYS.created > bindparam("after_created"),
                         and_(KEYS.created == bindparam("after_created"), KEYS.posting_id > bindparam("after_id"))))
    return (core_select(literal(tag).label("tag"), *SIDE_COLUMNS).where(*where)
            .order_by(KEYS.created, KEYS.posting_id).limit(PAGE))


@functools.lru_cache(maxsize=None)
def _candidate_query(lot: bool, parts: tuple[str, ...], keys: int, paged: bool) -> Select:  # type: ignore[type-arg]
    """Every part for every key (`key0`, `key1`...) in one statement: one round trip per
    page instead of one per part. Each part keeps its own ORDER BY and LIMIT inside a
    subquery, so each is still read straight off the index."""
    selects = [_candidate_part(lot, part, paged, f"key{k}", tag)
               for tag, (k, part) in enumerate((k, part) for k in range(keys) for part in parts)]
    if len(selects) == 1:
        return selects[0]
    return union_all(*(core_select(s.subquery()) for s in selects))  # type: ignore[return-value]


_PARTS = {SAME: ("zone", "aged"), NEIGHBOUR: ("near",), ELSEWHERE: ("rest",)}


def _candidates(
    db: Session, side: Side, policy: Policy, now: float, level: int | None, distance: int,
    after: tuple[float, int] | None,
) -> tuple[list[Side], tuple[float, int] | None]:
    """One page of the other kind's open postings that fit `side`, oldest first, within one
    urgency level (for needs) and one distance class; and where the next page starts."""
    near = sorted(policy.near(side.zone))
    parts = [p for p in _PARTS[distance] if (p != "zone" or side.zone) and (p != "near" or near)]
    if not side.zone or not near:
        parts = [("other" if side.zone else "all") if p == "rest" else p for p in parts]
    if not parts:
        return [], None
    keys = (ALL_ITEMS,) if side.generic else (*sorted(side.keys), GENERIC)
    params: dict[str, object] = {
        "community": side.community, "category": side.category, "author": side.author, "now": now,
        "kind": "need" if side.kind == "offer" else "offer", "aged": now - policy.aging_s,
        "dim": side.dim, "level": OFFER_LEVEL if level is None else level, "zone": side.zone,
        "near": near, "here": [side.zone, *near], **{f"key{k}": key for k, key in enumerate(keys)},
    }
    if after is not None:
        params["after_created"], params["after_id"] = after
    rows = db.execute(_candidate_query(side.lot, tuple(parts), len(keys), after is not None), params).all()
    per_part = Counter(row[0] for row in rows)
    more = any(count == PAGE for count in per_part.values())
    rows.sort(key=lambda r: (r[12], r[1]))
    page: list[Side] = []
    for row in rows:
        if not page or page[-1].id != row[1]:
            if len(page) == PAGE:
                more = True
                break
            page.append(side_of_row(row[1:]))
    return page, ((page[-1].created, page[-1].id) if more and page else None)


def _saturate(
    db: Session, side: Side, policy: Policy, now: float, banned: set[int],
) -> tuple[list[Allocation], dict[int, Side]]:
    """Promise `side` to (or fill it from) the best candidates until nothing is left or none fit."""
    allocations: list[Allocation] = []
    partners: dict[int, Side] = {}
    levels: Iterable[int | None] = LEVELS if side.kind == "offer" else (None,)
    for level in levels:
        for distance in (SAME, NEIGHBOUR, ELSEWHERE):
            after: tuple[float, int] | None = None
            while side.open:
                page, after = _candidates(db, side, policy, now, level, distance, after)
                page = [c for c in page if c.id not in banned
                        and (item_fit(side, c) if side.kind == "offer" else item_fit(c, side)) is not None]
                if side.kind == "offer":
                    made = share_out(side, page, policy)
                else:
                    made = [a for offer in page if side.open for a in share_out(offer, [side], policy)]
                allocations.extend(made)
                partners.update((c.id, c) for c in page)
                if after is None:
                    break
            if not side.open:
                return allocations, partners
    return allocations, partners


def _banned_partners(db: Session, posting_id: int, kind: str) -> set[int]:
    """Those `posting_id` was matched with before and that ended badly: never proposed again."""
    mine, theirs = (Match.offer_id, Match.need_id) if kind == "offer" else (Match.need_id, Match.offer_id)
    rows = db.execute(core_select(theirs).where(
        mine == posting_id, col(Match.status) == "cancelled", col(theirs).is_not(None))).scalars()
    return set(rows)


def _insert_matches(db: Session, rows: list[dict[str, object]]) -> list[Match]:
    """Insert the rows and return them as Match objects, in order.

    SQLite gives each new row the next rowid, and this transaction holds the write lock,
    so one plain multi-row insert and one read back by id is enough for many rows
    (RETURNING, which SQLite answers row by row, is many times slower on the whole-board
    pass). A posting's own few matches, and other databases, use RETURNING.
    """
    if db.get_bind().dialect.name != "sqlite" or len(rows) <= FEW_MATCHES:
        return [m for start in range(0, len(rows), WRITE_BATCH)
                for m in db.scalars(insert(Match).returning(Match, sort_by_parameter_order=True),
                                    rows[start:start + WRITE_BATCH])]
    before = db.execute(core_select(func.max(MATCHES.c.id))).scalar() or 0
    db.execute(insert(MATCHES), rows)
    matches = list(db.exec(select(Match).where(col(Match.id) > before).order_by(col(Match.id))))
    assert len(matches) == len(rows), "the new matches are not the rows just written"
    return matches


def _write(
    db: Session, allocations: Sequence[Allocation], sides: dict[int, Side], now: float, settings: Settings,
) -> list[Proposal]:
    """The Match rows for `allocations`, and the changed availability of every side touched."""
    lapse_s = settings.match_lapse_hours * 3600.0
    rows = []
    for a in allocations:
        found = item_fit(sides[a.offer_id], sides[a.need_id])
        score, reason = (found.score, found.reason) if found else (None, None)
        held = settings.match_approval or reason == "category" or (score or 0.0) < settings.match_min_score
        rows.append({
            "offer_id": a.offer_id, "need_id": a.need_id, "quantity": a.offer_amount, "need_quantity": a.need_amount,
            "created": now, "held": held, "expires": None if held else now + lapse_s, "status": LIVE,
            "fit_score": score, "fit_reason": reason,
        })
    db.flush()
    matches = _insert_matches(db, rows)
    touched = {a.offer_id for a in allocations} | {a.need_id for a in allocations}
    record_available(db, [sides[i] for i in touched], now)
    postings: dict[int, Posting] = {}
    ids = sorted(touched)
    for start in range(0, len(ids), 500):  # the postings, for the DMs, in a few queries
        batch = db.exec(select(Posting).where(col(Posting.id).in_(ids[start:start + 500])))
        postings.update((p.id, p) for p in batch)  # type: ignore[misc]
    return [Proposal(m, postings[m.offer_id], postings[m.need_id]) for m in matches]  # type: ignore[index]


# -- the three entry points -------------------------------------------------------------------


def match_posting(db: Session, posting: Posting, now: float, settings: Settings) -> list[Proposal]:
    """Index a new posting and match it at once with the best open postings of the other kind."""
    use_settings(db, settings)
    blind = blinder(db)
    side = side_of(posting, 1.0 if posting.quantity is None else posting.quantity, blind, session_vocabulary(db), settings)
    with db.no_autoflush:
        allocations, partners = _saturate(db, side, policy_for(db, settings), now, banned=set())
        if side.open:
            db.execute(insert(INDEX), index_rows(side, blind.marker))
        if not allocations:
            return []
        return _write(db, allocations, {side.id: side, **partners}, now, settings)


def rematch(db: Session, postings: Iterable[Posting], now: float, settings: Settings) -> list[Proposal]:
    """Postings whose goods came free again: recount them and offer them to the next in line
    (offers first, so goods go on to the next need), never to a partner that fell through."""
    use_settings(db, settings)
    blind = blinder(db)
    policy = policy_for(db, settings)
    proposals: list[Proposal] = []
    for posting in sorted(postings, key=lambda p: (p.kind != "offer", p.id)):
        side = sync(db, posting, now, blind)
        if not side.open or (posting.expires is not None and posting.expires <= now):
            continue
        allocations, partners = _saturate(db, side, policy, now, _banned_partners(db, side.id, side.kind))
        if allocations:
            proposals.extend(_write(db, allocations, {side.id: side, **partners}, now, settings))
    return proposals
