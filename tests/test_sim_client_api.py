"""The client side of a simulated node, as firmware 2.7 serves its phone API.

Admin requests a client addresses to its own node are answered (the stock library's
`localNode.getMetadata()` and `meshtastic --info`); a full TX queue is reported in
QueueStatus and room is announced again; packets for a client that is not connected are
kept, at most MAX_RX_TOPHONE; a payload that is not what its port says travels on as bytes.
"""

from __future__ import annotations

import contextlib
import io
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import simpy
import simpy.rt
from meshtastic.protobuf import admin_pb2, mesh_pb2, portnums_pb2
from meshtastic.tcp_interface import TCPInterface
from pubsub import pub

from hardware.link import TOPIC_TEXT, define_topics
from hardware.sim import SimMesh
from hardware.sim.admin import admin_reply, local_node
from hardware.sim.framing import FrameDecoder, encode_frame
from hardware.sim.serve import attach_server
from hardware.sim.tcp_server import TX_QUEUE_LEN, StreamApiServer
from hardware.sim.tophone import MAX_RX_TOPHONE

BIN = Path(sys.executable).parent
A, B = 0xA0000001, 0xB0000002


class Live:
    """Two nodes in real time, a TCP API server on A; the simulation can be paused."""

    def __init__(self) -> None:
        self.env = simpy.rt.RealtimeEnvironment(strict=False)
        self.mesh = SimMesh(self.env, seed=7, collisions=False)
        self.mesh.add_node(A, "A", "Ana", 0, 0)
        self.mesh.add_node(B, "B", "Ben", 300, 0)
        self.server = attach_server(self.mesh, A)
        self.server.start()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.resume()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.env.run(until=self.env.now + 0.05)

    def pause(self) -> None:
        """Stop the simulation thread (so the test may touch the mesh safely)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

    def resume(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.pause()
        self.server.close()


@pytest.fixture
def live() -> Iterator[Live]:
    mesh = Live()
    yield mesh
    mesh.close()


def wait_until(condition, timeout: float = 20.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


# -- admin requests to the node itself ------------------------------------------------


def test_the_stock_library_gets_its_nodes_metadata(live: Live) -> None:
    iface = TCPInterface(hostname="127.0.0.1", portNumber=live.server.address[1])
    try:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            iface.localNode.getMetadata()  # raised "Timed out waiting for an acknowledgment" before
        assert "firmware_version: 2.7.11.sim" in out.getvalue()
        assert "hasPKC: True" in out.getvalue()
    finally:
        iface.close()


def test_stock_cli_info_works(live: Live) -> None:
    done = subprocess.run(
        [str(BIN / "meshtastic"), "--host", live.server.hostport, "--info"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Owner: Ana (A)" in done.stdout
    assert '"firmwareVersion": "2.7.11.sim"' in done.stdout


def _admin(request: admin_pb2.AdminMessage | bytes, pid: int = 99) -> mesh_pb2.MeshPacket:
    packet = mesh_pb2.MeshPacket(to=A, id=pid, want_ack=True)
    packet.decoded.portnum = portnums_pb2.PortNum.ADMIN_APP
    packet.decoded.want_response = True
    packet.decoded.payload = request if isinstance(request, bytes) else request.SerializeToString()
    return packet


def test_admin_answers_getters_and_refuses_what_it_cannot_do() -> None:
    from hardware.link import NodeInfo

    node = local_node(
        NodeInfo(A, "A", "Ana"), preset="LONG_FAST", hop_limit=3, region="EU_868",
        firmware_version="2.7.11.sim", passkey=b"12345678",
    )
    ids = iter(range(1000, 2000))
    owner = admin_reply(_admin(admin_pb2.AdminMessage(get_owner_request=True)), node, lambda: next(ids))
    assert getattr(owner, "from") == A and owner.to == A and owner.decoded.request_id == 99
    answer = admin_pb2.AdminMessage.FromString(owner.decoded.payload)
    assert answer.get_owner_response.long_name == "Ana" and answer.session_passkey == b"12345678"
    lora = admin_reply(
        _admin(admin_pb2.AdminMessage(get_config_request=admin_pb2.AdminMessage.ConfigType.LORA_CONFIG)),
        node,
        lambda: next(ids),
    )
    assert admin_pb2.AdminMessage.FromString(lora.decoded.payload).get_config_response.lora.hop_limit == 3
    channel = admin_reply(_admin(admin_pb2.AdminMessage(get_channel_request=1)), node, lambda: next(ids))
    primary = admin_pb2.AdminMessage.FromString(channel.decoded.payload).get_channel_response
    assert primary.index == 0 and primary.settings.psk == b"\x01"
    for refused in (
        _admin(admin_pb2.AdminMessage(set_owner=mesh_pb2.User(long_name="Mallory"))),
        _admin(b"\xff\xfe not an admin message"),
        _admin(admin_pb2.AdminMessage(get_channel_request=9)),
    ):
        nak = admin_reply(refused, node, lambda: next(ids))
        assert nak.decoded.portnum == portnums_pb2.PortNum.ROUTING_APP and nak.decoded.request_id == 99
        assert mesh_pb2.Routing.FromString(nak.decoded.payload).error_reason == mesh_pb2.Routing.Error.BAD_REQUEST


# -- the TX queue ---------------------------------------------------------------------


class RawClient:
    """A bare stream-API client: frames in, FromRadio messages out."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.sock = socket.create_connection(address, timeout=10)
        self.decoder = FrameDecoder()
        self.got: queue.Queue[mesh_pb2.FromRadio] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        with contextlib.suppress(OSError):
            while data := self.sock.recv(4096):
                for frame in self.decoder.feed(data):
                    self.got.put(mesh_pb2.FromRadio.FromString(frame))

    def send(self, to_radio: mesh_pb2.ToRadio) -> None:
        self.sock.sendall(encode_frame(to_radio.SerializeToString()))

    def next(self, field: str, timeout: float = 10.0) -> mesh_pb2.FromRadio:
        deadline = time.monotonic() + timeout
        while True:
            msg = self.got.get(timeout=max(deadline - time.monotonic(), 0.01))
            if msg.HasField(field):
                return msg

    def close(self) -> None:
        self.sock.close()


