"""The security tables: the station's keys, pinned node keys, flags, the audit log, bundles."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from store.columns import node_column
from store.crypto import EncryptedText


class KeyMeta(SQLModel, table=True):
    """The one row saying how this database's data key is wrapped, and the station's own keys.

    Its presence means the database is encrypted. `wrapped_key` opens only with the
    key-encryption key (Argon2id of the passphrase with `salt`, or the key file); the
    station's signing, bundle and audit keys are stored encrypted by the data key.
    """

    id: int = Field(default=1, primary_key=True)
    kdf: str = Field(description="argon2id (a passphrase) or keyfile")
    salt: str = Field(default="", description="Argon2id salt, hex")
    opslimit: int = 0
    memlimit: int = 0
    wrapped_key: str = Field(description="the data key, sealed by the key-encryption key (base64)")
    key_id: str = Field(description="short public name of the data key")
    created: float
    rotated: float | None = None
    signing_seed: str = Field(sa_type=EncryptedText, description="Ed25519 seed that signs bundles, hex")
    box_secret: str = Field(sa_type=EncryptedText, description="X25519 secret that opens bundles sealed to us, hex")
    audit_key: str = Field(sa_type=EncryptedText, description="key of the audit log's MAC chain, hex")


class NodeKey(SQLModel, table=True):
    """A node's PKI public key, pinned the first time it sent us a PKI direct message."""

    node_num: int = Field(sa_column=node_column(primary_key=True, autoincrement=False))
    public_key: str = Field(description="base64, as the radio reports it")
    pinned: float
    last_used: float


class SecurityFlag(SQLModel, table=True):
    """Something the committee should look at: a key change, a privileged command without proof."""

    id: int | None = Field(default=None, primary_key=True)
    node_num: int = Field(sa_column=node_column(nullable=False, index=True))
    reason: str = Field(description="key_changed, unauthenticated or not_allowed")
    verb: str | None = None
    detail: str | None = Field(default=None, sa_type=EncryptedText)
    created: float = Field(index=True)
    notified: bool = Field(default=False, description="the committee was sent a DM about it")


class AuditEntry(SQLModel, table=True):
    """One committee or admin action, chained to the one before by its hash."""

    id: int | None = Field(default=None, primary_key=True)
    at: float
    actor: str = Field(description="!nodeid for a DM, cli:USER for the command line")
    action: str
    subject: str = ""
    detail: str = Field(default="", sa_type=EncryptedText)
    alg: str = Field(default="sha256", description="sha256, or hmac once the database is encrypted")
    prev_hash: str
    hash: str


class AuditHead(SQLModel, table=True):
    """How many entries the audit chain has and its last hash, so a cut-off tail shows."""

    id: int = Field(default=1, primary_key=True)
    count: int = 0
    last_hash: str = ""
    mac: str = ""


class ImportedBundle(SQLModel, table=True):
    """A bundle already imported: importing it again changes nothing."""

    bundle_id: str = Field(primary_key=True)
    signer: str
    created: float
    imported: float
    summary: str = ""


class BundleRow(SQLModel, table=True):
    """Which local row a row of another station's bundle became, so later bundles update it."""

    origin: str = Field(primary_key=True, description="key id of the station that exported it")
    kind: str = Field(primary_key=True)
    remote_id: int = Field(sa_column=node_column(primary_key=True, autoincrement=False))
    local_id: int = Field(sa_column=node_column(nullable=False))
