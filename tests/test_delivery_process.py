"""Delivery through crashes and outages, with the daemon as its own process.

The radio is the simulator's TCP node (Meshtastic's stream API on 127.0.0.1), which
acknowledges direct messages as the destination's radio would. Texts are counted as
receivers count them: by packet id, since every Meshtastic node drops a packet id it
has already seen.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from meshtastic.protobuf import mesh_pb2, portnums_pb2

from hardware.link import NodeInfo
from hardware.sim.tcp_server import StreamApiServer

from .daemon_process import DaemonProcess

BOT = 0x4D42A001
RESIDENT_BASE = 0x1000


class Radio:
    """A fake radio that acks every DM the bot sends and keeps what it was asked to send."""

    def __init__(self, port: int = 0) -> None:
        self.sent: list[mesh_pb2.MeshPacket] = []
        self._rng = random.Random(5)
        self.server = StreamApiServer(BOT, [NodeInfo(BOT, "BASE", "Base")], port=port, on_packet=self._on_packet)
        self.server.start()
        self.port = self.server.address[1]

    def _on_packet(self, packet: mesh_pb2.MeshPacket) -> None:
        self.sent.append(packet)
        if packet.want_ack and packet.to != 0xFFFFFFFF:
            ack = mesh_pb2.MeshPacket(to=BOT, id=self._rng.randrange(1, 2**32))
            setattr(ack, "from", packet.to)
            ack.decoded.portnum = portnums_pb2.PortNum.ROUTING_APP
            ack.decoded.payload = mesh_pb2.Routing(error_reason=mesh_pb2.Routing.Error.NONE).SerializeToString()
            ack.decoded.request_id = packet.id
            self.server.push_packet(ack)

    def delivered(self) -> dict[int, dict[int, str]]:
        """destination -> {packet id: text}: what each resident's radio would show."""
        out: dict[int, dict[int, str]] = defaultdict(dict)
        for p in list(self.sent):
            out[p.to][p.id] = p.decoded.payload.decode("utf-8")
        return out

    def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while sum(len(v) for v in self.delivered().values()) < count:
            assert time.monotonic() < deadline, f"only {self.delivered()} after {timeout} s"
            time.sleep(0.1)

    def close(self) -> None:
        self.server.close()


def start_daemon(radio: Radio, db: Path, gap_s: float = 1.5) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    env.update(MESHBOT_DB=str(db), MESHBOT_MIN_GAP_S=str(gap_s))
    proc = subprocess.Popen(
        [sys.executable, "-m", "meshbot.cli.main", "--create", "run", "--host", f"127.0.0.1:{radio.port}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
    )
    assert radio.server.wait_for_client(timeout=30), "the daemon never connected"
    return proc


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGINT) -> None:
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err


@pytest.fixture
def radio() -> Iterator[Radio]:
    r = Radio()
    yield r
    r.close()


def _assert_each_answered_once(radio: Radio, db: Path, residents: int) -> None:
    delivered = radio.delivered()
    for i in range(residents):
        texts = delivered[RESIDENT_BASE + i]
        assert len(texts) == 1, f"resident {i} got {texts}"
        assert next(iter(texts.values())).endswith(f"thing{i} posted. CANCEL o{_posting_id(db, i)} undoes")
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from posting").fetchone() == (residents,)
        assert con.execute("select count(*) from seenpacket where handled = 0").fetchone() == (0,)
        per_node = con.execute("select destination, count(*) from outboxitem group by destination").fetchall()
        assert sorted(n for _, n in per_node) == [1] * residents
        assert con.execute("select count(*) from outboxitem where state != 'acked'").fetchone() == (0,)


def _wait_until_all_acked(db: Path, timeout: float) -> None:
    """The last ACK can still be on its way in when the last text is out: wait for the row."""
    deadline = time.monotonic() + timeout
    while True:
        with sqlite3.connect(db) as con:
            unacked = con.execute("select count(*) from outboxitem where state != 'acked'").fetchone()[0]
        if unacked == 0:
            return
        assert time.monotonic() < deadline, f"{unacked} outbox rows still unacked after {timeout} s"
        time.sleep(0.2)


