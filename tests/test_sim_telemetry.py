"""A simulated node's channel figures, reported to its client as firmware 2.6/2.7 does.

channel_utilization: % of the last minute (six 10 s periods) the node heard or sent
anything; air_util_tx: % of the last hour (sixty 1-minute periods) it sent. Every minute
the node hands its client a TELEMETRY_APP packet from its own number, which the library
(and SimLink) files under nodesByNum[my_num]["deviceMetrics"].
"""

from __future__ import annotations

import threading
import time

import pytest
import simpy
import simpy.rt
from meshtastic.tcp_interface import TCPInterface
from pubsub import pub

from hardware.airtime import text_packet_bytes, time_on_air
from hardware.link import BROADCAST_NUM
from hardware.sim import SimLink, SimMesh
from hardware.sim.serve import attach_server
from hardware.sim.usage import ChannelUtilisation, tx_utilisation

A, B = 0xA0000001, 0xB0000002
TEXT = "x" * 40


def pair(env: simpy.Environment | None = None) -> SimMesh:
    """A and B 100 m apart; B never rebroadcasts, so the only transmission is A's."""
    mesh = SimMesh(env or simpy.Environment(), seed=3, collisions=False)
    mesh.add_node(A, "A", "Node A", 0.0, 0.0)
    mesh.add_node(B, "B", "Node B", 100.0, 0.0, role="client_mute")
    return mesh


def airtime_of_text() -> float:
    return time_on_air(text_packet_bytes(len(TEXT)), "LONG_FAST")


def test_utilisation_rings_forget_what_left_the_window() -> None:
    util = ChannelUtilisation()
    util.add(5.0, 3.0)  # period 0
    util.add(15.0, 6.0)  # period 1
    assert util.percent(59.0) == pytest.approx(100 * 9 / 60)
    assert util.percent(60.0) == pytest.approx(100 * 6 / 60)  # period 0 left the minute
    assert util.percent(75.0) == 0.0
    tx = tx_utilisation()
    tx.add(30.0, 36.0)
    assert tx.percent(3599.0) == pytest.approx(1.0)
    assert tx.percent(3600.0) == 0.0


def test_simlink_reads_its_own_nodes_device_metrics_every_minute() -> None:
    mesh = pair()
    reports: list[dict] = []

    def on_telemetry(packet: dict, interface: object) -> None:
        reports.append({"packet": packet, "interface": interface})

    pub.subscribe(on_telemetry, "meshtastic.receive.telemetry")
    try:
        a, b = SimLink(mesh, A), SimLink(mesh, B)
        a.connect()
        b.connect()
        assert a.node_info(A)["deviceMetrics"]["channelUtilization"] == 0.0
        mesh.advance(15)
        mesh.node(A).send_text(TEXT)  # on air from about 15 s: inside the minute at 60 s
        mesh.advance(45.5)
        toa = airtime_of_text()
        a_metrics = a.node_info(a.my_node_num)["deviceMetrics"]
        b_metrics = b.node_info(b.my_node_num)["deviceMetrics"]
        assert a_metrics["channelUtilization"] == pytest.approx(100 * toa / 60, rel=1e-5)
        assert a_metrics["airUtilTx"] == pytest.approx(100 * toa / 3600, rel=1e-5)
        assert b_metrics["channelUtilization"] == pytest.approx(100 * toa / 60, rel=1e-5)
        assert b_metrics["airUtilTx"] == 0.0
        mine = [r for r in reports if r["interface"] is a]
        assert len(mine) == 1
        assert mine[0]["packet"]["from"] == A and mine[0]["packet"]["to"] == BROADCAST_NUM
        assert mine[0]["packet"]["decoded"]["portnum"] == "TELEMETRY_APP"
        mesh.advance(60)  # a quiet minute: the channel figure falls, the hourly one stays
        a_metrics = a.node_info(A)["deviceMetrics"]
        assert a_metrics["channelUtilization"] == 0.0
        assert a_metrics["airUtilTx"] == pytest.approx(100 * toa / 3600, rel=1e-5)
        assert len([r for r in reports if r["interface"] is a]) == 2
    finally:
        pub.unsubscribe(on_telemetry, "meshtastic.receive.telemetry")


