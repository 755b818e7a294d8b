"""SimMesh: flooding, delivery, airtime-consistent timing, SimLink and scenario files."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
import simpy
import simpy.rt
from pubsub import pub

from hardware.airtime import text_packet_bytes, time_on_air
from hardware.link import (
    BROADCAST_NUM,
    TOPIC_ESTABLISHED,
    TOPIC_LOST,
    TOPIC_TEXT,
    LinkDown,
    define_topics,
    node_id,
)
from hardware.sim import SimLink, SimMesh, load_scenario
from hardware.contention import CW_MAX, CW_MIN, slot_time
from hardware.sim.scenario import ScenarioError, parse_scenario

A, B, C, D = 0xA0000001, 0xB0000002, 0xC0000003, 0xD0000004
SPACING_M = 800.0
RANGE_M = 1000.0


def line_mesh(hop_limit: int = 3, seed: int = 42) -> SimMesh:
    """A - B - C - D, each node hearing only its neighbours."""
    mesh = SimMesh(simpy.Environment(), hop_limit=hop_limit, seed=seed, range_m=RANGE_M)
    for i, (num, name) in enumerate([(A, "A"), (B, "B"), (C, "C"), (D, "D")]):
        mesh.add_node(num, name, f"Node {name}", x=i * SPACING_M, y=0.0)
    return mesh


def toa(text: str, *, pki: bool = False) -> float:
    return time_on_air(text_packet_bytes(len(text.encode()), pki=pki), "LONG_FAST")


def entries(mesh: SimMesh, kind: str, node: int | None = None):
    return [e for e in mesh.log if e.kind == kind and (node is None or e.node == node)]


class Recorder:
    """Subscribes to pubsub topics for one test, keeping its listeners referenced."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict]] = []
        self._subs = []

    def listen(self, topic: str) -> None:
        def listener(topic=pub.AUTO_TOPIC, **kwargs):
            self.events.append((topic.getName(), kwargs))

        self._subs.append((listener, topic))
        pub.subscribe(listener, topic)

    def of(self, topic: str, interface: object) -> list[dict]:
        return [kw for name, kw in self.events if name == topic and kw.get("interface") is interface]

    def close(self) -> None:
        for listener, topic in self._subs:
            pub.unsubscribe(listener, topic)


@pytest.fixture
def recorder():
    define_topics()
    rec = Recorder()
    for topic in (TOPIC_TEXT, TOPIC_ESTABLISHED, TOPIC_LOST):
        rec.listen(topic)
    yield rec
    rec.close()


# -- flooding -------------------------------------------------------------------------


def test_line_topology():
    mesh = line_mesh()
    assert mesh.neighbours(A) == {B}
    assert mesh.neighbours(B) == {A, C}
    assert mesh.link_distance(A, D) == 3
    assert mesh.reachable(A) == {B, C, D}
    assert mesh.reachable(A, hop_limit=1) == {B, C}
    assert mesh.reachable(A, hop_limit=0) == {B}


def test_broadcast_reaches_everyone_once():
    mesh = line_mesh()
    pid = mesh.node(A).send_text("hello street")
    mesh.env.run()
    for num in (B, C, D):
        got = mesh.node(num).received
        assert [p["decoded"]["text"] for p in got] == ["hello street"]
        assert got[0]["id"] == pid
    assert mesh.node(A).received == []
    assert Counter(e.node for e in entries(mesh, "rx")) == {B: 1, C: 1, D: 1}
    # every node transmits it exactly once: A sends, B, C and D relay
    assert [e.node for e in entries(mesh, "tx")] == [A]
    assert sorted(e.node for e in entries(mesh, "relay")) == sorted([B, C, D])
    assert [e.hop_limit for e in sorted(entries(mesh, "relay"), key=lambda e: e.time)] == [2, 1, 0]


def test_hop_limit_and_hop_start_as_received():
    mesh = line_mesh()
    mesh.node(A).send_text("hops")
    mesh.env.run()
    # MessageToDict leaves out zero fields, exactly like the library: D hears hopLimit 1
    got = {num: mesh.node(num).received[0] for num in (B, C, D)}
    assert [got[n]["hopLimit"] for n in (B, C, D)] == [3, 2, 1]
    assert all(got[n]["hopStart"] == 3 for n in (B, C, D))


