"""The audit log: every committee and admin action, each entry chained to the one before.

Entry n stores `hash_n = H(n, prev_hash, time, actor, action, subject, detail)` with
`prev_hash = hash_(n-1)`, so changing any entry, or taking one out of the middle, breaks
every link after it. `H` is HMAC-SHA256 under the station's audit key once encryption is
set up (`meshbot init`), plain SHA-256 before. The head row keeps the count and the last
hash under the same MAC, so cutting off the newest entries shows as well.

What it proves: with the key, nobody who can merely write the database file can
change, remove or reorder entries unnoticed. Without encryption (SHA-256) it catches
accidents and careless edits, but someone who knows the format could recompute it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field

from sqlalchemy import column, select, table
from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from meshbot.inbound.identity import station_keys
from store.crypto import Cipher, KeyProblem, bound_cipher
from store.models import AuditEntry, AuditHead

GENESIS = "0" * 64
"""The `prev_hash` of the first entry."""


def record(
    session: Session, actor: str, action: str, now: float, subject: str = "", detail: str = ""
) -> AuditEntry:
    """Append one entry in the caller's transaction (it commits or rolls back with the action)."""
    keys = station_keys(session)
    key = keys.audit if keys is not None else None
    head = session.get(AuditHead, 1) or AuditHead(id=1, count=0, last_hash=GENESIS)
    entry = AuditEntry(
        at=now, actor=actor, action=action, subject=subject, detail=detail,
        alg="hmac" if key else "sha256", prev_hash=head.last_hash or GENESIS, hash="",
    )
    entry.hash = _digest(key, entry.alg, head.count + 1, entry.prev_hash, now, actor, action, subject, detail)
    head.count += 1
    head.last_hash = entry.hash
    head.mac = _head_mac(key, head.count, head.last_hash)
    session.add(entry)
    session.add(head)
    return entry


def _digest(key: bytes | None, alg: str, seq: int, prev: str, at: float, actor: str, action: str,
            subject: str, detail: str) -> str:
    data = json.dumps([seq, prev, repr(float(at)), actor, action, subject, detail],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if alg == "hmac":
        if key is None:
            return ""
        return hmac.new(key, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


def _head_mac(key: bytes | None, count: int, last_hash: str) -> str:
    data = f"{count}:{last_hash}".encode()
    if key is None:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


@dataclass
class Verdict:
    """What `meshbot audit verify` found."""

    entries: int = 0
    keyed: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(engine: Engine) -> Verdict:
    """Walk the whole chain and the head; every break is one line in `problems`."""
    cipher = bound_cipher(engine)
    with Session(engine) as db:
        keys = station_keys(db)
        head = db.get(AuditHead, 1)
    key = keys.audit if keys is not None else None
    verdict = Verdict(keyed=key is not None)
    raw = table("auditentry", *(column(n) for n in
                                ("id", "at", "actor", "action", "subject", "detail", "alg", "prev_hash", "hash")))
    with engine.connect() as connection:
        rows = connection.execute(select(raw).order_by(col(raw.c.id))).all()
    prev = GENESIS
    keyed_seen = False
    for seq, row in enumerate(rows, 1):
        verdict.entries += 1
        name = f"entry {row.id} ({row.action})"
        detail = _detail(row.detail, cipher)
        if detail is None:
            verdict.problems.append(f"{name}: its detail was altered (it no longer decrypts)")
        if row.prev_hash != prev:
            verdict.problems.append(f"{name}: does not follow the entry before it (one was removed, added or moved)")
        if row.alg == "hmac":
            keyed_seen = True
            if key is None:
                verdict.problems.append(f"{name}: is keyed but this database has no audit key")
        elif keyed_seen or row.alg != "sha256":
            verdict.problems.append(f"{name}: not keyed like the entries before it")
        expected = _digest(key, row.alg, seq, row.prev_hash, row.at, row.actor, row.action, row.subject or "",
                           detail if detail is not None else "")
        if detail is not None and not hmac.compare_digest(expected, row.hash or ""):
            verdict.problems.append(f"{name}: was changed after it was written")
        prev = row.hash or ""
    if key is not None and (not rows or rows[-1].alg != "hmac"):
        verdict.problems.append("the log does not end with a keyed entry, as an encrypted database's must "
                                "(its entries were rewritten without the key)")
    count, last = (head.count, head.last_hash) if head is not None else (0, GENESIS)
    if count != verdict.entries or (count and last != prev):
        verdict.problems.append(
            f"the log should end at entry {count} but has {verdict.entries}: entries were removed or added at the end")
    elif head is not None and not hmac.compare_digest(_head_mac(key, head.count, head.last_hash), head.mac):
        verdict.problems.append("the log's end marker was changed")
    return verdict


def _detail(stored: str | None, cipher: Cipher | None) -> str | None:
    if stored is None:
        return ""
    if cipher is None:
        return stored
    try:
        return cipher.decrypt(stored)
    except KeyProblem:
        return None


def entries(engine: Engine, limit: int = 50) -> list[AuditEntry]:
    """The newest entries, newest first (for `meshbot audit list`)."""
    with Session(engine) as db:
        return list(db.exec(
            orm_select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
        ).all())