def test_a_full_tx_queue_is_reported_and_room_announced(live: Live) -> None:
    live.pause()
    live.mesh.node(A).radio_off()  # nothing leaves: the queue fills
    live.resume()
    client = RawClient(live.server.address)
    try:
        client.send(mesh_pb2.ToRadio(want_config_id=1))
        client.next("config_complete_id")
        statuses = []
        for i in range(TX_QUEUE_LEN + 2):
            packet = mesh_pb2.MeshPacket(to=B, id=5000 + i, want_ack=True)
            packet.decoded.portnum = portnums_pb2.PortNum.TEXT_MESSAGE_APP
            packet.decoded.payload = f"text {i}".encode()
            client.send(mesh_pb2.ToRadio(packet=packet))
            statuses.append(client.next("queueStatus").queueStatus)
        assert [s.free for s in statuses[:TX_QUEUE_LEN]] == list(range(TX_QUEUE_LEN - 1, -1, -1))
        assert all(s.res == 0 for s in statuses[:TX_QUEUE_LEN])
        refused = statuses[TX_QUEUE_LEN:]
        assert [(s.res, s.free, s.mesh_packet_id) for s in refused] == [(32, 0, 5016), (32, 0, 5017)]
        live.pause()
        live.mesh.node(A).radio_on()
        live.resume()
        room = client.next("queueStatus", timeout=30).queueStatus  # unsolicited, once one has gone
        assert room.res == 0 and room.free > 0 and room.mesh_packet_id == 0
        assert wait_until(lambda: len(live.mesh.node(B).texts()) == TX_QUEUE_LEN, timeout=60)
        assert sorted(live.mesh.node(B).texts()) == sorted(f"text {i}" for i in range(TX_QUEUE_LEN))
    finally:
        client.close()


# -- packets kept for a client that is not there --------------------------------------


def test_packets_wait_for_a_client_up_to_the_firmwares_limit() -> None:
    define_topics()
    texts: list[str] = []

    def on_text(packet: dict, interface: object) -> None:
        texts.append(packet["decoded"]["text"])

    pub.subscribe(on_text, TOPIC_TEXT)
    with StreamApiServer(A, seed=1) as server:
        for i in range(MAX_RX_TOPHONE + 8):
            server.push_text(B, f"while away {i}", to=A)
        iface = TCPInterface(hostname="127.0.0.1", portNumber=server.address[1])
        try:
            server.push_text(B, "marker", to=A)
            assert wait_until(lambda: "marker" in texts)
        finally:
            iface.close()
            pub.unsubscribe(on_text, TOPIC_TEXT)
    # the oldest went when the queue was full; the newest 32 came, in order, then the marker
    assert texts == [f"while away {i}" for i in range(8, MAX_RX_TOPHONE + 8)] + ["marker"]


# -- undecodable payloads -------------------------------------------------------------


def test_a_payload_that_is_not_what_its_port_says_travels_as_bytes() -> None:
    mesh = SimMesh(simpy.Environment(), seed=2, collisions=False)
    mesh.add_node(A, "A", "Ana", 0, 0)
    mesh.add_node(B, "B", "Ben", 300, 0)
    got: list[dict] = []
    mesh.node(B).add_packet_listener(got.append)
    garbage = b"\xff\xff\xff\x07 not a protobuf"
    not_utf8 = b"OFFER \xc3\x28 rice"
    mesh.node(A).send_data(portnums_pb2.PortNum.TELEMETRY_APP, garbage, destination=B)
    mesh.node(A).send_data(portnums_pb2.PortNum.TEXT_MESSAGE_APP, not_utf8, destination=B)
    mesh.node(A).send_text("still running", destination=B)
    mesh.env.run(until=120)
    by_port = {p["decoded"]["portnum"]: p for p in got if p["from"] == A}
    assert by_port["TELEMETRY_APP"]["decoded"]["payload"] == garbage
    assert "telemetry" not in by_port["TELEMETRY_APP"]["decoded"]
    texts = [p for p in got if p["decoded"]["portnum"] == "TEXT_MESSAGE_APP"]
    assert [p["decoded"]["payload"] for p in texts] == [not_utf8, b"still running"]
    assert "text" not in texts[0]["decoded"] and texts[1]["decoded"]["text"] == "still running"
