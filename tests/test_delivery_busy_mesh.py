"""Every reply delivered on a busy mesh, with real processes, as a new user would run it.

`meshbot sim serve --scenario neighbourhood` (the 40-node mesh in real time, every
node on its own TCP port, writing its air log), `meshbot run --host` as the bot, and
the stock `meshtastic` TCPInterface as the residents. Times are the simulator's (its
air log), never this machine's clock: on a loaded machine the sim still keeps its own
time. The rate limit is raised for the burst of canned commands: what is measured here
is delivery, not the "slow down" answer.

Both take minutes of real time: `-m slow`.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from meshtastic.tcp_interface import TCPInterface
from pubsub import pub
from sqlmodel import col, select

from hardware.link import TOPIC_TEXT, define_topics, node_id
from hardware.sim import load_scenario
from store import OutboxItem, Posting, SeenPacket, open_engine, session
from tests.test_sim_tcp import Process, connect, free_ports

SCENARIO = "neighbourhood"
WAIT_FOR_REPLIES_S = 420.0  # wall clock, generous for a loaded machine; the product's limits are checked on sim time


class Residents:
    """Residents on their own nodes through the stock library; what their screens show."""

    def __init__(self) -> None:
        define_topics()
        self.ifaces: dict[int, TCPInterface] = {}
        self.screens: dict[int, list[str]] = {}
        self._lock = threading.Lock()
        pub.subscribe(self._on_text, TOPIC_TEXT)

    def _on_text(self, packet, interface) -> None:  # noqa: ANN001
        for num, iface in self.ifaces.items():
            if interface is iface:
                with self._lock:
                    self.screens.setdefault(num, []).append(packet["decoded"]["text"])

    def join(self, num: int, hostport: str) -> None:
        self.ifaces[num] = connect(hostport)

    def send(self, num: int, text: str, bot: int) -> int:
        return int(self.ifaces[num].sendText(text, destinationId=bot, wantAck=True).id)

    def shown(self, num: int) -> list[str]:
        with self._lock:
            return list(self.screens.get(num, []))

    def close(self) -> None:
        pub.unsubscribe(self._on_text, TOPIC_TEXT)
        for iface in self.ifaces.values():
            iface.close()


class Run:
    """The simulator and the bot as processes, on a fresh database."""

    def __init__(self, tmp: Path) -> None:
        self.scenario = load_scenario(SCENARIO)
        self.residents = list(self.scenario.residents)
        self.bot = self.scenario.base
        first = free_ports(len(self.residents) + 1)
        self.bot_port, self.port_base = first, first + 1
        self.db = tmp / "meshbot.db"
        self.air_log = tmp / "air.jsonl"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
        self.sim = Process("sim", "serve", "--scenario", SCENARIO, "--bot-port", str(self.bot_port),
                           "--port-base", str(self.port_base), "--seed", "4", "--air-log", str(self.air_log),
                           env=self.env)
        self.sim.wait_for_line("ready:")
        self.daemon: Process | None = None
        self._connects = 0

    def start_bot(self) -> None:
        env = dict(self.env, MESHBOT_DB=str(self.db), MESHBOT_RATE_LIMIT_PER_MINUTE="30")
        self.daemon = Process("run", "--host", f"127.0.0.1:{self.bot_port}", env=env)
        self._connects += 1
        done = f"{node_id(self.bot)}: a client finished its config download"
        deadline = time.monotonic() + 60
        while sum(done in line for line in self.sim.lines) < self._connects:
            assert time.monotonic() < deadline, "\n".join(self.sim.lines[-20:])
            time.sleep(0.1)

    def kill_bot(self) -> None:
        assert self.daemon is not None
        self.daemon.proc.kill()  # SIGKILL: no chance to tidy up
        self.daemon.proc.wait(timeout=10)

    def hostport(self, short_name: str) -> tuple[int, str]:
        index = next(i for i, n in enumerate(self.residents) if n.short_name == short_name)
        return self.residents[index].num, f"127.0.0.1:{self.port_base + index}"

    def answers(self, sent: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
        """(resident, packet id) -> the reply the bot's journal recorded for that command."""
        engine = open_engine(self.db)
        try:
            with session(engine) as db:
                rows = db.exec(select(SeenPacket).where(col(SeenPacket.reply).is_not(None))).all()
                return {(p.from_node, p.packet_id): p.reply for p in rows if (p.from_node, p.packet_id) in set(sent)}
        finally:
            engine.dispose()

    def outbox(self) -> list[OutboxItem]:
        engine = open_engine(self.db)
        try:
            with session(engine) as db:
                return list(db.exec(select(OutboxItem)).all())
        finally:
            engine.dispose()

    def postings(self) -> list[Posting]:
        engine = open_engine(self.db)
        try:
            with session(engine) as db:
                return list(db.exec(select(Posting)).all())
        finally:
            engine.dispose()

    def air(self) -> list[dict]:
        return [json.loads(line) for line in self.air_log.read_text().splitlines() if line.strip()]

    def close(self) -> None:
        if self.daemon is not None:
            assert self.daemon.stop() == 0, "\n".join(self.daemon.lines[-30:])
        self.sim.stop()


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    r = Run(tmp_path)
    yield r
    r.close()


