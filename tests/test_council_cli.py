"""`meshbot council ...` at the laptop: communities, people, meetings planned by rotation,
the treasury; each command a real board file."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from meshbot.cli.main import main


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
