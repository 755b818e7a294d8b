"""`meshbot board --print`: the A4 wall poster, rendered by a real headless browser
(Debian's chromium) to PNG, and its sections checked in the page the browser built."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from meshbot.cli.main import main
from meshbot.services import catalog
from meshbot.services.catalog import Description
from meshbot.services.schedule import zone
from store import session
from tests.conftest import Board

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SECTIONS = ("Needs", "Offers", "Services and events, next two weeks", "How to answer without a radio")


def browser() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing on CI (.ci/run installs it)")
        pytest.skip("chromium is not installed: apt-get install chromium")
    return CHROMIUM


def poster(board: Board, tmp_path: Path) -> Path:
    board.send(0xA1, "NEED 2 blankets @elm")
    board.send(0xB2, "OFFER rice 10kg @oak")
    import time

    with session(board.engine) as db, db.begin():
        catalog.add(db, Description(kind="repair", name="Bike repair", place="elm",
                                    day=time.strftime("%Y-%m-%d", time.localtime(time.time() + 86400)),
                                    start="10:00", one_off=True, bring="your bike"),
                    "cli:test", time.time(), zone(""))
    out = tmp_path / "board.html"
    result = CliRunner().invoke(main, ["--db", str(board.path), "--set", "committee_contact=Ask Eva at the centre",
                                       "board", "--print", "--out", str(out)], env={"MESHBOT_CONFIG": ""})
    assert result.exit_code == 0, result.output
    return out


def test_the_poster_has_its_sections_ids_and_the_committees_contact(board: Board, tmp_path: Path) -> None:
    html = poster(board, tmp_path).read_text(encoding="utf-8")
    for title in SECTIONS:
        assert f">{title}</h2>" in html, title
    assert "n1" in html and "o2" in html and "s1" in html and "Ask Eva at the centre" in html
    assert "@page { size: A4" in html


def test_chromium_renders_the_poster_to_a_png(board: Board, tmp_path: Path) -> None:
    chromium = browser()
    page = poster(board, tmp_path)
    png = tmp_path / "board.png"
    common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
              f"--user-data-dir={tmp_path / 'profile'}"]
    subprocess.run([*common, f"--screenshot={png}", "--window-size=1240,1754", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1240, 1754)
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], check=True, capture_output=True,
                         text=True, timeout=120).stdout
    for title in SECTIONS:
        assert title in dom, title
