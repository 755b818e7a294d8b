"""Who sent a text: node keys pinned on first use, and the station's own keys.

A channel message proves nothing: anyone with the channel key can write any node
number in `from`. A direct message under firmware PKI (2.5+) was encrypted with the
sender's private key, and the radio tells us the public key it used. The first such
key a node number shows is pinned; a later one that differs is refused (`KEY_CHANGED`)
until the committee, having checked with the person, forgets the old pin.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
from dataclasses import dataclass

from nacl.public import PrivateKey
from nacl.signing import SigningKey
from sqlmodel import Session

from meshbot.inbound.inbox import Inbound
from store.models import KeyMeta, NodeKey

LAST_USED_RESOLUTION_S = 3600.0  # no row update on every DM


class Proof(enum.Enum):
    """What a received text proves about its sender."""

    NONE = "none"
    """A channel message, or a DM without PKI: anyone could have sent it."""
    PINNED = "pinned"
    """A PKI direct message under the node's pinned key (pinned now, if it was its first)."""
    KEY_CHANGED = "key_changed"
    """A PKI direct message under a key other than the one pinned for that node."""


def prove(session: Session, message: Inbound, now: float) -> Proof:
    """Check (and on first use, pin) the sender's key, in the caller's transaction."""
    if not (message.is_direct and message.pki_encrypted and message.public_key):
        return Proof.NONE
    pin = session.get(NodeKey, message.from_node)
    if pin is None:
        session.add(NodeKey(node_num=message.from_node, public_key=message.public_key, pinned=now, last_used=now))
        return Proof.PINNED
    if not hmac.compare_digest(pin.public_key.encode(), message.public_key.encode()):
        return Proof.KEY_CHANGED
    if now - pin.last_used >= LAST_USED_RESOLUTION_S:
        pin.last_used = now
        session.add(pin)
    return Proof.PINNED


def fingerprint(public_key: str | bytes) -> str:
    """A short form of a key to read aloud when checking it with its owner: `3f2a-91bc`."""
    raw = public_key if isinstance(public_key, bytes) else _b64(public_key)
    digest = hashlib.sha256(raw).hexdigest()
    return f"{digest[:4]}-{digest[4:8]}"


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        return text.encode()


def forget_key(session: Session, node_num: int) -> bool:
    """Drop a node's pin, so its next PKI DM pins a new key (a radio reset or replaced)."""
    pin = session.get(NodeKey, node_num)
    if pin is None:
        return False
    session.delete(pin)
    return True


def pinned_key(session: Session, node_num: int) -> str | None:
    pin = session.get(NodeKey, node_num)
    return pin.public_key if pin is not None else None


@dataclass(frozen=True)
class StationKeys:
    """The base station's own keys, made by `meshbot init`: one signs bundles, one opens them."""

    signing: SigningKey
    box: PrivateKey
    audit: bytes

    @property
    def signing_public(self) -> str:
        return base64.b64encode(bytes(self.signing.verify_key)).decode("ascii")

    @property
    def box_public(self) -> str:
        return base64.b64encode(bytes(self.box.public_key)).decode("ascii")

    @property
    def station_id(self) -> str:
        """A short public name of this station: the fingerprint of its signing key."""
        return fingerprint(bytes(self.signing.verify_key))


def new_station_secrets() -> dict[str, str]:
    """Fresh secrets for KeyMeta's encrypted columns (hex)."""
    return {
        "signing_seed": bytes(SigningKey.generate()).hex(),
        "box_secret": bytes(PrivateKey.generate()).hex(),
        "audit_key": bytes(SigningKey.generate()).hex(),  # 32 random bytes
    }


def station_keys(session: Session) -> StationKeys | None:
    """The station's keys (None: encryption was never set up with `meshbot init`)."""
    meta = session.get(KeyMeta, 1)
    if meta is None:
        return None
    return StationKeys(
        signing=SigningKey(bytes.fromhex(meta.signing_seed)),
        box=PrivateKey(bytes.fromhex(meta.box_secret)),
        audit=bytes.fromhex(meta.audit_key),
    )