def test_figures_are_those_of_the_last_report_not_of_now() -> None:
    """As on a real node: the client sees the figures of the last report, not live ones."""
    mesh = pair()
    link = SimLink(mesh, A)
    link.connect()
    mesh.advance(61)
    mesh.node(A).send_text(TEXT)
    mesh.advance(10)
    assert link.node_info(A)["deviceMetrics"]["airUtilTx"] == 0.0
    assert link.node_info(B).device_metrics is None
    mesh.advance(50)
    assert link.node_info(A)["deviceMetrics"]["airUtilTx"] > 0.0


def test_a_quiet_mesh_still_runs_to_completion() -> None:
    """The report timer does not keep `env.run()` going once the mesh has nothing to do."""
    mesh = pair()
    link = SimLink(mesh, A)
    link.connect()
    mesh.node(A).send_text(TEXT)
    mesh.env.run()
    assert mesh.env.now <= 120.0


class _Wall:
    def __init__(self, mesh: SimMesh) -> None:
        self.mesh = mesh
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            self.mesh.env.run(until=self.mesh.env.now + 0.5)


def test_the_library_updates_nodes_by_num_from_the_reports() -> None:
    """The stock TCPInterface files the node's reports under nodesByNum[my]["deviceMetrics"]."""
    env = simpy.rt.RealtimeEnvironment(factor=0.02, strict=False)  # 50 mesh seconds a second
    mesh = pair(env)
    server = attach_server(mesh, B)
    server.start()
    runner = _Wall(mesh)
    runner.thread.start()
    iface = TCPInterface(hostname=server.address[0], portNumber=server.address[1])
    try:
        my = iface.myInfo.my_node_num
        assert my == B
        assert iface.nodesByNum[B]["deviceMetrics"]["channelUtilization"] == 0.0
        while env.now < 12:  # on air after the first 10 s period, so the minute at 60 s holds it
            time.sleep(0.05)
        mesh.node(A).send_text(TEXT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if iface.nodesByNum[B].get("deviceMetrics", {}).get("channelUtilization", 0.0) > 0.0:
                break
            time.sleep(0.05)
        figures = iface.nodesByNum[B]["deviceMetrics"]
        assert figures["channelUtilization"] == pytest.approx(100 * airtime_of_text() / 60, rel=1e-5)
        assert figures["airUtilTx"] == 0.0
    finally:
        iface.close()
        runner.stop.set()
        runner.thread.join(timeout=5)
        server.close()


def test_simlink_replays_what_came_while_it_was_closed() -> None:
    """As a node keeps packets for an absent phone: published after the next connect."""
    from hardware.link import TOPIC_ESTABLISHED, TOPIC_TEXT, define_topics

    define_topics()
    mesh = pair()
    link = SimLink(mesh, B)
    seen: list[tuple[str, str | None]] = []

    def on_text(packet: dict, interface: object) -> None:
        if interface is link:
            seen.append(("text", packet["decoded"]["text"]))

    def on_up(interface: object) -> None:
        if interface is link:
            seen.append(("up", None))

    pub.subscribe(on_text, TOPIC_TEXT)
    pub.subscribe(on_up, TOPIC_ESTABLISHED)
    try:
        link.connect()
        mesh.node(A).send_text("while connected", destination=B)
        mesh.advance(30)
        link.close()
        mesh.node(A).send_text("while away 1", destination=B)
        mesh.advance(30)
        mesh.node(A).send_text("while away 2", destination=B)
        mesh.advance(30)
        assert seen == [("up", None), ("text", "while connected")]
        link.connect()
        assert seen == [
            ("up", None), ("text", "while connected"), ("up", None),
            ("text", "while away 1"), ("text", "while away 2"),
        ]
    finally:
        pub.unsubscribe(on_text, TOPIC_TEXT)
        pub.unsubscribe(on_up, TOPIC_ESTABLISHED)