def test_direct_message_arrives_only_at_destination():
    mesh = line_mesh()
    pid = mesh.node(A).send_text("just for D", destination=D)
    mesh.env.run()
    assert [p["id"] for p in mesh.node(D).received] == [pid]
    assert mesh.node(B).received == [] and mesh.node(C).received == []
    packet = mesh.node(D).received[0]
    assert packet["to"] == D and packet["toId"] == node_id(D)
    assert packet["pkiEncrypted"] is True and packet["publicKey"]
    # still flooded by B and C like Meshtastic does; D does not relay a packet for itself
    assert sorted(e.node for e in entries(mesh, "relay")) == sorted([B, C])
    assert [e.node for e in entries(mesh, "rx")] == [D]


def test_hop_limit_one_does_not_reach_d():
    mesh = line_mesh(hop_limit=1)
    mesh.node(A).send_text("short hop")
    mesh.node(A).send_text("dm", destination=D)
    mesh.env.run()
    assert mesh.node(D).received == []
    assert mesh.node(C).texts() == ["short hop"]
    assert mesh.node(B).texts() == ["short hop"]


def test_log_timestamps_follow_airtime_and_contention():
    mesh = line_mesh()
    text = "timing is everything"
    mesh.node(A).send_text(text)
    mesh.env.run()
    air = toa(text)
    slot = slot_time(mesh.preset)
    (tx,) = entries(mesh, "tx")
    # an own packet waits 0..2**CW_MIN - 1 whole slots on a quiet channel, then takes `air`
    assert tx.queued == 0.0 and 0 <= tx.time < 2**CW_MIN * slot
    assert tx.time / slot == pytest.approx(round(tx.time / slot), abs=1e-6)
    assert tx.duration == pytest.approx(air)
    rx = {e.node: e for e in entries(mesh, "rx")}
    relay = {e.node: e for e in entries(mesh, "relay")}
    assert rx[B].time == pytest.approx(tx.time + air)
    # a client's rebroadcast waits 2*CW_MAX slots plus an SNR-weighted random part
    for hearer, relayer in ((C, B), (D, C)):
        delay = relay[relayer].time - rx[relayer].time
        assert 2 * CW_MAX * slot - 1e-9 <= delay < (2 * CW_MAX + 2**CW_MAX) * slot
        assert delay / slot == pytest.approx(round(delay / slot), abs=1e-6)
        assert relay[relayer].duration == pytest.approx(air)
        assert rx[hearer].time == pytest.approx(relay[relayer].time + air)
    for num in (B, C, D):
        assert mesh.node(num).received[0]["rxTime"] == int(mesh.start_epoch + rx[num].time)


def test_radio_sends_one_packet_at_a_time():
    mesh = line_mesh()
    mesh.node(A).send_text("first")
    mesh.node(A).send_text("second, a bit longer")
    mesh.env.run()
    first, second = entries(mesh, "tx")
    assert first.text == "first" and second.text.startswith("second")
    assert second.queued == first.queued == 0.0
    gap = second.time - (first.time + toa("first"))
    assert 0 <= gap < 2**CW_MIN * slot_time(mesh.preset)


def test_airtime_totals():
    mesh = line_mesh()
    mesh.node(A).send_text("count my airtime")
    mesh.env.run()
    air = toa("count my airtime")
    assert mesh.airtime() == pytest.approx({A: air, B: air, C: air, D: air})
    assert mesh.node(B).tx_count == 1


def test_same_seed_same_run_other_seed_other_ids():
    def run(seed: int):
        mesh = line_mesh(seed=seed)
        mesh.node(A).send_text("one")
        mesh.node(D).send_text("two", destination=A)
        mesh.node(B).send_text("three")
        mesh.env.run()
        return mesh.log, [p["id"] for n in mesh.nodes.values() for p in n.received]

    assert run(7) == run(7)
    assert run(7)[1] != run(8)[1]


