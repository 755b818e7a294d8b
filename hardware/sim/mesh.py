"""SimMesh: a neighbourhood of Meshtastic nodes on one SimPy clock.

Covers: nodes with positions, a shared Channel, one Radio and one FloodingRouter per node,
a seeded RNG (packet ids, relay delays, public keys), an event log for transcripts and
tests, and an epoch clock (`now()`) so the daemon can run on virtual time.

Scenario: `mesh = SimMesh(simpy.Environment())`, `add_node(...)` a few times,
`node.send_text("hi")`, then `env.run()` (or `mesh.advance(60)`): every node in reach
has the packet in `node.received`, in the same dict shape the meshtastic library publishes.

Threads. In a plain `simpy.Environment` everything happens in the thread that calls
`env.run()`/`env.step()`; call `send_text` from that thread (between runs, or from a
callback the simulation makes). In a `simpy.rt.RealtimeEnvironment`, `send_text` may be
called from any thread: the packet gets its id at once and waits in a thread-safe queue
that a simulation process drains every REALTIME_POLL_S seconds.
"""

from __future__ import annotations

import collections
import queue
import random
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import simpy
import simpy.rt

from hardware.airtime import DATA_PAYLOAD_LEN, MAX_LORA_PAYLOAD_LEN, get_preset, text_packet_bytes
from hardware.link import BROADCAST_NUM, NodeInfo, node_id
from hardware.sim.channel import Airing, Channel, Reception
from hardware.sim.flooding import FloodingRouter
from hardware.sim.packet import SimPacket, mesh_packet, packet_dict
from hardware.sim.propagation import RangeModel
from hardware.sim.radio import Radio

if TYPE_CHECKING:
    from hardware.sim.scenario import Scenario

DEFAULT_START_EPOCH = 1_767_225_600
"""2026-01-01T00:00:00Z: what `mesh.now()` reads at env time 0."""
DEFAULT_RANGE_M = 1_000.0
REALTIME_POLL_S = 0.05
MAX_CHANNEL_INDEX = 7

PacketListener = Callable[[dict], None]


@dataclass(frozen=True)
class LogEntry:
    """One line of the mesh's event log.

    `time` is simulation seconds (env.now). `kind` is 'tx' (a node starts sending its own
    packet), 'relay' (starts rebroadcasting someone's) or 'rx' (a node gets a packet
    addressed to it or broadcast). `duration` is the time on air of a tx/relay, 0 for rx.
    """

    time: float
    kind: str
    node: int
    sender: int
    """The packet's `from`: the node that wrote it (not the relay)."""
    to: int
    packet_id: int
    text: str
    hop_limit: int
    duration: float = 0.0


