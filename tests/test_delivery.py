"""The outbox on the simulated air: pacing, priorities, budget, split texts, retries, restarts.

The daemon sends through SimLink on a virtual clock; what counts is what the
simulated radios put on air (the mesh's log) and what the residents' nodes received.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import simpy
from sqlmodel import select

from hardware.link import BROADCAST_NUM
from hardware.sim import SimLink, SimMesh
from meshbot.daemon import Daemon
from meshbot.simulation.demo import STEP_MAX_S, bot_process
from meshbot.delivery.outbox import Outgoing, Priority, enqueue
from meshbot.settings import Settings
from store import OutboxItem, open_engine, session

BOT, ANA, BEN = 0x10, 0x20, 0x30
GHOST = 0x99  # a node nobody hears: nothing sent to it is ever acknowledged


class Air:
    """Three radios in range of each other and the daemon on the first, on virtual time."""

    def __init__(self, db: Path, *, loss: float = 0.0, alone: bool = False, step_max_s: float = STEP_MAX_S,
                 **settings: object) -> None:
        """`alone`: the bot's radio hears nobody (nothing arrives, nobody relays, nobody acks);
        `step_max_s`: the bot's longest sleep (`bot_process`)."""
        self.step_max_s = step_max_s
        self.env = simpy.Environment()
        self.mesh = SimMesh(self.env, seed=3, loss=loss)
        far = 50_000 if alone else 0
        for num, name, x in ((BOT, "BOT", 0), (ANA, "ANA", 100 + far), (BEN, "BEN", 200 + far)):
            self.mesh.add_node(num, name, name.title(), x, 0)
        self.settings = Settings(db=str(db), **settings)  # type: ignore[arg-type]
        self.db = db
        self.daemon = self._start()

    def _start(self) -> Daemon:
        daemon = Daemon(self.settings, SimLink(self.mesh, BOT), open_engine(self.db), clock=self.mesh.now)
        daemon.open()
        self.loop = self.env.process(bot_process(self.env, daemon, self.step_max_s))
        return daemon

    def restart(self) -> None:
        self.loop.interrupt()
        self.daemon.close()
        self.mesh.advance(1)
        self.daemon = self._start()

    def queue(self, text: str, to: int = ANA, priority: Priority = Priority.REPLY, want_ack: bool = False) -> None:
        with session(self.daemon.engine) as db, db.begin():
            enqueue(db, Outgoing(text, to, priority), self.mesh.now(), want_ack)

    def bot_tx(self) -> list:
        return [e for e in self.mesh.log if e.kind == "tx" and e.node == BOT]

    def rows(self) -> list[OutboxItem]:
        with session(self.daemon.engine) as db:
            return list(db.exec(select(OutboxItem).order_by(OutboxItem.id)).all())


@pytest.fixture
def air(tmp_path: Path) -> Air:
    return Air(tmp_path / "m.db", reply_want_ack=False)


def test_texts_are_never_closer_than_the_gap(air: Air) -> None:
    texts = [f"reply number {i} " + "x" * 110 for i in range(12)]  # too long for two to share a packet
    for text in texts:
        air.queue(text)
    air.mesh.advance(120)
    handed = sorted(r.sent_at for r in air.rows() if r.sent_at is not None)
    assert len(handed) == 12
    assert min(b - a for a, b in zip(handed, handed[1:])) >= air.settings.min_gap_s
    # On air the radio adds its own random listen-before-talk wait, so gaps jitter a
    # little around the pacing but never come near back to back.
    starts = [e.time for e in air.bot_tx()]
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(starts) == 12 and min(gaps) >= 1.0
    assert sum(gaps) / len(gaps) >= air.settings.min_gap_s - 0.05
    assert air.mesh.node(ANA).texts() == texts


def test_an_alert_goes_before_waiting_replies_and_digests(air: Air) -> None:
    air.queue("digest", priority=Priority.DIGEST)
    for i in range(3):
        air.queue(f"reply {i}")
    air.queue("ALERT a1 flood", to=BROADCAST_NUM, priority=Priority.ALERT)
    air.mesh.advance(60)
    # The replies waiting for one resident share a packet, in order; the digest keeps its own.
    assert [e.text for e in air.bot_tx()] == ["ALERT a1 flood", "reply 0 | reply 1 | reply 2", "digest"]


