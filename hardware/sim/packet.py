"""A packet in the simulated air, and the dict a receiving node hands to its client.

`packet_dict` builds a real `mesh_pb2.MeshPacket` and converts it exactly the way the
`meshtastic` library's `MeshInterface._handlePacketFromRadio` does (MessageToDict, then
`fromId`/`toId`, `decoded.payload` as bytes, `decoded.text`, `raw`). So the simulator's
dicts have the library's quirks too: fields holding their protobuf default are ABSENT
(`channel` 0, `hopLimit` 0, `wantAck` False, ...), and `publicKey` is base64 text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import google.protobuf.json_format
from meshtastic.protobuf import mesh_pb2, portnums_pb2

from hardware.airtime import text_packet_bytes
from hardware.link import BROADCAST_NUM

BROADCAST_ID = "^all"
"""What the library writes as `toId` for a broadcast."""


@dataclass(frozen=True)
class SimPacket:
    """One text packet as a node transmits it: radio header fields plus the decoded text."""

    sender: int
    to: int
    id: int
    text: str
    hop_limit: int
    hop_start: int
    channel: int = 0
    want_ack: bool = False
    pki_encrypted: bool = False
    public_key: bytes = b""
    relay_node: int = 0
    """Last byte of the node that transmitted this copy (firmware 2.6+ header field)."""

    @property
    def key(self) -> tuple[int, int]:
        """What every node dedupes on: (from, id)."""
        return (self.sender, self.id)

    @property
    def payload(self) -> bytes:
        return self.text.encode("utf-8")

    @property
    def is_broadcast(self) -> bool:
        return self.to == BROADCAST_NUM

    @property
    def phy_bytes(self) -> int:
        """Bytes on air: radio header + encoded Data (+ PKI overhead)."""
        return text_packet_bytes(len(self.payload), pki=self.pki_encrypted)

    def relayed_by(self, num: int) -> SimPacket:
        """The copy `num` rebroadcasts: one hop spent, relay byte set."""
        return replace(self, hop_limit=self.hop_limit - 1, relay_node=num & 0xFF)


def mesh_packet(
    packet: SimPacket, *, rx_time: int = 0, rx_snr: float = 0.0, rx_rssi: int = 0
) -> mesh_pb2.MeshPacket:
    """The MeshPacket protobuf a radio hands its client for a received `packet`."""
    mp = mesh_pb2.MeshPacket()
    setattr(mp, "from", packet.sender)
    mp.to = packet.to
    mp.id = packet.id
    mp.channel = packet.channel
    mp.hop_limit = packet.hop_limit
    mp.hop_start = packet.hop_start
    mp.want_ack = packet.want_ack
    mp.rx_time = rx_time
    mp.rx_snr = rx_snr
    mp.rx_rssi = rx_rssi
    mp.relay_node = packet.relay_node
    mp.transport_mechanism = mesh_pb2.MeshPacket.TransportMechanism.TRANSPORT_LORA
    if packet.pki_encrypted:
        mp.pki_encrypted = True
        mp.public_key = packet.public_key
    mp.decoded.portnum = portnums_pb2.PortNum.TEXT_MESSAGE_APP
    mp.decoded.payload = packet.payload
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
        if mp.decoded.portnum == portnums_pb2.PortNum.TEXT_MESSAGE_APP:
            try:
                d["decoded"]["text"] = mp.decoded.payload.decode("utf-8")
            except UnicodeDecodeError:
                pass  # the library leaves `text` out too
    return d
