"""The whole-board pass (every open need against every open offer), read and written in bulk.

The daemon runs it every `rematch_minutes` (`chores.MatchChores`), the committee with
`meshbot match run`. On a board nobody matched yet (a restore, an import) it makes a
match for most postings at once, so its reads and writes are plain statements over
columns, never ORM objects:

* read: one scan of the index's all-items rows into `Side` values;
* decide: `matching.board.match_board`, the same rules as one-at-a-time matching;
* write: the Match rows in one `executemany`; the index rows of postings with nothing
  left are dropped, the others get their new `available`; those postings become
  `matched`. When most of the board is spent, SQLite keeps the rest of the index in a
  temporary table, empties the index and puts the rest back, with the index's own
  indexes made again after: emptying a table is one step, and sorting an index once is
  cheaper than inserting into it row by row, while deleting a row at a time also
  rewrites two secondary indexes per row. For the same reason the Match rows, and the
  postings becoming `matched`, are written with their tables' indexes (those on
  `status`, for postings) made again after, when they are a quarter of the table or more.

It returns `NewMatch` values (ids only); `proposals_of` loads what the DMs need.
"""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import bindparam, delete, func, insert, or_, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Connection
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from meshbot.board.matcher import (
    INDEX, KEYS, LIVE, MATCHES, POSTINGS, Proposal, blinder, policy_for, rebuild_index, use_settings,
)
from meshbot.board.matching.board import ALL_ITEMS, match_board
from meshbot.board.matching.items import decode, index_keys
from meshbot.board.matching.policy import Allocation, FitMemo, Side
from meshbot.board.matching.units import EPSILON
from meshbot.settings import Settings
from protocol.items import Fit, Identity
from store import Match, Posting

log = logging.getLogger(__name__)
BATCH = 500
"""Ids per IN list: SQLite builds may allow as few as 32,766 parameters, other servers fewer."""
REBUILD_SHARE = 0.25
"""Drop the spent rows by rebuilding the index once they are this share of it, or more."""
_COLUMNS = (
    KEYS.posting_id, KEYS.kind, KEYS.author, KEYS.community, KEYS.category, KEYS["keys"], KEYS.unit,
    KEYS.quantity, KEYS.available, KEYS.urgency, KEYS.zone, KEYS.created, KEYS.expires,
)
_AMOUNTS = attrgetter("offer_id", "need_id", "offer_amount", "need_amount")
"""An allocation's first four Match columns, as a tuple (a C function: it runs per match)."""
_SET_AVAILABLE = update(INDEX).where(KEYS.posting_id == bindparam("pid")).values(available=bindparam("left"))
_UNINDEX_ONE = delete(INDEX).where(KEYS.posting_id == bindparam("pid"))
_MATCHED = (
    update(POSTINGS).where(POSTINGS.c.id == bindparam("pid"), POSTINGS.c.status == "open")
    .values(status="matched", updated=bindparam("now"))
)


class NewMatch(NamedTuple):
    """A match the pass made: its id and its two postings (`held`: waiting for the committee)."""

    id: int
    offer_id: int
    need_id: int
    held: bool


