"""Alerts through the real worker and a real SQLite file: who broadcasts at once, who
confirms, the confirmation window, repeats, UPDATE, CANCEL, OK, HELPING, SAFE and expiry."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlmodel import col, select

from hardware.airtime import text_time_on_air
from meshbot.alerts import policy as alerts
from meshbot.alerts import rounds as alert_rounds
from meshbot.alerts.cap import read
from meshbot.board.expiry import expire_due
from meshbot.cli.main import main
from meshbot.people.members import touch_member
from meshbot.settings import Settings
from protocol import replies
from store import Alert, OutboxItem, session
from store.models import AlertCopy, AlertMessage, AlertResponse
from tests.conftest import Board

BROADCAST = 0xFFFFFFFF
ANA, BEN, CARO, DAVE, EVA = 0xA1, 0xB2, 0xC3, 0xD4, 0xE5
COMMITTEE = (CARO, DAVE)
MINUTE = 60.0


def _roles(board: Board, **roles: int) -> None:
    """Give nodes their roles, as the committee would have (role=node)."""
    with session(board.engine) as db, db.begin():
        for role, node in roles.items():
            member = touch_member(db, node, board.clock.now, None)
            member.role = role.rstrip("_0123456789")
            db.add(member)


UNCAPPED = 100.0
"""A repeat airtime share that never stops a round: for tests of who gets a repeat."""


def _people(board: Board) -> Board:
    board.send(ANA, "JOIN Ana oak")
    board.send(BEN, "JOIN Ben elm")
    _roles(board, committee=CARO, committee_2=DAVE, responder=EVA)
    return board


@pytest.fixture
def town(board: Board) -> Board:
    """Ana and Ben are residents, Caro and Dave the committee, Eva a responder."""
    return _people(board)


@pytest.fixture
def open_town(tmp_path) -> Board:  # type: ignore[no-untyped-def]
    """The same town, its repeats not held to their airtime allowance."""
    return _people(Board(tmp_path / "open.db", settings=Settings(db=":memory:", alert_repeat_airtime_share=UNCAPPED)))


def _alert(board: Board, ref: str = "a1") -> Alert:
    with session(board.engine) as db:
        found = alerts.find(db, ref)
        assert found is not None
        return found


def _broadcasts(board: Board) -> list[OutboxItem]:
    return [o for o in board.outbox(BROADCAST) if not o.alert_app]


def _tick(board: Board, known: dict[int, float | None] | None = None) -> int:
    return alert_rounds.tick(board.engine, board.settings, board.clock.now, known or {})


def test_a_responder_by_pki_dm_is_broadcast_at_once_verified_and_rings(town: Board) -> None:
    reply = town.send(EVA, "SOS fire at the school, kids inside @school")
    assert reply == "Alert a1 broadcast to all. CANCEL a1 when it is over."
    text, ring = town.outbox(BROADCAST)
    assert text.text == ring.text and text.text.startswith("ALERT a1 @school: fire at the school, kids inside -")
    assert "unverified" not in text.text and ring.alert_app and not text.alert_app
    assert ring.not_before - text.not_before == alerts.FLOOD_CLEAR_S  # the two floods never cross
    assert text.not_before == town.clock.now + alerts.ACK_CLEAR_S  # after the DM's ACK has flooded back
    [answer] = [o for o in town.outbox(EVA) if o.text == reply]
    assert answer.after_id == text.id and answer.not_before == town.clock.now  # after the broadcast, by the outbox's order
    alert = _alert(town)
    assert (alert.status, alert.verified, alert.category, alert.urgency, alert.severity) == (
        "active", True, "fire", "immediate", "extreme")
    assert alert.headline == "fire at the school, kids inside" and alert.cap_status == "actual"
    with session(town.engine) as db:
        [message] = db.exec(select(AlertMessage)).all()
    assert (message.identifier, message.msg_type, message.references) == ("a1", "alert", None)


def test_a_residents_alert_waits_for_the_committee_one_dm_each(town: Board) -> None:
    reply = town.send(ANA, "ALERT family evicted, 2 kids @oak")
    assert reply == replies.alert_pending("a1", 5)
    assert _broadcasts(town) == []
    for member in COMMITTEE:
        [ask] = town.outbox(member)
        assert ask.text.startswith("Confirm ALERT a1 from Ana !000000a1 @oak: family evicted, 2 kids")
        assert "OK a1" in ask.text and len(ask.text.encode()) <= 200
    assert _alert(town).status == "pending"


def test_a_committee_ok_by_pki_dm_broadcasts_it_verified(town: Board) -> None:
    town.send(ANA, "ALERT family evicted @oak")
    assert town.send(CARO, "OK a1") == "a1 confirmed and broadcast to all. Thank you."
    [text] = _broadcasts(town)
    assert text.text == "ALERT a1 @oak: family evicted -Ana !000000a1"
    alert = _alert(town)
    assert alert.verified and alert.confirmed_by == CARO and alert.status == "active"
    town.clock.advance(10 * MINUTE)
    _tick(town)
    assert len(_broadcasts(town)) == 1  # confirmed once: no second, unverified broadcast


def test_an_ok_on_the_channel_does_not_confirm(town: Board) -> None:
    town.send(ANA, "ALERT family evicted @oak")
    reply = town.send(CARO, "OK a1", direct=False)
    assert reply == replies.confirm_by_dm("a1")
    assert _broadcasts(town) == [] and _alert(town).status == "pending"


def test_without_an_answer_it_goes_out_unverified_after_the_window(town: Board) -> None:
    town.send(ANA, "ALERT family evicted @oak")
    town.clock.advance(4 * MINUTE)
    assert _tick(town) == 0
    town.clock.advance(1 * MINUTE)
    assert _tick(town) == 2  # the text and its ALERT_APP copy
    [text] = _broadcasts(town)
    assert text.text == "ALERT a1 (unverified/sin verificar) @oak: family evicted -Ana !000000a1"
    assert text.not_before == town.clock.now  # no DM set it off: no ACK to wait for
    assert not _alert(town).verified


def test_a_channel_alert_claiming_a_committee_node_is_not_broadcast_as_verified(town: Board) -> None:
    """Anyone with the channel key can write Caro's node number: the bot asks the committee
    (Caro too, so she sees it if it was not her) and, unanswered, says it is unverified."""
    reply = town.send(CARO, "ALERT police raid @elm", direct=False)
    assert reply == replies.alert_pending("a1", 5)
    assert _broadcasts(town) == []
    assert [o.destination for o in town.outbox() if o.text.startswith("Confirm ALERT a1")] == [CARO, DAVE]
    town.clock.advance(5 * MINUTE)
    _tick(town)
    [text] = _broadcasts(town)
    assert "(unverified/sin verificar)" in text.text
    alert = _alert(town)
    assert not alert.verified and alert.on_channel and alert.category == "security"


def test_a_plain_dm_without_pki_is_no_proof_either(town: Board) -> None:
    town.send(EVA, "ALERT gas leak @elm", pki=False)
    assert _broadcasts(town) == [] and _alert(town).status == "pending"


def test_with_no_committee_it_goes_at_once_unverified(board: Board) -> None:
    reply = board.send(ANA, "ALERT flood @river")
    assert reply == replies.alert_sent_unverified("a1")
    [text] = _broadcasts(board)
    assert text.text.startswith("ALERT a1 (unverified/sin verificar) @river: flood")


def test_the_laptop_confirms_with_meshbot_alert_confirm(town: Board) -> None:
    town.send(ANA, "ALERT family evicted @oak")
    result = CliRunner().invoke(main, ["--db", str(town.path), "alert", "confirm", "a1"])
    assert result.exit_code == 0, result.output
    assert _alert(town).verified and _alert(town).confirmed_by is None
    again = CliRunner().invoke(main, ["--db", str(town.path), "alert", "confirm", "a1"])
    assert again.exit_code != 0 and "not waiting" in again.output
    shown = CliRunner().invoke(main, ["--db", str(town.path), "alert", "show", "a1"])
    assert "a1 active (verified, actual) evicted/immediate/severe @oak" in shown.output


def test_the_committee_stops_a_residents_alert_and_the_sender_is_told(town: Board) -> None:
    town.send(ANA, "ALERT zombies @oak")
    assert town.send(DAVE, "CANCEL a1") == "a1 cancelled."
    assert [o.text for o in town.outbox(ANA)][-1] == replies.alert_stopped("a1")
    town.clock.advance(10 * MINUTE)
    _tick(town)
    assert _broadcasts(town) == [] and _alert(town).status == "cancelled"


def test_update_by_its_sender_goes_to_everyone_with_the_same_id(town: Board) -> None:
    town.send(EVA, "ALERT fire at the school @school")
    assert town.send(EVA, "UPDATE a1 fire is out, stay away from the gym") == "a1 updated and broadcast to all."
    first, update = _broadcasts(town)
    assert first.text.startswith("ALERT a1 @school: fire at the school -")
    assert update.text.startswith("ALERT a1 update/actualizada @school: fire is out, stay away from the gym -")
    with session(town.engine) as db:
        messages = db.exec(select(AlertMessage).order_by(col(AlertMessage.id))).all()
    assert [(m.identifier, m.msg_type, m.references) for m in messages] == [
        ("a1", "alert", None), ("a1.2", "update", "a1")]
    assert _alert(town).text == "fire is out, stay away from the gym"


def test_only_the_sender_or_the_committee_change_an_alert_and_only_with_proof(town: Board) -> None:
    town.send(EVA, "ALERT fire @school")
    assert town.send(BEN, "UPDATE a1 false alarm") == replies.not_yours("a1")
    assert town.send(BEN, "CANCEL a1") == replies.not_yours("a1")
    assert town.send(EVA, "CANCEL a1", direct=False) == replies.only_by_dm("CANCEL", "a1")
    assert _alert(town).status == "active"
    assert town.send(CARO, "UPDATE a1 fire at the school gym") == "a1 updated and broadcast to all."


def test_cancel_ends_it_for_everyone_and_stops_the_repeats(town: Board) -> None:
    town.send(EVA, "ALERT fire @school")
    assert town.send(EVA, "CANCEL a1") == "a1 cancelled."
    assert _broadcasts(town)[-1].text == "ALERT a1 over/terminada: fire"
    town.clock.advance(10 * MINUTE)
    assert _tick(town, {ANA: None, BEN: None}) == 0
    with session(town.engine) as db:
        assert db.exec(select(AlertMessage.msg_type).order_by(col(AlertMessage.id))).all() == ["alert", "cancel"]


def test_an_alert_expires_and_is_not_repeated_after(town: Board) -> None:
    town.send(EVA, "ALERT fire @school")
    town.clock.advance(town.settings.alert_ttl_hours * 3600)
    with session(town.engine) as db, db.begin():
        expire_due(db, town.clock.now)
    assert _alert(town).status == "expired"
    assert _tick(town, {ANA: None}) == 0
    assert town.send(ANA, "OK a1") == replies.alert_not_active("a1")


def test_repeats_go_by_dm_to_who_has_not_acknowledged_never_twice_to_who_has(open_town: Board) -> None:
    town = open_town
    town.send(EVA, "ALERT fire @school")
    assert town.send(ANA, "OK a1") == replies.alert_acknowledged("a1")
    town.send(BEN, "SAFE at my sister's")
    known = {ANA: None, BEN: None, 0x77: None, 0x78: None}
    town.clock.advance(10 * MINUTE)
    assert _tick(town, known) == 4  # 0x77, 0x78 and the committee; not Ana, Ben, or Eva herself
    with session(town.engine) as db:
        first = {c.node for c in db.exec(select(AlertCopy)).all()}
    assert first == {0x77, 0x78, CARO, DAVE}
    dm = [o for o in town.outbox(0x77)][0]
    assert dm.want_ack and dm.text.startswith("ALERT a1 @school: fire")
    # 0x77's radio ACKs its copy; 0x78 says OK before its copy even left: neither gets one
    # again. The committee's radios never ACK theirs (the sender gives up on them).
    with session(town.engine) as db, db.begin():
        row = db.get(OutboxItem, dm.id)
        row.state, row.acked_at = "acked", town.clock.now  # type: ignore[union-attr]
        db.add(row)
    town.send(0x78, "OK a1")
    _radio_gave_up(town)
    assert all(o.state == "dropped" for o in town.outbox(0x78) if o.text.startswith("ALERT"))
    town.clock.advance(10 * MINUTE)
    _tick(town, known)
    with session(town.engine) as db:
        second = [c.node for c in db.exec(select(AlertCopy).where(AlertCopy.round == 2)).all()]
        delivered = db.exec(select(AlertResponse.node).where(AlertResponse.kind == "delivered")).all()
    assert sorted(second) == sorted([CARO, DAVE]) and delivered == [0x77]


def _radio_gave_up(board: Board) -> None:
    """What the sender does with a DM whose ACK never comes: after its retries, `failed`."""
    with session(board.engine) as db, db.begin():
        for row in db.exec(select(OutboxItem).where(OutboxItem.state == "pending",
                                                    col(OutboxItem.text).startswith("ALERT"))).all():
            row.state = "failed"
            db.add(row)


def test_capped_rounds_take_turns_and_the_last_one_tells_who_answered(tmp_path) -> None:  # type: ignore[no-untyped-def]
    town = Board(tmp_path / "capped.db", settings=Settings(db=":memory:", alert_repeat_max_dms=20,
                                                            alert_repeat_airtime_share=UNCAPPED))
    town.send(ANA, "JOIN Ana oak")
    town.send(BEN, "JOIN Ben elm")
    _roles(town, committee=CARO, committee_2=DAVE, responder=EVA)
    town.send(EVA, "ALERT fire @school")
    town.send(ANA, "HELPING a1 bringing a fire extinguisher")
    town.send(BEN, "SAFE")
    known = {n: None for n in range(0x100, 0x130)}  # 48 nodes the radio heard, never answered
    for _ in town.settings.alert_repeat_minutes:
        town.clock.advance(10 * MINUTE)
        _tick(town, known)
        _radio_gave_up(town)
    with session(town.engine) as db:
        rounds = [[c.node for c in db.exec(select(AlertCopy).where(AlertCopy.round == r)).all()] for r in (1, 2, 3)]
    assert [len(r) for r in rounds] == [20, 20, 20]
    assert all(len(set(r)) == len(r) for r in rounds)  # at most once per node per round
    assert set(rounds[0]) | set(rounds[1]) | set(rounds[2]) == set(known) | {CARO, DAVE}  # turns: all 50
    assert not set(rounds[0]) & set(rounds[1])
    roll = [o.text for o in town.outbox(EVA) if o.text.startswith("a1:")]
    # every radio counts: the 48 the radio heard and the committee never answered
    assert roll == ["a1: 0 OK, 1 helping, 1 safe, 0 on their radio, 50 not heard. Helping: Ana !000000a1"]
    assert [o.text for o in town.outbox(CARO) if o.text.startswith("a1:")] == roll


def test_helping_tells_the_sender_who_is_coming(town: Board) -> None:
    town.send(BEN, "JOIN Ben elm")
    town.send(EVA, "ALERT fire @school")
    assert town.send(ANA, "HELPING a1 bringing buckets") == replies.helping_noted("a1")
    assert town.outbox(EVA)[-1].text == "Ana !000000a1 is coming to help with a1: bringing buckets"
    assert town.send(ANA, "HELPING a1 bringing buckets").startswith("Thank you")  # said twice: told once
    assert len([o for o in town.outbox(EVA) if "coming to help" in o.text]) == 1


def test_unknown_or_ended_alerts_get_a_short_answer_and_change_nothing(town: Board) -> None:
    for text in ("OK a9", "HELPING a9", "UPDATE a9 hello", "CANCEL a9"):
        reply = town.send(ANA, text)
        assert reply is not None and len(reply.encode()) <= 200 and "a9" in reply
    with session(town.engine) as db:
        assert db.exec(select(AlertResponse)).all() == [] and db.exec(select(Alert)).all() == []


@pytest.mark.parametrize(("text", "category", "status"), [
    ("family evicted @oak", "evicted", "actual"), ("familia desalojada", "evicted", "actual"),
    ("neighbour unconscious, need ambulance", "medical", "actual"), ("new family arrived, 5 people", "new_family", "actual"),
    ("nueva familia en la escuela", "new_family", "actual"), ("fire near the school", "fire", "actual"),
    ("incendio en el mercado", "fire", "actual"), ("river flooding the road", "flood", "actual"),
    ("redada de la migra en el mercado", "security", "actual"), ("police raid", "security", "actual"),
    ("power outage whole block", "utility", "actual"), ("gas leak at the bakery", "utility", "actual"),
    ("cat stuck in tree", "other", "actual"), ("TEST fire drill please ignore", "fire", "test"),
    ("SIMULACRO incendio", "fire", "exercise"),
])
def test_the_category_and_status_come_from_the_words(text: str, category: str, status: str) -> None:
    cap = read(text)
    assert (cap.category, cap.status) == (category, status)


def test_a_drill_says_so_first_on_every_radio(town: Board) -> None:
    town.send(EVA, "ALERT drill: evacuate the school @school")
    [text] = _broadcasts(town)
    assert text.text.startswith("DRILL/SIMULACRO ALERT a1 @school: evacuate the school")
    assert _alert(town).cap_status == "exercise"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_alert_reply_fits_one_packet(lang: str) -> None:
    long = "ñ" * 150
    texts = [
        replies.alert_on_air("a99999", long, long[:24], long, verified=False, status="exercise", update=True)[0],
        replies.alert_sent_unverified("a99999", lang), replies.alert_pending("a99999", 15, lang),
        replies.alert_confirm_request("a99999", long, long[:24], long[:40], 15, lang),
        replies.alert_confirmed("a99999", lang), replies.alert_acknowledged("a99999", lang),
        replies.alert_not_active("a99999", lang), replies.helping_noted("a99999", lang),
        replies.helping_notice("a99999", long, long, lang), replies.alert_updated("a99999", lang),
        replies.alert_stopped("a99999", lang), replies.alert_roll_call("a9", 99, 99, 99, 999, [long] * 4, lang),
        replies.committee_only("EMERGENCIA", lang), replies.emergency_started(12, lang),
        replies.emergency_already(lang), replies.emergency_not_on(lang), replies.emergency_ended(lang),
        replies.emergency_broadcast(long, 12), replies.emergency_reminder(11.5, 999), replies.emergency_over(),
        replies.confirm_by_dm("a99999", lang), replies.only_by_dm("ACTUALIZAR", "a99999", lang),
    ]
    for text in texts:
        assert 0 < len(text.encode("utf-8")) <= 200, text
    assert replies.alert_on_air("a1", long, None, "x")[1].endswith("…")  # the headline was cut to fit


def test_the_roll_call_and_alert_show_count_every_radio_not_only_members(open_town: Board) -> None:
    """Radios that never sent JOIN count: 0x77's radio ACKed a repeat, 0x78's owner said OK,
    0x79 stayed silent; so did the members who never answered."""
    town = open_town
    town.send(EVA, "ALERT fire @school")
    known = {0x77: None, 0x78: None, 0x79: None}
    town.clock.advance(10 * MINUTE)
    _tick(town, known)
    copy_77 = [o for o in town.outbox(0x77) if o.text.startswith("ALERT a1")][0]
    with session(town.engine) as db, db.begin():
        row = db.get(OutboxItem, copy_77.id)
        row.state, row.acked_at = "acked", town.clock.now  # type: ignore[union-attr]
        db.add(row)
    assert town.send(0x78, "OK a1") == replies.alert_acknowledged("a1")
    _radio_gave_up(town)
    for _ in town.settings.alert_repeat_minutes[1:]:
        town.clock.advance(10 * MINUTE)
        _tick(town, known)
        _radio_gave_up(town)
    silent = 5  # 0x79, Ana, Ben and the committee (Caro, Dave)
    expected = f"a1: 1 OK, 0 helping, 0 safe, 1 on their radio, {silent} not heard."
    assert [o.text for o in town.outbox(EVA) if o.text.startswith("a1:")] == [expected]
    assert [o.text for o in town.outbox(CARO) if o.text.startswith("a1:")] == [expected]
    shown = CliRunner().invoke(main, ["--db", str(town.path), "alert", "show", "a1"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert "Radio got it (1): 0077 !00000077" in lines, shown.output
    assert any(line.startswith("Acknowledged (1): ") for line in lines), shown.output
    assert any(line.startswith(f"Not heard from ({silent}): ") and "!00000079" in line for line in lines)


def test_repeats_together_never_take_more_airtime_than_the_alerts_own_broadcasts(town: Board) -> None:
    """With 40 radios that never answer, the rounds stop at the allowance: the repeats'
    airtime (every try) stays under the text and ALERT_APP broadcasts' airtime."""
    town.send(EVA, "ALERT fire @school")
    known = {n: None for n in range(0x100, 0x128)}
    for _ in town.settings.alert_repeat_minutes:
        town.clock.advance(10 * MINUTE)
        _tick(town, known)
        with session(town.engine) as db, db.begin():  # each copy went once and was ACKed
            for row in db.exec(select(OutboxItem).where(OutboxItem.state == "pending",
                                                        col(OutboxItem.text).startswith("ALERT"))).all():
                row.state, row.airtime_s = "acked", text_time_on_air(row.text, town.settings.modem_preset, pki=True)
                db.add(row)
    broadcasts = [o for o in town.outbox(BROADCAST) if o.text.startswith("ALERT a1")]
    own = sum(text_time_on_air(o.text, town.settings.modem_preset, pki=False) for o in broadcasts)
    with session(town.engine) as db:
        copies = db.exec(select(OutboxItem).join(AlertCopy, col(AlertCopy.outbox_id) == col(OutboxItem.id))).all()
    assert len(broadcasts) == 2 and copies  # the text and the ALERT_APP copy; some repeats did go
    assert sum(c.airtime_s for c in copies) < own
    # one more DM would have gone over: the allowance, not the round's cap of 8, stopped them
    assert sum(c.airtime_s for c in copies) + copies[0].airtime_s > own
    assert len(copies) < town.settings.alert_repeat_max_dms
