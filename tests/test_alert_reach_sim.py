"""An alert on the 40-radio neighbourhood with a client connected to every radio: how many
radios it reaches within two minutes, who gets a repeat, what the repeats cost, and the
roll call, with the daemon on the base node and nothing mocked. Everything waits on the
simulator's clock."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from meshbot.simulation import outage
from meshbot.simulation.outage import Line, Run, Script
from store import DeliveryAttempt, OutboxItem, session
from store.models import AlertCopy

RAISED_AT = 60.0
WINDOW_S = 120.0
TEXT = "ALERT flood on the farm road, 2 families cut off @farms"
REACH_SEEDS = range(1, 6)


def _typed_at(run: Run, who: str) -> float:
    """When the resident's radio started sending the ALERT."""
    num = run.node(who).num
    return min(e.time for e in run.mesh.log if e.kind == "tx" and e.node == num and e.text.startswith("ALERT"))


@pytest.mark.parametrize("who", ["ELIO", "CARO"])
def test_an_alert_reaches_every_radio_within_two_minutes(who: str) -> None:
    """ELIO, 4 links out on the farms, or CARO, next to the base: every other radio's
    client has the alert's words (the text, or the ALERT_APP copy that follows the first
    flood) within 120 s of the resident pressing send, on every seed."""
    for seed in REACH_SEEDS:
        run = outage.start("neighbourhood", seed=seed, script=Script(lines=(Line(RAISED_AT, who, TEXT),)),
                           clients=True)
        run.advance_to(RAISED_AT + WINDOW_S + 30)
        typed = _typed_at(run, who)
        others = set(run.mesh.nodes) - {run.bot, run.node(who).num}
        heard = {n for n, at in outage.alert_heard(run, "a1").items() if at <= typed + WINDOW_S}
        missed = sorted(run.mesh.name(n) for n in others - heard)
        assert len(others) == 38 and len(others & heard) >= 0.99 * len(others), (seed, missed)


def _whole_life(seed: int, **settings: object) -> Run:
    """ELIO's alert on the neighbourhood, played past its last repeat round; nobody answers."""
    script = Script(lines=(Line(RAISED_AT, "ELIO", TEXT),))
    run = outage.start("neighbourhood", seed=seed, script=script, clients=True, **settings)
    last = run.daemon.settings.alert_repeat_minutes[-1]
    run.advance_to(RAISED_AT + (last + 3) * 60)
    return run


def _repeat_ids(run: Run) -> dict[int, int]:
    """Packet id of each try of each repeat DM -> the radio it went to."""
    with session(run.daemon.engine) as db:
        rows = db.exec(select(DeliveryAttempt.packet_id, AlertCopy.node)
                       .join(AlertCopy, col(AlertCopy.outbox_id) == col(DeliveryAttempt.outbox_id))).all()
    return {int(packet_id): int(node) for packet_id, node in rows}


def test_a_radio_that_acked_a_repeat_is_never_sent_another() -> None:
    """With the airtime allowance lifted (so every round is full), the base's client gets
    each radio's ACK of its copy; after it, that radio's client gets no more copies."""
    run = _whole_life(4, alert_repeat_airtime_share=100.0)
    ids = _repeat_ids(run)
    acked_at: dict[int, float] = {}
    for e in run.mesh.log:
        if e.kind == "routing" and e.node == run.bot and e.request_id in ids and e.sender == ids[e.request_id]:
            acked_at.setdefault(e.sender, e.time)
    assert len(acked_at) >= 5  # enough radios ACKed for the check to mean something
    copies_after = {
        run.mesh.name(num): [at for at, packet in run.clients[num]
                             if packet.get("from") == run.bot and outage.words_of(packet).startswith("ALERT a1 ")
                             and packet.get("to") == num and at > first]
        for num, first in acked_at.items()
    }
    assert all(times == [] for times in copies_after.values()), copies_after
    with session(run.daemon.engine) as db:
        rounds = db.exec(select(AlertCopy.round, AlertCopy.node)).all()
    assert len({r for r, _ in rounds}) == 3  # there were later rounds they could have been in


def test_the_repeats_cost_less_airtime_than_the_alert_and_the_roll_call_counts_every_radio() -> None:
    """On the default settings: the bot's repeat DMs (every try) take less time on air than
    its own broadcasts of the alert; the roll call counts the radios that ACKed a repeat,
    though none of them is a member."""
    run = _whole_life(4)
    ids = _repeat_ids(run)
    bot_tx = [e for e in run.mesh.log if e.node == run.bot and e.kind in ("tx", "retx")]
    broadcasts = outage.broadcast_ids(run, "ALERT a1")
    alert_s = sum(e.duration for e in bot_tx if e.packet_id in broadcasts)
    repeats_s = sum(e.duration for e in bot_tx if e.packet_id in ids)
    assert len(broadcasts) == 2 and 0 < repeats_s < alert_s, (repeats_s, alert_s)
    acked = {ids[e.request_id] for e in run.mesh.log
             if e.kind == "routing" and e.node == run.bot and e.request_id in ids and e.sender == ids[e.request_id]}
    with session(run.daemon.engine) as db:
        rolls = db.exec(select(OutboxItem.text).where(col(OutboxItem.text).startswith("a1:"))).all()
    # none of the 38 other radios sent JOIN, and every one of them is counted
    expected = f"a1: 0 OK, 0 helping, 0 safe, {len(acked)} on their radio, {38 - len(acked)} not heard."
    assert rolls and set(rolls) == {expected}, (rolls, expected)


def test_alert_broadcasts_carry_their_own_hop_limit_and_nothing_else_does() -> None:
    """`alert_hop_limit` 5 on a hop-limit-3 mesh: the alert's text and ALERT_APP copy leave
    the base with 5 hops; the answer to the sender goes no further than the radio's 3."""
    script = Script(roles={"responder": ("ANA",)}, lines=(Line(30.0, "ANA", "ALERT fire near the school @hill"),))
    run = outage.play("block", 150.0, seed=1, script=script, alert_hop_limit=5)
    sent = [e for e in run.mesh.log if e.kind == "tx" and e.node == run.bot]
    floods = [e.hop_limit for e in sent if e.packet_id in outage.broadcast_ids(run, "ALERT a1")]
    answers = [e.hop_limit for e in sent if e.to == run.node("ANA").num]
    assert run.mesh.hop_limit == 3 and floods == [5, 5] and answers and max(answers) <= 3