def open_sides(db: Session, now: float) -> tuple[list[Side], list[Side]]:
    """Every open posting with something left, from the index: (offers, needs).

    Rows are read as they come (no list of 200,000 tuples) from the driver's own cursor
    (no per-row wrapping on the way), and a board's repeated key lists (item identities)
    are read once."""
    statement = core_select(*_COLUMNS).where(
        KEYS.key == ALL_ITEMS, KEYS.available > EPSILON, or_(KEYS.expires.is_(None), KEYS.expires > now))
    conn = db.connection()
    sql = str(statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    result = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    result.execute(sql)
    offers: list[Side] = []
    needs: list[Side] = []
    idents: dict[str, tuple[Identity, frozenset[str]]] = {}
    for (posting_id, kind, author, community, category, keys, unit, quantity, available, urgency, zone,
         created, expires) in result:
        found = idents.get(keys)
        if found is None:
            ident = decode(keys)
            found = idents[keys] = (ident, index_keys(ident))
        ident, key_set = found
        (offers if kind == "offer" else needs).append(Side(
            posting_id, kind, author, community, category, key_set, ident.concept is None, unit, quantity,
            available, urgency, zone, created, expires, ident))
    return offers, needs


def index_in_step(db: Session) -> bool:
    """Does the index list exactly the open postings, with keys made the current way?
    (Cheap: two counts and one scan, before a whole-board pass.)"""
    open_count = db.execute(core_select(func.count()).select_from(POSTINGS).where(POSTINGS.c.status == "open")).scalar_one()
    indexed = db.execute(core_select(func.count()).select_from(INDEX).where(KEYS.key == ALL_ITEMS)).scalar_one()
    other_keys = db.execute(core_select(KEYS.posting_id).where(KEYS.blind != blinder(db).marker).limit(1)).first()
    return open_count == indexed and other_keys is None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the pass, and back on after.

    The pass makes a few hundred thousand objects (sides, allocations, rows) that all live
    until it ends and hold no cycles; each collection would walk all of them again, which
    was a sixth of the pass's time on a 200,000-posting board, and finds nothing."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def rematch_board(db: Session, now: float, settings: Settings) -> list[NewMatch]:
    """The whole-board pass: every open need against every open offer (`matching.board`)."""
    with _collector_paused():
        return _rematch_board(db, now, settings)


def _rematch_board(db: Session, now: float, settings: Settings) -> list[NewMatch]:
    use_settings(db, settings)
    if not index_in_step(db):
        log.warning("the match index was out of step with the board; rebuilding it")
        rebuild_index(db, now)
    offers, needs = open_sides(db, now)
    if not offers or not needs:
        return []
    indexed = len(offers) + len(needs)
    banned = db.connection().execute(
        core_select(MATCHES.c.offer_id, MATCHES.c.need_id).where(
            MATCHES.c.status == "cancelled", MATCHES.c.offer_id.is_not(None), MATCHES.c.need_id.is_not(None))
    ).all()
    sides = {s.id: s for s in (*offers, *needs)}
    fits = FitMemo()
    allocations = match_board(offers, needs, policy_for(db, settings), now, ((o, n) for o, n in banned), fits)
    del offers, needs
    if not allocations:
        return []
    allocations.sort(key=attrgetter("offer_id", "need_id"))  # written in key order: the indexes grow in order
    log.info("whole-board pass: %d new matches", len(allocations))
    db.flush()
    made = _insert(db.connection(), allocations, sides, fits, now, settings)
    touched = [sides[i] for i in sorted({a.offer_id for a in allocations} | {a.need_id for a in allocations})]
    spent = [s.id for s in touched if s.available <= EPSILON]
    _set_available(db.connection(), [s for s in touched if s.available > EPSILON])
    _spend(db, spent, now, rebuild=len(spent) >= REBUILD_SHARE * indexed)
    return made


def _set_available(conn: Connection, sides: Sequence[Side]) -> None:
    """The index rows of postings with something left get what is left (SQLite: plain tuples)."""
    if not sides:
        return
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("UPDATE matchkey SET available = ? WHERE posting_id = ?",
                             [(s.available, s.id) for s in sides])
    else:
        conn.execute(_SET_AVAILABLE, [{"pid": s.id, "left": s.available} for s in sides])


def _insert(conn: Connection, allocations: Sequence[Allocation], sides: dict[int, Side], fits: FitMemo,
            now: float, settings: Settings) -> list[NewMatch]:
    """One Match row per allocation, in order, by `executemany`; their ids back.

    Each carries how sure the matcher is that both name the same thing (`item_fit`, as the pass found it); one
    below `match_min_score`, or of the same category only, is held for the committee.
    SQLite numbers new rows on from the largest id, and this transaction holds the write
    lock, so the ids are the next ones (checked). Other databases say them (RETURNING)."""
    lapse_s = settings.match_lapse_hours * 3600.0
    # (created, held, expires, status, fit_score, fit_reason): a few distinct fits on a whole board, each judged once
    verdicts: dict[Fit | None, tuple[float, bool, float | None, str, float | None, str | None]] = {}
    rows = []
    for a in allocations:
        found = fits(sides[a.offer_id], sides[a.need_id])
        verdict = verdicts.get(found)
        if verdict is None:
            score, reason = (found.score, found.reason) if found else (None, None)
            held = settings.match_approval or reason == "category" or (score or 0.0) < settings.match_min_score
            verdict = verdicts[found] = (now, held, None if held else now + lapse_s, LIVE, score, reason)
        rows.append(_AMOUNTS(a) + verdict)
    if conn.dialect.name == "sqlite":  # plain tuples straight to the driver: no per-row work on our side
        before = conn.execute(core_select(func.max(MATCHES.c.id))).scalar() or 0
        existing = conn.exec_driver_sql('SELECT count(*) FROM "match"').scalar_one()
        with _indexes_made_after(conn, "match", sort_once=len(rows) >= REBUILD_SHARE * (existing + len(rows))):
            conn.exec_driver_sql(
                "INSERT INTO \"match\" (offer_id, need_id, quantity, need_quantity, created, held, expires, status,"
                " fit_score, fit_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        last = conn.execute(core_select(func.max(MATCHES.c.id))).scalar()
        assert last == before + len(rows), "the new matches did not get the next ids"
        ids: Iterable[int] = range(before + 1, before + 1 + len(rows))
    else:
        names = ("offer_id", "need_id", "quantity", "need_quantity", "created", "held", "expires", "status",
                 "fit_score", "fit_reason")
        statement = insert(MATCHES).returning(MATCHES.c.id, sort_by_parameter_order=True)
        ids = [row[0] for start in range(0, len(rows), BATCH)
               for row in conn.execute(statement, [dict(zip(names, r)) for r in rows[start:start + BATCH]])]
    return [NewMatch(i, a.offer_id, a.need_id, row[5]) for i, a, row in zip(ids, allocations, rows)]


def _spend(db: Session, spent: list[int], now: float, rebuild: bool) -> None:
    """Postings with nothing left leave the index and become `matched`."""
    if not spent:
        return
    conn = db.connection()
    if rebuild and conn.dialect.name == "sqlite" and not _index_has_foreign_key(conn):
        _drop_by_rebuilding(conn, spent, now)
    else:
        conn.execute(_UNINDEX_ONE, [{"pid": i} for i in spent])
        conn.execute(_MATCHED, [{"pid": i, "now": now} for i in spent])
    spent_set = set(spent)
    for loaded in list(db.identity_map.values()):  # keep rows already loaded in step, without a flush
        if isinstance(loaded, Posting) and loaded.id in spent_set and loaded.status == "open":
            set_committed_value(loaded, "status", "matched")
            set_committed_value(loaded, "updated", now)


def _index_has_foreign_key(conn: Connection) -> bool:
    """Databases made before the index lost its foreign key: SQLite then checks the key for
    every row deleted, and cannot empty the table in one step."""
    return bool(conn.exec_driver_sql("PRAGMA foreign_key_list(matchkey)").first())


@contextmanager
def _indexes_made_after(conn: Connection, table: str, sort_once: bool, column: str | None = None) -> Iterator[None]:
    """SQLite: while the block writes many rows of `table`, its secondary indexes (those on
    `column`, or all) are dropped, then made again from their own definitions.

    Sorting an index once costs less than changing it a row at a time when the rows
    written are a good share of the table (`sort_once`), but more when they are few:
    the whole table is read to make it again. All inside the caller's transaction."""
    if not sort_once:
        yield
        return
    indexes = [
        (name, definition) for name, definition in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,))
        if column is None or any(info[2] == column for info in conn.exec_driver_sql(f'PRAGMA index_info("{name}")'))
    ]
    for name, _ in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, definition in indexes:
        conn.exec_driver_sql(definition)


