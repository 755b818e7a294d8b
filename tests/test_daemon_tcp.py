"""`meshbot run --host` as a real process against a node speaking Meshtastic's TCP API.

The node is the simulator's fake radio on 127.0.0.1; the daemon connects through the
real `meshtastic` library, answers over the socket, reconnects when the radio drops,
and stops cleanly on Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.link import NodeInfo
from hardware.sim.tcp_server import StreamApiServer

BOT = 0x4D42A001
ANA = 0x000000A1
BEN = 0x000000B2


@pytest.fixture
def radio() -> Iterator[StreamApiServer]:
    nodes = [NodeInfo(BOT, "BASE", "Mutual Aid Base"), NodeInfo(ANA, "ANA", "Ana"), NodeInfo(BEN, "BEN", "Ben")]
    with StreamApiServer(BOT, nodes, seed=1) as server:
        server.acknowledge_direct_messages()  # the daemon waits for each verdict
        yield server


def _start(radio: StreamApiServer, db: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    env.update(MESHBOT_DB=str(db), MESHBOT_MIN_GAP_S="1.5")
    proc = subprocess.Popen(
        [sys.executable, "-m", "meshbot.cli.main", "--create", "run", "--host", radio.hostport],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    assert radio.wait_for_client(timeout=30), "the daemon never finished connecting"
    return proc


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    return err


def _reply_to(radio: StreamApiServer, node: int) -> str:
    packet = radio.wait_for_packet(timeout=20)
    assert packet.to == node
    return packet.decoded.payload.decode("utf-8")


def test_daemon_answers_over_tcp_and_stops_on_ctrl_c(radio: StreamApiServer, tmp_path: Path) -> None:
    proc = _start(radio, tmp_path / "m.db")
    try:
        radio.push_text(ANA, "OFFER rice 10kg @elm", to=BOT, want_ack=True, packet_id=501)
        assert _reply_to(radio, ANA) == "o1 rice 10kg posted. CANCEL o1 undoes"
        radio.push_text(BEN, "NEED rice", to=BOT, packet_id=502)
        assert _reply_to(radio, BEN).startswith("Match m1: ANA !000000a1 @elm offers rice 3.33kg for your n2. TAKE m1 ")
        assert _reply_to(radio, ANA).startswith("Match m1: BEN !000000b2 needs rice 3.33kg from your o1. TAKE m1 ")
    finally:
        err = _stop(proc)
    assert "meshbot stopped" in err


def test_daemon_reconnects_and_ignores_the_replayed_backlog(radio: StreamApiServer, tmp_path: Path) -> None:
    proc = _start(radio, tmp_path / "m.db")
    try:
        radio.push_text(ANA, "NEED blankets 2", to=BOT, packet_id=601)
        assert _reply_to(radio, ANA).startswith("n1 blankets 2")
        radio.drop_clients()  # the radio's USB cable is pulled and put back
        time.sleep(0.5)
        # The same packet again (a radio replays its backlog on connect), then a new one.
        radio.push_text(ANA, "NEED blankets 2", to=BOT, packet_id=601)
        radio.push_text(ANA, "MY", to=BOT, packet_id=602)
        assert radio.wait_for_client(timeout=60), "the daemon did not reconnect"
        assert _reply_to(radio, ANA) == "Yours (1): n1 blankets 2"
    finally:
        _stop(proc)