@pytest.fixture
def residents() -> Iterator[Residents]:
    r = Residents()
    yield r
    r.close()


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(1.0)


def _all_shown(run: Run, residents: Residents, sent: list[tuple[int, int]]) -> bool:
    answers = run.answers(sent)
    return len(answers) == len(sent) and all(
        any(answers[key] in text for text in residents.shown(key[0])) for key in sent
    )


def _arrival(air: list[dict], resident: int, bot: int, reply: str) -> float:
    """Simulator time at which the resident's client got a packet carrying `reply`."""
    return min(e["time"] for e in air if e["kind"] == "rx" and e["node"] == resident
               and e["sender"] == bot and reply in e["text"])


def _sent_at(air: list[dict], resident: int, packet_id: int) -> float:
    return min(e["time"] for e in air if e["kind"] == "tx" and e["node"] == resident and e["packet_id"] == packet_id)


def _bot_transmissions(run: Run, air: list[dict], to: set[int]) -> int:
    """Texts the bot handed its radio for these residents, from the air log, checked against the outbox."""
    on_air = [e for e in air if e["kind"] == "tx" and e["node"] == run.bot and e["to"] in to]
    counted = sum(r.attempts for r in run.outbox() if r.destination in to)
    assert counted == len(on_air), f"outbox attempts {counted}, air log {len(on_air)}"
    return len(on_air)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_twelve_commands_with_a_kill_9_midway_every_reply_delivered(run: Run, residents: Residents) -> None:
    jon, hostport = run.hostport("JON")  # two links from the base
    run.start_bot()
    residents.join(jon, hostport)
    sent = []
    for k in range(12):  # canned messages, 0.5 s apart
        sent.append((jon, residents.send(jon, f"OFFER {k + 1} tins of beans", run.bot)))
        time.sleep(0.5)
    time.sleep(8)
    run.kill_bot()
    run.start_bot()
    _wait(lambda: _all_shown(run, residents, sent), WAIT_FOR_REPLIES_S,
          f"not every reply reached the resident: {residents.shown(jon)}")

    mine = [p for p in run.postings() if p.author == jon]
    assert sorted(p.quantity or 0 for p in mine) == list(range(1, 13))  # every command stored once
    air = run.air()
    answers = run.answers(sent)
    assert _bot_transmissions(run, air, {jon}) / len(sent) <= 1.3
    last_command = _sent_at(air, jon, sent[-1][1])
    last_reply = max(_arrival(air, jon, run.bot, answers[key]) for key in sent)
    assert last_reply - last_command <= 180.0


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_ten_residents_two_commands_each_in_a_minute_drain_within_the_channel_time(
    run: Run, residents: Residents
) -> None:
    names = [n.short_name for n in run.residents[3:13]]  # ANA .. JON: one and two links out
    nums = {}
    for name in names:
        num, hostport = run.hostport(name)
        residents.join(num, hostport)
        nums[name] = num
    run.start_bot()
    rng = random.Random(23)
    plan = sorted((rng.uniform(0, 60), name, k) for name in names for k in range(2))
    started = time.monotonic()
    sent = []
    for at, name, k in plan:
        time.sleep(max(0.0, at - (time.monotonic() - started)))
        sent.append((nums[name], residents.send(nums[name], f"NEED {k + 2} bottles of water", run.bot)))
    _wait(lambda: _all_shown(run, residents, sent), WAIT_FOR_REPLIES_S,
          f"not every reply reached its resident: {[residents.shown(n) for n in nums.values()]}")

    assert len(run.postings()) == len(sent)
    air = run.air()
    answers = run.answers(sent)
    assert _bot_transmissions(run, air, set(nums.values())) / len(sent) <= 1.3
    first = min(_sent_at(air, who, pid) for who, pid in sent)
    drained = max(_arrival(air, who, run.bot, answers[(who, pid)]) for who, pid in sent)
    # The channel time the burst needs: every transmission it caused (the commands,
    # their relays and ACKs, the replies and theirs, every retransmission), summed.
    need = sum(e["duration"] for e in air if e["duration"] > 0 and first <= e["time"] <= drained)
    assert drained - first <= 1.5 * need, f"drained in {drained - first:.0f} s, the burst needs {need:.0f} s of air"
    assert drained - first <= 300.0