def _drop_by_rebuilding(conn: Connection, spent: list[int], now: float) -> None:
    """Keep the index rows of postings with something left aside, empty the index, put them back.

    The index's secondary indexes are dropped while the rows go back and made again after
    (from their own definitions): SQLite then sorts each once instead of inserting into it
    row by row, which was most of this step's time."""
    indexes = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'matchkey' AND sql IS NOT NULL").all()
    conn.exec_driver_sql("CREATE TEMP TABLE board_pass_spent (id INTEGER PRIMARY KEY)")
    try:
        # one JSON array read by SQLite itself: no statement run per id
        conn.exec_driver_sql("INSERT INTO board_pass_spent (id) SELECT value FROM json_each(?)", (json.dumps(spent),))
        conn.exec_driver_sql(
            "CREATE TEMP TABLE board_pass_keep AS SELECT * FROM matchkey"
            " WHERE posting_id NOT IN (SELECT id FROM board_pass_spent)")
        for name, _ in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        conn.exec_driver_sql("DELETE FROM matchkey")
        conn.exec_driver_sql("INSERT INTO matchkey SELECT * FROM board_pass_keep")
        for _, definition in indexes:
            conn.exec_driver_sql(definition)
        postings = conn.exec_driver_sql("SELECT count(*) FROM posting").scalar_one()
        with _indexes_made_after(conn, "posting", sort_once=len(spent) >= REBUILD_SHARE * postings, column="status"):
            # `+status`: find the rows by id, not through the status index this very statement rewrites
            conn.exec_driver_sql("UPDATE posting SET status = 'matched', updated = ?"
                                 " WHERE id IN (SELECT id FROM board_pass_spent) AND +status = 'open'", (now,))
    finally:
        conn.exec_driver_sql("DROP TABLE IF EXISTS board_pass_keep")
        conn.exec_driver_sql("DROP TABLE board_pass_spent")


def proposals_of(db: Session, made: Sequence[NewMatch]) -> list[Proposal]:
    """The Match rows and postings of `made`, for the DMs (a few queries per 500)."""
    proposals: list[Proposal] = []
    for start in range(0, len(made), BATCH):
        chunk = made[start:start + BATCH]
        matches = {m.id: m for m in db.exec(select(Match).where(col(Match.id).in_([n.id for n in chunk])))}
        ids = {n.offer_id for n in chunk} | {n.need_id for n in chunk}
        postings = {p.id: p for p in db.exec(select(Posting).where(col(Posting.id).in_(ids)))}
        proposals += [Proposal(matches[n.id], postings[n.offer_id], postings[n.need_id]) for n in chunk]
    return proposals
