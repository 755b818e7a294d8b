"""The radio's verdicts drive delivery: one transmission per reply, few in flight, no storms.

On the simulated air (virtual clock), whose nodes retransmit `want_ack` packets and
answer their client with ACK/NAKs as firmware does. What counts is what the radios put
on air (the mesh's log), what residents' nodes received, and the outbox rows.
"""

from __future__ import annotations

from pathlib import Path

import simpy
from sqlmodel import select

from hardware.link import BROADCAST_NUM
from hardware.sim.packet import DUTY_CYCLE_LIMIT, ROUTING_NONE, routing_packet
from meshbot.delivery.congestion import Pace
from meshbot.delivery.outbox import Priority
from store import DeliveryAttempt, OutboxItem, SeenPacket, session
from tests.test_delivery import ANA, BEN, BOT, GHOST, Air

FAR = 0x77  # another node nobody hears


def attempts(air: Air) -> list[DeliveryAttempt]:
    with session(air.daemon.engine) as db:
        return list(db.exec(select(DeliveryAttempt).order_by(DeliveryAttempt.id)).all())


def test_a_reply_goes_on_air_once_and_the_destinations_ack_settles_it(tmp_path: Path) -> None:
    air = Air(tmp_path / "m.db")
    air.queue("Offer o1 rice 10kg posted.", to=ANA, want_ack=True)
    air.mesh.advance(120)
    sends = [e for e in air.mesh.log if e.node == BOT and e.kind in ("tx", "retx")]
    assert [(e.kind, e.text) for e in sends] == [("tx", "Offer o1 rice 10kg posted.")]
    [row] = air.rows()
    assert (row.state, row.attempts, row.error) == ("acked", 1, None)
    [attempt] = attempts(air)
    assert (attempt.packet_id, attempt.verdict) == (row.packet_id, "acked")
    assert attempt.verdict_at is not None and attempt.verdict_at < attempt.verdict_due
    assert air.mesh.node(ANA).texts() == ["Offer o1 rice 10kg posted."]


def test_a_late_ack_for_an_earlier_try_turns_a_failed_row_delivered(tmp_path: Path) -> None:
    air = Air(tmp_path / "m.db", alone=True)
    air.queue("are you there?", to=ANA, want_ack=True)
    air.mesh.advance(900)
    [row] = air.rows()
    assert (row.state, row.attempts) == ("failed", 3)
    first = attempts(air)[0]
    # The destination's ACK for the first packet comes in at last, as the radio hands it over.
    air.mesh.node(BOT).deliver(routing_packet(ANA, BOT, 0x5EED, first.packet_id, ROUTING_NONE, 3), None)
    air.mesh.advance(5)
    [row] = air.rows()
    assert (row.state, row.error, row.attempts) == ("acked", None, 3)
    assert attempts(air)[0].verdict == "acked"
    assert not [e for e in air.bot_tx() if e.time > first.verdict_at]  # nothing more went


def _most_at_once(spans: list[tuple[float, float]]) -> int:
    return max(sum(1 for a, b in spans if a <= t < b) for t, _ in spans)


def test_at_most_two_direct_messages_await_a_verdict_and_one_per_node(tmp_path: Path) -> None:
    air = Air(tmp_path / "m.db", alone=True)  # nobody answers: every try waits for the radio's NAK
    for n, to in enumerate((ANA, BEN, GHOST, FAR, ANA)):
        air.queue(f"text {n} " + "x" * 120, to=to, want_ack=True)  # too long to share a packet
    air.mesh.advance(1500)
    tries = attempts(air)
    assert all(t.verdict is not None and t.verdict_at is not None for t in tries)
    spans = [(t.sent_at, t.verdict_at) for t in tries]
    # None of these answers a command just received: they leave one slot of the two free
    # for such answers (tests/test_spoofing_sim.py), so one at a time.
    assert _most_at_once(spans) == 1
    rows = {r.id: r for r in air.rows()}
    for to in (ANA, BEN, GHOST, FAR):
        mine = [(t.sent_at, t.verdict_at) for t in tries if rows[t.outbox_id].destination == to]
        assert _most_at_once(mine) == 1
    assert len(air.bot_tx()) == 15 and {r.state for r in rows.values()} == {"failed"}  # 5 texts x 3 sends


def test_naks_widen_the_gap_between_texts(tmp_path: Path) -> None:
    air = Air(tmp_path / "m.db", alone=True)
    for n, to in enumerate((ANA, BEN, GHOST, FAR)):
        air.queue(f"text {n} " + "x" * 120, to=to, want_ack=True)
    air.mesh.advance(1500)
    # (Bulk texts go one at a time, each after the verdict on the one before.)
    assert air.daemon.sender.pace.gap_s >= 4 * air.settings.min_gap_s  # then each round of NAKs doubled it


