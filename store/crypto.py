"""Encryption at rest: sensitive columns sealed with a data key the operator's key unlocks.

One random 32-byte **data key** encrypts every sensitive value (SecretBox: XSalsa20-
Poly1305, a fresh random nonce per value, so equal texts never look equal on disk). The
data key is stored in the database only *wrapped* (SecretBox again) by a **key-encryption
key**: Argon2id of the operator's passphrase (salt and cost stored beside it), or 32
random bytes kept in a key file. Changing the passphrase or rotating the data key is
therefore a matter of one transaction (`meshbot rekey`).

Why the key lives on the engine's dialect: SQLAlchemy hands a column type only the
`dialect` when it converts a value, and every engine has its own dialect object, made
by `create_engine`. Binding the cipher there (`bind_cipher`) makes it per database,
visible to every thread and connection of that engine (the radio library's thread
included, which a contextvar would not reach), and never a module global.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils
from sqlalchemy import Text, column, select, table, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.types import TypeDecorator

PREFIX = "nacl1:"
"""Marks an encrypted value; a value without it was written before encryption was on."""
KEY_BYTES = nacl.secret.SecretBox.KEY_SIZE
SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES
CIPHER_ATTR = "meshbot_cipher"
KDF_ARGON2ID = "argon2id"
KDF_KEYFILE = "keyfile"

STRENGTHS: dict[str, tuple[int, int]] = {
    "interactive": (nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE, nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE),
    "moderate": (nacl.pwhash.argon2id.OPSLIMIT_MODERATE, nacl.pwhash.argon2id.MEMLIMIT_MODERATE),
    "sensitive": (nacl.pwhash.argon2id.OPSLIMIT_SENSITIVE, nacl.pwhash.argon2id.MEMLIMIT_SENSITIVE),
}
"""Argon2id cost (operations, memory in bytes) by name: libsodium's three levels.
moderate takes about 0.4 s and 256 MiB on a laptop; interactive 64 MiB (small Pis)."""


class KeyProblem(Exception):
    """Base of the key problems an operator can fix; the message says how."""


class Locked(KeyProblem):
    """The database is encrypted and no key was given."""


class WrongKey(KeyProblem):
    """The passphrase or key file does not open this database's data key."""


class Tampered(KeyProblem):
    """A stored value failed authentication: it was changed outside meshbot."""


def new_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)


def new_salt() -> bytes:
    return nacl.utils.random(SALT_BYTES)


def derive_kek(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    """Argon2id: slow and memory-hard, so guessing passphrases on a seized disk is costly."""
    if not passphrase:
        raise WrongKey("the passphrase is empty")
    return nacl.pwhash.argon2id.kdf(KEY_BYTES, passphrase.encode("utf-8"), salt, opslimit=opslimit, memlimit=memlimit)


def wrap(kek: bytes, secret: bytes) -> str:
    return base64.b64encode(bytes(nacl.secret.SecretBox(kek).encrypt(secret))).decode("ascii")


def unwrap(kek: bytes, wrapped: str) -> bytes:
    try:
        return nacl.secret.SecretBox(kek).decrypt(base64.b64decode(wrapped))
    except (nacl.exceptions.CryptoError, ValueError) as exc:
        raise WrongKey("wrong passphrase or key file for this database") from exc


def key_id(key: bytes) -> str:
    """A short public name of a data key (not a secret): says which key a database needs."""
    return hashlib.blake2b(key, digest_size=4, person=b"meshbot-keyid").hexdigest()


class Cipher:
    """Encrypts and decrypts text values with one data key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"a data key is {KEY_BYTES} bytes")
        self._box = nacl.secret.SecretBox(key)
        self.key_id = key_id(key)

    def encrypt(self, text: str) -> str:
        return PREFIX + base64.b64encode(bytes(self._box.encrypt(text.encode("utf-8")))).decode("ascii")

    def decrypt(self, stored: str) -> str:
        """The text of a stored value; one without the prefix is returned as it is."""
        if not stored.startswith(PREFIX):
            return stored
        try:
            return self._box.decrypt(base64.b64decode(stored[len(PREFIX):])).decode("utf-8")
        except (nacl.exceptions.CryptoError, ValueError) as exc:
            raise Tampered("a stored value does not decrypt with this database's key") from exc


def is_encrypted(stored: object) -> bool:
    return isinstance(stored, str) and stored.startswith(PREFIX)


def bind_cipher(engine: Engine, cipher: Cipher | None) -> None:
    """From now on this engine encrypts sensitive columns with `cipher` (None: plaintext)."""
    setattr(engine.dialect, CIPHER_ATTR, cipher)


def bound_cipher(engine: Engine) -> Cipher | None:
    return getattr(engine.dialect, CIPHER_ATTR, None)


class EncryptedText(TypeDecorator[str]):
    """A text column stored encrypted whenever the engine has a cipher bound.

    Values are sealed on the way in and opened on the way out, so the ORM and Core
    see plain `str`. Such a column cannot be searched or compared in SQL: read the
    candidates by their plaintext columns and compare in Python.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        cipher: Cipher | None = getattr(dialect, CIPHER_ATTR, None)
        text = str(value)
        return text if cipher is None or not text else cipher.encrypt(text)

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        if value is None or not is_encrypted(value):
            return value
        cipher: Cipher | None = getattr(dialect, CIPHER_ATTR, None)
        if cipher is None:
            raise Locked("the database is encrypted: give MESHBOT_PASSPHRASE or the key_file setting")
        return cipher.decrypt(value)


# -- whole-database passes (init, rekey): raw values, no column types in the way -------


@dataclass(frozen=True)
class SealedColumns:
    """One table's primary key and its encrypted columns, by name."""

    table: str
    keys: tuple[str, ...]
    columns: tuple[str, ...]


def sealed_columns(metadata: Any) -> Iterator[SealedColumns]:
    """Every table with EncryptedText columns, read off the schema itself."""
    for tbl in metadata.sorted_tables:
        names = tuple(c.name for c in tbl.columns if isinstance(c.type, EncryptedText))
        if names:
            yield SealedColumns(tbl.name, tuple(c.name for c in tbl.primary_key.columns), names)


def reseal(connection: Connection, metadata: Any, old: Cipher | None, new: Cipher | None) -> int:
    """Re-encrypt every sensitive value from `old` (None: plaintext) to `new` (None: plaintext).

    Runs in the caller's transaction on raw values, so a failure leaves the database as
    it was. Returns how many values were rewritten.
    """
    changed = 0
    for spec in sealed_columns(metadata):
        raw = table(spec.table, *(column(n) for n in (*spec.keys, *spec.columns)))
        rows = connection.execute(select(*(raw.c[n] for n in (*spec.keys, *spec.columns)))).all()
        for row in rows:
            values = dict(zip((*spec.keys, *spec.columns), row, strict=True))
            fresh: dict[str, str | None] = {}
            for name in spec.columns:
                stored = values[name]
                if stored is None:
                    continue
                plain = _open(stored, old)
                fresh[name] = plain if new is None or not plain else new.encrypt(plain)
            if fresh and any(fresh[n] != values[n] for n in fresh):
                where = [raw.c[k] == values[k] for k in spec.keys]
                connection.execute(update(raw).where(*where).values(**fresh))
                changed += 1
    return changed


def _open(stored: str, cipher: Cipher | None) -> str:
    if not is_encrypted(stored):
        return stored
    if cipher is None:
        raise Locked("the database holds encrypted values but no key was given")
    return cipher.decrypt(stored)