def _posting_id(db: Path, i: int) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("select id from posting where author = ?", (RESIDENT_BASE + i,)).fetchone()[0]


def _burst(radio: Radio, residents: int) -> None:
    for i in range(residents):
        radio.server.push_text(RESIDENT_BASE + i, f"OFFER thing{i}", to=BOT, want_ack=True, packet_id=5000 + i)


def _kill_midway_and_recover(radio: Radio, db: Path, residents: int, kill_after: int) -> None:
    proc = start_daemon(radio, db)
    _burst(radio, residents)
    radio.wait_for(kill_after, timeout=120)
    proc.kill()  # SIGKILL: no chance to tidy up
    proc.wait(timeout=10)
    proc = start_daemon(radio, db)
    try:
        radio.wait_for(residents, timeout=residents * 3 + 60)
        _wait_until_all_acked(db, timeout=120)
    finally:
        stop(proc)  # stopped: whatever it would have doubled is in the outbox now
    _assert_each_answered_once(radio, db, residents)


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("residents", "kill_after"), [
    pytest.param(12, 4, id="12-texts"),  # each answer waits its turn on air: fewer is quicker
    pytest.param(25, 8, id="25-texts", marks=pytest.mark.slow),
])
def test_kill_9_midway_loses_nothing_and_doubles_nothing(radio: Radio, tmp_path: Path, residents: int,
                                                         kill_after: int) -> None:
    _kill_midway_and_recover(radio, tmp_path / "m.db", residents=residents, kill_after=kill_after)


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_kill_9_in_a_burst_of_200(radio: Radio, tmp_path: Path) -> None:
    _kill_midway_and_recover(radio, tmp_path / "m.db", residents=200, kill_after=70)


def test_sigterm_keeps_the_outbox_and_the_next_start_sends_it(radio: Radio, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    proc = start_daemon(radio, db, gap_s=30)  # slow enough that replies still wait at SIGTERM
    _burst(radio, 6)
    radio.wait_for(1, timeout=60)
    stop(proc, signal.SIGTERM)
    with sqlite3.connect(db) as con:
        waiting = con.execute("select count(*) from outboxitem where state = 'pending'").fetchone()[0]
    assert waiting >= 1
    proc = start_daemon(radio, db)
    try:
        radio.wait_for(6, timeout=60)
        _wait_until_all_acked(db, timeout=120)
    finally:
        stop(proc)
    _assert_each_answered_once(radio, db, 6)


@pytest.mark.timeout(300)
def test_radio_gone_for_20_s_is_taken_back_at_the_first_try_once_it_returns(tmp_path: Path) -> None:
    """While the radio is away the daemon only looks (no connect, no growing backoff), so
    the first connect after it returns is the one that succeeds: no wait of up to 30 s."""
    db = tmp_path / "m.db"
    radio = Radio()
    port = radio.port
    daemon = DaemonProcess(radio.server.hostport, db, MESHBOT_LOG_LEVEL="DEBUG")
    try:
        assert radio.server.wait_for_client(timeout=30), daemon.log
        _burst(radio, 5)
        radio.wait_for(1, timeout=30)
        radio.close()  # the radio goes away with replies still waiting
        before = radio.delivered()
        daemon.wait_for_log("radio link lost", timeout=60)
        time.sleep(20)  # the outage: long enough for a backoff to have grown to 16 s
        back = Radio(port=port)
        assert back.server.wait_for_client(timeout=60), daemon.log
        daemon.wait_for_log("radio link is back", timeout=60)
        back.wait_for(5 - sum(len(v) for v in before.values()), timeout=60)
    finally:
        daemon.stop()
    outage = daemon.log.split("radio link lost", 1)[1].split("radio link is back", 1)[0]
    assert "radio still down" not in outage, outage  # no failed connect, so no backoff to sit out
    for node, texts in before.items():  # what went before the outage is not sent again
        for pid in texts:
            assert pid not in back.delivered().get(node, {})
    merged = {n: {**before.get(n, {}), **back.delivered().get(n, {})} for n in range(RESIDENT_BASE, RESIDENT_BASE + 5)}
    assert all(len(texts) == 1 for texts in merged.values()), merged
    back.close()
