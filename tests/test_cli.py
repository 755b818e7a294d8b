"""The command line's contracts, run as a user runs them: a real process each time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PARSE_KEYS = {"ok", "verb", "category", "item", "quantity", "unit", "place", "urgency", "reply", "error"}
DEMO_KEYS = {
    "nodes", "messages_sent", "messages_in", "lost", "resends", "replies_sent", "matches", "alert_reach",
    "virtual_seconds", "wall_seconds",
}


def meshbot(*args: str, stdin: str | None = None, db: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    if db is not None:
        env["MESHBOT_DB"] = str(db)
        args = ("--create", *args)  # these tests start from a new board
    result = subprocess.run(
        [sys.executable, "-m", "meshbot.cli.main", *args], input=stdin, capture_output=True,
        text=True, env=env, timeout=120,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_parse_prints_one_object_with_the_exact_reply() -> None:
    out = json.loads(meshbot("parse", "OFFER 10kg rice @elm").stdout)
    assert set(out) == PARSE_KEYS
    assert out == {
        "ok": True, "verb": "offer", "category": "food", "item": "rice", "quantity": 10,
        "unit": "kg", "place": "elm", "urgency": "normal", "error": None,
        "reply": "o1 rice 10kg posted. CANCEL o1 undoes",
    }


@pytest.mark.parametrize("text", ["", "OFFER", "BANANA 5", "TAKE", "\x07\x1b[2J\x7f", "x" * 10_000])
def test_parse_bad_input_is_not_ok_with_a_short_reply(text: str) -> None:
    out = json.loads(meshbot("parse", text).stdout)
    assert out["ok"] is False and out["error"]
    assert 0 < len(out["reply"].encode()) <= 200


def test_parse_dash_reads_lines_and_prints_jsonl() -> None:
    lines = ["NEED insulin !!", "BANANA 5", "ofrezco dos kg arroz", "\x00\x00 \x01"]
    out = meshbot("parse", "-", stdin="\n".join(lines) + "\n").stdout.splitlines()
    objects = [json.loads(line) for line in out]
    assert [o["ok"] for o in objects] == [True, False, True, False]
    assert (objects[0]["verb"], objects[0]["urgency"], objects[0]["category"]) == ("need", "critical", "medical")
    assert (objects[2]["item"], objects[2]["quantity"], objects[2]["unit"]) == ("arroz", 2, "kg")


def test_demo_json_is_one_object_with_the_contract_keys() -> None:
    summary = json.loads(meshbot("demo", "--json").stdout)
    assert set(summary) == DEMO_KEYS
    assert summary["nodes"] == 12
    assert summary["messages_in"] >= 10 and summary["replies_sent"] >= summary["messages_in"]
    assert summary["matches"] >= 2
    assert summary["alert_reach"]["reachable"] == 11
    assert summary["alert_reach"]["reached"] == summary["alert_reach"]["reachable"]
    assert summary["virtual_seconds"] > 0 and summary["wall_seconds"] >= 0  # how fast: bench/bench_sim.py


def test_demo_transcript_shows_the_air() -> None:
    out = meshbot("demo").stdout
    assert " -> bot " in out and "bot -> all   ALERT a1" in out
    assert "Match m" in out and "BANANA" in out
    assert "alert_reach:" in out
    assert "messages_in: 15 of 15, none lost" in out


def test_ingest_then_board_and_matches(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    script = tmp_path / "in.txt"
    script.write_text(
        "# a comment\n!000000a1 OFFER rice 10kg @elm\n!000000b2 NEED rice !!\n"
        "!000000c3 NEED ride to clinic @oak\nnot-a-node hello\n!000000c3 BANANA\n",
        encoding="utf-8",
    )
    summary = json.loads(meshbot("ingest", str(script), "--json", db=db).stdout)
    assert summary == {"lines": 5, "processed": 4, "skipped": 1, "replies": 4}
    board = json.loads(meshbot("board", "--json", db=db).stdout)
    assert [(r["id"], r["status"], r["author"]) for r in board] == [
        ("n2", "matched", "!000000b2"), ("n3", "open", "!000000c3"), ("o1", "open", "!000000a1")]  # rice left
    matches = json.loads(meshbot("matches", "--json", db=db).stdout)
    assert [(m["offer"]["id"], m["need"]["id"], m["status"]) for m in matches] == [("o1", "n2", "proposed")]
    assert (matches[0]["code"], matches[0]["state"], matches[0]["amount"]) == ("m1", "waiting", "3.33kg")
    assert (matches[0]["fit_reason"], matches[0]["fit_score"]) == ("same item", 1.0)
    assert "[same item 1]" in meshbot("matches", db=db).stdout
    assert "rice" in meshbot("board", db=db).stdout


def test_run_needs_exactly_one_radio() -> None:
    result = meshbot("run", check=False)
    assert result.returncode == 2 and "exactly one of --port, --host, --ble or --sim" in result.stderr
    result = meshbot("run", "--sim", "--port", "/dev/null", check=False)
    assert result.returncode == 2


def test_bad_setting_is_explained_not_a_traceback(tmp_path: Path) -> None:
    config = tmp_path / "m.toml"
    config.write_text("min_gap_s = 0.5\n", encoding="utf-8")
    result = meshbot("--config", str(config), "board", check=False)
    assert result.returncode == 1
    assert "min_gap_s" in result.stderr and "Traceback" not in result.stderr
