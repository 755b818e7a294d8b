"""Who may use the console: a committee member with a console password, or anyone who
knows the station passphrase (the one that unlocks an encrypted board).

Passwords are kept only as argon2id strings (PyNaCl, libsodium), never in the clear; the
station passphrase is never stored here at all: it is checked by unwrapping the board's
key with it, exactly as the daemon opens the board.
"""

from __future__ import annotations

from dataclasses import dataclass

import nacl.exceptions
import nacl.pwhash
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from hardware.link import parse_node_id
from meshbot.people.members import display_name
from meshbot.people.membership import COMMITTEE_ROLES
from meshbot.security import audit
from meshbot.security.keys import PASSPHRASE_VARIABLE, unlocker
from meshbot.settings import Settings
from store import ConsoleLogin, Member
from store import session as open_session
from store.crypto import KDF_KEYFILE, KeyProblem
from store.db import read_key_meta

MIN_PASSWORD_CHARS = 10
STATION = 0
"""The node acting for a station-passphrase login: the laptop, not a radio."""


class AccountError(ValueError):
    """Why a password cannot be set, in one line."""


@dataclass(frozen=True)
class Who:
    """A logged-in person: the name the audit log records and their node (0: the station)."""

    name: str
    node: int = STATION

    @property
    def actor(self) -> str:
        """The audit log's actor: an action from the console by NAME."""
        return f"console:{self.name}"


def hash_password(password: str) -> str:
    return nacl.pwhash.argon2id.str(password.encode("utf-8")).decode("ascii")


def _verify(stored: str, password: str) -> bool:
    try:
        return nacl.pwhash.verify(stored.encode("ascii"), password.encode("utf-8"))
    except nacl.exceptions.InvalidkeyError:
        return False


def set_password(db: Session, node: int, password: str, actor: str, now: float) -> Member:
    """Give a committee member a console password (argon2id); audited, never logged."""
    member = db.get(Member, node)
    if member is None or member.role not in COMMITTEE_ROLES:
        raise AccountError("only a committee member (or admin) gets a console password: "
                           "`meshbot members role NODE committee` first")
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"use a password of at least {MIN_PASSWORD_CHARS} characters")
    row = db.get(ConsoleLogin, node) or ConsoleLogin(node_num=node, hash="", set_at=now)
    row.hash, row.set_at = hash_password(password), now
    db.add(row)
    audit.record(db, actor, "console.password", now, subject=display_name(member))
    return member


def _member_named(db: Session, name: str) -> Member | None:
    text = name.strip()
    try:
        return db.get(Member, parse_node_id(text))
    except ValueError:
        pass
    found = [m for m in db.exec(select(Member).where(col(Member.role).in_(COMMITTEE_ROLES))).all()
             if text.casefold() in {(m.name or "").casefold(), (m.short_name or "").casefold()}]
    return found[0] if len(found) == 1 else None


def _station_passphrase(engine: Engine, settings: Settings, password: str) -> bool:
    meta = read_key_meta(engine)
    if meta is None or meta.kdf == KDF_KEYFILE or not password:
        return False
    try:
        unlocker(settings, {PASSPHRASE_VARIABLE: password})(meta)
    except KeyProblem:
        return False
    return True


def check(engine: Engine, settings: Settings, name: str, password: str) -> Who | None:
    """The person these credentials name, or None (the same None for every wrong part)."""
    name = name.strip()[:60]
    if not name:
        return None
    with open_session(engine) as db:
        member = _member_named(db, name)
        stored = db.get(ConsoleLogin, member.node_num) if member is not None else None
        if member is not None and stored is not None and member.role in COMMITTEE_ROLES:
            return Who(display_name(member), member.node_num) if _verify(stored.hash, password) else None
    return Who(name) if _station_passphrase(engine, settings, password) else None


def committee_exists(db: Session) -> bool:
    """Until someone holds the committee role, alerts go out unverified: the console says so."""
    return bool(db.exec(select(func.count()).select_from(Member)
                        .where(col(Member.role).in_(COMMITTEE_ROLES))).one())


def ways_in(engine: Engine) -> tuple[bool, bool]:
    """(a station passphrase works, some member has a console password): for the login page's hint."""
    meta = read_key_meta(engine)
    with open_session(engine) as db:
        passwords = bool(db.exec(select(func.count()).select_from(ConsoleLogin)).one())
    return meta is not None and meta.kdf != KDF_KEYFILE, passwords