@pytest.mark.parametrize("step_max_s", [
    pytest.param(30.0, id="bot-sleeps-until-the-budget-frees"),  # 2 virtual hours in some 300 steps
    pytest.param(STEP_MAX_S, id="bot-looks-every-second", marks=pytest.mark.slow),  # 7,200 steps: > 2 min
])
def test_airtime_budget_holds_over_every_sliding_hour(tmp_path: Path, step_max_s: float) -> None:
    air = Air(tmp_path / "m.db", reply_want_ack=False, airtime_budget_pct=1.0,  # 36 s an hour
              step_max_s=step_max_s)
    text = "x" * 180  # ~1.8 s on air each: the budget lets ~20 through per hour
    for _ in range(60):
        air.queue(text, priority=Priority.NOTICE)
    air.mesh.advance(2 * 3600)
    sent = [(e.time, e.duration) for e in air.bot_tx()]
    budget = 0.01 * 3600
    for start, _ in sent:
        in_window = sum(d for t, d in sent if start <= t < start + 3600)
        assert in_window <= budget + 1e-6
    notices_limit = budget * (1 - air.settings.budget_reserve_pct / 100)
    first_hour = sum(d for t, d in sent if t < 3600)
    assert notices_limit - 2 < first_hour <= notices_limit  # notices stop short of the reserve
    assert len(sent) < 60 and any(r.state == "pending" for r in air.rows())


def test_notices_to_one_node_share_a_packet(air: Air) -> None:
    air.queue("busy", to=BEN)  # keeps the radio busy while the notices pile up
    for i in range(3):
        air.queue(f"notice {i}", priority=Priority.NOTICE)
    air.mesh.advance(30)
    assert air.mesh.node(ANA).texts() == ["notice 0 | notice 1 | notice 2"]
    assert [r.state for r in air.rows()] == ["sent", "sent", "merged", "merged"]


def test_stale_notices_are_dropped_not_sent(air: Air) -> None:
    air.daemon.link.close()  # the radio is away for a day
    air.queue("you have a match", priority=Priority.NOTICE)
    air.queue("your answer")
    air.mesh.advance(air.settings.stale_notice_hours * 3600 + 60)
    air.daemon.link.connect()
    air.mesh.advance(30)
    assert air.mesh.node(ANA).texts() == ["your answer"]
    assert [(r.state, r.error) for r in air.rows()] == [("dropped", "stale"), ("sent", None)]


def _answer_after_broadcast(air: Air, broadcast: Outgoing, answer: str) -> None:
    """What the worker queues for an alert's sender: the broadcast, then the answer chained to it."""
    with session(air.daemon.engine) as db, db.begin():
        [broadcast_id] = enqueue(db, broadcast, air.mesh.now(), False)
        enqueue(db, Outgoing(answer, ANA, Priority.REPLY), air.mesh.now(), False, after=broadcast_id)


def test_an_answer_chained_after_a_broadcast_goes_only_once_the_broadcast_is_on_air(air: Air) -> None:
    _answer_after_broadcast(air, Outgoing("ALERT a1 flood", BROADCAST_NUM, Priority.ALERT, delay_s=8.0),
                            "Alert a1 broadcast to all.")
    air.mesh.advance(60)
    assert [e.text for e in air.bot_tx()] == ["ALERT a1 flood", "Alert a1 broadcast to all."]
    broadcast, answer = air.rows()
    assert broadcast.sent_at is not None and answer.sent_at is not None
    assert broadcast.sent_at >= broadcast.not_before and answer.sent_at > broadcast.sent_at


def test_an_answer_chained_after_a_broadcast_that_was_dropped_still_goes(air: Air) -> None:
    air.daemon.link.close()  # the radio is away for a day: the broadcast notice goes stale
    _answer_after_broadcast(air, Outgoing("Board: 3 new offers", BROADCAST_NUM, Priority.NOTICE), "your answer")
    air.mesh.advance(air.settings.stale_notice_hours * 3600 + 60)
    air.daemon.link.connect()
    air.mesh.advance(30)
    assert air.mesh.node(ANA).texts() == ["your answer"]
    assert [(r.state, r.error) for r in air.rows()] == [("dropped", "stale"), ("sent", None)]


def test_a_long_text_arrives_in_numbered_parts_in_order(tmp_path: Path) -> None:
    air = Air(tmp_path / "m.db", loss=0.2)  # one packet in five lost on every link
    long_text = " ".join(f"word{i}" for i in range(90))  # ~600 bytes
    air.queue(long_text, want_ack=True)
    air.mesh.advance(600)
    got = air.mesh.node(ANA).texts()
    assert len(got) == 4 and all(len(t.encode()) <= 200 for t in got)
    assert [t.rsplit(" ", 1)[1] for t in got] == ["(1/4)", "(2/4)", "(3/4)", "(4/4)"]
    assert " ".join(t.rsplit(" ", 1)[0] for t in got) == long_text
    sent_at = [r.sent_at for r in air.rows()]
    assert sent_at == sorted(sent_at)  # each part left only after the one before it


