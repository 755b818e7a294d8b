"""Export bundles: the board signed by this station, optionally sealed to the one who gets it.

For the council (its own meshbot gives it a bundle key), and for moving the board to
another machine. A bundle file is JSON:

    {"format": "meshbot-bundle/1", "sealed_to": <X25519 key, base64> | null, "data": <base64>}

`data` is the signed envelope `{"signer": <Ed25519 key>, "signed": <signature + payload>}`,
sealed (libsodium sealed box) to `sealed_to` when one was given, else in the clear (then
anyone who reads the file reads the board: say so to the operator). The payload holds a
random bundle id and the rows. Import checks, in order: the format, the seal, the
signature (`nacl.signing`), that the signer is this station or one it trusts, and that
the bundle id was never imported; a failure is a `BundleError` saying which, and nothing
is written. Rows from another station are mapped to local ids (`BundleRow`), so a later
bundle from it updates them instead of adding copies.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nacl.exceptions
from nacl.public import PublicKey, SealedBox
from nacl.signing import VerifyKey
from sqlmodel import Session, SQLModel, col, select

from meshbot.security import audit
from meshbot.inbound.identity import StationKeys, fingerprint, station_keys
from store import Alert, Match, Member, Posting, ReportNote, SuccessStory
from store.models import BundleRow, ImportedBundle, NodeKey

FORMAT = "meshbot-bundle/1"
_PLURAL = {"match": "matches", "success story": "success stories"}
PAYLOAD_VERSION = 1


class BundleError(Exception):
    """The bundle cannot be made or used; the message says why (and nothing was written)."""


@dataclass
class Summary:
    """What an export wrote or an import did, table by table."""

    bundle_id: str
    signer: str
    sealed_to: str | None
    counts: dict[str, int] = field(default_factory=dict)
    already: bool = False

    def line(self) -> str:
        parts = ", ".join(f"{n} {k}" for k, n in self.counts.items() if n)
        return parts or "nothing"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise BundleError(f"not a meshbot bundle: {what} is missing")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BundleError(f"damaged bundle: {what} is not base64") from exc


def recipient_key(text: str) -> PublicKey:
    """A `--for` key: the bundle key `meshbot keys` prints on the receiving station."""
    raw = _unb64(text.strip(), "the recipient key")
    if len(raw) != PublicKey.SIZE:
        raise BundleError("the recipient key must be a 32-byte X25519 key in base64 (`meshbot keys` shows it)")
    return PublicKey(raw)


def _rows(session: Session, model: type[SQLModel]) -> list[dict[str, Any]]:
    return [row.model_dump() for row in session.exec(select(model)).all()]


def build(session: Session, now: float, recipient: PublicKey | None) -> tuple[bytes, Summary]:
    """The bundle file's bytes for everything on the board, and what it holds."""
    keys = _keys(session)
    tables = {
        "members": _rows(session, Member), "node_keys": _rows(session, NodeKey),
        "postings": _rows(session, Posting), "matches": _rows(session, Match), "alerts": _rows(session, Alert),
        "report_notes": _rows(session, ReportNote), "success_stories": _rows(session, SuccessStory),
    }
    payload = new_payload(keys, now, tables)
    body, sealed_to = sign_and_seal(keys, payload, recipient)
    summary = Summary(payload["bundle_id"], keys.station_id, sealed_to,  # type: ignore[arg-type]
                      {k: len(v) for k, v in tables.items()})
    return body, summary


