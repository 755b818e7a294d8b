"""Real Meshtastic clients on the simulated mesh, over the TCP API, in real time.

The clients are the real `meshtastic` library (`TCPInterface`), the stock `meshtastic`
command line, and the daemon itself (`meshbot run --host`) as a separate process; the
mesh behind the socket is `meshbot sim serve` (or, in-process, `attach_server`).
"""

from __future__ import annotations

import os
import queue
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import simpy.rt
from meshtastic.protobuf import config_pb2
from meshtastic.tcp_interface import TCPInterface
from pubsub import pub

from hardware.link import TOPIC_ROUTING, TOPIC_TEXT, define_topics, node_id
from hardware.sim import SimMesh, load_scenario
from hardware.sim.serve import attach_server

BIN = Path(sys.executable).parent
SLICE_S = 0.05


class LiveMesh:
    """The block scenario in real time in a background thread, with servers on two nodes."""

    def __init__(self) -> None:
        self.scenario = load_scenario("block")
        self.env = simpy.rt.RealtimeEnvironment(strict=False)
        self.mesh = SimMesh.from_scenario(self.scenario, self.env, seed=1, collisions=False)
        self.base = self.scenario.base
        self.dave = self.scenario.by_short_name("DAVE").num  # one link from the base
        self.servers = {num: attach_server(self.mesh, num) for num in (self.base, self.dave)}
        for server in self.servers.values():
            server.start()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.env.run(until=self.env.now + SLICE_S)

    def hostport(self, num: int) -> str:
        return self.servers[num].hostport

    def wait_for(self, condition, timeout: float = 20.0) -> bool:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for server in self.servers.values():
            server.close()


class Inbox:
    """What one library interface publishes on the text and routing topics."""

    def __init__(self) -> None:
        define_topics()
        self.texts: queue.Queue[dict] = queue.Queue()
        self.routing: queue.Queue[dict] = queue.Queue()
        self.interface: object = None

        def on_text(packet, interface):  # noqa: ANN001
            if interface is self.interface:
                self.texts.put(packet)

        def on_routing(packet, interface):  # noqa: ANN001
            if interface is self.interface:
                self.routing.put(packet)

        self._listeners = ((on_text, TOPIC_TEXT), (on_routing, TOPIC_ROUTING))
        for listener, topic in self._listeners:
            pub.subscribe(listener, topic)

    def next(self, box: queue.Queue[dict], timeout: float = 30.0, **match: object) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            packet = box.get(timeout=max(deadline - time.monotonic(), 0.01))
            if all(packet.get(k) == v for k, v in match.items()):
                return packet

    def close(self) -> None:
        for listener, topic in self._listeners:
            pub.unsubscribe(listener, topic)


@pytest.fixture
def live() -> Iterator[LiveMesh]:
    mesh = LiveMesh()
    yield mesh
    mesh.close()


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    box = Inbox()
    yield box
    box.close()


def connect(hostport: str) -> TCPInterface:
    host, port = hostport.rsplit(":", 1)
    return TCPInterface(host, portNumber=int(port), timeout=20)


# -- the library against one simulated node -------------------------------------------


def test_library_reads_the_node_list_and_talks_through_the_mesh(live: LiveMesh, inbox: Inbox) -> None:
    iface = connect(live.hostport(live.dave))
    inbox.interface = iface
    try:
        assert iface.myInfo.my_node_num == live.dave
        names = {n["user"]["shortName"] for n in iface.nodes.values()}
        assert names == {n.short_name for n in live.scenario.nodes}
        lora = iface.localNode.localConfig.lora
        assert lora.modem_preset == config_pb2.Config.LoRaConfig.ModemPreset.Value("LONG_FAST")
        assert lora.hop_limit == 3

        # the client's text goes out on DAVE's radio and the base's node hears it
        sent = iface.sendText("NEED water 20L @hill", destinationId=live.base, wantAck=True)
        assert live.wait_for(lambda: "NEED water 20L @hill" in live.mesh.node(live.base).texts())
        # the base's routing ACK comes back over the air and the library publishes it
        ack = inbox.next(inbox.routing, **{"from": live.base})
        assert ack["decoded"]["requestId"] == sent.id
        assert ack["decoded"]["routing"]["errorReason"] == "NONE"

        # a text the base sends to DAVE reaches the client as the library's packet dict
        live.mesh.node(live.base).send_text("Need n1 water 20L posted.", destination=live.dave)
        got = inbox.next(inbox.texts, **{"from": live.base})
        assert got["decoded"]["text"] == "Need n1 water 20L posted."
        assert got["toId"] == node_id(live.dave) and got["fromId"] == node_id(live.base)
    finally:
        iface.close()


