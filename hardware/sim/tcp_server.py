"""A fake Meshtastic node on TCP: the client API a real radio serves on port 4403.

Covers: enough of the firmware's phone API for the `meshtastic` library's real
TCPInterface to connect, download its config and exchange text packets:

* `ToRadio.want_config_id` -> my_info, our node_info, metadata, 8 channels, lora and
  device config, the other node_infos, `config_complete_id` (the firmware's order), then
  the packets kept while no client was configured (at most MAX_RX_TOPHONE, `tophone.py`).
* `ToRadio.packet` -> recorded in `received`; an admin request to this node is answered
  here (`admin.py`), anything else goes to `on_packet`, which says (res, free) whether
  the TX queue took it; then a `QueueStatus` (res 32, free 0: refused) as the firmware.
* `ToRadio.disconnect` -> the connection is closed; heartbeats are ignored.
* `push_text` / `push_packet` send a received MeshPacket to every configured client.

It stands alone (tests drive it with `push_text`), or `hardware.sim.serve` attaches it
to a node of a running SimMesh: `on_packet` hands what clients send to the node's radio,
`push_packet` hands the client what the node receives (texts, routing ACK/NAKs), and
`node_source` gives the node database at each config download.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import random
import socket
import threading
import time
from collections.abc import Callable, Iterable

from google.protobuf.message import DecodeError
from meshtastic.protobuf import config_pb2, mesh_pb2, portnums_pb2

from hardware.airtime import get_preset
from hardware.link import BROADCAST_NUM, NodeInfo, node_id
from hardware.sim.framing import FrameDecoder, encode_frame
from hardware.sim.admin import LocalNode, admin_reply, is_admin_for_us, local_node, node_info_pb
from hardware.sim.packet import SimPacket, mesh_packet
from hardware.sim.radio import TX_QUEUE_LEN
from hardware.sim.tophone import keep_for_client

log = logging.getLogger(__name__)
POLL_S = 0.2
"""How often blocking socket calls wake up to notice close()."""
ERRNO_OK = 0
ERRNO_UNKNOWN = 32
"""What `QueueStatus.res` says when the TX queue refused a client's packet."""
FIRMWARE_VERSION = "2.7.11.sim"


