"""One simulated node: what a resident's handheld (or the bot's radio) does.

Covers: `SimNode`, a radio and its reliable router on the mesh's channel, the texts and
routing packets its client gets (as the `meshtastic` library's dicts), its listeners,
and its device metrics. The mesh it lives on (`hardware.sim.mesh.SimMesh`) is reached
through `NodeHost`: what a node needs of its mesh, so the node does not import it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, Protocol

import simpy

from hardware.airtime import Preset, Region
from hardware.link import BROADCAST_NUM, NodeInfo, node_id
from hardware.sim.channel import Airing, Channel, Reception
from hardware.sim.dedupe import PacketHistory
from hardware.sim.packet import ALERT_PORT, TEXT_PORT, SimPacket, mesh_packet, packet_dict
from hardware.sim.propagation import Antenna
from hardware.sim.radio import Radio
from hardware.sim.reliable import ReliableRouter
from hardware.sim.stats import MeshStats
from hardware.sim.telemetry import MetricsReporter, ReportClock, metrics_dict

PacketListener = Callable[[dict], None]


class NodeHost(Protocol):
    """What a node needs of the mesh it is on (`hardware.sim.mesh.SimMesh` is one)."""

    env: simpy.Environment
    channel: Channel
    preset: Preset
    region: Region | None
    hop_limit: int
    history_capacity: int
    start_epoch: float
    seed: object
    rng: random.Random
    mac_rng: random.Random
    report_clock: ReportClock
    realtime: bool
    stats: MeshStats
    node_ids: dict[int, str]

    def new_packet_id(self) -> int: ...

    def send_from(
        self,
        node: SimNode,
        portnum: int,
        text: str,
        data: bytes,
        destination: int,
        channel_index: int,
        want_ack: bool,
        packet_id: int | None,
        hop_limit: int | None,
    ) -> int: ...

    def record(
        self, kind: str, num: int, packet: SimPacket, time: float, duration: float = 0.0, queued: float | None = None
    ) -> None: ...


class SimNode:
    """One node of the mesh: what a resident's handheld (or the bot's radio) does."""

    def __init__(
        self,
        mesh: NodeHost,
        num: int,
        short_name: str,
        long_name: str,
        x: float,
        y: float,
        zone: str | None = None,
        *,
        role: str = "client",
        antenna: Antenna | None = None,
    ) -> None:
        self.mesh = mesh
        self.num = num
        self.short_name = short_name
        self.long_name = long_name
        self.x = float(x)
        self.y = float(y)
        self.zone = zone
        self.role = role
        self.public_key = mesh.rng.randbytes(32)
        self._rx: list[tuple[SimPacket, float, float, int]] = []
        self._rx_dicts: list[dict] = []
        self.routing: list[dict] = []
        """Routing ACK/NAK packet dicts this node's client got, oldest first."""
        self.last_heard: dict[int, float] = {}
        """Sender node number -> epoch seconds of the last new packet heard from it."""
        self.snr: dict[int, float] = {}
        """Neighbour node number -> SNR of the last packet heard directly from it."""
        self._text_listeners: list[PacketListener] = []
        self._packet_listeners: list[PacketListener] = []
        self.radio = Radio(
            mesh.env,
            num,
            mesh.channel,
            mesh.preset,
            mesh.mac_rng,
            antenna=antenna,
            duty_cycle=mesh.region.duty_cycle if mesh.region else 1.0,
            router=role in ("router", "repeater"),
        )
        self.router = ReliableRouter(
            mesh.env,
            self,
            self.radio,
            role=role,
            hop_limit=mesh.hop_limit,
            history=PacketHistory(mesh.history_capacity),
        )
        self.radio.hear = self._hear
        mesh.channel.attach(self.radio, x, y)
        self.reporter = MetricsReporter(
            mesh.env,
            num,
            self.radio,
            epoch=mesh.start_epoch,
            deliver=lambda packet: self.deliver(packet, None),
            has_client=lambda: bool(self._packet_listeners),
            seed=mesh.seed,
        )
        mesh.report_clock.reporters.append(self.reporter)

    def __repr__(self) -> str:
        return f"SimNode({node_id(self.num)} {self.short_name!r})"

    @property
    def id(self) -> str:
        return node_id(self.num)

    @property
    def airtime_s(self) -> float:
        """Seconds this node has spent transmitting (own packets, relays, acks)."""
        return self.radio.airtime_s

    @property
    def tx_count(self) -> int:
        return self.radio.tx_count

    @property
    def received(self) -> list[dict]:
        """Packet dicts of texts this node got (addressed to it, or broadcast), oldest first."""
        ids = self.mesh.node_ids
        start = self.mesh.start_epoch
        for packet, at, snr, rssi in self._rx[len(self._rx_dicts) :]:
            mp = mesh_packet(packet, rx_time=int(start + at), rx_snr=snr, rx_rssi=rssi)
            self._rx_dicts.append(packet_dict(mp, ids))
        return self._rx_dicts

    def texts(self) -> list[str]:
        """The text of every packet in `received`, oldest first."""
        return [packet.text for packet, *_ in self._rx]

    def send_text(
        self,
        text: str,
        destination: int = BROADCAST_NUM,
        channel_index: int = 0,
        want_ack: bool = False,
        packet_id: int | None = None,
        *,
        hop_limit: int | None = None,
        priority: int = 0,
    ) -> int:
        """Transmit a text as this node; returns the packet id. ValueError on a bad argument.

        `packet_id` reuses an id the caller chose (a resend after a crash), else a new one.
        `priority`: the packet's `MeshPacket.Priority` (0, UNSET: as firmware picks).
        """
        return self.mesh.send_from(self, TEXT_PORT, text, b"", destination, channel_index, want_ack, packet_id,
                                   hop_limit, priority)

    def send_data(
        self,
        portnum: int,
        payload: bytes,
        destination: int = BROADCAST_NUM,
        channel_index: int = 0,
        want_ack: bool = False,
        packet_id: int | None = None,
        *,
        hop_limit: int | None = None,
        priority: int = 0,
    ) -> int:
        """Transmit a packet of any port (what a client may hand its radio); returns its id."""
        if portnum == TEXT_PORT:
            try:
                text = payload.decode("utf-8")
            except UnicodeDecodeError:  # sent on as the bytes it is; shown with U+FFFD in logs
                shown = payload.decode("utf-8", errors="replace")
                return self.mesh.send_from(
                    self, TEXT_PORT, shown, payload, destination, channel_index, want_ack, packet_id, hop_limit, priority
                )
            return self.send_text(text, destination, channel_index, want_ack, packet_id, hop_limit=hop_limit,
                                  priority=priority)
        # an alert carries a text too: keep it readable in the log and transcripts
        shown = payload.decode("utf-8", errors="replace") if portnum == ALERT_PORT else ""
        return self.mesh.send_from(self, portnum, shown, payload, destination, channel_index, want_ack, packet_id,
                                   hop_limit, priority)

    def add_listener(self, listener: PacketListener) -> None:
        """Call `listener(packet_dict)` in the simulation thread for every text delivered."""
        self._text_listeners.append(listener)

    def remove_listener(self, listener: PacketListener) -> None:
        if listener in self._text_listeners:
            self._text_listeners.remove(listener)

    def add_packet_listener(self, listener: PacketListener) -> None:
        """Call `listener(packet_dict)` for every packet the client gets: texts, ACK/NAKs, others."""
        self._packet_listeners.append(listener)
        if not self.mesh.realtime:  # (realtime: the clock runs already, in its own thread)
            self.mesh.report_clock.wake()

    def remove_packet_listener(self, listener: PacketListener) -> None:
        if listener in self._packet_listeners:
            self._packet_listeners.remove(listener)

    def radio_off(self) -> None:
        """Switch the radio off: it hears nothing and sends nothing until `radio_on`."""
        self.radio.switch(False)

    def radio_on(self) -> None:
        self.radio.switch(True)

    def info(self) -> NodeInfo:
        return NodeInfo(self.num, self.short_name, self.long_name)

    # -- called by the radio and the router -----------------------------------------

    def new_packet_id(self) -> int:
        return self.mesh.new_packet_id()

    def device_metrics(self) -> dict[str, Any]:
        """This node's channel figures now, as its client's node database holds them."""
        return metrics_dict(self.reporter.current())

    def _hear(self, reception: Reception) -> None:
        self.mesh.report_clock.wake()
        packet = reception.airing.packet
        if packet.key not in self.router.history:
            self.last_heard[packet.sender] = self.mesh.start_epoch + self.mesh.env.now
        if reception.airing.sender == packet.sender:
            self.snr[packet.sender] = reception.snr_db
        self.router.receive(reception)

    def deliver(self, packet: SimPacket, reception: Reception | None) -> None:
        """Hand a packet to this node's client (reception None: made inside the node)."""
        mesh = self.mesh
        at = mesh.env.now
        mesh.stats.on_deliver(self.num, packet)
        if packet.portnum == TEXT_PORT:
            mesh.record("rx", self.num, packet, at)
            assert reception is not None
            self._rx.append((packet, at, reception.snr_db, reception.rssi_dbm))
            if not (self._text_listeners or self._packet_listeners):
                return
        elif packet.is_routing:
            mesh.record("routing", self.num, packet, at)
        rx_time = int(mesh.start_epoch + at)
        if reception is None:
            mp = mesh_packet(packet, rx_time=rx_time, local=True)
        else:
            mp = mesh_packet(packet, rx_time=rx_time, rx_snr=reception.snr_db, rx_rssi=reception.rssi_dbm)
        if packet.is_routing:
            self.routing.append(packet_dict(mp, mesh.node_ids))
        if packet.portnum == TEXT_PORT:
            for listener in list(self._text_listeners):
                listener(packet_dict(mp, mesh.node_ids))
        for listener in list(self._packet_listeners):
            listener(packet_dict(mp, mesh.node_ids))

    def on_transmit(self, kind: str, airing: Airing, queued: float) -> None:
        self.mesh.stats.on_transmit(kind)
        self.mesh.record(kind, self.num, airing.packet, airing.start, airing.end - airing.start, queued)