def test_rx_snr_falls_with_distance():
    mesh = SimMesh(simpy.Environment(), range_m=RANGE_M)
    mesh.add_node(A, "A", "A", 0, 0)
    mesh.add_node(B, "B", "B", 100, 0)
    mesh.add_node(C, "C", "C", 900, 0)
    mesh.node(A).send_text("snr")
    mesh.env.run()
    near, far = mesh.node(B).received[0], mesh.node(C).received[0]
    assert near["rxSnr"] > far["rxSnr"] > -17.5 - 1e-9  # SF11 floor at the edge of range
    assert near["rxRssi"] > far["rxRssi"]


def test_clock_and_advance():
    mesh = SimMesh(simpy.Environment(), start_epoch=1_000_000)
    assert mesh.now() == 1_000_000
    fired = []
    mesh.call_later(5, fired.append, "tick")
    mesh.advance(10)
    assert fired == ["tick"]
    assert mesh.now() == 1_000_010


def test_send_text_rejects_bad_input():
    node = line_mesh().node(A)
    with pytest.raises(ValueError):
        node.send_text("é" * 117)  # 234 UTF-8 bytes
    with pytest.raises(ValueError):
        node.send_text("hi", channel_index=8)
    with pytest.raises(ValueError):
        node.mesh.add_node(A, "X", "dup", 0, 0)


# -- SimLink --------------------------------------------------------------------------


def test_simlink_publishes_received_texts(recorder):
    mesh = line_mesh()
    link = SimLink(mesh, D)
    link.connect()
    assert link.is_connected and link.my_node_num == D
    assert len(recorder.of(TOPIC_ESTABLISHED, link.interface)) == 1
    pid = mesh.node(A).send_text("to everyone")
    mesh.advance(60)  # one at a time: a line of nodes is full of hidden terminals
    mesh.node(A).send_text("to D only", destination=D)
    mesh.advance(60)
    mesh.node(A).send_text("to C only", destination=C)
    mesh.env.run()
    texts = recorder.of(TOPIC_TEXT, link.interface)
    assert [kw["packet"]["decoded"]["text"] for kw in texts] == ["to everyone", "to D only"]
    packet = texts[0]["packet"]
    assert packet["from"] == A and packet["fromId"] == f"!{A:08x}"
    assert packet["to"] == BROADCAST_NUM and packet["toId"] == "^all"
    assert packet["id"] == pid
    assert packet["decoded"]["portnum"] == "TEXT_MESSAGE_APP"
    assert packet["decoded"]["payload"] == b"to everyone"
    assert isinstance(packet["rxSnr"], float) and isinstance(packet["rxTime"], int)
    assert packet["raw"].id == pid
    link.close()


def test_simlink_send_text_and_close(recorder):
    mesh = line_mesh()
    link = SimLink(mesh, A)
    link.connect()
    pid = link.send_text("reply for D", destination=D, want_ack=True)
    mesh.env.run()
    assert [p["id"] for p in mesh.node(D).received] == [pid]
    assert mesh.node(D).received[0]["wantAck"] is True
    link.close()
    link.close()
    assert not link.is_connected
    assert len(recorder.of(TOPIC_LOST, link.interface)) == 1
    with pytest.raises(LinkDown):
        link.send_text("too late")
    with pytest.raises(ValueError):
        SimLink(mesh, 0x1234)


def test_simlink_rejects_oversized_text():
    mesh = line_mesh()
    link = SimLink(mesh, A)
    link.connect()
    with pytest.raises(ValueError):
        link.send_text("x" * 234)
    assert 0 < link.send_text("x" * 233) < 2**32


def test_simlink_silent_while_closed(recorder):
    mesh = line_mesh()
    link = SimLink(mesh, B)
    mesh.node(A).send_text("nobody listening")
    mesh.env.run()
    assert recorder.of(TOPIC_TEXT, link.interface) == []
    assert mesh.node(B).texts() == ["nobody listening"]


def test_simlink_nodes():
    mesh = line_mesh(hop_limit=1)
    mesh.node(B).send_text("I am B")
    mesh.env.run()
    nodes = SimLink(mesh, A).nodes()
    assert set(nodes) == {A, B, C}  # D is 3 links away, beyond hop limit 1
    assert nodes[B].short_name == "B" and nodes[B].hops_away == 0 and nodes[C].hops_away == 1
    assert nodes[B].snr is not None and nodes[B].last_heard == pytest.approx(mesh.start_epoch + toa("I am B"))
    assert nodes[A].hops_away is None


