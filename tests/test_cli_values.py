"""Absurd command-line values seen in the wild: one line of error, a non-zero exit, nothing changed.

Each is a command line that once gave a traceback or spun; the expected answer is a
click error (exit 2 for a bad value, 1 for a refused request), the board untouched.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from meshbot.cli.main import main


@pytest.fixture
def board_db(tmp_path: Path) -> Path:
    db = tmp_path / "board.db"
    made = CliRunner().invoke(main, ["--db", str(db), "--create", "board"])
    assert made.exit_code == 0, made.output
    return db


def _run(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", str(db), *args], env={"MESHBOT_CONFIG": ""})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


ABSURD = [
    (["run", "--host", "127.0.0.1:abc"], "--host"),
    (["sim", "serve", "--port-base", "65536"], "--port-base"),
    (["outbox", "--limit", "99999999999999999999"], "--limit"),
    (["audit", "list", "--limit", "0"], "--limit"),
    (["alert", "confirm", "a99999999999999999999"], "an alert is a5 or 5"),
    (["alert", "show", "a²"], "an alert is a5 or 5"),
    (["match", "make", "o99999999999999999999", "n1"], "not a posting id"),
    (["emergency", "accept", "m99999999999999999999"], "a match is m5 or 5"),
    (["digest", "--at", "0001-01-01"], "--at"),
    (["report", "--month", "2026-13"], "--month"),
    (["report", "--out", "/nonexistent/dir/r.md"], "does not exist"),
    (["-s", "emergency_hours=1e308", "emergency", "start", "--reason", "flood"], "emergency_hours"),
    (["-s", "emergency_hours=nan", "emergency", "start", "--reason", "flood"], "emergency_hours"),
    (["sim", "run", "--hours", "nan"], "--hours"),
    (["sim", "run", "--hours", "inf"], "--hours"),
    (["emergency", "rehearse", "--hours", "nan"], "--hours"),
    (["stats", "--days", "inf"], "--days"),
    (["match", "make", "o1", "n1", "--quantity", "nan"], "--quantity"),
    (["doctor", "--no-radio", "--timeout", "-inf"], "--timeout"),
    (["demo", "--seed", "-1"], "--seed"),
    (["backup", "--to", "x\x00y"], "NUL"),
]


@pytest.mark.parametrize(("args", "named"), ABSURD, ids=[" ".join(a[0]) for a in ABSURD])
def test_an_absurd_value_gets_one_line_naming_it_and_changes_nothing(
    board_db: Path, args: list[str], named: str,
) -> None:
    before = board_db.read_bytes()
    code, output = _run(board_db, *args)
    assert code != 0
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and named in errors[0], output
    assert board_db.read_bytes() == before


def test_figures_refuse_an_existing_file_as_the_csv_folder(board_db: Path, tmp_path: Path) -> None:
    existing = tmp_path / "already.txt"
    existing.write_text("keep me")
    code, output = _run(board_db, "figures", "--out", str(existing))
    assert code != 0 and "is a file" in output
    assert existing.read_text() == "keep me"


def test_a_config_file_with_a_5000_digit_number_is_refused_in_one_line(board_db: Path, tmp_path: Path) -> None:
    config = tmp_path / "meshbot.toml"
    config.write_text("rate_limit_per_minute = " + "9" * 5000 + "\n")
    code, output = _run(board_db, "--config", str(config), "board")
    assert code == 1
    assert output.count("\n") == 1 and "too long to read" in output and len(output) < 300


def test_plain_values_still_work(board_db: Path) -> None:
    code, output = _run(board_db, "outbox", "--limit", "5")
    assert code == 0, output
    code, output = _run(board_db, "digest", "--at", "2026-11-28T07:00")
    assert code == 0, output


def test_a_picture_given_as_a_scenario_is_refused_in_one_line(board_db: Path, tmp_path: Path) -> None:
    picture = tmp_path / "map.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, output = _run(board_db, "sim", "run", "--scenario", str(picture))
    assert code == 2 and "cannot read scenario" in output
