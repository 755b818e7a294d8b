"""Export bundles between two stations: signed, sealed, checked, and idempotent on import."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from meshbot.security.bundles import BundleError, build, import_bundle, recipient_key
from meshbot.inbound.identity import StationKeys, station_keys
from meshbot.security.keys import NewKey, init, unlocker
from meshbot.settings import Settings
from store import Match, Member, Posting, open_engine, session
from store.models import AuditEntry, ImportedBundle

PASS = "correct horse battery staple"


def station(path: Path) -> Engine:
    engine = open_engine(path)
    init(engine, NewKey(passphrase=PASS), "interactive", 1.0)
    return engine


def keys_of(engine: Engine) -> StationKeys:
    with session(engine) as db:
        keys = station_keys(db)
    assert keys is not None
    return keys


def counts(engine: Engine) -> dict[str, int]:
    with session(engine) as db:
        return {m.__name__: db.exec(select(func.count()).select_from(m)).one()
                for m in (Member, Posting, Match, ImportedBundle)}


@pytest.fixture
def elm(tmp_path: Path) -> Engine:
    """Station A with a small board: two members, an offer matched with a need."""
    engine = station(tmp_path / "elm.db")
    with session(engine) as db, db.begin():
        db.add(Member(node_num=0xA1, name="Quetzalcoatl", zone="elm", status="approved", first_seen=0, last_seen=0))
        db.add(Member(node_num=0xB2, name="Ben", zone="oak", first_seen=0, last_seen=0))
        db.add(Posting(kind="offer", category="food", item="rice", quantity=10, unit="kg", author=0xA1,
                       created=0, updated=0))
        db.add(Posting(kind="need", category="food", item="rice", author=0xB2, created=1, updated=1))
    with session(engine) as db, db.begin():
        db.add(Match(offer_id=1, need_id=2, created=2))
    return engine


@pytest.fixture
def council(tmp_path: Path) -> Engine:
    return station(tmp_path / "council.db")


def export(source: Engine, to: Engine | None, now: float = 10.0) -> bytes:
    recipient = recipient_key(keys_of(to).box_public) if to is not None else None
    with session(source) as db:
        body, _ = build(db, now, recipient)
    return body


def apply(target: Engine, body: bytes, trusted: set[str]) -> object:
    with session(target) as db, db.begin():
        return import_bundle(db, body, 20.0, trusted, "cli:test")


def test_a_sealed_bundle_moves_the_board_and_a_replay_changes_nothing(elm: Engine, council: Engine) -> None:
    body = export(elm, council)
    assert b"Quetzalcoatl" not in body and b"rice" not in body  # sealed: the file alone tells nothing
    trusted = {keys_of(elm).signing_public}
    summary = apply(council, body, trusted)
    assert summary.counts == {"members added": 2, "postings added": 2, "matches added": 1}  # type: ignore[attr-defined]
    with session(council) as db:
        assert db.get(Member, 0xA1).name == "Quetzalcoatl"  # type: ignore[union-attr]
        [match] = db.exec(select(Match)).all()
        assert (db.get(Posting, match.offer_id).item, db.get(Posting, match.need_id).author) == ("rice", 0xB2)  # type: ignore[union-attr]
    before = counts(council)
    again = apply(council, body, trusted)
    assert again.already  # type: ignore[attr-defined]
    assert counts(council) == before


def test_a_later_bundle_updates_rows_instead_of_copying_them(elm: Engine, council: Engine) -> None:
    trusted = {keys_of(elm).signing_public}
    apply(council, export(elm, council), trusted)
    with session(elm) as db, db.begin():
        offer = db.get(Posting, 1)
        offer.status, offer.updated = "done", 50.0  # type: ignore[union-attr]
    summary = apply(council, export(elm, council, now=60.0), trusted)
    assert summary.counts == {"postings updated": 1}  # type: ignore[attr-defined]
    with session(council) as db:
        assert db.exec(select(func.count()).select_from(Posting)).one() == 2
        assert db.get(Posting, 1).status == "done"  # type: ignore[union-attr]


def test_a_tampered_bundle_is_rejected_and_nothing_is_written(elm: Engine, council: Engine) -> None:
    trusted = {keys_of(elm).signing_public}
    for sealed in (True, False):
        outer = json.loads(export(elm, council if sealed else None))
        data = bytearray(base64.b64decode(outer["data"]))
        data[len(data) // 2] ^= 0x01
        outer["data"] = base64.b64encode(bytes(data)).decode()
        with pytest.raises(BundleError, match="tampered"):
            apply(council, json.dumps(outer).encode(), trusted)
    assert counts(council) == {"Member": 0, "Posting": 0, "Match": 0, "ImportedBundle": 0}


@pytest.mark.parametrize("field", ["signed", "signer"])
def test_a_signature_or_signer_garbled_in_transit_is_called_tampered(elm: Engine, council: Engine, field: str) -> None:
    outer = json.loads(export(elm, None))
    envelope = json.loads(base64.b64decode(outer["data"]))
    envelope[field] = envelope[field][:10] + "!" + envelope[field][11:]  # no longer base64
    outer["data"] = base64.b64encode(json.dumps(envelope).encode()).decode()
    with pytest.raises(BundleError, match="tampered"):
        apply(council, json.dumps(outer).encode(), {keys_of(elm).signing_public})
    assert counts(council) == {"Member": 0, "Posting": 0, "Match": 0, "ImportedBundle": 0}


def test_an_unsigned_or_foreign_bundle_is_rejected_with_a_clear_message(elm: Engine, council: Engine, tmp_path: Path) -> None:
    plain = json.dumps({"version": 1, "bundle_id": "x", "tables": {"members": []}}).encode()
    unsigned = json.dumps({"format": "meshbot-bundle/1", "sealed_to": None,
                           "data": base64.b64encode(plain).decode()}).encode()
    with pytest.raises(BundleError, match="not signed"):
        apply(council, unsigned, set())
    with pytest.raises(BundleError, match="not trust; if you know it, import with --trust"):
        apply(council, export(elm, council), set())
    other = station(tmp_path / "other.db")
    with pytest.raises(BundleError, match="sealed to another station"):
        apply(council, export(elm, other), {keys_of(elm).signing_public})
    with pytest.raises(BundleError, match="not a meshbot bundle"):
        apply(council, b"PK\x03\x04 a zip file", set())


def test_export_and_import_at_the_command_line(elm: Engine, council: Engine, tmp_path: Path) -> None:
    elm_db, council_db = str(elm.url.database), str(council.url.database)
    elm.dispose()
    council.dispose()

    def cli(db: str, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
        env.update(MESHBOT_DB=db, MESHBOT_PASSPHRASE=PASS)
        return subprocess.run([sys.executable, "-m", "meshbot.cli.main", "--create", *args], text=True, capture_output=True,
                              env=env, timeout=60)

    council_keys = json.loads(cli(council_db, "keys", "--json").stdout)
    elm_keys = json.loads(cli(elm_db, "keys", "--json").stdout)
    bundle = tmp_path / "to-council.bundle"
    out = cli(elm_db, "export", "--to", str(bundle), "--for", council_keys["bundle_key"])
    assert out.returncode == 0, out.stderr
    assert oct(bundle.stat().st_mode & 0o777) == "0o600" and "Warning" not in out.stderr
    refused = cli(council_db, "import", str(bundle))
    assert refused.returncode == 1 and f"--trust {elm_keys['signing_key']}" in refused.stderr
    done = cli(council_db, "import", str(bundle), "--trust", elm_keys["signing_key"])
    assert done.returncode == 0, done.stderr
    assert "2 members added, 2 postings added, 1 matches added" in done.stdout
    replay = cli(council_db, "import", str(bundle), "--trust", elm_keys["signing_key"])
    assert replay.returncode == 0 and "imported before: nothing changed" in replay.stdout
    plain = cli(elm_db, "export", "--to", str(tmp_path / "plain.bundle"))
    assert plain.returncode == 0 and "not sealed" in plain.stderr
    engine = open_engine(council_db, unlocker(Settings(db=council_db), {"MESHBOT_PASSPHRASE": PASS}))
    with session(engine) as db:
        assert [e.action for e in db.exec(select(AuditEntry).order_by(AuditEntry.id))] == ["key.init", "bundle.import"]


def test_a_station_without_keys_cannot_export(tmp_path: Path) -> None:
    plain = open_engine(tmp_path / "plain.db")
    with session(plain) as db, pytest.raises(BundleError, match="run `meshbot init` first"):
        build(db, 1.0, None)
