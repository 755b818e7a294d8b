"""Simulated nodes that real Meshtastic clients connect to over TCP, in real time.

Covers: `attach_server`, which puts a `StreamApiServer` in front of one node of a running
SimMesh, and `SimServer`, the whole of `meshbot sim serve`: a scenario on a
`simpy.rt.RealtimeEnvironment`, a TCP API server for the bot's node and optionally one
for every other node, and (optionally) the scenario's residents posting on their own.

What a client sends (`ToRadio.packet`) goes out on the node's radio with the client's
packet id, destination, hop limit and want_ack, exactly as a radio would send it; what
the node receives and would hand its phone (texts to it or broadcast, routing ACK/NAKs,
implicit acks) reaches every connected client as `FromRadio.packet`. So the stock
`meshtastic --host 127.0.0.1:PORT --nodes` / `--sendtext` and `meshbot run --host`
work against it as against a real node.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import simpy.rt
from meshtastic.protobuf import mesh_pb2

from hardware.link import BROADCAST_NUM, node_id
from hardware.sim.mesh import LogEntry, SimMesh, SimNode
from hardware.sim.scenario import Scenario
from hardware.sim.radio import TX_QUEUE_LEN
from hardware.sim.tcp_server import ERRNO_OK, ERRNO_UNKNOWN, StreamApiServer
from hardware.sim.traffic import Traffic

log = logging.getLogger(__name__)
SLICE_S = 0.1
"""How much simulated time one step of the real-time loop runs."""


def attach_server(
    mesh: SimMesh, num: int, *, host: str = "127.0.0.1", port: int = 0
) -> StreamApiServer:
    """A (not yet started) TCP API server speaking for node `num` of a real-time `mesh`."""
    if not mesh.realtime:
        raise ValueError("a TCP API server needs the mesh on a simpy.rt.RealtimeEnvironment")
    node = mesh.node(num)

    def from_client(packet: mesh_pb2.MeshPacket) -> tuple[int, int]:
        return _send_for_client(node, packet)

    server = StreamApiServer(
        num,
        host=host,
        port=port,
        hop_limit=mesh.hop_limit,
        preset=mesh.preset.name,
        region=mesh.region.name if mesh.region else "US",
        on_packet=from_client,
        node_source=lambda: mesh.node_db(num).values(),
        queue_free=lambda: _free(node),
    )
    node.add_packet_listener(lambda packet: server.push_packet(packet["raw"]))
    return server


def _send_for_client(node: SimNode, packet: mesh_pb2.MeshPacket) -> tuple[int, int]:
    """Put a client's packet on the node's radio; (QueueStatus res, free) for the client.

    Runs on the server's client thread. As `RadioLibInterface::send`: a full TX queue
    (MAX_TX_QUEUE, counting what other clients handed over and is not queued yet)
    refuses it, and the client is told (res ERRNO_UNKNOWN, free 0)."""
    if packet.to == node.num or not packet.HasField("decoded"):
        log.debug("%s: ignoring a packet for the radio itself (id %08x)", node.id, packet.id)
        return ERRNO_OK, _free(node)
    free = _free(node)
    if free <= 0:
        log.warning("%s: TX queue full, a client's packet %08x was refused", node.id, packet.id)
        return ERRNO_UNKNOWN, 0
    try:
        node.send_data(
            packet.decoded.portnum,
            packet.decoded.payload,
            destination=packet.to or BROADCAST_NUM,
            channel_index=packet.channel,
            want_ack=packet.want_ack,
            packet_id=packet.id or None,
            hop_limit=packet.hop_limit or None,
            priority=packet.priority,
        )
    except ValueError as e:
        log.warning("%s: a client's packet was refused: %s", node.id, e)
        return ERRNO_UNKNOWN, free
    return ERRNO_OK, free - 1


def _free(node: SimNode) -> int:
    return TX_QUEUE_LEN - len(node.radio.queue) - node.mesh.waiting(node)


@dataclass(frozen=True)
class Listening:
    """One node that clients can reach."""

    num: int
    short_name: str
    hostport: str
    bot: bool

    def line(self) -> str:
        role = " (bot)" if self.bot else ""
        return f"{self.short_name:<5} {node_id(self.num)}  {self.hostport}{role}"


class SimServer:
    """A scenario in real time with TCP API servers on its nodes."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        host: str = "127.0.0.1",
        bot_port: int = 4403,
        port_base: int | None = None,
        seed: int = 42,
        loss: float | None = None,
        traffic: bool = False,
        factor: float = 1.0,
    ) -> None:
        self.scenario = scenario
        self.env = simpy.rt.RealtimeEnvironment(factor=factor, strict=False)
        overrides: dict[str, object] = {"seed": seed}
        if loss is not None:
            overrides["loss"] = loss
        self.mesh = SimMesh.from_scenario(scenario, self.env, **overrides)
        self.servers: dict[int, StreamApiServer] = {
            scenario.base: attach_server(self.mesh, scenario.base, host=host, port=bot_port)
        }
        if port_base is not None:
            for i, node in enumerate(scenario.residents):
                self.servers[node.num] = attach_server(self.mesh, node.num, host=host, port=port_base + i)
        self.traffic = (
            Traffic(self.mesh, scenario.traffic, scenario.base, [n.num for n in scenario.residents],
                    seed=seed, simulate_bot=False)
            if traffic
            else None
        )

    def start(self) -> list[Listening]:
        """Open every server (OSError if a port is taken); returns who listens where."""
        out = []
        try:
            for num, server in self.servers.items():
                server.start()
                node = self.mesh.node(num)
                out.append(Listening(num, node.short_name, server.hostport, num == self.scenario.base))
        except OSError:
            self.close()
            raise
        if self.traffic is not None:
            self.traffic.start()
        return out

    def run(self, stop: threading.Event, on_air: Callable[[LogEntry], None] | None = None) -> None:
        """Run the mesh in real time until `stop` is set; `on_air` sees every log entry."""
        while not stop.is_set():
            self.env.run(until=self.env.now + SLICE_S)
            entries = self.mesh.log[:]
            del self.mesh.log[: len(entries)]  # a server runs for days: keep the log short
            if on_air is not None:
                for entry in entries:
                    on_air(entry)

    def close(self) -> None:
        for server in self.servers.values():
            server.close()
