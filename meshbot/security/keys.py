"""The at-rest key's life: set up (`meshbot init`), opened at every start, rotated (`rekey`).

Where the key-encryption key comes from when a database is opened:

- a database set up with a passphrase: `MESHBOT_PASSPHRASE` (how systemd starts the
  daemon after a power cut with nobody at the keyboard), else the terminal, asked once;
- a database set up with a key file: the file named by the `key_file` setting, which
  must be readable by its owner only (0600).

Nothing here keeps a key in a global: the cipher lives on the engine (store/crypto.py).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from meshbot.security import audit
from meshbot.inbound.identity import new_station_secrets
from meshbot.board.matcher import rebuild_index
from meshbot.settings import Settings
from store.crypto import (
    KDF_ARGON2ID, KDF_KEYFILE, KEY_BYTES, STRENGTHS, Cipher, KeyProblem, Locked, WrongKey, bind_cipher,
    bound_cipher, derive_kek, key_id, new_key, new_salt, reseal, unwrap, wrap,
)
from store.db import Unlock, read_key_meta
from store.files import private_dir
from store.models import KeyMeta

PASSPHRASE_VARIABLE = "MESHBOT_PASSPHRASE"
MIN_PASSPHRASE_CHARS = 12
Ask = Callable[[str], str]
"""Asks the person at the terminal for a passphrase (prompt -> answer)."""


@dataclass(frozen=True)
class NewKey:
    """What `init` or `rekey` protects the data key with: a passphrase or a new key file."""

    passphrase: str | None = None
    key_file: Path | None = None

    def __post_init__(self) -> None:
        if (self.passphrase is None) == (self.key_file is None):
            raise ValueError("give a passphrase or a key file, not both")
        if self.passphrase is not None and len(self.passphrase) < MIN_PASSPHRASE_CHARS:
            raise WrongKey(f"use a passphrase of at least {MIN_PASSPHRASE_CHARS} characters (a few words)")


def unlocker(settings: Settings, environ: Mapping[str, str], ask: Ask | None = None) -> Unlock:
    """What `open_engine` calls with an encrypted database's key record."""

    def unlock(meta: KeyMeta) -> Cipher:
        return Cipher(unwrap(_kek(meta, settings, environ, ask), meta.wrapped_key))

    return unlock


def _kek(meta: KeyMeta, settings: Settings, environ: Mapping[str, str], ask: Ask | None) -> bytes:
    if meta.kdf == KDF_KEYFILE:
        if not settings.key_file:
            raise Locked("this database's key is in a key file: set the key_file setting to its path")
        return read_key_file(Path(settings.key_file).expanduser())
    passphrase = environ.get(PASSPHRASE_VARIABLE, "")
    if not passphrase and ask is not None:
        passphrase = ask("Passphrase of the meshbot database")
    if not passphrase:
        raise Locked(f"the database is encrypted: set {PASSPHRASE_VARIABLE}, or run from a terminal to be asked")
    return derive_kek(passphrase, bytes.fromhex(meta.salt), meta.opslimit, meta.memlimit)


def read_key_file(path: Path) -> bytes:
    """The key in a key file; refused when other users could read it."""
    try:
        mode = path.stat().st_mode
        data = path.read_text(encoding="ascii").strip()
    except FileNotFoundError as exc:
        raise Locked(f"key file {path} is missing: put it back from its safe copy") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise Locked(f"cannot read key file {path}: {exc}") from exc
    if mode & 0o077:
        raise Locked(f"key file {path} is readable by other users: chmod 600 {path}")
    try:
        key = bytes.fromhex(data)
    except ValueError as exc:
        raise WrongKey(f"key file {path} does not hold a key (64 hex digits)") from exc
    if len(key) != KEY_BYTES:
        raise WrongKey(f"key file {path} does not hold a key (64 hex digits)")
    return key


