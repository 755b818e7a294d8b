"""The committee's commands as a user runs them: a real `meshbot` process on a real database."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from store import SuccessStory, open_engine, session
from tests.test_cli import meshbot
from tests.test_reports import build_march

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
AT = "2026-03-19T00:00:00+00:00"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "committee.db"
    engine = open_engine(path)
    build_march(engine)
    engine.dispose()
    return path


def test_digest_in_each_format(db: Path, tmp_path: Path) -> None:
    data = json.loads(meshbot("digest", "--period", "week", "--format", "json", "--at", AT, db=db).stdout)
    # The week to 19 March: first aid (12th) and a first aid kit (13th) offered, both taken.
    assert data["totals"]["offers_posted"] == 2 and data["totals"]["matches_made"] == 2
    assert [w["ref"] for w in data["unmet"]] == ["n4", "n5"]
    text = meshbot("digest", "--period", "month", "--at", AT, db=db).stdout
    assert "At a glance" in text and "Volunteers most relied on" in text and "n4" in text
    mesh = meshbot("digest", "--format", "mesh", "--at", AT, db=db).stdout.splitlines()
    assert 1 <= len(mesh) <= 2 and all(len(line.encode()) <= 200 for line in mesh)
    page = tmp_path / "digest.html"
    meshbot("digest", "--format", "html", "--out", str(page), "--at", AT, db=db)
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = meshbot("digest", "--at", "yesterday", db=db, check=False)
    assert bad.returncode == 2 and "ISO 8601" in bad.stderr


def test_report_note_story_and_the_printed_report(db: Path, tmp_path: Path) -> None:
    assert "added to the 2026-03 report" in meshbot("report", "note", "Streetlights out on Elm", "--month", "2026-03",
                                                   db=db).stdout
    assert "marked as a success story" in meshbot("report", "story", "3", "Ride to the clinic in time", db=db).stdout
    refused = meshbot("report", "story", "2", "not yet", db=db, check=False)
    assert refused.returncode == 1 and "not completed" in refused.stderr
    md = meshbot("report", "--month", "2026-03", db=db).stdout
    for n, title in enumerate(["Resources flowing", "Missing or overloaded", "Services scheduled or needed",
                               "Issues to raise at council", "Success stories"], 1):
        assert f"## {n}. {title}" in md
    assert "- Streetlights out on Elm" in md and "Ride to the clinic in time" in md
    bad = meshbot("report", "--month", "March", db=db, check=False)
    assert bad.returncode == 2 and "2026-11" in bad.stderr
    engine = open_engine(db)
    with session(engine) as s:
        assert s.get(SuccessStory, 4) is not None  # the three from the dataset, then ours


def test_map_files(db: Path, tmp_path: Path) -> None:
    png, svg, page = tmp_path / "m.png", tmp_path / "m.svg", tmp_path / "m.html"
    meshbot("map", "--month", "2026-03", "--out", str(png), db=db)
    meshbot("map", "--month", "2026-03", "--format", "svg", "--out", str(svg), db=db)
    meshbot("map", "--month", "2026-03", "--format", "html", "--out", str(page), db=db)
    assert png.read_bytes()[:8] == PNG_MAGIC
    assert b"<svg" in svg.read_bytes()[:2000]
    assert "<svg" in page.read_text(encoding="utf-8")


def test_figures_as_csv_files_and_json(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "figures"
    listed = meshbot("figures", "--month", "2026-03", "--out", str(out), db=db).stdout.split()
    names = {Path(p).name for p in listed}
    assert {"totals.csv", "unmet_needs.csv", "trends.csv", "alerts.csv", "volunteers.csv", "resources_flowing.csv",
            "success_stories.csv", "needs_map.csv"} <= names
    with (out / "resources_flowing.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows[0] == {"category": "food", "offers": "2", "needs": "1", "matches": "1", "completed": "1"}
    with (out / "totals.csv").open(encoding="utf-8") as f:
        totals = {r["figure"]: r for r in csv.DictReader(f)}
    assert totals["needs_posted"]["this_period"] == "5"  # n3, n4, n5, n7, n8
    data = json.loads(meshbot("figures", "--period", "week", "--format", "json", "--at", AT, db=db).stdout)
    assert data["totals"][0] == {"figure": "needs_posted", "this_period": 0, "period_before": 4}
    usage = meshbot("figures", "--format", "csv", db=db, check=False)
    assert usage.returncode == 2 and "--out" in usage.stderr
