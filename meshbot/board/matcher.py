"""The matcher's store layer: open postings in, matches out, by the rules of `meshbot.board.matching`.

The decisions are made by pure functions over `Side` values (`matching.policy`,
`matching.board`); this module only reads the store into them and writes back what they
decide, inside the caller's transaction:

* `match_posting`: a new posting, matched at once against the index of open postings.
* `rematch`: postings whose goods came free again (a match lapsed, was withdrawn or
  rejected) are offered to the next in line.
* the periodic whole-board pass, which repairs whatever the one-at-a-time matching
  could not see, reads and writes in bulk: `meshbot.board.board_pass`.

The index (`MatchKey`) holds one row per item key of every open posting with something
left, with the columns the candidate queries filter and sort on, so a new posting reads
only the few candidates it can use, best first, however big the board is.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, and_, bindparam, delete, func, insert, literal, or_, union_all, update
from sqlalchemy import select as core_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from meshbot.inbound.identity import station_keys
from meshbot.board.matching.board import ALL_ITEMS, GENERIC
from meshbot.board.matching.items import blind_identity, decode, encode, index_keys, signature, vocabulary, zone_of
from meshbot.board.matching.policy import (
    ELSEWHERE, LEVELS, NEIGHBOUR, SAME, URGENCY_LEVELS, Allocation, Policy, Side, item_fit, neighbour_map, share_out,
)
from meshbot.board.matching.units import EPSILON, LOT
from meshbot.settings import Settings
from store import Match, Posting
from protocol.items import Identity, Vocabulary, identify
from store.models import MatchKey, ZoneLink

log = logging.getLogger(__name__)
T = TypeVar("T")
PAGE = 32
"""Candidates read per query; more pages are read only while the new posting has something left."""
LIVE = "proposed"
WRITE_BATCH = 500
FEW_MATCHES = 8
"""Up to this many new matches are written one statement each, with RETURNING."""
KEYS_VERSION = "i2"
"""How index keys are made (item identity, with its kinds since i2): an index made another way is rebuilt."""
OFFER_LEVEL = 2
"""Offers have no urgency level in the index (only needs are served by level)."""
INDEX = MatchKey.__table__  # type: ignore[attr-defined]
KEYS = INDEX.c
POSTINGS = Posting.__table__  # type: ignore[attr-defined]
MATCHES = Match.__table__  # type: ignore[attr-defined]
"""Tables, not entities, in the writes below: plain SQL, without the ORM's bookkeeping."""
_SIDE_COLUMNS = (
    KEYS.posting_id, KEYS.kind, KEYS.author, KEYS.community, KEYS.category, KEYS["keys"], KEYS.unit,
    KEYS.quantity, KEYS.available, KEYS.urgency, KEYS.zone, KEYS.created, KEYS.expires,
)


