"""A packet in the simulated air, and the dict a receiving node hands to its client.

`packet_dict` builds a real `mesh_pb2.MeshPacket` and converts it exactly the way the
`meshtastic` library's `MeshInterface._handlePacketFromRadio` does (MessageToDict, then
`fromId`/`toId`, `decoded.payload` as bytes, `decoded.text`, the port's decoded protobuf
under its name with `raw`, e.g. `decoded.routing`). So the simulator's dicts have the
library's quirks too: fields holding their protobuf default are ABSENT (`channel` 0,
`hopLimit` 0, `wantAck` False, ...), and `publicKey` is base64 text.

Routing packets (ACK/NAK) are what the firmware sends: `portnum` ROUTING_APP, a
`Routing` protobuf with `error_reason` in the payload, and `decoded.request_id` naming
the packet they answer.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

import google.protobuf.json_format
from google.protobuf.message import DecodeError
from meshtastic import protocols
from meshtastic.protobuf import mesh_pb2, portnums_pb2

from hardware.airtime import MESHTASTIC_HEADER_LENGTH, PKI_OVERHEAD
from hardware.link import BROADCAST_NUM

BROADCAST_ID = "^all"
"""What the library writes as `toId` for a broadcast."""
TEXT_PORT = portnums_pb2.PortNum.TEXT_MESSAGE_APP
ROUTING_PORT = portnums_pb2.PortNum.ROUTING_APP
ALERT_PORT = portnums_pb2.PortNum.ALERT_APP
ROUTING_NONE = mesh_pb2.Routing.Error.NONE
MAX_RETRANSMIT = mesh_pb2.Routing.Error.MAX_RETRANSMIT
DUTY_CYCLE_LIMIT = mesh_pb2.Routing.Error.DUTY_CYCLE_LIMIT


Priority = mesh_pb2.MeshPacket.Priority
"""The firmware's TX queue order (highest first): the library's own enum."""


def fixed_priority(priority: int, portnum: int, want_ack: bool) -> int:
    """The priority a packet a client handed over takes in the TX queue (`fixPriority`,
    firmware 2.6+): the client's own when it set one, else an ACK/NAK highest, a text or
    admin message HIGH, a `want_ack` packet RELIABLE, anything else DEFAULT."""
    if priority != Priority.UNSET:
        return priority
    if portnum == ROUTING_PORT:
        return Priority.ACK
    if portnum in (TEXT_PORT, portnums_pb2.PortNum.ADMIN_APP):
        return Priority.HIGH
    return Priority.RELIABLE if want_ack else Priority.DEFAULT
_BITFIELD = 0
"""`Data.bitfield` as firmware sets it on every packet it originates (present even when 0)."""


@functools.lru_cache(maxsize=4096)
def data_bytes(portnum: int, payload_len: int, has_request_id: bool) -> int:
    """Bytes of the encoded `Data` protobuf, as `Router::perhapsEncode` builds it: its
    port, payload, the id it answers (any non-zero id: a fixed32) and the bitfield,
    measured by the protobuf itself."""
    data = mesh_pb2.Data(portnum=portnum, payload=bytes(payload_len), bitfield=_BITFIELD)  # type: ignore[arg-type]
    if has_request_id:
        data.request_id = 1
    return data.ByteSize()


@functools.lru_cache(maxsize=64)
def routing_payload(error_reason: int) -> bytes:
    """The `Routing` protobuf of an ACK (error NONE) or NAK, as the firmware encodes it."""
    routing = mesh_pb2.Routing()
    routing.error_reason = error_reason  # a oneof member: encoded even when NONE
    return routing.SerializeToString()


@dataclass(frozen=True, slots=True)
class SimPacket:
    """One packet as a node transmits it: radio header fields plus the decoded Data."""

    sender: int
    to: int
    id: int
    text: str
    """The text of a TEXT_MESSAGE_APP packet (and, for the log, of an ALERT_APP one); else empty."""
    hop_limit: int
    hop_start: int
    channel: int = 0
    want_ack: bool = False
    pki_encrypted: bool = False
    public_key: bytes = b""
    relay_node: int = 0
    """Last byte of the node that transmitted this copy (firmware 2.6+ header field)."""
    portnum: int = TEXT_PORT
    data: bytes = b""
    """The payload of a packet that is not a text (routing, or what a client sent)."""
    request_id: int = 0
    """For a routing ACK/NAK (or any reply): the id of the packet it answers."""
    error_reason: int = ROUTING_NONE
    priority: int = Priority.DEFAULT
    next_hop: int = 0
    """Last byte of the one node asked to relay this copy; 0 = anyone (flooding)."""

    @property
    def key(self) -> tuple[int, int]:
        """What every node dedupes on: (from, id)."""
        return (self.sender, self.id)

    @property
    def payload(self) -> bytes:
        if self.portnum == TEXT_PORT and not self.data:
            return self.text.encode("utf-8")
        if self.portnum == ROUTING_PORT and not self.data:
            return routing_payload(self.error_reason)
        return self.data

    @property
    def is_broadcast(self) -> bool:
        return self.to == BROADCAST_NUM

    @property
    def is_routing(self) -> bool:
        return self.portnum == ROUTING_PORT

    @property
    def phy_bytes(self) -> int:
        """Bytes on air: radio header + encoded Data (+ PKI overhead)."""
        size = MESHTASTIC_HEADER_LENGTH + data_bytes(self.portnum, len(self.payload), bool(self.request_id))
        return size + (PKI_OVERHEAD if self.pki_encrypted else 0)

    def relayed_by(self, num: int, next_hop: int = 0) -> SimPacket:
        """The copy `num` rebroadcasts: one hop spent, relay byte set, its own next hop."""
        # the constructor, not dataclasses.replace: this runs for every rebroadcast
        return SimPacket(
            self.sender, self.to, self.id, self.text, self.hop_limit - 1, self.hop_start, self.channel,
            self.want_ack, self.pki_encrypted, self.public_key, num & 0xFF, self.portnum, self.data,
            self.request_id, self.error_reason, self.priority, next_hop,
        )

    def sent_by(self, num: int, next_hop: int) -> SimPacket:
        """This packet as `num` transmits it (again) itself: relay byte and next hop set."""
        return SimPacket(
            self.sender, self.to, self.id, self.text, self.hop_limit, self.hop_start, self.channel,
            self.want_ack, self.pki_encrypted, self.public_key, num & 0xFF, self.portnum, self.data,
            self.request_id, self.error_reason, self.priority, next_hop,
        )


def routing_packet(
    sender: int, to: int, packet_id: int, request_id: int, error_reason: int, hop_limit: int
) -> SimPacket:
    """An ACK (error NONE) or NAK from `sender` about packet `request_id`."""
    return SimPacket(
        sender=sender,
        to=to,
        id=packet_id,
        text="",
        hop_limit=hop_limit,
        hop_start=hop_limit,
        portnum=ROUTING_PORT,
        request_id=request_id,
        error_reason=error_reason,
        priority=Priority.ACK,
    )


def mesh_packet(
    packet: SimPacket, *, rx_time: int = 0, rx_snr: float = 0.0, rx_rssi: int = 0, local: bool = False
) -> mesh_pb2.MeshPacket:
    """The MeshPacket protobuf a radio hands its client for a received `packet`.

    `local`: generated inside the node (an implicit ack, a NAK after the last retry),
    so no radio fields (rx_snr, rx_rssi, transport) are filled in.
    """
    mp = mesh_pb2.MeshPacket()
    setattr(mp, "from", packet.sender)
    mp.to = packet.to
    mp.id = packet.id
    mp.channel = packet.channel
    mp.hop_limit = packet.hop_limit
    mp.hop_start = packet.hop_start
    mp.want_ack = packet.want_ack
    mp.rx_time = rx_time
    if not local:
        mp.rx_snr = rx_snr
        mp.rx_rssi = rx_rssi
        mp.relay_node = packet.relay_node
        mp.next_hop = packet.next_hop
        mp.transport_mechanism = mesh_pb2.MeshPacket.TransportMechanism.TRANSPORT_LORA
    if packet.pki_encrypted:
        mp.pki_encrypted = True
        mp.public_key = packet.public_key
    mp.decoded.portnum = packet.portnum
    mp.decoded.payload = packet.payload
    if packet.request_id:
        mp.decoded.request_id = packet.request_id
    mp.decoded.bitfield = 0
    return mp


def packet_dict(mp: mesh_pb2.MeshPacket, node_ids: Mapping[int, str]) -> dict:
    """`mp` as the library publishes it; `node_ids` maps known node numbers to `!%08x` ids."""
    d = google.protobuf.json_format.MessageToDict(mp)
    d["raw"] = mp
    d.setdefault("from", 0)
    d.setdefault("to", 0)
    d["fromId"] = "Unknown" if d["from"] == BROADCAST_NUM else node_ids.get(d["from"])
    d["toId"] = BROADCAST_ID if d["to"] == BROADCAST_NUM else node_ids.get(d["to"])
    if "decoded" in d:
        d["decoded"]["payload"] = mp.decoded.payload
        d["decoded"].setdefault("portnum", "UNKNOWN_APP")
        if mp.decoded.portnum == TEXT_PORT:
            try:
                d["decoded"]["text"] = mp.decoded.payload.decode("utf-8")
            except UnicodeDecodeError:
                pass  # the library leaves `text` out too
        else:
            handler = protocols.get(mp.decoded.portnum)
            if handler is not None and handler.protobufFactory is not None:
                pb = handler.protobufFactory()
                try:
                    pb.ParseFromString(mp.decoded.payload)
                except DecodeError:
                    return d  # not what the port says: handed on as the bytes it is
                d["decoded"][handler.name] = google.protobuf.json_format.MessageToDict(pb)
                d["decoded"][handler.name]["raw"] = pb
    return d


def topic_for(portnum: int) -> str:
    """The pubsub topic the library publishes a packet of `portnum` on."""
    handler = protocols.get(portnum)
    if handler is not None:
        return f"meshtastic.receive.{handler.name}"
    return f"meshtastic.receive.data.{portnums_pb2.PortNum.Name(portnum)}"