class SimNode:
    """One node of the mesh: what a resident's handheld (or the bot's radio) does."""

    def __init__(
        self,
        mesh: SimMesh,
        num: int,
        short_name: str,
        long_name: str,
        x: float,
        y: float,
        zone: str | None = None,
    ) -> None:
        self.mesh = mesh
        self.num = num
        self.short_name = short_name
        self.long_name = long_name
        self.x = float(x)
        self.y = float(y)
        self.zone = zone
        self.public_key = mesh.rng.randbytes(32)
        self.received: list[dict] = []
        """Packet dicts of texts this node got (addressed to it, or broadcast), oldest first."""
        self.last_heard: dict[int, float] = {}
        """Sender node number -> epoch seconds of the last new packet heard from it."""
        self.snr: dict[int, float] = {}
        """Neighbour node number -> SNR of the last packet heard directly from it."""
        self._listeners: list[PacketListener] = []
        self.radio = Radio(mesh.env, num, mesh.channel, mesh.preset)
        self.router = FloodingRouter(
            mesh.env, self.radio, mesh.rng, self._deliver, self._on_transmit
        )
        mesh.channel.attach(self.radio, x, y)
        mesh.env.process(self.radio.receive_loop(self._hear))

    def __repr__(self) -> str:
        return f"SimNode({node_id(self.num)} {self.short_name!r})"

    @property
    def id(self) -> str:
        return node_id(self.num)

    @property
    def airtime_s(self) -> float:
        """Seconds this node has spent transmitting (own packets and relays)."""
        return self.radio.airtime_s

    @property
    def tx_count(self) -> int:
        return self.radio.tx_count

    def texts(self) -> list[str]:
        """The text of every packet in `received`, oldest first."""
        return [d.get("decoded", {}).get("text", "") for d in self.received]

    def send_text(
        self,
        text: str,
        destination: int = BROADCAST_NUM,
        channel_index: int = 0,
        want_ack: bool = False,
        packet_id: int | None = None,
    ) -> int:
        """Transmit a text as this node; returns the packet id. ValueError on a bad argument.

        `packet_id` reuses an id the caller chose (a resend after a crash), else a new one.
        """
        return self.mesh._send_text(self, text, destination, channel_index, want_ack, packet_id)

    def add_listener(self, listener: PacketListener) -> None:
        """Call `listener(packet_dict)` in the simulation thread for every text delivered."""
        self._listeners.append(listener)

    def remove_listener(self, listener: PacketListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def info(self) -> NodeInfo:
        return NodeInfo(self.num, self.short_name, self.long_name)

    def _hear(self, reception: Reception) -> None:
        packet = reception.packet
        if packet.key not in self.router.seen:
            self.last_heard[packet.sender] = self.mesh.now()
        if reception.airing.sender == packet.sender:
            self.snr[packet.sender] = reception.snr_db
        self.router.handle(reception)

    def _deliver(self, reception: Reception) -> None:
        mesh = self.mesh
        mesh._record("rx", self.num, reception.packet, reception.time)
        mp = mesh_packet(
            reception.packet,
            rx_time=int(mesh.start_epoch + reception.time),
            rx_snr=reception.snr_db,
            rx_rssi=reception.rssi_dbm,
        )
        ids = mesh.node_ids
        self.received.append(packet_dict(mp, ids))
        for listener in list(self._listeners):
            listener(packet_dict(mp, ids))

    def _on_transmit(self, kind: str, airing: Airing) -> None:
        self.mesh._record(kind, self.num, airing.packet, airing.start, airing.end - airing.start)


class SimMesh:
    """A simulated Meshtastic mesh on a SimPy environment."""

    def __init__(
        self,
        env: simpy.Environment,
        preset: str = "LONG_FAST",
        hop_limit: int = 3,
        seed: int = 42,
        range_m: float = DEFAULT_RANGE_M,
        start_epoch: float = DEFAULT_START_EPOCH,
        path_loss_exponent: float = 3.0,
    ) -> None:
        if not 0 <= hop_limit <= 7:
            raise ValueError("hop_limit must be 0..7")
        self.env = env
        self.preset = get_preset(preset)
        self.hop_limit = hop_limit
        self.seed = seed
        self.rng = random.Random(seed)
        self.start_epoch = start_epoch
        self.channel = Channel(
            env,
            RangeModel(range_m, self.preset.spreading_factor, self.preset.bandwidth_hz, path_loss_exponent),
        )
        self.nodes: dict[int, SimNode] = {}
        self.node_ids: dict[int, str] = {}
        self.log: list[LogEntry] = []
        self._used_ids: set[int] = set()
        self._lock = threading.Lock()
        self.realtime = isinstance(env, simpy.rt.RealtimeEnvironment)
        self._pending: queue.SimpleQueue[tuple[SimNode, SimPacket]] = queue.SimpleQueue()
        if self.realtime:
            env.process(self._pump())

    @classmethod
    def from_scenario(cls, scenario: Scenario, env: simpy.Environment, **overrides: Any) -> SimMesh:
        """A mesh with every node of `scenario`; keyword arguments override its [mesh] table."""
        kwargs: dict[str, Any] = {
            "preset": scenario.preset,
            "hop_limit": scenario.hop_limit,
            "range_m": scenario.range_m,
        }
        kwargs.update(overrides)
        mesh = cls(env, **kwargs)
        for n in scenario.nodes:
            mesh.add_node(n.num, n.short_name, n.long_name, n.x, n.y, zone=n.zone)
        return mesh

    # -- building -------------------------------------------------------------------

    def add_node(
        self,
        num: int,
        short_name: str,
        long_name: str,
        x: float,
        y: float,
        zone: str | None = None,
    ) -> SimNode:
        if not 0 < num < BROADCAST_NUM:
            raise ValueError(f"node number must be 1..0xfffffffe, got {num:#x}")
        if num in self.nodes:
            raise ValueError(f"node {node_id(num)} already exists")
        node = SimNode(self, num, short_name, long_name, x, y, zone)
        self.nodes[num] = node
        self.node_ids[num] = node_id(num)
        return node

    def node(self, num: int) -> SimNode:
        return self.nodes[num]

    # -- time -----------------------------------------------------------------------

    def now(self) -> float:
        """Epoch seconds on the simulation's clock: start_epoch + env.now."""
        return self.start_epoch + self.env.now

    def advance(self, seconds: float) -> None:
        """Run the simulation for `seconds` of simulated time."""
        if seconds > 0:
            self.env.run(until=self.env.now + seconds)

    def call_later(self, delay_s: float, fn: Callable[..., object], *args: object) -> None:
        """Run `fn(*args)` in the simulation at env.now + delay_s (simulation thread only)."""
        self.env.timeout(delay_s).callbacks.append(lambda _event: fn(*args))

    # -- topology -------------------------------------------------------------------

    def neighbours(self, num: int) -> set[int]:
        """Nodes that hear `num` directly."""
        return set(self.channel.neighbours(num))

    def link_distances(self, num: int) -> dict[int, int]:
        """Radio links on the shortest path from `num` to every node it connects to."""
        dist = {num: 0}
        todo = collections.deque([num])
        while todo:
            here = todo.popleft()
            for nxt in self.channel.neighbours(here):
                if nxt not in dist:
                    dist[nxt] = dist[here] + 1
                    todo.append(nxt)
        return dist

    def link_distance(self, a: int, b: int) -> int | None:
        """Radio links between a and b (1 = direct neighbours), None when unconnected."""
        return self.link_distances(a).get(b)

    def reachable(self, num: int, hop_limit: int | None = None) -> set[int]:
        """Nodes a flood from `num` reaches: at most hop_limit + 1 radio links away.

        Meshtastic counts relays: a direct neighbour hears the packet with hopsAway 0, and
        with hop limit 3 a node 4 links away still hears the third relay.
        """
        limit = self.hop_limit if hop_limit is None else hop_limit
        return {n for n, d in self.link_distances(num).items() if 1 <= d <= limit + 1}

    def airtime(self) -> dict[int, float]:
        """Seconds each node has spent transmitting."""
        return {num: node.airtime_s for num, node in self.nodes.items()}

    # -- sending --------------------------------------------------------------------

    def new_packet_id(self) -> int:
        """A fresh random non-zero 32-bit packet id from the seeded RNG."""
        with self._lock:
            while True:
                pid = self.rng.getrandbits(32)
                if pid and pid not in self._used_ids:
                    self._used_ids.add(pid)
                    return pid

    def _send_text(
        self, node: SimNode, text: str, destination: int, channel_index: int, want_ack: bool,
        packet_id: int | None = None,
    ) -> int:
        payload = text.encode("utf-8")
        if len(payload) > DATA_PAYLOAD_LEN:
            raise ValueError(f"text is {len(payload)} UTF-8 bytes, the radio takes {DATA_PAYLOAD_LEN}")
        if not 0 < destination <= BROADCAST_NUM:
            raise ValueError(f"bad destination {destination!r}")
        if not 0 <= channel_index <= MAX_CHANNEL_INDEX:
            raise ValueError(f"channel_index must be 0..{MAX_CHANNEL_INDEX}")
        # As Router::perhapsEncode: PKI for a direct message to a node whose key is known,
        # on the primary channel. (The firmware refuses one too big for PKI; v1 sends it
        # channel-encrypted instead and leaves size limits to the caller.)
        pki = (
            destination != BROADCAST_NUM
            and destination in self.nodes
            and channel_index == 0
            and text_packet_bytes(len(payload), pki=True) <= MAX_LORA_PAYLOAD_LEN
        )
        packet = SimPacket(
            sender=node.num,
            to=destination,
            id=packet_id if packet_id else self.new_packet_id(),
            text=text,
            hop_limit=self.hop_limit,
            hop_start=self.hop_limit,
            channel=channel_index,
            want_ack=want_ack,
            pki_encrypted=pki,
            public_key=node.public_key if pki else b"",
        )
        if self.realtime:
            self._pending.put((node, packet))
        else:
            node.router.originate(packet)
        return packet.id

    def _pump(self) -> Generator[simpy.Event, object, None]:
        """Realtime only: start the transmissions other threads queued."""
        while True:
            while True:
                try:
                    node, packet = self._pending.get_nowait()
                except queue.Empty:
                    break
                node.router.originate(packet)
            yield self.env.timeout(REALTIME_POLL_S)

    # -- the log --------------------------------------------------------------------

    def _record(self, kind: str, num: int, packet: SimPacket, time: float, duration: float = 0.0) -> None:
        self.log.append(
            LogEntry(time, kind, num, packet.sender, packet.to, packet.id, packet.text, packet.hop_limit, duration)
        )

    def _name(self, num: int) -> str:
        if num == BROADCAST_NUM:
            return "^all"
        node = self.nodes.get(num)
        return node.short_name if node else node_id(num)

    def transcript(self, kinds: tuple[str, ...] = ("tx", "relay", "rx")) -> str:
        """The log as text, one line per entry, for `.out` scenario transcripts."""
        lines = []
        for e in self.log:
            if e.kind in kinds:
                lines.append(
                    f"{e.time:9.3f}  {e.kind:<5}  {self._name(e.node):<6} "
                    f"{self._name(e.sender)}->{self._name(e.to)}  "
                    f"#{e.packet_id:08x} hl={e.hop_limit}  {e.text!r}"
                )
        return "\n".join(lines)
