"""The index of open postings the matcher reads, kept in step with the postings.

`MatchKey` holds one row per item key of every open posting with something left, with the
columns the candidate queries filter and sort on (`meshbot.board.matcher`). This module says what
a posting has left (`available_of`), what the matcher sees of it (`side_of`), and writes its
rows: one posting at a time (`sync`), after promises (`record_available`), or all of them
(`rebuild_index`). Item keys are keyed hashes once the database is encrypted (`Blinder`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from meshbot.inbound.identity import station_keys
from meshbot.board.matching.board import ALL_ITEMS, GENERIC
from meshbot.board.matching.items import blind_identity, decode, encode, index_keys, signature, vocabulary, zone_of
from meshbot.board.matching.policy import URGENCY_LEVELS, Side
from meshbot.board.matching.units import EPSILON
from meshbot.settings import Settings
from protocol.items import Vocabulary, identify
from store import Match, Posting
from store.models import MatchKey

T = TypeVar("T")
LIVE = "proposed"
WRITE_BATCH = 500
KEYS_VERSION = "i3"
"""How index keys are made (item identity, with its kinds since i2): an index made another way is rebuilt."""
OFFER_LEVEL = 2
"""Offers have no urgency level in the index (only needs are served by level)."""
INDEX = MatchKey.__table__  # type: ignore[attr-defined]
KEYS = INDEX.c
POSTINGS = Posting.__table__  # type: ignore[attr-defined]
MATCHES = Match.__table__  # type: ignore[attr-defined]
"""Tables, not entities, in the writes below: plain SQL, without the ORM's bookkeeping."""
SIDE_COLUMNS = (
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


def per_session(db: Session, name: str, make: Callable[[], T]) -> T:
    """`make()` once per session: a burst of postings shares one transaction, and the
    station's keys and the zone map are changed only by the committee's own commands."""
    if name not in db.info:
        db.info[name] = make()
    return db.info[name]  # type: ignore[no-any-return]


def blinder(db: Session) -> Blinder:
    return per_session(db, "match.blinder", lambda: _blinder(db))


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


def session_vocabulary(db: Session) -> Vocabulary:
    return vocabulary(db.info.get("match.settings"))


Blind = Callable[[str], str]


# -- what is left of a posting ------------------------------------------------------------


def live_matches(db: Session, posting: Posting) -> list[Match]:
    column = Match.offer_id if posting.kind == "offer" else Match.need_id
    return list(db.exec(select(Match).where(column == posting.id, Match.status == LIVE)).all())


def available_of(db: Session, posting: Posting) -> float:
    """What `posting` has left to give or get and not yet promised (1/0 for a lot)."""
    if posting.status not in ("open", "matched"):
        return 0.0
    amounts = [m.quantity if posting.kind == "offer" else m.need_quantity for m in live_matches(db, posting)]
    return left_after(posting, amounts)


def promises(db: Session) -> dict[int, list[float | None]]:
    """Posting id -> what its live matches promise of it (None: taken whole), read in one go:
    for the whole board at once, where `available_of` would ask once per posting."""
    promised: dict[int, list[float | None]] = {}
    for offer_id, need_id, quantity, need_quantity in db.execute(core_select(
            MATCHES.c.offer_id, MATCHES.c.need_id, MATCHES.c.quantity, MATCHES.c.need_quantity,
    ).where(MATCHES.c.status == LIVE)):
        if offer_id is not None:
            promised.setdefault(offer_id, []).append(quantity)
        if need_id is not None:
            promised.setdefault(need_id, []).append(need_quantity)
    return promised


def left_after(posting: Posting, promised: Sequence[float | None]) -> float:
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


def side_of_row(row: Sequence) -> Side:  # type: ignore[type-arg]
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


def record_available(db: Session, sides: Iterable[Side], now: float) -> None:
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
    side = side_of(posting, available if posting.status == "open" else 0.0, blind, session_vocabulary(db), settings)
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
    vocab = session_vocabulary(db)
    db.execute(delete(INDEX))
    promised = promises(db)
    blind = blinder(db)
    rows: list[dict[str, object]] = []
    count = 0
    for posting in db.exec(select(Posting).where(col(Posting.status).in_(("open", "matched")))):
        left = left_after(posting, promised.get(posting.id, []))  # type: ignore[arg-type]
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