def new_payload(keys: StationKeys, now: float, tables: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A bundle's payload: a fresh bundle id, this station, the rows (and any `extra` parts)."""
    return {"version": PAYLOAD_VERSION, "bundle_id": secrets.token_hex(16), "created": now,
            "station": keys.station_id, "tables": tables, **extra}


def sign_and_seal(keys: StationKeys, payload: dict[str, Any], recipient: PublicKey | None) -> tuple[bytes, str | None]:
    """The bundle file's bytes for a payload: signed by this station, sealed to `recipient`."""
    signed = keys.signing.sign(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    envelope = json.dumps({"signer": keys.signing_public, "signed": _b64(bytes(signed))}).encode("utf-8")
    data = SealedBox(recipient).encrypt(envelope) if recipient is not None else envelope
    sealed_to = _b64(bytes(recipient)) if recipient is not None else None
    return json.dumps({"format": FORMAT, "sealed_to": sealed_to, "data": _b64(bytes(data))}).encode("utf-8"), sealed_to


def write(path: Path, body: bytes) -> None:
    """Owner-only, written beside its name and moved into place: no half bundle is ever left."""
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, body)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def keys_for_export(session: Session) -> StationKeys:
    """This station's keys, or a `BundleError` saying to run `meshbot init`."""
    return _keys(session)


def _keys(session: Session) -> StationKeys:
    keys = station_keys(session)
    if keys is None:
        raise BundleError("this station has no keys yet: run `meshbot init` first")
    return keys


def open_bundle(body: bytes, keys: StationKeys, trusted: set[str]) -> tuple[dict[str, Any], str]:
    """Check a bundle's seal, signature and signer; returns (payload, signer key). Raises BundleError."""
    try:
        outer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError("not a meshbot bundle (not JSON)") from exc
    if not isinstance(outer, dict) or outer.get("format") != FORMAT:
        raise BundleError(f"not a meshbot bundle (format is not {FORMAT})")
    data = _unb64(outer.get("data"), "its data")
    if outer.get("sealed_to") is not None:
        if outer["sealed_to"] != keys.box_public:
            raise BundleError("this bundle is sealed to another station's key; it cannot be opened here")
        try:
            data = SealedBox(keys.box).decrypt(data)
        except nacl.exceptions.CryptoError as exc:
            raise BundleError("the bundle was tampered with: its seal does not open") from exc
    try:
        envelope = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError("the bundle was tampered with, or is not signed") from exc
    if not isinstance(envelope, dict) or not envelope.get("signed") or not envelope.get("signer"):
        raise BundleError("the bundle is not signed: refused")
    signer = envelope["signer"]
    try:  # inside the envelope, anything that does not verify was changed on the way
        signer_raw = _unb64(signer, "the signer's key")
        payload_bytes = VerifyKey(signer_raw).verify(_unb64(envelope["signed"], "the signature"))
    except (BundleError, nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError) as exc:
        raise BundleError("the bundle was tampered with: its signature does not match") from exc
    if signer != keys.signing_public and signer not in trusted:
        raise BundleError(f"the bundle is signed by station {fingerprint(signer_raw)}, which this station does "
                          f"not trust; if you know it, import with --trust {signer}")
    try:
        payload = json.loads(payload_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError("the bundle's contents are damaged") from exc
    if not isinstance(payload, dict) or payload.get("version") != PAYLOAD_VERSION or "bundle_id" not in payload:
        raise BundleError("the bundle's contents are of an unknown version")
    return payload, signer


def import_bundle(session: Session, body: bytes, now: float, trusted: set[str], actor: str) -> Summary:
    """Apply a bundle in the caller's transaction; a bundle imported before changes nothing."""
    keys = _keys(session)
    payload, signer = open_bundle(body, keys, trusted)
    origin = fingerprint(_unb64(signer, "the signer's key"))
    bundle_id = str(payload["bundle_id"])
    summary = Summary(bundle_id, origin, None)
    if session.get(ImportedBundle, bundle_id) is not None:
        summary.already = True
        return summary
    rows = _Importer(session, origin, own=signer == keys.signing_public, tables=payload.get("tables") or {})
    summary.counts = rows.run()
    session.add(ImportedBundle(bundle_id=bundle_id, signer=origin, created=float(payload.get("created", 0)),
                               imported=now, summary=summary.line()))
    audit.record(session, actor, "bundle.import", now, subject=bundle_id, detail=f"from {origin}: {summary.line()}")
    return summary


class _Importer:
    """Writes one bundle's rows; a row seen before (same station, same id) is updated, not copied."""

    def __init__(self, session: Session, origin: str, own: bool, tables: dict[str, Any]) -> None:
        self.db, self.origin, self.own, self.tables = session, origin, own, tables
        self.counts: dict[str, int] = {}

    def _table(self, name: str) -> list[dict[str, Any]]:
        rows = self.tables.get(name) or []
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise BundleError(f"the bundle's {name} are damaged")
        return rows

    def _count(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    def run(self) -> dict[str, int]:
        for row in self._table("members"):
            self._member(row)
        for row in self._table("node_keys"):
            if self.db.get(NodeKey, row.get("node_num")) is None:
                self.db.add(NodeKey(**_fields(NodeKey, row)))
                self._count("node keys added")
        postings = {r.get("id"): self._mapped("posting", Posting, r, newer="updated") for r in self._table("postings")}
        for row in self._table("matches"):
            row = {**row, "offer_id": postings.get(row.get("offer_id")), "need_id": postings.get(row.get("need_id"))}
            if row["offer_id"] is not None or row["need_id"] is not None:
                self._mapped("match", Match, row, newer="closed")
        matches = {remote: local for (remote, local) in self.db.exec(
            select(BundleRow.remote_id, BundleRow.local_id).where(BundleRow.origin == self.origin,
                                                                  BundleRow.kind == "match"))}
        for row in self._table("alerts"):
            self._mapped("alert", Alert, row, newer=None)
        for row in self._table("report_notes"):
            self._mapped("report note", ReportNote, row, newer=None)
        for row in self._table("success_stories"):
            match_id = row.get("match_id") if self.own else matches.get(row.get("match_id"))
            if match_id is not None and self.db.exec(
                    select(SuccessStory.id).where(SuccessStory.match_id == match_id)).first() is None:
                self._mapped("success story", SuccessStory, {**row, "match_id": match_id}, newer=None)
        self.db.flush()
        return self.counts

    def _member(self, row: dict[str, Any]) -> None:
        local = self.db.get(Member, row.get("node_num"))
        if local is None:
            self.db.add(Member(**_fields(Member, row)))
            self._count("members added")
            return
        changed = False
        for name in ("name", "zone", "short_name"):
            if getattr(local, name) is None and row.get(name) is not None:
                setattr(local, name, row[name])
                changed = True
        if changed:
            self.db.add(local)
            self._count("members completed")

    def _mapped(self, kind: str, model: type[SQLModel], row: dict[str, Any], newer: str | None) -> int | None:
        """Insert or update one row; returns its local id."""
        remote = row.get("id")
        if not isinstance(remote, int):
            raise BundleError(f"the bundle's {kind} rows are damaged")
        local_id = self._local_id(kind, model, remote)
        values = _fields(model, row)
        values.pop("id", None)
        local = self.db.get(model, local_id) if local_id is not None else None
        if local is not None:
            if newer is not None and (row.get(newer) or 0) > (getattr(local, newer) or 0):
                for name, value in values.items():
                    setattr(local, name, value)
                self.db.add(local)
                self._count(f"{_PLURAL.get(kind, kind + 's')} updated")
            return local_id
        if local_id is not None and not self.own:
            return None  # imported before and since purged here: it stays purged
        fresh = model(**values, **({"id": remote} if self.own else {}))
        self.db.add(fresh)
        self.db.flush()
        new_id = getattr(fresh, "id")
        if not self.own:
            self.db.add(BundleRow(origin=self.origin, kind=kind, remote_id=remote, local_id=new_id))
        self._count(f"{_PLURAL.get(kind, kind + 's')} added")
        return new_id

    def _local_id(self, kind: str, model: type[SQLModel], remote: int) -> int | None:
        if self.own:  # our own bundle (a restore): ids are ours
            return remote
        return self.db.exec(select(BundleRow.local_id).where(
            BundleRow.origin == self.origin, BundleRow.kind == kind, col(BundleRow.remote_id) == remote)).first()


def _fields(model: type[SQLModel], row: dict[str, Any]) -> dict[str, Any]:
    """The row's values for columns this schema has (a bundle from a newer meshbot may carry more)."""
    return {k: v for k, v in row.items() if k in model.model_fields}
