"""The committee's console (`meshbot web`) through HTTP: the login wall, CSRF on every form,
and each button doing what the CLI does, audited as `console:NAME`.

Starlette's TestClient drives the real application over a real SQLite board filled by the
real worker; the browser tests (tests/test_console_browser.py) drive it in Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from meshbot.alerts import policy
from meshbot.settings import Settings
from meshbot.web.accounts import AccountError, set_password
from meshbot.web.app import build_app
from store import Match, Member, session
from store.models import AuditEntry
from tests.conftest import Board

ANA, BEN, CARO = 0xA1, 0xB2, 0xC3
PASSWORD = "long enough words"


def name_committee(board: Board, node: int = CARO, name: str = "Caro") -> None:
    """Caro joins and is given the committee role and a console password, as `meshbot init
    --committee` and `meshbot members password` would."""
    board.send(node, f"JOIN {name} elm")
    with session(board.engine) as db, db.begin():
        member = db.get(Member, node)
        assert member is not None
        member.role, member.status = "committee", "approved"
        db.add(member)
        set_password(db, node, PASSWORD, "cli:test", board.clock.now)


def client_for(board: Board) -> TestClient:
    return TestClient(build_app(board.settings, board.engine, board.clock, secret="test"), follow_redirects=True)


def token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def logged_in(board: Board, name: str = "Caro") -> tuple[TestClient, str]:
    client = client_for(board)
    page = client.get("/login").text
    reply = client.post("/login", data={"csrf": token(page), "name": name, "password": PASSWORD, "next": "/board"})
    assert reply.url.path == "/board", reply.text
    return client, token(reply.text)


def audit_actors(board: Board) -> list[tuple[str, str, str]]:
    with session(board.engine) as db:
        return [(e.actor, e.action, e.subject) for e in db.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()]


@pytest.fixture
def held(tmp_path: Path) -> Board:
    """Ana offers rice, Ben needs it; matches wait for the committee (match_approval)."""
    board = Board(tmp_path / "held.db", settings=Settings(db=":memory:", match_approval=True))
    name_committee(board)
    board.send(ANA, "JOIN Ana elm")
    board.send(BEN, "JOIN Ben oak")
    board.send(ANA, "OFFER rice 10kg")
    board.send(BEN, "NEED rice 4kg")
    return board


def test_every_page_is_behind_the_login(held: Board) -> None:
    client = client_for(held)
    for path in ("/board", "/matches", "/alerts", "/members", "/outbox", "/emergency", "/papers", "/papers/digest"):
        reply = client.get(path)
        assert reply.url.path == "/login" and "Log in" in reply.text
    refused = client.post("/login", data={"csrf": token(client.get("/login").text), "name": "Caro",
                                          "password": "not the password"})
    assert "Wrong name or password." in refused.text and "Log out" not in refused.text


def test_the_board_shows_names_local_times_and_filters(held: Board) -> None:
    client, _ = logged_in(held)
    page = client.get("/board").text
    assert "Ana" in page and "Ben" in page and "rice" in page and "Times are in" in page
    assert "+00:00" not in page
    only_needs = client.get("/board", params={"kind": "need"}).text
    assert "n2" in only_needs and ">o1<" not in only_needs
    assert "Nothing on the board with these filters" in client.get("/board", params={"q": "blankets"}).text
    assert ">o1<" in client.get("/board", params={"q": "ana rice"}).text


def test_approving_a_held_match_queues_the_dms_and_is_audited(held: Board) -> None:
    client, csrf = logged_in(held)
    assert "m1" in client.get("/matches").text
    page = client.post("/matches/approve", data={"csrf": csrf, "match": "m1"}).text
    assert "m1 approved; 2 DM(s) queued" in page
    dms = {o.destination: o.text for o in held.outbox() if o.destination in (ANA, BEN)}
    assert "m1" in dms[ANA] and "m1" in dms[BEN]
    outbox = client.get("/outbox").text
    assert "Waiting to go" in outbox and dms[BEN][:20] in outbox
    assert ("console:Caro !000000c3", "match.approve", "m1") in audit_actors(held)


def test_a_form_without_its_token_changes_nothing(held: Board) -> None:
    client, _ = logged_in(held)
    before = len(held.outbox())
    reply = client.post("/matches/approve", data={"csrf": "forged", "match": "m1"})
    assert reply.status_code == 403 and "out of date" in reply.text
    assert len(held.outbox()) == before
    with session(held.engine) as db:
        assert db.get(Match, 1).held  # type: ignore[union-attr]


def test_make_and_reject_by_hand_and_bad_input_is_one_line(held: Board) -> None:
    client, csrf = logged_in(held)
    assert "no live match by that number" in client.post("/matches/reject", data={"csrf": csrf, "match": "m9"}).text
    assert "the quantity is a number" in client.post(
        "/matches/make", data={"csrf": csrf, "offer": "o1", "need": "n2", "quantity": "lots"}).text
    assert "m1 rejected" in client.post("/matches/reject", data={"csrf": csrf, "match": "m1"}).text
    made = client.post("/matches/make", data={"csrf": csrf, "offer": "o1", "need": "n2", "quantity": "3"}).text
    assert re.search(r"m\d+ made; 2 DM\(s\) queued", made)
    assert any(action == "match.make" and actor == "console:Caro !000000c3" for actor, action, _ in audit_actors(held))


def test_confirming_and_cancelling_alerts(held: Board) -> None:
    held.send(ANA, "ALERT family evicted @oak")
    client, csrf = logged_in(held)
    assert "waiting for confirmation" in client.get("/alerts").text
    assert "a1 confirmed" in client.post("/alerts/confirm", data={"csrf": csrf, "alert": "a1"}).text
    with session(held.engine) as db:
        alert = policy.find(db, "a1")
        assert alert is not None and alert.status == "active" and alert.verified
    assert "a1 is not waiting for confirmation (it is active)" in client.post(
        "/alerts/confirm", data={"csrf": csrf, "alert": "a1"}).text
    assert "a1 cancelled" in client.post("/alerts/cancel", data={"csrf": csrf, "alert": "a1"}).text
    with session(held.engine) as db:
        assert policy.find(db, "a1").status == "cancelled"  # type: ignore[union-attr]
    actions = [(actor, action) for actor, action, _ in audit_actors(held)]
    assert ("console:Caro !000000c3", "alert.confirm") in actions and ("console:Caro !000000c3", "alert.cancel") in actions


def test_members_waiting_and_roles(held: Board) -> None:
    held.send(0xD4, "JOIN Dora pine")
    client, csrf = logged_in(held)
    assert "Dora" in client.get("/members").text
    assert "!000000d4 approved" in client.post("/members/approve", data={"csrf": csrf, "node": "!000000d4"}).text
    assert "!000000d4 is now responder" in client.post(
        "/members/role", data={"csrf": csrf, "node": "!000000d4", "role": "responder"}).text
    assert "is not a node id" in client.post("/members/approve", data={"csrf": csrf, "node": "dora"}).text
    with session(held.engine) as db:
        dora = db.get(Member, 0xD4)
        assert dora is not None and (dora.status, dora.role) == ("approved", "responder")


def test_a_banner_until_a_committee_exists(board: Board) -> None:
    board.send(ANA, "JOIN Ana elm")
    client = client_for(board)
    assert "No committee yet." in client.get("/login").text
    name_committee(board)
    assert "No committee yet." not in client.get("/login").text


def test_only_the_committee_gets_a_console_password(board: Board) -> None:
    board.send(ANA, "JOIN Ana elm")
    with session(board.engine) as db, db.begin(), pytest.raises(AccountError, match="only a committee member"):
        set_password(db, ANA, PASSWORD, "cli:test", board.clock.now)


def test_papers_print_from_the_console(held: Board) -> None:
    client, _ = logged_in(held)
    for path, words in (("/papers/digest?period=week", "Digest"), ("/papers/report", "report"),
                        ("/papers/map", "Strengths and needs"), ("/papers/emergency", "Emergency")):
        page = client.get(path)
        assert page.status_code == 200 and words.lower() in page.text.lower() and "<html" in page.text


def test_first_night_init_names_the_committee_and_the_passphrase_opens_the_console(tmp_path: Path) -> None:
    """From an empty board: `meshbot init --committee` encrypts it and names Caro; the
    station passphrase logs in; a resident's alert now waits for the committee, and the
    console confirms it."""
    from meshbot.security.keys import PASSPHRASE_VARIABLE, unlocker
    from tests.test_security_cli import PASS, cli

    db = tmp_path / "first.db"
    made = cli(db, "init", "--committee", "!000000c3", "--name", "Caro", stdin=PASS + "\n", passphrase=None)
    assert made.returncode == 0, made.stderr
    assert "Caro !000000c3 is on the committee" in made.stdout
    settings = Settings(db=str(db), kdf_strength="interactive")
    board = Board(db, settings=settings, unlock=unlocker(settings, {PASSPHRASE_VARIABLE: PASS}))
    with session(board.engine) as db_:
        caro = db_.get(Member, 0xC3)
        assert caro is not None and (caro.name, caro.role, caro.status) == ("Caro", "committee", "approved")
    board.send(ANA, "ALERT family evicted @oak")
    client = client_for(board)
    page = client.get("/login").text
    assert "No committee yet." not in page
    assert "Wrong name or password." in client.post(
        "/login", data={"csrf": token(page), "name": "Night shift", "password": "not it at all"}).text
    reply = client.post("/login", data={"csrf": token(page), "name": "Night shift", "password": PASS, "next": "/alerts"})
    assert reply.url.path == "/alerts" and "waiting for confirmation" in reply.text
    assert "a1 confirmed" in client.post("/alerts/confirm", data={"csrf": token(reply.text), "alert": "a1"}).text
    assert ("console:Night shift", "alert.confirm", "a1") in audit_actors(board)


def test_init_without_a_committee_says_alerts_go_out_unverified(tmp_path: Path) -> None:
    from tests.test_security_cli import PASS, cli

    made = cli(tmp_path / "none.db", "init", stdin=PASS + "\n", passphrase=None)
    assert made.returncode == 0 and "No committee member yet" in made.stdout
    assert cli(tmp_path / "bad.db", "init", "--committee", "caro", stdin=PASS + "\n", passphrase=None).returncode == 2


def test_a_match_made_by_hand_is_audited_without_a_none(held: Board) -> None:
    client, csrf = logged_in(held)
    client.post("/matches/reject", data={"csrf": csrf, "match": "m1"})
    client.post("/matches/make", data={"csrf": csrf, "offer": "o1", "need": "n2"})
    with session(held.engine) as db:
        made = db.exec(select(AuditEntry).where(AuditEntry.action == "match.make")).one()
    assert made.detail == "o1 n2" and "None" not in made.detail


def test_confirming_an_alert_sent_before_any_committee_says_why(board: Board) -> None:
    from click.testing import CliRunner

    from meshbot.cli.main import main

    board.send(ANA, "ALERT family evicted @oak")  # nobody holds the committee role: on air at once
    result = CliRunner().invoke(main, ["--db", str(board.path), "alert", "confirm", "a1"], env={"MESHBOT_PASSPHRASE": None})
    assert result.exit_code == 1
    assert "a1 is not waiting for confirmation (it is active); it went out unverified because no committee " \
           "member existed (name one: meshbot members role !node committee)" in result.output
