"""MeshtasticLink through the real `meshtastic` library, against a fake node on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from meshtastic.protobuf import mesh_pb2, portnums_pb2
from pubsub import pub

from hardware.link import TOPIC_ESTABLISHED, TOPIC_LOST, TOPIC_TEXT, LinkDown, NodeInfo, define_topics
from hardware.meshtastic_link import MeshtasticLink, split_host
from hardware.sim.framing import FrameDecoder, encode_frame
from hardware.sim.tcp_server import StreamApiServer
from meshbot.inbound.inbox import Inbox as DaemonInbox

BOT = 0x0B07A001
ANA = 0x00001234
BEN = 0x5EED0002
NODES = [
    NodeInfo(BOT, "BOT", "Mutual Aid Base"),
    NodeInfo(ANA, "ANA", "Ana", snr=7.5, last_heard=1_767_225_000, hops_away=0),
    NodeInfo(BEN, "BEN", "Ben", hops_away=2),
]
WAIT_S = 5.0


class Inbox:
    """Pubsub messages for one interface; the library publishes from its own thread."""

    def __init__(self) -> None:
        self.interface: object = None
        self.messages: list[tuple[str, dict]] = []
        self.cond = threading.Condition()
        self._subs = []
        define_topics()
        for topic in (TOPIC_TEXT, TOPIC_ESTABLISHED, TOPIC_LOST):
            self._subscribe(topic)

    def _subscribe(self, topic: str) -> None:
        def listener(topic=pub.AUTO_TOPIC, **kwargs):
            with self.cond:
                self.messages.append((topic.getName(), kwargs))
                self.cond.notify_all()

        self._subs.append((listener, topic))
        pub.subscribe(listener, topic)

    def of(self, topic: str) -> list[dict]:
        with self.cond:
            return [kw for name, kw in self.messages if name == topic and kw["interface"] is self.interface]

    def wait_for(self, topic: str, count: int = 1, timeout: float = WAIT_S) -> list[dict]:
        with self.cond:
            self.cond.wait_for(lambda: len(self.of(topic)) >= count, timeout=timeout)
        return self.of(topic)

    def close(self) -> None:
        for listener, topic in self._subs:
            pub.unsubscribe(listener, topic)


@pytest.fixture
def server():
    srv = StreamApiServer(BOT, NODES, seed=1)
    srv.start()
    yield srv
    srv.close()


@pytest.fixture
def inbox():
    box = Inbox()
    yield box
    box.close()


@pytest.fixture
def link(server, inbox):
    lnk = MeshtasticLink(host=server.hostport, config_timeout_s=30, connect_timeout_s=30)
    lnk.connect()  # how fast is a benchmark's business (bench/), not a test's on a shared machine
    inbox.interface = lnk.interface
    yield lnk
    lnk.close()  # also cancels the library's heartbeat timer thread


def wait_until(predicate, timeout: float = WAIT_S) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_connects_through_the_library(link, server, inbox):
    assert link.is_connected
    assert link.interface is not None and type(link.interface).__name__.endswith("TCPInterface")
    assert link.my_node_num == BOT
    assert server.wait_for_client()
    assert inbox.wait_for(TOPIC_ESTABLISHED)


def test_nodes_lists_the_node_db(link):
    nodes = link.nodes()
    assert set(nodes) == {BOT, ANA, BEN}
    assert nodes[ANA] == NodeInfo(ANA, "ANA", "Ana", snr=7.5, last_heard=1_767_225_000, hops_away=0)
    assert nodes[BEN].short_name == "BEN" and nodes[BEN].hops_away == 2
    assert nodes[BOT].long_name == "Mutual Aid Base"
    assert link.node_info(ANA) == nodes[ANA]  # one node, without copying the whole database
    assert link.node_info(0xDEAD) is None


def test_received_text_is_published(link, server, inbox):
    pid = server.push_text(ANA, "OFFER 10kg rice @elm", to=BOT, hop_limit=2, hop_start=3, rx_snr=4.25)
    (msg,) = inbox.wait_for(TOPIC_TEXT)
    packet = msg["packet"]
    assert msg["interface"] is link.interface
    assert packet["from"] == ANA and packet["fromId"] == "!00001234"
    assert packet["to"] == BOT and packet["id"] == pid
    assert packet["decoded"]["text"] == "OFFER 10kg rice @elm"
    assert packet["decoded"]["portnum"] == "TEXT_MESSAGE_APP"
    assert packet["hopLimit"] == 2 and packet["hopStart"] == 3 and packet["rxSnr"] == 4.25


def test_send_text_reaches_the_radio(link, server):
    pid = link.send_text("hi", destination=ANA, want_ack=True)
    packet = server.wait_for_packet(WAIT_S)
    assert packet.id == pid
    assert packet.to == ANA and packet.want_ack
    assert packet.decoded.portnum == portnums_pb2.PortNum.TEXT_MESSAGE_APP
    assert packet.decoded.payload == b"hi"
    assert packet.hop_limit == 3  # from the lora config the radio sent
    broadcast = link.send_text("to all", channel_index=1)
    packet = server.wait_for_packet(WAIT_S)
    assert (packet.id, packet.to, packet.channel, packet.want_ack) == (broadcast, 0xFFFFFFFF, 1, False)
    with pytest.raises(ValueError):
        link.send_text("x" * 234)


def test_radio_going_away_is_noticed(link, server, inbox):
    assert link.is_connected
    server.close()
    assert wait_until(lambda: not link.is_connected)
    with pytest.raises(LinkDown):
        link.send_text("anyone?")


def test_close_is_idempotent_and_final(link, inbox):
    link.close()
    link.close()
    assert not link.is_connected
    with pytest.raises(LinkDown):
        link.send_text("after close")
    assert inbox.wait_for(TOPIC_LOST)


def test_backlog_is_replayed_on_connect(server, inbox):
    server.push_text(BEN, "sent while nobody was connected")
    lnk = MeshtasticLink(host=server.hostport, config_timeout_s=5)
    try:
        lnk.connect()
        inbox.interface = lnk.interface
        (msg,) = inbox.wait_for(TOPIC_TEXT)
        assert msg["packet"]["decoded"]["text"] == "sent while nobody was connected"
    finally:
        lnk.close()


class SlowToReturnLink(MeshtasticLink):
    """The library's constructor returning late, as it does on a loaded machine: the node's
    backlog, sent right after the config, is published while the link is still connecting."""

    def _open(self):  # type: ignore[no-untyped-def]
        iface = super()._open()
        time.sleep(0.5)
        return iface


def test_the_backlog_a_radio_replays_while_connecting_reaches_the_inbox(server):
    texts = [f"OFFER thing{i}" for i in range(5)]
    for i, text in enumerate(texts):
        server.push_text(BEN, text, to=BOT, packet_id=9000 + i)
    lnk = SlowToReturnLink(host=server.hostport, config_timeout_s=5)
    got = DaemonInbox(lnk)  # the daemon's own listener, which drops other links' packets
    got.attach()
    try:
        lnk.connect()
        received = [got.get(timeout=5) for _ in texts]
        assert [m.text for m in received if m is not None] == texts
    finally:
        got.detach()
        lnk.close()


@pytest.mark.timeout(60)
def test_connect_to_a_closed_port_raises_linkdown_without_waiting_out_the_timeouts():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Timeouts far beyond the test's own: waiting either of them out fails the test,
    # a refused connection must end the attempt at once, however loaded the machine.
    lnk = MeshtasticLink(host=f"127.0.0.1:{port}", config_timeout_s=3600, connect_timeout_s=3600)
    with pytest.raises(LinkDown, match="refused"):
        lnk.connect()
    assert not lnk.is_connected
    with pytest.raises(LinkDown):
        lnk.send_text("nobody home")
    lnk.close()


def test_constructor_wants_exactly_one_transport():
    with pytest.raises(ValueError):
        MeshtasticLink()
    with pytest.raises(ValueError):
        MeshtasticLink(port="/dev/ttyUSB0", host="192.168.1.5")
    assert MeshtasticLink(ble="AA:BB:CC:DD:EE:FF").where == "ble AA:BB:CC:DD:EE:FF"
    assert MeshtasticLink(port="/dev/ttyUSB0").interface is None


def test_split_host():
    assert split_host("192.168.1.5") == ("192.168.1.5", 4403)
    assert split_host("meshnode.local:4404") == ("meshnode.local", 4404)
    assert split_host("[::1]:4403") == ("::1", 4403)
    assert split_host("[::1]") == ("::1", 4403)


def test_frame_decoder_skips_log_text_and_reassembles():
    msg = mesh_pb2.FromRadio(config_complete_id=42).SerializeToString()
    stream = b"\xc3" * 32 + b"INFO | boot\r\n" + encode_frame(msg) + encode_frame(b"")
    dec = FrameDecoder()
    frames = []
    for i in range(len(stream)):  # byte by byte, like a slow serial line
        frames += dec.feed(stream[i : i + 1])
    assert frames == [msg, b""]
    assert FrameDecoder().feed(b"\x94\xc3\xff\xff" + encode_frame(msg)) == [msg]
    with pytest.raises(ValueError):
        encode_frame(b"x" * 513)
