"""The committee's board on the laptop names residents (from JOIN) and gives times on the
station's clock, saying which; the mesh keeps short ids."""

from __future__ import annotations

from click.testing import CliRunner

from meshbot.cli.main import main
from tests.conftest import Board

ANA, BEN = 0xA1, 0xB2


def test_meshbot_board_shows_names_and_local_times(board: Board) -> None:
    board.send(ANA, "JOIN Ana elm")
    board.send(ANA, "OFFER rice 10kg")
    board.send(BEN, "NEED 2 blankets @oak")  # Ben never sent JOIN: his radio's default name
    result = CliRunner().invoke(main, ["--db", str(board.path), "--set", "timezone=America/Bogota", "board"])
    assert result.exit_code == 0, result.output
    assert "[open, Ana, 31 Dec 19:00]" in result.output  # T0 is 1 Jan 2026 00:00 UTC
    assert "00b2" in result.output and "!000000b2" not in result.output
    assert "+00:00" not in result.output and "rice 10 kg" in result.output
    assert "Times in America/Bogota" in result.output


def test_the_board_counts_what_a_live_match_promised_as_gone(board: Board) -> None:
    """o1 has 10 kg; m1 promises 4 of them to n2: the board says 6 left, as the matcher sees it."""
    import json

    board.send(ANA, "OFFER rice 10kg")
    board.send(BEN, "NEED rice 4kg")
    result = CliRunner().invoke(main, ["--db", str(board.path), "board", "--json"])
    rows = {r["id"]: r for r in json.loads(result.output)}
    assert (rows["o1"]["quantity"], rows["o1"]["remaining"]) == (10, 6)
    assert rows["n2"]["remaining"] == 0
    text = CliRunner().invoke(main, ["--db", str(board.path), "--set", "timezone=UTC", "board"]).output
    assert "rice 10 kg (6 left)" in text
