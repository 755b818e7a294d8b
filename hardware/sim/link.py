"""SimLink: the daemon's RadioLink onto one node of a SimMesh.

Covers: the same face as MeshtasticLink, so the daemon cannot tell them apart. Packets
the node's client gets are published on pypubsub on the topic the library would use
(`meshtastic.receive.text` for texts, `meshtastic.receive.routing` for ACK/NAKs, ...),
with `packet=` the library's dict and `interface=link.interface`, synchronously, in the
simulation thread, only while connected; connect/close publish
`meshtastic.connection.established`/`.lost`.

A routing packet is what the firmware hands its client: `decoded.portnum` ROUTING_APP,
`decoded.requestId` the id of the packet answered, `decoded.routing.errorReason` NONE
for an ACK (else `MAX_RETRANSMIT`, ...), and `from` the node that acked, or our own node
for an implicit ack (a neighbour was heard rebroadcasting it) and for a NAK after the
last retransmission.

Our own node's device metrics (channel utilisation, air_util_tx) are what the node last
reported to its client, as the library keeps them in `nodesByNum`: read at connect (the
config download) and updated by each TELEMETRY_APP report, every minute
(`node_info(link.my_node_num)["deviceMetrics"]["channelUtilization"]`).

Listeners run inside the simulation step: they must only record and queue, never block.
What the node gets while the link is closed is kept as the firmware keeps it for an
absent phone (at most 32 packets, `tophone.py`) and published on the next `connect`,
after `connection.established`, oldest first (a radio replays its backlog).
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import google.protobuf.json_format

from meshtastic.protobuf import portnums_pb2, telemetry_pb2
from pubsub import pub

from hardware.airtime import DATA_PAYLOAD_LEN
from hardware.link import (
    BROADCAST_NUM,
    PRIORITY_ALERT,
    PRIORITY_UNSET,
    TOPIC_ESTABLISHED,
    TOPIC_LOST,
    LinkDown,
    NodeInfo,
    RadioLink,
    define_topics,
    node_id,
)
from hardware.sim.mesh import SimMesh, SimNode
from hardware.sim.packet import topic_for
from hardware.sim.tophone import keep_for_client

ALERT_PORT = portnums_pb2.PortNum.ALERT_APP
TELEMETRY_PORT = portnums_pb2.PortNum.TELEMETRY_APP


class SimLink(RadioLink):
    """A RadioLink onto node `node_num` of `mesh`; `interface` is the link itself."""

    def __init__(self, mesh: SimMesh, node_num: int) -> None:
        if node_num not in mesh.nodes:
            raise ValueError(f"no node {node_id(node_num)} in the mesh")
        self.mesh = mesh
        self.node: SimNode = mesh.nodes[node_num]
        self._connected = False
        self._lock = threading.Lock()
        self._metrics: dict[str, Any] = {}
        self._backlog: list[dict] = []
        define_topics()
        self.node.add_packet_listener(self._on_packet)  # for good: the node keeps what comes

    def __repr__(self) -> str:
        state = "connected" if self._connected else "closed"
        return f"SimLink({self.node.id} {self.node.short_name!r}, {state})"

    @property
    def interface(self) -> object:
        return self

    @property
    def my_node_num(self) -> int:
        return self.node.num

    @property
    def is_connected(self) -> bool:
        return self._connected

    def connect(self) -> None:
        with self._lock:
            if self._connected:
                return
            self._connected = True
            self._metrics = self.node.device_metrics()
            backlog, self._backlog = self._backlog, []
        pub.sendMessage(TOPIC_ESTABLISHED, interface=self.interface)
        for packet in backlog:
            self._publish(packet)

    def close(self) -> None:
        with self._lock:
            if not self._connected:
                return
            self._connected = False
        pub.sendMessage(TOPIC_LOST, interface=self.interface)

    def send_text(
        self,
        text: str,
        destination: int = BROADCAST_NUM,
        channel_index: int = 0,
        want_ack: bool = False,
        packet_id: int | None = None,
        alert: bool = False,
        hop_limit: int | None = None,
        priority: int = PRIORITY_UNSET,
    ) -> int:
        if not self._connected:
            raise LinkDown(f"simulated radio {self.node.id} is not connected")
        size = len(text.encode("utf-8"))
        if size > DATA_PAYLOAD_LEN:
            raise ValueError(f"text is {size} UTF-8 bytes, the radio takes {DATA_PAYLOAD_LEN}")
        if alert:
            return self.node.send_data(ALERT_PORT, text.encode("utf-8"), destination, channel_index, want_ack, packet_id,
                                       hop_limit=hop_limit, priority=PRIORITY_ALERT)
        return self.node.send_text(text, destination, channel_index, want_ack, packet_id, hop_limit=hop_limit,
                                   priority=priority)

    def nodes(self) -> dict[int, NodeInfo]:
        """This node and every node a flood from it reaches, as its node database would hold them."""
        return self.mesh.node_db(self.node.num)

    def node_info(self, num: int) -> NodeInfo | None:
        info = self.nodes().get(num)
        if info is not None and num == self.node.num:
            info = dataclasses.replace(info, device_metrics=dict(self._metrics))
        return info

    def _on_packet(self, packet: dict) -> None:
        with self._lock:
            if not self._connected:
                keep_for_client(self._backlog, packet, packet["raw"].decoded.portnum)
                return
        self._publish(packet)

    def _publish(self, packet: dict) -> None:
        raw = packet["raw"]
        if raw.decoded.portnum == TELEMETRY_PORT and getattr(raw, "from") == self.node.num:
            self._note_telemetry(raw.decoded.payload)
        pub.sendMessage(topic_for(packet["raw"].decoded.portnum), packet=packet, interface=self.interface)

    def _note_telemetry(self, payload: bytes) -> None:
        """As the library's `_onTelemetryReceive`: merge the report into our node's entry."""
        report = telemetry_pb2.Telemetry()
        report.ParseFromString(payload)
        if report.HasField("device_metrics"):
            figures = google.protobuf.json_format.MessageToDict(report.device_metrics)
            self._metrics = {**self._metrics, **figures}
