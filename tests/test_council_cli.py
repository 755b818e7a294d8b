"""`meshbot council ...` at the laptop: communities, people, meetings planned by rotation,
the treasury; each command a real board file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from meshbot.cli.main import main
from store import Alert, open_engine, session


def council(db: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(db), "--create", "council", *args])


def test_meetings_rotate_hosts_and_trained_facilitators(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    for name in ("elm", "oak", "ash"):
        assert council(db, "community", "add", name).exit_code == 0
    assert "#1 Ana (elm) rep" in council(db, "person", "Ana", "--community", "elm", "--rep", "--node", "!000000a1").output
    assert council(db, "person", "Bea", "--community", "oak", "--trained").exit_code == 0
    assert council(db, "person", "Cas", "--community", "ash").exit_code == 0
    assert "marked trained" in council(db, "train", "3").output
    plans = [council(db, "plan", f"2027-0{m}-10T18:00").output for m in (1, 2, 3, 4)]
    assert [p.split("host ")[1].split(",")[0] for p in plans] == ["elm", "oak", "ash", "elm"]
    assert [p.split("facilitator ")[1].strip() for p in plans] == ["#2", "#3", "#2", "#3"]
    rows = json.loads(council(db, "meetings", "--json").output)
    assert [r["host"] for r in rows] == ["elm", "oak", "ash", "elm"]


def test_an_untrained_facilitator_or_unknown_host_is_refused_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    council(db, "community", "add", "elm")
    council(db, "person", "Ana", "--community", "elm")
    refused = council(db, "plan", "2027-01-10", "--facilitator", "1")
    assert refused.exit_code != 0 and "not marked trained" in refused.output
    refused = council(db, "plan", "2027-01-10", "--host", "nowhere")
    assert refused.exit_code != 0 and "no community 'nowhere'" in refused.output
    assert "No meetings yet." in council(db, "meetings").output


def test_a_stipend_proposal_voted_closed_and_in_the_ledger(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    assert "ledger 1: contribution 500 hours" in council(db, "treasury", "add", "contribution", "500", "garden fair").output
    made = council(db, "propose", "Tuesday childcare pod lead", "--amount", "40", "--kind", "stipend",
                   "--every", "week", "--periods", "13")
    assert made.exit_code == 0 and made.output.startswith("p1 open for votes until ")
    for voter, choice in (("Dora", "yes"), ("Eli", "yes"), ("Fay", "no"), ("dora", "abstain")):
        assert "(secret)" in council(db, "ballot", "p1", choice, "--voter", voter).output
    closed = council(db, "close", "p1")
    assert closed.output.strip() == "p1 rejected: yes 1, no 1, abstain 1"  # Dora changed her vote: it counts once
    rows = json.loads(council(db, "proposals", "--json").output)
    assert (rows[0]["yes"], rows[0]["no"], rows[0]["abstain"], rows[0]["recorded"]) == (1, 1, 1, 3)
    assert "is already closed" in council(db, "close", "p1").output
    assert "is closed" in council(db, "ballot", "p1", "yes", "--voter", "Gus").output


def test_a_passed_stipend_is_paid_weekly_and_the_balance_follows(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    council(db, "treasury", "add", "contribution", "500", "garden fair")
    council(db, "propose", "clinic batteries", "--amount", "120", "--kind", "spending")
    for voter in ("Dora", "Eli", "Fay"):
        council(db, "ballot", "p1", "yes", "--voter", voter)
    assert council(db, "close", "p1").output.strip() == "p1 approved: yes 3, no 0, abstain 0"
    assert council(db, "treasury", "balance").output.strip() == "balance 380 hours"
    month = json.loads(council(db, "treasury", "statement", "2026-12", "--json").output)
    assert month["unit"] == "hours"


def test_minutes_actions_and_the_agenda_paper(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    council(db, "community", "add", "elm")
    council(db, "person", "Ana", "--community", "elm", "--rep", "--trained")
    council(db, "plan", "2030-01-10T18:00")
    assert "agenda #1 (aid) on meeting 1" in council(db, "agenda", "add", "rides to the clinic", "--heading", "aid").output
    page = tmp_path / "agenda.html"
    assert council(db, "agenda", "show", "1", "--format", "html", "-o", str(page)).exit_code == 0
    assert "Mutual aid across communities" in page.read_text(encoding="utf-8")
    assert "rides to the clinic" in council(db, "agenda", "show", "--format", "mesh").output
    assert "minute 1 (issue) recorded" in council(db, "minute", "1", "issue", "water tank leaks", "--community", "elm").output
    refused = council(db, "minute", "1", "warning", "loose dogs on elm")
    assert refused.exit_code != 0 and "--by" in refused.output
    raised = council(db, "person", "Bo", "--community", "elm", "--node", "!000000b2")
    assert "alert a1 raised" in council(db, "minute", "1", "warning", "loose dogs on elm", "--by", "2").output
    with session(open_engine(db)) as s:
        alert = s.get(Alert, 1)
        assert alert is not None and alert.text == "loose dogs on elm" and alert.sender == 0xB2
    assert raised.exit_code == 0
    assert "action c1 added" in council(db, "action", "add", "1", "fix the tank", "--owner", "1", "--due", "2001-01-01").output
    assert json.loads(council(db, "actions", "--json").output)[0]["state"] == "late"
    council(db, "action", "done", "1")
    assert json.loads(council(db, "actions", "--json").output)[0]["state"] == "done"


def test_the_reps_monthly_report_gains_council_issues_and_the_treasury_statement(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    council(db, "community", "add", "elm")
    council(db, "community", "add", "oak")
    council(db, "plan", "2030-01-10T18:00")
    council(db, "minute", "1", "issue", "the elm water tank leaks", "--community", "elm")
    council(db, "minute", "1", "decision", "oak hosts the gardening day", "--community", "oak")
    council(db, "treasury", "add", "contribution", "500", "garden fair")
    council(db, "treasury", "add", "spending", "120", "clinic batteries")
    report = CliRunner().invoke(main, ["--db", str(db), "report", "--community", "elm", "--format", "md"])
    assert report.exit_code == 0, report.output
    assert "## What issues arose in council" in report.output
    assert "| Issue | the elm water tank leaks | elm |" in report.output
    assert "oak hosts the gardening day" not in report.output  # oak's rep reports that one
    assert "## Treasury statement (hours)" in report.output and "| **Closing balance** | **380** |" in report.output


def test_the_council_pack_for_a_community_is_signed_and_sealed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from meshbot.security.bundles import BundleError, open_bundle
    from tests.test_bundles import PASS, keys_of, station

    monkeypatch.setenv("MESHBOT_PASSPHRASE", PASS)

    db = tmp_path / "elm.db"
    elm, hall = station(db), station(tmp_path / "hall.db")
    council(db, "community", "add", "elm")
    council(db, "community", "add", "oak")
    council(db, "plan", "2026-12-20T18:00")
    council(db, "minute", "1", "issue", "the elm water tank leaks", "--community", "elm")
    council(db, "minute", "1", "issue", "oak needs a ladder", "--community", "oak")
    out = tmp_path / "elm-pack.json"
    made = council(db, "pack", "elm", "--month", "2026-12", "--to", str(out), "--for", keys_of(hall).box_public)
    assert made.exit_code == 0, made.output
    payload, signer = open_bundle(out.read_bytes(), keys_of(hall), {keys_of(elm).signing_public})
    assert payload["kind"] == "council-pack" and payload["tables"] == {}
    assert [m["text"] for m in payload["council"]["minutes"]] == ["the elm water tank leaks"]
    assert signer == keys_of(elm).signing_public
    tampered = out.read_bytes().replace(b'"data": "', b'"data": "AAAA')
    with pytest.raises(BundleError):
        open_bundle(tampered, keys_of(hall), {signer})