def test_a_direct_message_nobody_answers_is_resent_after_each_nak_then_failed(tmp_path: Path) -> None:
    air = Air(tmp_path / "m.db", alone=True)
    air.queue("are you there?", to=ANA, want_ack=True)
    air.mesh.advance(900)
    [row] = air.rows()
    assert (row.state, row.attempts) == ("failed", 3)  # the first send and two resends
    sends = [e for e in air.bot_tx() if e.text == "are you there?"]
    assert len(sends) == 3 and len({e.packet_id for e in sends}) == 3  # a relay drops an id it has seen
    # Each went once from meshbot; the radio retransmitted it itself, and only after its
    # NAK (its own tries over) did meshbot hand it over again.
    on_air = [e for e in air.mesh.log if e.node == BOT and e.kind in ("tx", "retx")]
    naks = [e for e in air.mesh.log if e.kind == "routing" and e.node == BOT]
    for send in sends[1:]:
        earlier = [e for e in on_air if e.time < send.time]
        assert earlier[-1].kind == "retx" and any(n.time < send.time and n.request_id == earlier[-1].packet_id for n in naks)
    assert row.error == "MAX_RETRANSMIT"
    assert air.mesh.node(ANA).texts() == []


def test_a_text_caught_mid_send_by_a_crash_goes_again_with_the_same_id(air: Air) -> None:
    air.queue("first")
    with session(air.daemon.engine) as db, db.begin():  # what a crash after `sending` leaves
        row = db.exec(select(OutboxItem)).one()
        row.state, row.packet_id, row.attempts = "sending", 0x1234ABCD, 1
        db.add(row)
    air.restart()
    air.mesh.advance(10)
    assert [(e.text, e.packet_id) for e in air.bot_tx()] == [("first", 0x1234ABCD)]
    assert air.rows()[0].state == "sent"


def test_nothing_is_sent_while_the_radio_is_away_and_all_of_it_after(air: Air) -> None:
    air.daemon.link.close()
    for i in range(3):
        air.queue(f"r{i}")
    air.mesh.advance(300)
    assert air.bot_tx() == []
    air.daemon.link.connect()
    air.mesh.advance(30)
    assert air.mesh.node(ANA).texts() == ["r0 | r1 | r2"]  # what waited for one resident, in one packet


def _meshbot_outbox(db: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    result = subprocess.run([sys.executable, "-m", "meshbot.cli.main", "--create", "--db", str(db), "outbox", *args],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_committee_sees_what_was_acked_relayed_or_failed_and_what_waits(tmp_path: Path) -> None:
    air = Air(tmp_path / "m.db", reply_want_ack=True)
    air.queue("your rice is at the hall", to=ANA, want_ack=True)
    air.queue("are you there?", to=GHOST, want_ack=True)  # only a neighbour's relay is ever heard
    air.mesh.advance(20)
    early = {item["text"]: item for item in json.loads(_meshbot_outbox(air.db, "--json"))["items"]}
    assert early["are you there?"]["state"] == "relayed" and early["are you there?"]["tries"][0]["verdict"] == "relayed"
    air.mesh.advance(900)
    air.daemon.link.close()  # the radio goes away: what is queued now waits
    air.queue("see you at six", to=BEN, want_ack=True)
    air.mesh.advance(5)
    view = json.loads(_meshbot_outbox(air.db, "--json"))
    assert view["counts"] == {"acked": 1, "relayed": 1, "pending": 1}
    by_text = {item["text"]: item for item in view["items"]}
    assert by_text["your rice is at the hall"]["state"] == "acked" and by_text["your rice is at the hall"]["acked"]
    assert [t["verdict"] for t in by_text["your rice is at the hall"]["tries"]] == ["acked"]
    # A relay carried it, the destination never confirmed: once more under the same id (a
    # new id would show twice wherever only the ACK was lost), then it stays relayed.
    ghost = by_text["are you there?"]
    assert (ghost["state"], ghost["to"], ghost["attempts"]) == ("relayed", "!00000099", 2)
    assert [t["verdict"] for t in ghost["tries"]] == ["relayed, no ack"] * 2
    assert len({t["packet"] for t in ghost["tries"]}) == 1
    assert (by_text["see you at six"]["state"], by_text["see you at six"]["attempts"]) == ("pending", 0)
    assert _meshbot_outbox(air.db).splitlines()[0] == "acked: 1  pending: 1  relayed: 1"

    alone = Air(tmp_path / "alone.db", alone=True)  # nobody hears the bot: resent after each NAK, then failed
    alone.queue("are you there?", to=ANA, want_ack=True)
    alone.mesh.advance(900)
    [failed] = json.loads(_meshbot_outbox(alone.db, "--json", "--state", "failed"))["items"]
    assert (failed["state"], failed["attempts"], failed["to"]) == ("failed", 3, "!00000020") and failed["error"]
    text = _meshbot_outbox(alone.db)
    assert text.splitlines()[0] == "failed: 1"
    assert "failed" in text.splitlines()[1] and f"are you there?  ({failed['error']})" in text
