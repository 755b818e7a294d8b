"""The committee's commands for matches, run as a real process each: `meshbot match ...`,
`meshbot matches`, `meshbot stats`."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import select

from store import Match, OutboxItem, open_engine, session
from tests.test_cli import meshbot

SCRIPT = """\
!000000a1 JOIN Ana elm
!000000b2 JOIN Ben oak
!000000a1 OFFER rice 10kg
!000000b2 NEED rice 4kg !!
!000000c3 NEED rice 2 bags @pine
!000000c3 NEED ride to clinic @pine
!000000d4 OFFER warm coat @oak
"""


def board_db(tmp_path: Path, *settings: str) -> Path:
    db = tmp_path / "m.db"
    script = tmp_path / "in.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    meshbot(*settings, "ingest", str(script), "--json", db=db)
    return db


def test_matches_stats_and_the_committee_make_and_reject(tmp_path: Path) -> None:
    db = board_db(tmp_path)
    [live] = json.loads(meshbot("matches", "--live", "--json", db=db).stdout)
    assert (live["code"], live["state"], live["amount"], live["offer"]["id"], live["need"]["id"]) == (
        "m1", "waiting", "4kg", "o1", "n2")
    assert "m1     waiting   offer o1 rice 4kg | need n2 rice" in meshbot("matches", db=db).stdout
    # 2 bags of rice do not convert to kg: the committee pairs them by hand.
    assert meshbot("match", "make", "o1", "n3", "--quantity", "3", db=db).stdout.strip() == "m2 made; 2 DM(s) queued"
    assert meshbot("match", "make", "o1", "o1", db=db, check=False).returncode == 1
    bad = meshbot("match", "make", "o1", "n4", "--quantity", "50", db=db, check=False)
    assert bad.returncode == 1 and "o1 has 3 kg left" in bad.stderr
    assert meshbot("match", "reject", "m1", db=db).stdout.startswith("m1 rejected; ")
    assert meshbot("match", "reject", "m1", db=db, check=False).returncode == 1
    figures = json.loads(meshbot("stats", "--json", db=db).stdout)
    # n3 was matched (by hand); n2's only match was rejected; n4 (a ride) found nothing.
    assert (figures["needs_posted"], figures["needs_filled"], figures["open_needs"]) == (3, 1, 2)
    assert figures["fill_rate"] == 1 / 3 and figures["median_time_to_match_s"] is not None
    assert figures["open_needs_by_category"] == {"food": 1, "transport": 1}
    assert figures["open_needs_by_zone"] == {"oak": 1, "pine": 1}
    assert figures["offers_unneeded_by_category"] == {"clothing": 1}
    assert figures["matches_by_state"] == {"rejected": 1, "waiting": 1}
    text = meshbot("stats", db=db).stdout
    assert "fill rate 33%" in text and "nobody needed 1: clothing 1" in text
    with session(open_engine(db)) as s:
        ben_dms = [o.text for o in s.exec(select(OutboxItem).where(OutboxItem.destination == 0xB2)).all()]
        assert ben_dms[-1] == "The committee cancelled m1. Your n2 is back on the board."
        assert all(len(t.encode()) <= 200 for t in ben_dms)


def test_held_matches_wait_for_approval(tmp_path: Path) -> None:
    db = board_db(tmp_path, "--set", "match_approval=true")
    [held] = json.loads(meshbot("matches", "--live", "--json", db=db).stdout)
    assert held["state"] == "held"
    assert meshbot("match", "approve", "m1", "--help", db=db).returncode == 0
    assert meshbot("match", "approve", "m1", db=db).stdout.strip() == "m1 approved; 2 DM(s) queued"
    assert json.loads(meshbot("matches", "--json", db=db).stdout)[0]["state"] == "waiting"
    assert meshbot("match", "approve", "m1", db=db).stdout.strip() == "m1 approved; 0 DM(s) queued"
    with session(open_engine(db)) as s:
        [m] = s.exec(select(Match)).all()
    assert m.accepted is not None and m.expires is None


def test_zone_map_and_the_whole_board_pass(tmp_path: Path) -> None:
    db = board_db(tmp_path)
    assert meshbot("match", "link", "elm", "@Oak", db=db).stdout.strip() == "elm <-> oak"
    meshbot("match", "link", "pine", "oak", db=db)
    assert json.loads(meshbot("match", "zones", "--json", db=db).stdout) == {
        "elm": ["oak"], "oak": ["elm", "pine"], "pine": ["oak"]}
    assert meshbot("match", "unlink", "oak", "pine", db=db).stdout.strip() == "oak </> pine"
    assert meshbot("match", "unlink", "oak", "pine", db=db, check=False).returncode == 1
    assert json.loads(meshbot("match", "run", "--json", db=db).stdout)["matches"] == 0
    assert meshbot("match", "reindex", db=db).stdout.strip() == "4 open posting(s) indexed"


def test_the_committees_hand_is_in_the_audit_log(tmp_path: Path) -> None:
    from meshbot.security.audit import entries

    db = board_db(tmp_path)
    meshbot("match", "reject", "m1", db=db)
    meshbot("match", "link", "elm", "oak", db=db)
    actions = [(e.action, e.subject) for e in entries(open_engine(db))]
    assert ("match.reject", "m1") in actions and ("zone.link", "elm oak") in actions
