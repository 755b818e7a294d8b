"""Every figure of the committee's digest against a neighbourhood built by hand.

The rows are written straight into a real SQLite file with explicit times, so each
expected number below can be checked by reading the dataset: a week's window ending at
NOW, and the week before it for trends.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from meshbot.papers.digest import Digest, build_digest
from meshbot.papers.periods import rolling
from store import Alert, Match, Member, Posting, open_engine, session

HOUR, DAY = 3600.0, 86_400.0
NOW = 1_767_225_600.0 + 40 * DAY
ANA, BEN, CARO, DEV, EVA = 0xA1, 0xB2, 0xC3, 0xD4, 0xE5
ELM, RIVER = "elm-st", "riverside"


def posting(pid: int, kind: str, category: str, item: str, author: int, ago: float, *, zone: str | None,
            community: str = ELM, urgency: str = "normal", status: str = "open",
            updated_ago: float | None = None, expires_in: float = 10 * DAY) -> Posting:
    return Posting(id=pid, kind=kind, category=category, item=item, author=author, zone=zone, urgency=urgency,
                   status=status, community=community, created=NOW - ago,
                   updated=NOW - (ago if updated_ago is None else updated_ago), expires=NOW + expires_in)


def build_neighbourhood(engine: Engine) -> None:
    """Two communities over two weeks; comments give what each row is for."""
    with session(engine) as db, db.begin():
        db.add_all([
            Member(node_num=ANA, name="Ana", zone="elm", community=ELM, first_seen=0, last_seen=NOW),
            Member(node_num=BEN, name="Ben", zone="oak", community=ELM, first_seen=0, last_seen=NOW),
            Member(node_num=CARO, name="Caro", zone="river", community=RIVER, first_seen=0, last_seen=NOW),
            Member(node_num=DEV, name="Dev", zone="elm", community=ELM, role="committee", first_seen=0, last_seen=NOW),
            Member(node_num=EVA, short_name="EVA", zone="river", community=RIVER, first_seen=0, last_seen=NOW),
        ])
        db.add_all([
            # Unmet needs (open now): most urgent first, then oldest.
            posting(1, "need", "food", "rice", BEN, 3 * DAY, zone="elm"),
            posting(2, "need", "medical", "insulin", BEN, 1 * HOUR, zone="oak", urgency="critical"),
            posting(3, "need", "medical", "bandages", ANA, 2 * DAY, zone="oak", urgency="high"),
            posting(4, "need", "food", "flour", ANA, 5 * DAY, zone="elm"),
            posting(5, "need", "water", "water", CARO, 10 * DAY, zone="river", community=RIVER, expires_in=4 * DAY),
            # Still marked open but past its expiry: not unmet any more, and posted before both windows.
            posting(6, "need", "food", "milk", ANA, 20 * DAY, zone="elm", expires_in=-6 * DAY),
            # Offers nobody took (open now), oldest first: o8 then o7.
            posting(7, "offer", "tools", "drill", ANA, 4 * DAY, zone="elm"),
            posting(8, "offer", "clothing", "coats", CARO, 12 * DAY, zone="river", community=RIVER, expires_in=2 * DAY),
            # Expired untaken two days ago (this period); a need that expired 11 days ago (period before).
            posting(9, "offer", "food", "bread", DEV, 16 * DAY, zone="elm", status="expired", updated_ago=2 * DAY),
            posting(10, "need", "power", "batteries", BEN, 25 * DAY, zone="oak", status="expired", updated_ago=11 * DAY),
            # Match A: need posted 6 d ago, matched 2 h later, completed 5 d ago.
            posting(11, "offer", "food", "beans", DEV, 6 * DAY - 2 * HOUR, zone="elm", status="done"),
            posting(12, "need", "food", "beans", BEN, 6 * DAY, zone="oak", status="done"),
            # Match B: Dev takes Ana's need 6 h after it was posted; still in progress.
            posting(13, "need", "transport", "ride", ANA, 3 * DAY, zone="elm", status="matched"),
            # Match C: Caro's need (riverside) matched 4 h later with Dev's offer; in progress.
            posting(14, "offer", "food", "soup", DEV, 2 * DAY - 4 * HOUR, zone="elm", status="matched"),
            posting(15, "need", "food", "soup", CARO, 2 * DAY, zone="river", community=RIVER, status="matched"),
            # Match D: Ben took Ana's saw, then Ana withdrew it: neither counts.
            posting(16, "offer", "tools", "saw", ANA, 1 * DAY, zone="elm", status="cancelled"),
            # Closed as done by its author without a match: filled, but no time to match.
            posting(19, "need", "clothing", "shoes", ANA, 4 * DAY, zone="elm", status="done"),
            # Match F, the period before: need 10 d ago, matched a day later, completed 8 d ago.
            posting(20, "need", "food", "pasta", BEN, 10 * DAY, zone="oak", status="done"),
            posting(21, "offer", "food", "pasta", ANA, 9 * DAY, zone="elm", status="done"),
            # Match H: Caro took Eva's repair offer 12 d ago; completed a day ago.
            posting(23, "offer", "repair", "fix bike", EVA, 13 * DAY, zone="river", community=RIVER, status="done"),
            # Match I: an old commitment of Dev's, still open: his third open one.
            posting(24, "offer", "food", "eggs", DEV, 20 * DAY, zone="elm", status="matched"),
        ])
        db.flush()
        db.add_all([
            Match(offer_id=11, need_id=12, created=NOW - 6 * DAY + 2 * HOUR, status="done", closed=NOW - 5 * DAY),
            Match(need_id=13, taker=DEV, created=NOW - 3 * DAY + 6 * HOUR),
            Match(offer_id=14, need_id=15, created=NOW - 2 * DAY + 4 * HOUR),
            Match(offer_id=16, taker=BEN, created=NOW - DAY + HOUR, status="cancelled", closed=NOW - DAY + 2 * HOUR),
            Match(offer_id=21, need_id=20, created=NOW - 9 * DAY, status="done", closed=NOW - 8 * DAY),
            Match(offer_id=23, taker=CARO, created=NOW - 12 * DAY, status="done", closed=NOW - DAY),
            Match(offer_id=24, taker=ANA, created=NOW - 19 * DAY),
        ])
        db.add_all([
            Alert(sender=ANA, text="tree down on elm", zone="elm", status="expired", created=NOW - 6 * DAY, expires=NOW - 5 * DAY),
            Alert(sender=DEV, text="family evicted", zone="oak", status="cancelled", created=NOW - 2 * DAY, expires=NOW + DAY),
            Alert(sender=CARO, text="river rising", zone="river", status="active", created=NOW - DAY, expires=NOW + DAY),
            Alert(sender=BEN, text="old alert", zone="oak", status="expired", created=NOW - 9 * DAY, expires=NOW - 8 * DAY),
        ])


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_engine(tmp_path / "digest.db")
    build_neighbourhood(engine)
    return engine


def week(engine: Engine, community: str | None = None) -> Digest:
    with session(engine) as db:
        return build_digest(db, rolling("week", NOW), NOW, community=community, period="week")


def test_unmet_needs_are_the_open_unexpired_ones_most_urgent_then_oldest_first(engine: Engine) -> None:
    d = week(engine)
    assert [w.ref for w in d.unmet] == ["n2", "n3", "n5", "n4", "n1"]
    assert [w.waited_s for w in d.unmet] == [HOUR, 2 * DAY, 10 * DAY, 5 * DAY, 3 * DAY]
    assert (d.unmet[0].item, d.unmet[0].zone, d.unmet[0].urgency) == ("insulin", "oak", "critical")


def test_unmet_needs_grouped_by_category_and_zone_urgent_groups_first(engine: Engine) -> None:
    groups = [(g.category, g.zone, g.count, g.critical, g.high, g.oldest_waited_s) for g in week(engine).unmet_groups]
    assert groups == [
        ("medical", "oak", 2, 1, 1, 2 * DAY),
        ("food", "elm", 2, 0, 0, 5 * DAY),
        ("water", "river", 1, 0, 0, 10 * DAY),
    ]


def test_offers_nobody_took_oldest_first_and_those_that_expired(engine: Engine) -> None:
    d = week(engine)
    assert [(w.ref, w.item, w.waited_s) for w in d.untaken_offers] == [("o8", "coats", 12 * DAY), ("o7", "drill", 4 * DAY)]
    assert (d.totals.offers_expired, d.previous.offers_expired) == (1, 0)
    assert (d.totals.needs_expired, d.previous.needs_expired) == (0, 1)


def test_postings_and_matches_made_and_completed(engine: Engine) -> None:
    t, p = week(engine).totals, week(engine).previous
    # Needs 1,2,3,4,12,13,15,19; offers 7,11,14 (16 was withdrawn).
    assert (t.needs_posted, t.offers_posted) == (8, 3)
    assert (p.needs_posted, p.offers_posted) == (2, 3)
    # A, B, C made (D cancelled); A and H completed.
    assert (t.matches_made, t.matches_completed) == (3, 2)
    assert (p.matches_made, p.matches_completed) == (2, 1)


def test_fill_rate_and_median_time_to_match(engine: Engine) -> None:
    d = week(engine)
    # Filled: n12 (A), n13 (B), n15 (C), n19 (closed done) of 8 needs posted.
    assert d.totals.needs_filled == 4 and d.totals.fill_rate == 0.5
    assert d.totals.median_time_to_match_s == 4 * HOUR  # of 2 h, 6 h, 4 h
    assert d.previous.fill_rate == 0.5 and d.previous.median_time_to_match_s == DAY


def test_trends_per_category_against_the_week_before(engine: Engine) -> None:
    trends = {t.category: t for t in week(engine).trends}
    food = trends["food"]
    # Needs n1, n4, n12, n15 against n20; offers o11, o14 against o21; matches A, C against F.
    assert (food.needs, food.needs_before, food.offers, food.offers_before, food.matches, food.matches_before) == (
        4, 1, 2, 1, 2, 1)
    assert food.needs_trend == "up" and food.offers_trend == "up"
    assert (trends["medical"].needs, trends["medical"].needs_trend) == (2, "up")
    assert (trends["water"].needs, trends["water"].needs_before, trends["water"].needs_trend) == (0, 1, "down")
    assert (trends["clothing"].offers, trends["clothing"].offers_before, trends["clothing"].offers_trend) == (0, 1, "down")
    assert (trends["repair"].matches, trends["repair"].matches_before) == (0, 1)
    assert trends["tools"].offers == 1  # the withdrawn saw is not counted
    assert "power" not in trends  # its only need was posted before both windows
    assert [t.category for t in week(engine).trends][0] == "food"


def test_alerts_raised_in_the_period_and_how_they_ended(engine: Engine) -> None:
    d = week(engine)
    assert [(a.ref, a.text, a.status) for a in d.alerts] == [
        ("a1", "tree down on elm", "expired"), ("a2", "family evicted", "cancelled"), ("a3", "river rising", "active"),
    ]
    assert d.alert_outcomes == {"expired": 1, "cancelled": 1, "active": 1}
    assert d.alerts[1].by == "Dev !000000d4"


def test_volunteers_most_relied_on_and_overload(engine: Engine) -> None:
    vols = week(engine).volunteers
    assert [(v.name, v.matches, v.completed, v.open_now, v.overloaded) for v in vols] == [
        ("Dev !000000d4", 3, 1, 3, True),   # gave in A, B (took a need) and C; I is still open
        ("EVA !000000e5", 0, 1, 0, False),  # H, made before the window, completed in it
    ]


def test_one_community_only_counts_its_own(engine: Engine) -> None:
    d = week(engine, RIVER)
    assert [w.ref for w in d.unmet] == ["n5"]
    assert [w.ref for w in d.untaken_offers] == ["o8"]
    assert (d.totals.needs_posted, d.totals.offers_posted, d.totals.matches_made, d.totals.matches_completed) == (1, 0, 1, 1)
    assert d.totals.fill_rate == 1.0 and d.totals.median_time_to_match_s == 4 * HOUR
    assert [a.ref for a in d.alerts] == ["a3"]
    assert [(v.short, v.matches, v.completed, v.open_now) for v in d.volunteers] == [("Dev", 1, 0, 1), ("EVA", 0, 1, 0)]
    assert set(week(engine).communities) == {ELM, RIVER}


def test_an_empty_board_has_no_rates_rather_than_zero(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "empty.db")
    with session(engine) as db:
        d = build_digest(db, rolling("day", NOW), NOW, period="day")
    assert d.totals.fill_rate is None and d.totals.median_time_to_match_s is None
    assert d.unmet == () and d.alerts == () and d.volunteers == ()


def test_the_digest_reads_the_clock_it_is_given(engine: Engine) -> None:
    """Seen ten days earlier: n2 does not exist yet, and the milk need had not yet expired."""
    then = NOW - 10 * DAY
    with session(engine) as db:
        earlier = build_digest(db, rolling("week", then), then, period="week")
    assert [(w.ref, w.waited_s) for w in earlier.unmet] == [("n6", 10 * DAY), ("n5", 0.0)]
    assert (earlier.totals.needs_posted, earlier.totals.offers_posted) == (0, 3)  # o8, o23, o9
