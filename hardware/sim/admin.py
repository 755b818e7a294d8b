"""What a node answers when its own client sends it an admin request (`AdminModule`).

Covers: firmware 2.7's answers to the getters a client uses on its local node —
`get_device_metadata_request` (the library's `localNode.getMetadata()`), `get_owner_request`,
`get_config_request`, `get_channel_request` (index + 1), `get_module_config_request`
and `get_device_connection_status_request`. The answer is a packet from our own node to
our own node, ADMIN_APP, `request_id` = the request's id, carrying the AdminMessage with
a session passkey, as `setReplyTo` and `setPassKey` make it. The phone's requests need no
passkey (they come from the node's own client).

Anything the simulator does not do (set_* and the rest: it runs no settings) is answered
with a routing NAK, BAD_REQUEST, so that a client waiting for an answer gets one at once
and nothing changes. A payload that is not an AdminMessage gets the same NAK.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import google.protobuf.json_format
from google.protobuf.message import DecodeError
from meshtastic.protobuf import admin_pb2, channel_pb2, config_pb2, mesh_pb2, module_config_pb2, portnums_pb2

from hardware.link import NodeInfo, node_id

ADMIN_PORT = portnums_pb2.PortNum.ADMIN_APP
ROUTING_PORT = portnums_pb2.PortNum.ROUTING_APP
BAD_REQUEST = mesh_pb2.Routing.Error.BAD_REQUEST
NUM_CHANNELS = 8


@dataclass(frozen=True)
class LocalNode:
    """What the node would tell its client about itself (the same as in the config download)."""

    num: int
    metadata: mesh_pb2.DeviceMetadata
    owner: mesh_pb2.User
    lora: config_pb2.Config.LoRaConfig
    channels: Sequence[channel_pb2.Channel]
    passkey: bytes


def node_info_pb(info: NodeInfo) -> mesh_pb2.NodeInfo:
    """A node database entry as the firmware sends it in the config download."""
    pb = mesh_pb2.NodeInfo(num=info.num)
    pb.user.id = node_id(info.num)
    pb.user.long_name = info.long_name or f"Meshtastic {node_id(info.num)[-4:]}"
    pb.user.short_name = info.short_name or node_id(info.num)[-4:]
    if info.snr is not None:
        pb.snr = info.snr
    if info.last_heard is not None:
        pb.last_heard = int(info.last_heard)
    if info.hops_away is not None:
        pb.hops_away = info.hops_away
    if info.device_metrics:
        google.protobuf.json_format.ParseDict(dict(info.device_metrics), pb.device_metrics)
    return pb


def local_node(
    mine: NodeInfo, *, preset: str, hop_limit: int, region: str, firmware_version: str, passkey: bytes
) -> LocalNode:
    """Our own node as its client sees it: metadata, owner, LoRa config, 8 channels."""
    role = channel_pb2.Channel.Role
    channels = [channel_pb2.Channel(index=i, role=role.DISABLED) for i in range(NUM_CHANNELS)]
    channels[0].role = role.PRIMARY
    channels[0].settings.psk = b"\x01"
    lora = config_pb2.Config.LoRaConfig(
        use_preset=True,
        modem_preset=config_pb2.Config.LoRaConfig.ModemPreset.Value(preset),
        hop_limit=hop_limit,
        tx_enabled=True,
        region=config_pb2.Config.LoRaConfig.RegionCode.Value(region),
    )
    return LocalNode(
        num=mine.num,
        metadata=mesh_pb2.DeviceMetadata(firmware_version=firmware_version, device_state_version=24, hasPKC=True),
        owner=node_info_pb(mine).user,
        lora=lora,
        channels=channels,
        passkey=passkey,
    )


def is_admin_for_us(packet: mesh_pb2.MeshPacket, my_num: int) -> bool:
    """A client's packet addressed to its own node, on the admin port."""
    return (
        packet.to == my_num
        and packet.HasField("decoded")
        and packet.decoded.portnum == ADMIN_PORT
    )


def _config(request: int, node: LocalNode) -> config_pb2.Config:
    config_type = admin_pb2.AdminMessage.ConfigType
    if request == config_type.LORA_CONFIG:
        return config_pb2.Config(lora=node.lora)
    if request == config_type.DEVICE_CONFIG:
        return config_pb2.Config(device=config_pb2.Config.DeviceConfig())
    if request == config_type.SECURITY_CONFIG:
        return config_pb2.Config(security=config_pb2.Config.SecurityConfig())
    field = admin_pb2.AdminMessage.ConfigType.Name(request).removesuffix("_CONFIG").lower()
    config = config_pb2.Config()
    if field in config_pb2.Config.DESCRIPTOR.fields_by_name:
        getattr(config, field).SetInParent()  # defaults: nothing simulated there
    return config


def _answer(request: admin_pb2.AdminMessage, node: LocalNode) -> admin_pb2.AdminMessage | None:
    which = request.WhichOneof("payload_variant")
    res = admin_pb2.AdminMessage(session_passkey=node.passkey)
    if which == "get_device_metadata_request":
        res.get_device_metadata_response.CopyFrom(node.metadata)
    elif which == "get_owner_request":
        res.get_owner_response.CopyFrom(node.owner)
    elif which == "get_config_request":
        res.get_config_response.CopyFrom(_config(request.get_config_request, node))
    elif which == "get_channel_request":
        index = request.get_channel_request - 1
        if not 0 <= index < len(node.channels):
            return None
        res.get_channel_response.CopyFrom(node.channels[index])
    elif which == "get_module_config_request":
        res.get_module_config_response.CopyFrom(module_config_pb2.ModuleConfig())
    elif which == "get_device_connection_status_request":
        res.get_device_connection_status_response.SetInParent()
    else:
        return None
    return res


def admin_reply(packet: mesh_pb2.MeshPacket, node: LocalNode, new_id: Callable[[], int]) -> mesh_pb2.MeshPacket:
    """The packet the node hands back to its client for an admin `packet` addressed to it."""
    reply = mesh_pb2.MeshPacket(to=node.num, id=new_id(), channel=packet.channel)
    setattr(reply, "from", node.num)
    reply.decoded.request_id = packet.id
    request = admin_pb2.AdminMessage()
    try:
        request.ParseFromString(packet.decoded.payload)
        answer = _answer(request, node)
    except DecodeError:
        answer = None
    if answer is None:
        reply.decoded.portnum = ROUTING_PORT
        reply.decoded.payload = mesh_pb2.Routing(error_reason=BAD_REQUEST).SerializeToString()
    else:
        reply.decoded.portnum = ADMIN_PORT
        reply.decoded.payload = answer.SerializeToString()
    return reply
