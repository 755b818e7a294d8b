"""The needs-mapping chart: the right balance in every cell, and real PNG/SVG/HTML files."""

from __future__ import annotations

import io
import struct
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from meshbot.papers.needs_map import NeedsMap, build_map, render, summary_section, to_html
from meshbot.papers.periods import month_window
from store import Posting, open_engine, session

DAY = 86_400.0
MARCH = datetime(2026, 3, 1, tzinfo=UTC).timestamp()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def add(db, kind: str, category: str, community: str, zone: str | None, n: int = 1, *,  # type: ignore[no-untyped-def]
        created: float = MARCH + 3 * DAY, status: str = "open") -> None:
    for _ in range(n):
        db.add(Posting(kind=kind, category=category, item=category, author=0xA1, zone=zone, community=community,
                       status=status, created=created, updated=created))


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_engine(tmp_path / "map.db")
    with session(engine) as db, db.begin():
        add(db, "offer", "food", "Elm", "elm", 3)
        add(db, "offer", "food", "Elm", "oak", 1)
        add(db, "need", "food", "Elm", "oak", 1)
        add(db, "need", "childcare", "Elm", "elm", 2)
        add(db, "offer", "medical", "River", "mill", 2)
        add(db, "need", "power", "River", None, 1)
        add(db, "need", "medical", "River", "mill", 2)
        add(db, "offer", "water", "River", "mill", 4, status="cancelled")    # withdrawn: not counted
        add(db, "need", "food", "River", "mill", 5, created=MARCH - DAY)     # February: not counted
    return engine


def march(engine: Engine, community: str | None = None) -> NeedsMap:
    with session(engine) as db:
        return build_map(db, month_window("2026-03", UTC), MARCH + 40 * DAY, community=community)


def test_each_community_and_zone_gets_offers_minus_needs_per_category(engine: Engine) -> None:
    m = march(engine)
    assert m.categories == ("food", "medical", "childcare", "power")  # the vocabulary's order, used ones only
    grid = {(r.community, r.zone): {c: r.balance(c) for c in m.categories} for r in m.rows}
    assert [(r.community, r.zone) for r in m.rows] == [
        ("Elm", None), ("Elm", "elm"), ("Elm", "oak"), ("River", None), ("River", ""), ("River", "mill"),
    ]
    assert grid[("Elm", None)] == {"food": 3, "medical": 0, "childcare": -2, "power": 0}
    assert grid[("Elm", "oak")]["food"] == 0
    assert grid[("River", None)] == {"food": 0, "medical": 0, "childcare": 0, "power": -1}
    elm = m.rows[0]
    assert elm.strengths(m.categories) == ["food"] and elm.wants(m.categories) == ["childcare"]
    river = m.rows[3]
    assert (river.offers, river.needs) == ({"medical": 2}, {"medical": 2, "power": 1})


def test_one_community(engine: Engine) -> None:
    assert {r.community for r in march(engine, "River").rows} == {"River"}


def test_png_is_a_real_image_of_a_printable_size(engine: Engine) -> None:
    data = render(march(engine), "png", "made 9 Apr 2026")
    assert data[:8] == PNG_MAGIC
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert width >= 1500 and height >= 600
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.verify()


def test_svg_parses_and_carries_the_title(engine: Engine) -> None:
    data = render(march(engine), "svg", "made 9 Apr 2026")
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"<dc:date>" not in data  # reproducible: no creation time inside


def test_html_is_one_self_contained_page(engine: Engine) -> None:
    page = to_html(march(engine), "made 9 Apr 2026")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    for external in ("<script", "<link", " src=", 'href="http', "url(http", "@import"):
        assert external not in page  # nothing to fetch: the laptop is offline
    rows = summary_section(march(engine)).rows
    assert rows[0] == ("Elm", "food (+3)", "childcare (\u22122)")


def test_an_empty_month_still_renders(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "none.db")
    with session(engine) as db:
        m = build_map(db, month_window("2026-03", UTC), MARCH, None)
    assert m.rows == ()
    assert render(m, "png", "made today")[:8] == PNG_MAGIC
    ET.fromstring(render(m, "svg", "made today"))


def test_unknown_format_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="png, svg"):
        render(march(engine), "gif", "")