@dataclass(frozen=True)
class Blinder:
    """Item keys as stored in the index: keyed hashes once the database is encrypted, so
    the index does not give away the items the `posting` table keeps sealed. `marker`
    names the key (empty: plain words), so an index built another way is noticed."""

    secret: bytes | None = None
    words: str = ""
    """The committee's item words (`matching.items.signature`): keys made with others are stale."""

    @property
    def marker(self) -> str:
        keyed = "" if self.secret is None else hmac.new(self.secret, b"marker", hashlib.sha256).hexdigest()[:8]
        return f"{keyed}+{KEYS_VERSION}{self.words}"

    def __call__(self, word: str) -> str:
        if self.secret is None:
            return word
        return hmac.new(self.secret, word.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def _per_session(db: Session, name: str, make: Callable[[], T]) -> T:
    """`make()` once per session: a burst of postings shares one transaction, and the
    station's keys and the zone map are changed only by the committee's own commands."""
    if name not in db.info:
        db.info[name] = make()
    return db.info[name]  # type: ignore[no-any-return]


def blinder(db: Session) -> Blinder:
    return _per_session(db, "match.blinder", lambda: _blinder(db))


def _blinder(db: Session) -> Blinder:
    keys = station_keys(db)
    words = signature(db.info.get("match.settings"))
    if keys is None:
        return Blinder(words=words)
    return Blinder(hmac.new(keys.audit, b"meshbot match keys", hashlib.sha256).digest(), words)


def use_settings(db: Session, settings: Settings) -> None:
    """The settings this session's matching reads its item words and zone names from
    (set by every entry point that is given them; `sync` alone uses what was set)."""
    if db.info.get("match.settings") is not settings:
        db.info["match.settings"] = settings
        db.info.pop("match.blinder", None)
        db.info.pop("match.policy", None)


def _vocabulary(db: Session) -> Vocabulary:
    return vocabulary(db.info.get("match.settings"))


Blind = Callable[[str], str]


@dataclass(frozen=True)
class Proposal:
    """A match just made, with its two postings (for the DMs)."""

    match: Match
    offer: Posting
    need: Posting


def policy_for(db: Session, settings: Settings) -> Policy:
    return _per_session(db, "match.policy", lambda: _policy(db, settings))


def _policy(db: Session, settings: Settings) -> Policy:
    links = db.execute(core_select(ZoneLink.zone, ZoneLink.neighbour)).all()
    return Policy(
        share_parts=settings.match_share_parts,
        aging_s=settings.match_aging_hours * 3600.0,
        neighbours=neighbour_map((zone_of(a, settings) or a, zone_of(b, settings) or b) for a, b in links),
    )


# -- what is left of a posting ------------------------------------------------------------


def live_matches(db: Session, posting: Posting) -> list[Match]:
    column = Match.offer_id if posting.kind == "offer" else Match.need_id
    return list(db.exec(select(Match).where(column == posting.id, Match.status == LIVE)).all())


def available_of(db: Session, posting: Posting) -> float:
    """What `posting` has left to give or get and not yet promised (1/0 for a lot)."""
    if posting.status not in ("open", "matched"):
        return 0.0
    amounts = [m.quantity if posting.kind == "offer" else m.need_quantity for m in live_matches(db, posting)]
    return _left(posting, amounts)


def _left(posting: Posting, promised: Sequence[float | None]) -> float:
    """What is left of `posting` after the promises of its live matches (None: all of it)."""
    if posting.quantity is None:
        return 0.0 if promised else 1.0
    if any(q is None for q in promised):  # taken whole (TAKE o12)
        return 0.0
    remaining = posting.remaining if posting.remaining is not None else posting.quantity
    return max(0.0, remaining - sum(q for q in promised if q is not None))


def side_of(posting: Posting, available: float, blind: Blind, vocab: Vocabulary | None = None,
            settings: Settings | None = None) -> Side:
    """`posting` as the matcher sees it; its item's identity as the index keeps it (`blind`)."""
    assert posting.id is not None
    ident = blind_identity(identify(posting.item, vocab or vocabulary(settings), posting.window), blind)
    return Side(
        id=posting.id, kind=posting.kind, author=posting.author, community=posting.community,
        category=posting.category, keys=index_keys(ident), generic=ident.concept is None, unit=posting.unit, quantity=posting.quantity, available=available,
        urgency=URGENCY_LEVELS.get(posting.urgency, 2), zone=zone_of(posting.zone, settings), created=posting.created,
        expires=posting.expires, ident=ident,
    )


def _side_of_row(row: Sequence) -> Side:  # type: ignore[type-arg]
    (posting_id, kind, author, community, category, keys, unit, quantity, available, urgency, zone,
     created, expires) = row
    ident = decode(keys)
    return Side(
        id=posting_id, kind=kind, author=author, community=community, category=category,
        keys=index_keys(ident), generic=ident.concept is None,
        unit=unit, quantity=quantity, available=available, urgency=urgency, zone=zone, created=created,
        expires=expires, ident=ident,
    )


# -- the index --------------------------------------------------------------------------------


def index_rows(side: Side, marker: str | None = None) -> list[dict[str, object]]:
    """The index rows of `side`; `marker` says how its keys were made (default: plain words)."""
    marker = Blinder().marker if marker is None else marker
    shared = {
        "blind": marker,
        "posting_id": side.id, "kind": side.kind, "community": side.community, "category": side.category,
        "urgency": side.urgency if side.kind == "need" else OFFER_LEVEL, "zone": side.zone,
        "created": side.created, "expires": side.expires,
        "author": side.author, "unit": side.unit, "dim": side.dim, "quantity": side.quantity,
        "available": side.available,
        "keys": encode(side.ident) if side.ident else GENERIC if side.generic else " ".join(sorted(side.keys)),
    }
    words = (GENERIC,) if side.generic else tuple(sorted(side.keys))
    return [{**shared, "key": key} for key in (ALL_ITEMS, *words)]


def _index(db: Session, side: Side, marker: str) -> None:
    db.execute(delete(INDEX).where(KEYS.posting_id == side.id))
    if side.open:
        db.execute(insert(INDEX), index_rows(side, marker))


_SET_AVAILABLE = update(INDEX).where(KEYS.posting_id == bindparam("pid")).values(available=bindparam("left"))
_UNINDEX = delete(INDEX).where(KEYS.posting_id.in_(bindparam("ids", expanding=True)))
_ALL_PROMISED = (
    update(POSTINGS)
    .where(POSTINGS.c.id.in_(bindparam("ids", expanding=True)), POSTINGS.c.status == "open")
    .values(status="matched", updated=bindparam("now"))
)


def _record_available(db: Session, sides: Iterable[Side], now: float) -> None:
    """After promising some of `sides`: their index rows, and `matched` for those with nothing left."""
    left = [{"pid": s.id, "left": s.available} for s in sides if s.open]
    spent = [s.id for s in sides if not s.open]
    if left:
        db.execute(_SET_AVAILABLE, left)
    if not spent:
        return
    for start in range(0, len(spent), WRITE_BATCH):  # SQLite builds may allow as few as 32,766 parameters
        db.execute(_UNINDEX, {"ids": spent[start:start + WRITE_BATCH]})
        db.execute(_ALL_PROMISED, {"ids": spent[start:start + WRITE_BATCH], "now": now})
    for posting_id in spent:  # keep rows already loaded in step, without a flush
        loaded = db.identity_map.get(db.identity_key(Posting, posting_id))
        if isinstance(loaded, Posting) and loaded.status == "open":
            set_committed_value(loaded, "status", "matched")
            set_committed_value(loaded, "updated", now)


def sync(db: Session, posting: Posting, now: float, blind: Blinder | None = None) -> Side:
    """Recompute what `posting` has left from its matches; set its status and its index rows.

    `open` while something is left, `matched` while all of it is promised, `done` once
    all of it was handed over.
    """
    available = available_of(db, posting)
    if posting.status in ("open", "matched"):
        remaining = posting.remaining if posting.remaining is not None else posting.quantity
        if available > EPSILON:
            status = "open"
        elif live_matches(db, posting) or posting.quantity is None or (remaining or 0.0) > EPSILON:
            status = "matched"
        else:
            status = "done"
        if status != posting.status:
            posting.status, posting.updated = status, now
            db.add(posting)
    blind = blind or blinder(db)
    settings = db.info.get("match.settings")
    side = side_of(posting, available if posting.status == "open" else 0.0, blind, _vocabulary(db), settings)
    db.flush()
    _index(db, side, blind.marker)
    return side


def rebuild_index(db: Session, now: float, settings: Settings | None = None) -> int:
    """Rebuild the index from the postings and their live matches, in a few queries
    (after a restore, an upgrade, turning encryption on, or new item words); returns the
    open postings."""
    if settings is not None:
        use_settings(db, settings)
    settings = db.info.get("match.settings")
    vocab = _vocabulary(db)
    db.execute(delete(INDEX))
    promised: dict[int, list[float | None]] = {}
    for offer_id, need_id, quantity, need_quantity in db.execute(core_select(
            MATCHES.c.offer_id, MATCHES.c.need_id, MATCHES.c.quantity, MATCHES.c.need_quantity,
    ).where(MATCHES.c.status == LIVE)):
        if offer_id is not None:
            promised.setdefault(offer_id, []).append(quantity)
        if need_id is not None:
            promised.setdefault(need_id, []).append(need_quantity)
    blind = blinder(db)
    rows: list[dict[str, object]] = []
    count = 0
    for posting in db.exec(select(Posting).where(col(Posting.status).in_(("open", "matched")))):
        left = _left(posting, promised.get(posting.id, []))  # type: ignore[arg-type]
        status = "open" if left > EPSILON else "matched"
        if status != posting.status:
            posting.status, posting.updated = status, now
            db.add(posting)
        if left > EPSILON:
            rows.extend(index_rows(side_of(posting, left, blind, vocab, settings), blind.marker))
            count += 1
    for start in range(0, len(rows), 10_000):
        db.execute(insert(INDEX), rows[start:start + 10_000])
    return count


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
    return (core_select(literal(tag).label("tag"), *_SIDE_COLUMNS).where(*where)
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
            page.append(_side_of_row(row[1:]))
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
    _record_available(db, [sides[i] for i in touched], now)
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
    side = side_of(posting, 1.0 if posting.quantity is None else posting.quantity, blind, _vocabulary(db), settings)
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