class _Client:
    """One accepted connection."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.decoder = FrameDecoder()
        self.write_lock = threading.Lock()
        self.configured = False
        self.closed = False
        self.told_full = False

    def send(self, from_radio: mesh_pb2.FromRadio) -> None:
        data = encode_frame(from_radio.SerializeToString())
        with self.write_lock:
            if not self.closed:
                self.sock.sendall(data)

    def close(self) -> None:
        with self.write_lock:
            if self.closed:
                return
            self.closed = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()


class StreamApiServer:
    """A TCP endpoint speaking Meshtastic's stream API as node `my_node_num`."""

    def __init__(
        self,
        my_node_num: int,
        nodes: Iterable[NodeInfo] = (),
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        hop_limit: int = 3,
        preset: str = "LONG_FAST",
        firmware_version: str = FIRMWARE_VERSION,
        seed: int | None = None,
        on_packet: Callable[[mesh_pb2.MeshPacket], tuple[int, int] | None] | None = None,
        node_source: Callable[[], Iterable[NodeInfo]] | None = None,
        region: str = "US",
        queue_free: Callable[[], int] | None = None,
    ) -> None:
        self._static_nodes = list(nodes)
        self.node_source = node_source
        config_pb2.Config.LoRaConfig.RegionCode.Value(region)  # ValueError for an unknown region
        self.region = region
        self.my_node_num = my_node_num
        self.hop_limit = hop_limit
        self.preset = get_preset(preset)
        self.firmware_version = firmware_version
        self.on_packet = on_packet
        self.queue_free = queue_free
        """Room left in the node's TX queue, polled after a client was told it was full."""
        self.received: queue.Queue[mesh_pb2.MeshPacket] = queue.Queue()
        """MeshPackets clients asked the radio to send, in order."""
        self._host, self._port = host, port
        self._rng = random.Random(seed)
        self._passkey = self._rng.randbytes(8)
        self._from_radio_ids = itertools.count(1)
        self._listener: socket.socket | None = None
        self._clients: list[_Client] = []
        self._backlog: list[mesh_pb2.MeshPacket] = []
        self.discarded: list[mesh_pb2.MeshPacket] = []
        """Packets the to-phone queue let go while no client was connected ("ToPhone queue is full")."""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _node_infos(self) -> tuple[NodeInfo, list[NodeInfo]]:
        """(our own node, every other node) as the node database holds them now."""
        source = self.node_source() if self.node_source is not None else self._static_nodes
        infos = {n.num: n for n in source}
        mine = infos.pop(self.my_node_num, NodeInfo(self.my_node_num))
        return mine, list(infos.values())

    @property
    def my_info(self) -> NodeInfo:
        return self._node_infos()[0]

    @property
    def other_nodes(self) -> list[NodeInfo]:
        return self._node_infos()[1]

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> tuple[str, int]:
        """Listen and accept in a background thread; returns (host, port)."""
        self._listener = socket.create_server((self._host, self._port))
        self._listener.settimeout(POLL_S)
        self._host, self._port = self._listener.getsockname()[:2]
        self._spawn(self._accept_loop, "fake-node accept")
        return self.address

    @property
    def address(self) -> tuple[str, int]:
        return (self._host, self._port)

    @property
    def hostport(self) -> str:
        """`host:port`, as MeshtasticLink(host=...) takes it."""
        return f"{self._host}:{self._port}"

    def close(self) -> None:
        """Stop listening and drop every client: to them the radio is gone."""
        self._stop.set()
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.close()
        self.drop_clients()
        for t in self._threads:
            if t is not threading.current_thread():
                t.join(timeout=2 * POLL_S + 1)

    def __enter__(self) -> StreamApiServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def drop_clients(self) -> None:
        """Close every client connection (the server keeps listening unless closed)."""
        with self._lock:
            clients, self._clients = self._clients, []
        for c in clients:
            c.close()

    @property
    def configured_clients(self) -> int:
        with self._lock:
            return sum(1 for c in self._clients if c.configured and not c.closed)

    def wait_for_client(self, timeout: float = 5.0) -> bool:
        """True once some client has finished the config download."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.configured_clients:
                return True
            time.sleep(0.01)
        return False

    def wait_for_packet(self, timeout: float = 5.0) -> mesh_pb2.MeshPacket:
        """The next packet a client sent; TimeoutError after `timeout` seconds."""
        try:
            return self.received.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no packet from a client within {timeout} s") from None

    def acknowledge_direct_messages(self) -> None:
        """Every DM a client sends is acknowledged at once by its destination, as a mesh
        where everyone is in reach would: a client that waits for the radio's verdict on
        one text before its next to the same node (meshbot does) can go on."""

        def on_packet(packet: mesh_pb2.MeshPacket) -> None:
            if packet.want_ack and packet.to != BROADCAST_NUM:
                ack = mesh_pb2.MeshPacket(to=self.my_node_num, id=self._rng.randrange(1, 2**32))
                setattr(ack, "from", packet.to)
                ack.decoded.portnum = portnums_pb2.PortNum.ROUTING_APP
                ack.decoded.payload = mesh_pb2.Routing(error_reason=mesh_pb2.Routing.Error.NONE).SerializeToString()
                ack.decoded.request_id = packet.id
                self.push_packet(ack)

        self.on_packet = on_packet

    # -- radio -> client ------------------------------------------------------------

    def push_packet(self, packet: mesh_pb2.MeshPacket) -> None:
        """Hand a received packet to every configured client, or keep it for the next one."""
        with self._lock:
            targets = [c for c in self._clients if c.configured and not c.closed]
            if not targets:
                lost = keep_for_client(self._backlog, packet, packet.decoded.portnum)
                if lost is not None:
                    self.discarded.append(lost)
                return
        for c in targets:
            self._send(c, mesh_pb2.FromRadio(packet=packet))

    def push_text(
        self,
        from_num: int,
        text: str,
        *,
        to: int = BROADCAST_NUM,
        channel: int = 0,
        hop_limit: int = 3,
        hop_start: int = 3,
        want_ack: bool = False,
        rx_snr: float = 6.0,
        rx_rssi: int = -90,
        rx_time: int | None = None,
        packet_id: int | None = None,
    ) -> int:
        """As if the radio heard `text` from `from_num`; returns the packet id."""
        pid = packet_id if packet_id is not None else self._rng.randrange(1, 2**32)
        packet = SimPacket(
            sender=from_num,
            to=to,
            id=pid,
            text=text,
            hop_limit=hop_limit,
            hop_start=hop_start,
            channel=channel,
            want_ack=want_ack,
        )
        stamp = int(time.time()) if rx_time is None else rx_time
        self.push_packet(mesh_packet(packet, rx_time=stamp, rx_snr=rx_snr, rx_rssi=rx_rssi))
        return pid

    # -- internals ------------------------------------------------------------------

    def _spawn(self, target: Callable[..., None], name: str, *args: object) -> None:
        t = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads.append(t)
        t.start()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                sock, _addr = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # listener closed
            sock.settimeout(POLL_S)
            client = _Client(sock)
            with self._lock:
                self._clients.append(client)
            self._spawn(self._client_loop, "fake-node client", client)

    def _client_loop(self, client: _Client) -> None:
        try:
            while not self._stop.is_set() and not client.closed:
                try:
                    data = client.sock.recv(4096)
                except TimeoutError:
                    self._perhaps_report_space(client)
                    continue
                if not data:
                    break
                for frame in client.decoder.feed(data):
                    self._handle(client, frame)
        except OSError:
            pass  # the client or close() dropped the connection
        finally:
            client.close()
            with self._lock:
                if client in self._clients:
                    self._clients.remove(client)

    def _handle(self, client: _Client, frame: bytes) -> None:
        msg = mesh_pb2.ToRadio()
        try:
            msg.ParseFromString(frame)
        except DecodeError:
            return  # a garbled frame is skipped, as the firmware does
        which = msg.WhichOneof("payload_variant")
        if which == "want_config_id":
            self._send_config(client, msg.want_config_id)
        elif which == "packet":
            self._from_client(client, msg.packet)
        elif which == "disconnect":
            log.info("%s: a client disconnected from %s", node_id(self.my_node_num), self.hostport)
            client.close()

    def _from_client(self, client: _Client, packet: mesh_pb2.MeshPacket) -> None:
        """`MeshService::handleToRadio`: answer it here (admin) or queue it; then a QueueStatus."""
        self.received.put(packet)
        reply = None
        res, free = ERRNO_OK, TX_QUEUE_LEN
        if is_admin_for_us(packet, self.my_node_num):
            reply = admin_reply(packet, self.local_node(), lambda: self._rng.randrange(1, 2**32))
        elif self.on_packet is not None:
            res, free = self.on_packet(packet) or (ERRNO_OK, TX_QUEUE_LEN)
        status = mesh_pb2.QueueStatus(res=res, free=free, maxlen=TX_QUEUE_LEN, mesh_packet_id=packet.id)
        client.told_full = free <= 0
        self._send(client, mesh_pb2.FromRadio(queueStatus=status))
        if reply is not None:
            self._send(client, mesh_pb2.FromRadio(packet=reply))

    def _perhaps_report_space(self, client: _Client) -> None:
        """`MeshService::loop`: a client told the queue was full hears when it has room again."""
        free = self.queue_free() if client.told_full and self.queue_free is not None else 0
        if free > 0:
            client.told_full = False
            status = mesh_pb2.QueueStatus(res=ERRNO_OK, free=free, maxlen=TX_QUEUE_LEN)
            self._send(client, mesh_pb2.FromRadio(queueStatus=status))

    def _send(self, client: _Client, from_radio: mesh_pb2.FromRadio) -> None:
        from_radio.id = next(self._from_radio_ids)
        try:
            client.send(from_radio)
        except OSError:
            client.close()

    def local_node(self, mine: NodeInfo | None = None) -> LocalNode:
        """What this node tells its client about itself (config download, admin)."""
        return local_node(
            mine or self.my_info,
            preset=self.preset.name,
            hop_limit=self.hop_limit,
            region=self.region,
            firmware_version=self.firmware_version,
            passkey=self._passkey,
        )

    def _send_config(self, client: _Client, config_id: int) -> None:
        def send(**fields: object) -> None:
            self._send(client, mesh_pb2.FromRadio(**fields))

        mine, others = self._node_infos()
        local = self.local_node(mine)
        send(my_info=mesh_pb2.MyNodeInfo(my_node_num=self.my_node_num, nodedb_count=1 + len(others)))
        send(node_info=node_info_pb(mine))
        send(metadata=local.metadata)
        for ch in local.channels:
            send(channel=ch)
        send(config=config_pb2.Config(lora=local.lora))
        send(config=config_pb2.Config(device=config_pb2.Config.DeviceConfig()))
        for info in others:
            send(node_info=node_info_pb(info))
        send(config_complete_id=config_id)
        with self._lock:
            client.configured = True
            backlog, self._backlog = self._backlog, []
        log.info("%s: a client finished its config download on %s", node_id(self.my_node_num), self.hostport)
        for packet in backlog:
            self._send(client, mesh_pb2.FromRadio(packet=packet))
