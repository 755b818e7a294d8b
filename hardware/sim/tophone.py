"""What a node keeps for its client while none is connected (`MeshService::sendToPhone`).

Covers: the firmware's to-phone queue, MAX_RX_TOPHONE packets long (32 on ESP32-S3 and
nRF52 boards). When it is full, a text pushes out the oldest packet and anything else is
dropped; device telemetry is only produced while the queue is empty. The client gets the
kept packets, oldest first, when it connects (after its config download).
"""

from __future__ import annotations

from typing import TypeVar

from meshtastic.protobuf import portnums_pb2

MAX_RX_TOPHONE = 32
TEXT_PORT = portnums_pb2.PortNum.TEXT_MESSAGE_APP
TELEMETRY_PORT = portnums_pb2.PortNum.TELEMETRY_APP

T = TypeVar("T")


def keep_for_client(backlog: list[T], item: T, portnum: int) -> T | None:
    """Add `item` (a packet of `portnum`) to `backlog` as the firmware's queue would;
    returns the packet this loses (the oldest, or `item` itself), if any."""
    if portnum == TELEMETRY_PORT and backlog:
        return item
    if len(backlog) >= MAX_RX_TOPHONE:
        if portnum != TEXT_PORT:
            return item
        lost = backlog.pop(0)
        backlog.append(item)
        return lost
    backlog.append(item)
    return None
