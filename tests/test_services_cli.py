"""`meshbot services add|edit|list|roster|cancel|host` at the committee's laptop, on a real board file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from meshbot.cli.main import main
from store import OutboxItem, open_engine, session
from store.services import Service, ServiceSession, ServiceSignup


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "board.db"
    made = CliRunner().invoke(main, ["--db", str(path), "--create", "board"])
    assert made.exit_code == 0, made.output
    return path


def run(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", str(db), "--set", "timezone=Europe/Madrid", *args],
                                env={"MESHBOT_CONFIG": ""})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def test_add_list_edit_roster_and_cancel(db: Path) -> None:
    code, out = run(db, "services", "add", "repair", "--name", "Bike repair", "--place", "elm",
                    "--capacity", "4", "--day", "2099-01-03", "--weekly", "sat", "--start", "10:00",
                    "--bring", "your bike")
    assert (code, out) == (0, "Service 1 added.\n")
    code, out = run(db, "services", "list", "--json")
    assert json.loads(out) == [{"id": 1, "kind": "repair", "name": "Bike repair", "place": "elm", "capacity": 4,
                                "languages": "en", "bring": "your bike", "pod": False,
                                "schedule": "weekly sat 10:00 (120 min)", "status": "active"}]
    assert run(db, "services", "host", "1", "!000000a1", "lead")[1] == "!000000a1 is lead of service 1.\n"
    assert run(db, "services", "edit", "1", "--start", "11:30")[0] == 0
    code, out = run(db, "services", "roster", "1", "--json")
    rows = json.loads(out)
    assert code == 0 and rows == []  # 2099 is far ahead: nothing planned within two weeks yet
    engine = open_engine(db)
    with session(engine) as s, s.begin():
        service = s.get(Service, 1)
        assert service is not None and service.start == "11:30"
        planned = ServiceSession(service_id=1, starts=4_070_000_000.0, ends=4_070_007_200.0)
        s.add(planned)
        s.flush()
        s.add(ServiceSignup(session_id=planned.id, node=0xB2, state="booked", created=1.0, updated=1.0))
    engine.dispose()
    code, out = run(db, "services", "roster", "1")
    assert code == 0 and "helpers" in out and "booked 1/4" in out and "(lead)" in out
    code, out = run(db, "services", "cancel", "1")
    assert (code, out) == (0, "Service 1 cancelled; 2 residents told.\n")
    engine = open_engine(db)
    with session(engine) as s:
        texts = {o.destination: o.text for o in s.exec(select(OutboxItem))}
        assert s.get(ServiceSession, 1).status == "cancelled"  # type: ignore[union-attr]
    engine.dispose()
    assert texts[0xB2].startswith("s1 Bike repair ") and texts[0xB2].endswith("is cancelled. Sorry for the change.")


@pytest.mark.parametrize(("args", "says"), [
    (["services", "add", "repair", "--name", "X", "--day", "3 Jan"], "not a date"),
    (["services", "add", "repair", "--name", "X", "--day", "2099-01-03", "--start", "25:00"], "not a time"),
    (["services", "add", "repair", "--day", "2099-01-03"], "needs a kind, a name and a day"),
    (["services", "edit", "99", "--name", "Y"], "no service 99"),
    (["services", "cancel", "99999999999999999999"], "99999999999999999999"),
    (["services", "host", "1", "!zz", "lead"], "not a node id"),
])
def test_bad_values_are_one_line_and_change_nothing(db: Path, args: list[str], says: str) -> None:
    code, out = run(db, *args)
    assert code != 0 and says in out
    assert run(db, "services", "list", "--json")[1] == "[]\n"


def test_events_add_list_and_an_ics_a_calendar_reads(db: Path, tmp_path: Path) -> None:
    from datetime import date, timedelta

    from icalendar import Calendar

    soon = (date.today() + timedelta(days=3)).isoformat()
    code, out = run(db, "events", "add", "market", "--name", "Market day", "--place", "plaza",
                    "--day", soon, "--start", "09:00", "--minutes", "240", "--bring", "jars to trade")
    assert (code, out) == (0, "Event 1 added.\n")
    assert "market" in run(db, "events", "list")[1] and "once " + soon in run(db, "events", "list")[1]
    target = tmp_path / "events.ics"
    code, out = run(db, "events", "ics", "--out", str(target))
    assert (code, out) == (0, f"Wrote {target} (1 events).\n")
    [event] = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert str(event["summary"]) == "Market day (e1)"
    assert str(event["location"]) == "plaza"
    assert (event.decoded("dtend") - event.decoded("dtstart")).total_seconds() == 4 * 3600
    assert "RSVP e1" in str(event["description"])


def test_the_digest_has_the_services_sections(db: Path) -> None:
    code, out = run(db, "digest", "--format", "md")
    assert code == 0
    assert "## Services scheduled or needed" in out and "## What's missing or overloaded" in out