def test_realtime_send_from_another_thread():
    env = simpy.rt.RealtimeEnvironment(factor=0.02, strict=False)
    mesh = SimMesh(env, range_m=RANGE_M)
    for i, num in enumerate((A, B, C)):
        mesh.add_node(num, f"N{i}", f"Node {i}", x=i * SPACING_M, y=0.0)
    link = SimLink(mesh, A)
    link.connect()
    ids = []
    running = threading.Event()

    def send_later():
        running.wait(timeout=60)  # env.run below is sleeping towards its next event
        ids.append(link.send_text("from a thread", destination=C))

    def until_received(env):  # however slow the machine: the run ends when C has it
        running.set()
        while not mesh.node(C).received:
            yield env.timeout(1)

    sender = threading.Thread(target=send_later)
    sender.start()
    env.run(until=env.process(until_received(env)))
    sender.join()
    assert [p["id"] for p in mesh.node(C).received] == ids


# -- scenarios ------------------------------------------------------------------------


def test_block_scenario():
    sc = load_scenario("block")
    assert len(sc.nodes) == 12 and len(sc.residents) == 11
    assert sc.base_node.short_name == "BASE"
    assert {"elm", "oak", "river", "hill"} <= set(sc.zones)
    mesh = sc.build(simpy.Environment(), seed=1)
    assert mesh.hop_limit == 3 and mesh.seed == 1
    assert sc.by_short_name("KAI").zone == "river"
    links = mesh.link_distances(sc.base)
    residents = {n.num for n in sc.residents}
    assert all(links.get(num, 99) <= 3 for num in residents)
    assert {2, 3} <= {links[num] for num in residents}
    assert residents <= mesh.reachable(sc.base)
    mesh.node(sc.base).send_text("Water point open at the hall")
    mesh.env.run()
    for num in residents:
        assert mesh.node(num).texts() == ["Water point open at the hall"]
    assert mesh.transcript().count(" rx ") == 11


def test_scenario_from_path_and_errors(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(
        '[mesh]\nrange_m = 500\n[[nodes]]\nnum = 0x10\nshort_name = "B"\nzone = "z"\nx = 0\ny = 0\nbase = true\n'
        '[[nodes]]\nnum = 0x11\nshort_name = "R"\nlong_name = "Resident"\nzone = "z"\nx = 100\ny = 0\n'
    )
    sc = load_scenario(path)
    assert sc.name == "tiny" and sc.base == 0x10 and sc.range_m == 500
    assert sc.by_short_name("R").long_name == "Resident"
    with pytest.raises(ScenarioError):
        load_scenario("no-such-scenario")
    with pytest.raises(ScenarioError):
        parse_scenario('[[nodes]]\nnum = 1\nshort_name = "A"\nzone = "z"\nx = 0\ny = 0\n')  # no base
    with pytest.raises(ScenarioError):
        parse_scenario('[[nodes]]\nnum = 1\nshort_name = "TOOLONG"\nzone = "z"\nx = 0\ny = 0\nbase = true\n')


def test_an_alert_packet_reaches_clients_on_the_librarys_data_topic():
    define_topics()
    got = []

    def listener(packet, interface):
        got.append((packet, interface))

    pub.subscribe(listener, "meshtastic.receive.data.ALERT_APP")
    try:
        mesh = line_mesh()
        bot, resident = SimLink(mesh, A), SimLink(mesh, B)
        bot.connect()
        resident.connect()
        bot.send_text("ALERT a1 fire at the mill", alert=True)
        mesh.env.run()
        [(packet, interface)] = [(p, i) for p, i in got if i is resident.interface]
        assert packet["decoded"]["portnum"] == "ALERT_APP"
        assert packet["decoded"]["payload"] == "ALERT a1 fire at the mill".encode()
        assert mesh.node(B).texts() == []  # not a text message: it rings the buzzer
        assert [e.text for e in entries(mesh, "tx")] == ["ALERT a1 fire at the mill"]
    finally:
        pub.unsubscribe(listener, "meshtastic.receive.data.ALERT_APP")
