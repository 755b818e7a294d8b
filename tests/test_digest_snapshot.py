"""The sample pages in docs/examples are what the code makes today (regenerate them with
`.venv/bin/python docs/examples/make_snapshots.py`), and they need nothing from a network."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def make_snapshots(out: Path) -> list[Path]:
    spec = importlib.util.spec_from_file_location("make_snapshots", EXAMPLES / "make_snapshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(out)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("snapshots")
    make_snapshots(out)
    return out


@pytest.mark.parametrize("name", ["digest.html", "report.html", "mesh-digest.txt"])
def test_committed_sample_matches_what_the_script_makes(fresh: Path, name: str) -> None:
    assert (EXAMPLES / name).read_text(encoding="utf-8") == (fresh / name).read_text(encoding="utf-8"), (
        f"docs/examples/{name} is stale: run docs/examples/make_snapshots.py")


@pytest.mark.parametrize("name", ["digest.html", "report.html"])
def test_sample_pages_are_self_contained(name: str) -> None:
    page = (EXAMPLES / name).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "@media print" in page
    for external in ("<script", "<link", " src=", "href=", "url(", "@import", "http"):
        assert external not in page


def test_sample_digest_shows_every_section() -> None:
    page = (EXAMPLES / "digest.html").read_text(encoding="utf-8")
    for title in ("At a glance", "Unmet needs by category and zone", "Needs waiting, most urgent and oldest first",
                  "Offers nobody took", "Trends by category", "Alerts raised", "Volunteers most relied on"):
        assert f">{title}</h" in page


def test_sample_map_is_a_png(fresh: Path) -> None:
    assert (EXAMPLES / "needs-map.png").read_bytes()[:8] == PNG_MAGIC
    assert (fresh / "needs-map.png").read_bytes()[:8] == PNG_MAGIC