def test_the_pace_doubles_on_loss_once_per_round_and_comes_back_to_the_floor() -> None:
    pace = Pace(2.0, 60.0, busy_pct=25.0)
    pace.widen(sent_at=10.0, now=40.0)
    assert pace.gap_s == 4.0
    pace.widen(sent_at=12.0, now=41.0)  # sent before the widening: the same round of losses
    assert pace.gap_s == 4.0
    for now in (50.0, 80.0, 110.0, 140.0, 170.0):
        pace.widen(sent_at=now - 5.0, now=now)
    assert pace.gap_s == 60.0  # the ceiling
    quick = 0
    while pace.gap_s > 2.0:
        pace.narrow()
        quick += 1
    assert pace.gap_s == 2.0 and 5 <= quick <= 12
    assert pace.gap_for(None) == 2.0  # no figure: not busy
    assert pace.gap_for(50.0) == 4.0  # twice the threshold: twice the gap
    assert pace.gap_for(20.0) == 2.0


def _chatter(env: simpy.Environment, air: Air, until: float):  # type: ignore[no-untyped-def]
    """BEN floods the channel with long broadcasts, about 60 % of the time."""
    while env.now < until:
        air.mesh.node(BEN).send_text("y" * 180, BROADCAST_NUM)
        yield env.timeout(3.0)


def test_a_busy_channel_stretches_the_gap_between_texts_but_not_for_alerts(tmp_path: Path) -> None:
    air = Air(tmp_path / "m.db")
    air.env.process(_chatter(air.env, air, until=400.0))
    air.mesh.advance(130)  # the radio's device metrics (every minute) now say how busy it is
    busy = air.daemon.link.channel_utilization()
    assert busy is not None and busy > air.settings.busy_channel_pct
    start = air.mesh.now()
    for n in range(4):
        air.queue(f"reply {n} " + "x" * 120, to=ANA if n % 2 else GHOST, want_ack=True)
    air.queue("ALERT a1 flood on elm", to=BROADCAST_NUM, priority=Priority.ALERT)
    air.mesh.advance(250)
    tries = [t for t in attempts(air) if t.sent_at >= start]
    assert _most_at_once([(t.sent_at, t.verdict_at or float("inf")) for t in tries]) <= 2
    alert = next(r for r in air.rows() if r.priority == Priority.ALERT)
    handed = sorted(t.sent_at for t in tries)
    assert alert.sent_at is not None and alert.sent_at < handed[0]  # the alert was handed over first
    assert len(handed) >= 3 and min(b - a for a, b in zip(handed, handed[1:])) > 2 * air.settings.min_gap_s


def test_replies_waiting_for_one_resident_share_a_packet_in_order(tmp_path: Path) -> None:
    air = Air(tmp_path / "m.db")
    ids = []
    for k, item in enumerate(("beans", "tomatoes", "soup", "peaches")):  # four commands in two seconds
        ids.append(air.mesh.node(ANA).send_text(f"OFFER {k + 1} tins of {item}", BOT, 0, True))
        air.mesh.advance(0.5)
    air.mesh.advance(180)
    with session(air.daemon.engine) as db:
        handled = db.exec(select(SeenPacket).where(SeenPacket.from_node == ANA).order_by(SeenPacket.received)).all()
    assert sorted(p.packet_id for p in handled) == sorted(ids)
    replies = [p.reply for p in handled]
    got = air.mesh.node(ANA).texts()
    assert " | ".join(got) == " | ".join(replies)  # every reply, in the order the commands arrived
    assert len(got) < len(replies)  # and fewer packets than replies
    sends = [e for e in air.bot_tx() if e.to == ANA]
    assert len(sends) == len(got)


def test_a_repeated_answer_supersedes_its_older_queued_copy(tmp_path: Path) -> None:
    air = Air(tmp_path / "m.db")
    air.daemon.link.close()  # the answers pile up while the radio is away
    air.queue("Offer o1 rice posted.", to=ANA, want_ack=True)
    air.queue("Need n2 milk posted.", to=ANA, want_ack=True)
    air.queue("Offer o1 rice posted.", to=ANA, want_ack=True)  # the resident repeated the OFFER
    air.daemon.link.connect()
    air.mesh.advance(60)
    assert air.mesh.node(ANA).texts() == ["Need n2 milk posted. | Offer o1 rice posted."]
    older, need, newer = air.rows()
    assert (older.state, older.merged_into, older.attempts) == ("superseded", newer.id, 0)
    assert (need.state, newer.state, newer.merged_into) == ("acked", "merged", need.id)


def test_a_text_the_radio_refused_for_its_duty_cycle_waits_and_costs_no_try(tmp_path: Path) -> None:
    air = Air(tmp_path / "m.db", alone=True)
    air.queue("see you at six", to=ANA, want_ack=True)
    air.mesh.advance(0.5)
    [row] = air.rows()
    assert (row.state, row.attempts) == ("sent", 1)
    # The radio's answer when the hour has no room left for it (Router::send).
    air.mesh.node(BOT).deliver(routing_packet(BOT, BOT, 0x5EED, row.packet_id, DUTY_CYCLE_LIMIT, 0), None)
    air.mesh.advance(1)
    [waiting] = air.rows()
    assert (waiting.state, waiting.attempts, waiting.packet_id, waiting.error) == ("pending", 0, row.packet_id, "DUTY_CYCLE_LIMIT")
    assert waiting.not_before >= air.mesh.now() + 50
