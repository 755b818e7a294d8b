"""The monthly rep report: its five sections, each figure against a hand-built March."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from meshbot.papers.periods import month_window
from meshbot.papers.report_render import report_document
from meshbot.papers.reports import SECTION_TITLES, Report, ReportError, add_note, build_report, mark_story
from meshbot.papers.sections import to_html, to_markdown
from store import Match, Member, Posting, ReportNote, SuccessStory, open_engine, session

HOUR, DAY = 3600.0, 86_400.0
MARCH = datetime(2026, 3, 1, tzinfo=UTC).timestamp()
FEB = datetime(2026, 2, 1, tzinfo=UTC).timestamp()
NOW = datetime(2026, 4, 3, 9, 0, tzinfo=UTC).timestamp()
ANA, BEN, DEV = 0xA1, 0xB2, 0xD4
ELM, RIVER = "elm-st", "riverside"


def day(n: float, base: float = MARCH) -> float:
    """Day n of the month (1-based), at midnight UTC."""
    return base + (n - 1) * DAY


def post(pid: int, kind: str, category: str, item: str, author: int, created: float, status: str = "open", *,
         community: str = ELM, urgency: str = "normal") -> Posting:
    return Posting(id=pid, kind=kind, category=category, item=item, author=author, zone="elm", status=status,
                   urgency=urgency, community=community, created=created, updated=created, expires=NOW + 30 * DAY)


def build_march(engine: Engine) -> None:
    with session(engine) as db, db.begin():
        db.add_all([
            Member(node_num=ANA, name="Ana", community=ELM, first_seen=0, last_seen=NOW),
            Member(node_num=BEN, name="Ben", community=ELM, first_seen=0, last_seen=NOW),
            Member(node_num=DEV, name="Dev", community=ELM, role="committee", first_seen=0, last_seen=NOW),
        ])
        db.add_all([
            post(1, "offer", "food", "rice", ANA, day(2), "done"),
            post(2, "offer", "food", "bread", ANA, day(3)),
            post(3, "need", "food", "rice", BEN, day(2) + HOUR, "done"),
            post(4, "need", "childcare", "babysitting", BEN, day(5), urgency="high"),
            post(5, "need", "childcare", "after school", ANA, day(6)),
            post(6, "offer", "medical", "nurse visit", DEV, day(7), "matched"),
            post(7, "need", "medical", "nurse visit", BEN, day(7) + HOUR, "matched"),
            post(8, "need", "transport", "ride", BEN, day(10), "done", community=RIVER),
            post(9, "offer", "tools", "ladder", ANA, day(20, FEB), "done"),
            post(10, "offer", "clothing", "coats", ANA, day(1, FEB), "done"),
            post(11, "offer", "food", "soup", ANA, day(8), "cancelled"),
            post(12, "offer", "medical", "first aid", DEV, day(12), "matched"),
            post(13, "offer", "medical", "first aid kit", DEV, day(13), "matched"),
        ])
        db.flush()
        db.add_all([
            Match(id=1, offer_id=1, need_id=3, created=day(2) + 2 * HOUR, status="done", closed=day(4)),
            Match(id=2, offer_id=6, need_id=7, created=day(7) + HOUR),
            Match(id=3, need_id=8, taker=DEV, created=day(10) + HOUR, status="done", closed=day(11)),
            Match(id=4, offer_id=9, taker=BEN, created=day(21, FEB), status="done", closed=day(2)),
            Match(id=5, offer_id=10, taker=BEN, created=day(2, FEB), status="done", closed=day(3, FEB)),
            Match(id=6, offer_id=12, taker=BEN, created=day(12) + HOUR),
            Match(id=7, offer_id=13, taker=ANA, created=day(13) + HOUR),
        ])
    with session(engine) as db, db.begin():
        add_note(db, "2026-03", "Ask the council for a shared fridge.", NOW)
        add_note(db, "2026-03", "The river bridge is closed.", NOW, community=RIVER)
        add_note(db, "2026-02", "An old note.", NOW)
        mark_story(db, 1, "Rice reached Ben's family the same day.", NOW)
        mark_story(db, 4, "A ladder fixed the school roof.", NOW)
        mark_story(db, 5, "Coats before the frost.", NOW)  # completed in February


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_engine(tmp_path / "report.db")
    build_march(engine)
    return engine


def march(engine: Engine, community: str | None = None) -> Report:
    with session(engine) as db:
        return build_report(db, month_window("2026-03", UTC), "2026-03", NOW, community=community)


def test_resources_flowing_by_category(engine: Engine) -> None:
    flows = [(f.category, f.offers, f.needs, f.matches, f.completed) for f in march(engine).flowing]
    assert flows == [
        ("food", 2, 1, 1, 1),        # the withdrawn soup is not counted
        ("transport", 0, 1, 1, 1),
        ("tools", 0, 0, 0, 1),       # offered and matched in February, handed over in March
        ("medical", 3, 1, 3, 0),
        ("childcare", 0, 2, 0, 0),
    ]


def test_missing_or_overloaded(engine: Engine) -> None:
    r = march(engine)
    assert [(s.category, s.needs, s.offers, s.open_needs) for s in r.missing] == [
        ("childcare", 2, 0, 2), ("transport", 1, 0, 0),
    ]
    # Seen at the end of March: the babysitting need had waited since the 5th.
    assert r.missing[0].oldest_waited_s == day(32) - day(5)
    assert [(v.short, v.matches, v.open_now) for v in r.overloaded] == [("Dev", 4, 3)]


def test_services_scheduled_and_needed(engine: Engine) -> None:
    r = march(engine)
    assert [(s.match_id, s.category, s.item) for s in r.services_scheduled] == [
        (2, "medical", "nurse visit"), (6, "medical", "first aid"), (7, "medical", "first aid kit"),
    ]
    assert [w.ref for w in r.services_needed] == ["n4", "n5"]


def test_issues_for_council_are_the_months_notes(engine: Engine) -> None:
    assert [n.text for n in march(engine).notes] == ["Ask the council for a shared fridge.", "The river bridge is closed."]
    assert [n.text for n in march(engine, ELM).notes] == ["Ask the council for a shared fridge."]


def test_success_stories_are_matches_completed_in_the_month(engine: Engine) -> None:
    stories = march(engine).stories
    assert [(s.match_id, s.text, s.item) for s in stories] == [
        (4, "A ladder fixed the school roof.", "ladder"), (1, "Rice reached Ben's family the same day.", "rice"),
    ]


def test_one_community_report(engine: Engine) -> None:
    r = march(engine, RIVER)
    assert [(f.category, f.needs, f.completed) for f in r.flowing] == [("transport", 1, 1)]
    assert r.stories == () and r.services_scheduled == ()
    assert [n.text for n in r.notes] == ["Ask the council for a shared fridge.", "The river bridge is closed."]


def test_only_completed_matches_become_stories_and_marking_again_replaces_the_words(engine: Engine) -> None:
    with session(engine) as db, db.begin():
        with pytest.raises(ReportError, match="not completed"):
            mark_story(db, 2, "too early", NOW)
        with pytest.raises(ReportError, match="no match m99"):
            mark_story(db, 99, "nothing", NOW)
        with pytest.raises(ReportError, match="few words"):
            mark_story(db, 1, "   ", NOW)
        mark_story(db, 1, "Rice for six.", NOW)
    with session(engine) as db:
        assert [s.text for s in db.exec(SuccessStory.__table__.select().where(SuccessStory.match_id == 1)).all()] == [  # type: ignore[attr-defined]
            "Rice for six."]


def test_a_bad_note_changes_nothing(engine: Engine) -> None:
    with session(engine) as db, db.begin():
        with pytest.raises(ReportError):
            add_note(db, "2026-03", "  ", NOW)
        with pytest.raises(ValueError, match="2026-11"):
            add_note(db, "March", "text", NOW)
    with session(engine) as db:
        assert len(db.exec(ReportNote.__table__.select()).all()) == 3  # type: ignore[attr-defined]


def test_the_report_has_its_five_sections_in_every_format(engine: Engine) -> None:
    r = march(engine)
    doc = report_document(r, "UTC")
    md = to_markdown(doc)
    html = to_html(doc)
    for n, title in enumerate(SECTION_TITLES, 1):
        assert f"## {n}. {title}" in md
        assert f"<h2>{n}. {title}</h2>" in html
    positions = [md.index(f"## {n}. ") for n in range(1, 6)]
    assert positions == sorted(positions)
    assert "- Ask the council for a shared fridge." in md
    assert "A ladder fixed the school roof. — ladder (tools, elm), 2 Mar" in md
    data = json.loads(json.dumps(r.to_dict()))
    assert data["sections"] == list(SECTION_TITLES)
    assert {"flowing", "missing", "overloaded", "services_scheduled", "services_needed", "notes", "stories"} <= set(data)


def test_an_empty_month_still_has_five_sections_saying_so(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "empty.db")
    with session(engine) as db:
        r = build_report(db, month_window("2026-03", UTC), "2026-03", NOW)
    md = to_markdown(report_document(r, "UTC"))
    assert all(f"## {n}. {t}" in md for n, t in enumerate(SECTION_TITLES, 1))
    assert "_Nothing was posted this month._" in md and "_No stories marked." in md