def write_key_file(path: Path, key: bytes) -> None:
    """Create the key file, owner-only from its first byte, and flush it to disk."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (key.hex() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _protect(new: NewKey, strength: str) -> tuple[dict[str, object], bytes]:
    """KeyMeta fields for how the data key is wrapped, and the key-encryption key itself."""
    if new.passphrase is not None:
        salt = new_salt()
        ops, mem = STRENGTHS[strength]
        return ({"kdf": KDF_ARGON2ID, "salt": salt.hex(), "opslimit": ops, "memlimit": mem},
                derive_kek(new.passphrase, salt, ops, mem))
    kek = secrets.token_bytes(KEY_BYTES)
    return {"kdf": KDF_KEYFILE, "salt": "", "opslimit": 0, "memlimit": 0}, kek


def init(engine: Engine, new: NewKey, strength: str, now: float, actor: str = "meshbot") -> KeyMeta:
    """Encrypt a plaintext database: every sensitive value already in it, then all new ones.

    One transaction: the values sealed, the key record, the matcher's index rebuilt with
    keyed hashes, and the first keyed entry of the audit log. With a key file, the file
    is written first (it must not exist); the database changes only once it is on disk.
    """
    if read_key_meta(engine) is not None:
        raise KeyProblem("this database is already encrypted: use `meshbot rekey` to change its key")
    fields, kek = _protect(new, strength)
    if new.key_file is not None:
        write_key_file(new.key_file, kek)
    data_key = new_key()
    cipher = Cipher(data_key)
    with engine.begin() as connection:
        reseal(connection, SQLModel.metadata, None, cipher)
        bind_cipher(engine, cipher)  # the secrets below are written encrypted
        try:
            connection.execute(insert(KeyMeta).values(
                id=1, wrapped_key=wrap(kek, data_key), key_id=key_id(data_key), created=now,
                **fields, **new_station_secrets(),
            ))
            with Session(bind=connection) as db:
                rebuild_index(db, now)  # item words in the matcher's index become keyed hashes
                audit.record(db, actor, "key.init", now, detail=f"data key {key_id(data_key)}, {fields['kdf']}")
                db.flush()
        except BaseException:
            bind_cipher(engine, None)
            raise
    compact(engine)
    meta = read_key_meta(engine)
    assert meta is not None
    return meta


def rekey(engine: Engine, new: NewKey, strength: str, now: float, actor: str = "meshbot") -> KeyMeta:
    """A new data key for every value, protected by a new passphrase or key file.

    One transaction: a crash leaves the old key in force. A new key file is written
    beside its final name first and moved into place after the commit.
    """
    old = bound_cipher(engine)
    if old is None or read_key_meta(engine) is None:
        raise KeyProblem("this database is not encrypted: use `meshbot init` first")
    fields, kek = _protect(new, strength)
    staged = None
    if new.key_file is not None:
        staged = new.key_file.with_name(new.key_file.name + ".new")
        staged.unlink(missing_ok=True)
        write_key_file(staged, kek)
    data_key = new_key()
    cipher = Cipher(data_key)
    with engine.begin() as connection:
        reseal(connection, SQLModel.metadata, old, cipher)
        connection.execute(update(KeyMeta).where(KeyMeta.id == 1).values(  # type: ignore[arg-type]
            wrapped_key=wrap(kek, data_key), key_id=key_id(data_key), rotated=now, **fields,
        ))
        bind_cipher(engine, cipher)  # what the transaction reads from here on is sealed with it
        try:
            with Session(bind=connection) as db:
                audit.record(db, actor, "key.rotate", now, detail=f"data key {key_id(data_key)}, {fields['kdf']}")
                db.flush()
        except BaseException:
            bind_cipher(engine, old)
            raise
    if staged is not None and new.key_file is not None:
        os.replace(staged, new.key_file)
    compact(engine)
    meta = read_key_meta(engine)
    assert meta is not None
    return meta


def compact(engine: Engine) -> None:
    """Rewrite the file and empty the WAL, so no page from before the change survives on disk."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("VACUUM")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