def test_stock_cli_lists_nodes_and_sends_a_text(live: LiveMesh) -> None:
    cli = str(BIN / "meshtastic")
    nodes = subprocess.run(
        [cli, "--host", live.hostport(live.dave), "--nodes"], capture_output=True, text=True, timeout=60
    )
    assert nodes.returncode == 0, nodes.stderr
    for node in live.scenario.nodes:
        assert node_id(node.num) in nodes.stdout and node.long_name in nodes.stdout
    sent = subprocess.run(
        [cli, "--host", live.hostport(live.dave), "--sendtext", "NEED water"],
        capture_output=True, text=True, timeout=60,
    )
    assert sent.returncode == 0, sent.stderr
    assert live.wait_for(lambda: "NEED water" in live.mesh.node(live.base).texts())
    # a broadcast: DAVE's other neighbours hear it too
    assert live.wait_for(lambda: "NEED water" in live.mesh.node(live.scenario.by_short_name("EVA").num).texts())


# -- the daemon as its own process, through `meshbot sim serve` ------------------------


def free_ports(count: int) -> int:
    """A base port with `count` consecutive free ports after it."""
    for _ in range(50):
        base = random.randrange(20_000, 60_000)
        sockets = []
        try:
            for port in range(base, base + count):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free ports")


class Process:
    """A child process whose output lines are collected in the background."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "meshbot.cli.main", "--create", *args], stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, text: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} in output:\n" + "\n".join(self.lines[-30:]))

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._reader.join(timeout=5)
        return self.proc.returncode


def test_resident_client_gets_the_daemons_reply_through_the_simulated_mesh(tmp_path: Path, inbox: Inbox) -> None:
    scenario = load_scenario("block")
    residents = list(scenario.residents)
    dave = next(i for i, n in enumerate(residents) if n.short_name == "DAVE")
    base_port = free_ports(len(residents) + 1)
    bot_port, port_base = base_port, base_port + 1
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    sim = Process("sim", "serve", "--scenario", "block", "--bot-port", str(bot_port),
                  "--port-base", str(port_base), "--seed", "4", env=env)
    daemon = None
    iface = None
    try:
        sim.wait_for_line("ready:")
        daemon_env = dict(env, MESHBOT_DB=str(tmp_path / "meshbot.db"))
        daemon = Process("run", "--host", f"127.0.0.1:{bot_port}", env=daemon_env)
        sim.wait_for_line(f"{node_id(scenario.base)}: a client finished its config download")

        iface = connect(f"127.0.0.1:{port_base + dave}")
        inbox.interface = iface
        assert node_id(scenario.base) in iface.nodes  # the base is in DAVE's node list
        iface.sendText("NEED water 20L @hill", destinationId=scenario.base, wantAck=True)
        reply = inbox.next(inbox.texts, timeout=90, **{"from": scenario.base})
        text = reply["decoded"]["text"]
        assert "water" in text.lower() and len(text.encode()) <= 200  # "Need n1 water 20L @hill ... posted"
        assert reply["to"] == residents[dave].num
    finally:
        if iface is not None:
            iface.close()
        daemon_rc = daemon.stop() if daemon is not None else 0
        sim.stop()
    assert daemon_rc == 0, "\n".join(daemon.lines[-30:]) if daemon else ""
    assert any("air: DAVE -> BASE: NEED water 20L @hill" in line for line in sim.lines)
