"""SimMesh: a neighbourhood of Meshtastic nodes on one SimPy clock.

Covers: nodes with positions, antennas and roles on a shared `Channel`; per node a `Radio`
(TX queue, contention, listen-before-talk, duty cycle) and a `ReliableRouter` (managed
flooding, dedupe, acks, retransmissions); seeded randomness; an event log for
transcripts and tests; run statistics; and an epoch clock (`now()`) so the daemon can
run on virtual time. A node itself is `hardware.sim.node.SimNode`; the log's lines and
transcripts are `hardware.sim.airlog`.

Scenario: `mesh = SimMesh(simpy.Environment())`, `add_node(...)` a few times,
`node.send_text("hi")`, then `env.run()` (or `mesh.advance(60)`): every node the flood
reached has the packet in `node.received`, in the same dict shape the meshtastic library
publishes; routing ACK/NAKs a node's client got are in `node.routing`.

Randomness comes from three seeded streams (ids and keys, MAC delays, packet loss), so a
seed replays the same run and turning loss on does not reshuffle the delays.

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
from typing import Any, Protocol

import simpy
import simpy.rt

from hardware.airtime import (
    DATA_PAYLOAD_LEN,
    MAX_LORA_PAYLOAD_LEN,
    Region,
    get_preset,
    get_region,
    text_packet_bytes,
)
from hardware.link import BROADCAST_NUM, node_id
from hardware.sim.channel import CAPTURE_DB, Channel
from hardware.sim.dedupe import DEFAULT_CAPACITY
from hardware.sim.flooding import ROLES
from hardware.sim.packet import TEXT_PORT, Priority, SimPacket, fixed_priority
from hardware.sim.propagation import (
    DEFAULT_TX_POWER_DBM,
    REFERENCE_HEIGHT_M,
    Antenna,
    PathLoss,
    make_path_loss,
)
from hardware.sim.airlog import LogEntry, log_entry, transcript
from hardware.sim.node import SimNode
from hardware.sim.stats import MeshStats
from hardware.sim.telemetry import ReportClock
from hardware.sim.topology import Topology

__all__ = ["DEFAULT_START_EPOCH", "Blueprint", "LogEntry", "SimMesh", "SimNode"]

DEFAULT_START_EPOCH = 1_767_225_600
"""2026-01-01T00:00:00Z: what `mesh.now()` reads at env time 0."""
DEFAULT_RANGE_M = 1_000.0
REALTIME_POLL_S = 0.05
MAX_CHANNEL_INDEX = 7
MAX_HOP_LIMIT = 7


class Blueprint(Protocol):
    """A plan that builds a whole mesh (`hardware.sim.scenario.Scenario` is one)."""

    def build(self, env: simpy.Environment, **overrides: Any) -> SimMesh: ...


class SimMesh(Topology):
    """A simulated Meshtastic mesh on a SimPy environment; who hears whom is `Topology`'s."""

    def __init__(
        self,
        env: simpy.Environment,
        preset: str = "LONG_FAST",
        hop_limit: int = 3,
        seed: int = 42,
        range_m: float = DEFAULT_RANGE_M,
        start_epoch: float = DEFAULT_START_EPOCH,
        path_loss_exponent: float = 3.0,
        *,
        loss: float = 0.0,
        region: str | Region | None = None,
        path_loss: str | PathLoss = "log-distance",
        tx_power_dbm: float = DEFAULT_TX_POWER_DBM,
        capture_db: float = CAPTURE_DB,
        history_capacity: int = DEFAULT_CAPACITY,
        keep_log: bool = True,
        collisions: bool = True,
    ) -> None:
        """`range_m`: how far two 1.5 m handhelds hear each other (log-distance model).

        `loss`: probability that any one reception is lost at random (seeded).
        `region`: its duty cycle limits every radio (EU_868: 10 % of any hour); None or
        a region without a limit: none. `keep_log=False` keeps only the statistics.
        `collisions=False`: an ideal channel (overlaps do not destroy packets), for tests of
        application logic; the physics tests and the benchmarks keep it on.
        """
        if not 0 <= hop_limit <= MAX_HOP_LIMIT:
            raise ValueError(f"hop_limit must be 0..{MAX_HOP_LIMIT}")
        self.env = env
        self.preset = get_preset(preset)
        self.hop_limit = hop_limit
        self.seed = seed
        self.rng = random.Random(seed)
        self.mac_rng = random.Random(f"{seed}:mac")
        self.start_epoch = start_epoch
        self.region = get_region(region) if region is not None else None
        self.tx_power_dbm = tx_power_dbm
        self.history_capacity = history_capacity
        frequency = self.region.frequency_hz if self.region else 915e6
        self.path_loss: PathLoss = (
            make_path_loss(
                path_loss,
                range_m=range_m,
                exponent=path_loss_exponent,
                tx_power_dbm=tx_power_dbm,
                preset=self.preset,
                frequency_hz=frequency,
            )
            if isinstance(path_loss, str)
            else path_loss
        )
        self.channel = Channel(
            env,
            self.preset,
            self.path_loss,
            capture_db=capture_db,
            loss=loss,
            rng=random.Random(f"{seed}:loss"),
            collisions=collisions,
        )
        self.nodes: dict[int, SimNode] = {}
        self.node_ids: dict[int, str] = {}
        self.keep_log = keep_log
        self.log: list[LogEntry] = []
        self.stats = MeshStats()
        self._reach_cache: dict[tuple[int, int], set[int]] = {}
        self._used_ids: set[int] = set()
        self._lock = threading.Lock()
        self.realtime = isinstance(env, simpy.rt.RealtimeEnvironment)
        self._pending: queue.SimpleQueue[tuple[SimNode, SimPacket]] = queue.SimpleQueue()
        self._waiting: collections.Counter[int] = collections.Counter()
        self.report_clock = ReportClock(env)
        """Every minute, each node with a client reports its device metrics to it."""
        if self.realtime:
            env.process(self._pump())
            self.report_clock.wake()  # the pump never stops, so neither does the clock

    @property
    def loss(self) -> float:
        return self.channel.loss

    @classmethod
    def from_scenario(cls, scenario: Blueprint, env: simpy.Environment, **overrides: Any) -> SimMesh:
        """A mesh with every node of `scenario`; keyword arguments override its [mesh] table.
        (The scenario knows its own tables: `Scenario.build`.)"""
        mesh = scenario.build(env, **overrides)
        if not isinstance(mesh, cls):
            raise TypeError(f"{type(scenario).__name__}.build made a {type(mesh).__name__}, not a {cls.__name__}")
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
        *,
        role: str = "client",
        height_m: float = REFERENCE_HEIGHT_M,
        antenna_gain_dbi: float = 0.0,
        tx_power_dbm: float | None = None,
    ) -> SimNode:
        if not 0 < num < BROADCAST_NUM:
            raise ValueError(f"node number must be 1..0xfffffffe, got {num:#x}")
        if num in self.nodes:
            raise ValueError(f"node {node_id(num)} already exists")
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        if height_m <= 0:
            raise ValueError("height_m must be positive")
        antenna = Antenna(
            tx_power_dbm=self.tx_power_dbm if tx_power_dbm is None else tx_power_dbm,
            gain_dbi=antenna_gain_dbi,
            height_m=height_m,
        )
        node = SimNode(self, num, short_name, long_name, x, y, zone, role=role, antenna=antenna)
        self.nodes[num] = node
        self.node_ids[num] = node_id(num)
        self._reach_cache.clear()
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

    def airtime(self) -> dict[int, float]:
        """Seconds each node has spent transmitting."""
        return {num: node.airtime_s for num, node in self.nodes.items()}

    def summary(self) -> dict[str, Any]:
        """Statistics of the run so far (see `hardware.sim.stats`)."""
        return self.stats.summary(self, self.env.now)

    # -- sending --------------------------------------------------------------------

    def new_packet_id(self) -> int:
        """A fresh random non-zero 32-bit packet id from the seeded RNG."""
        with self._lock:
            while True:
                pid = self.rng.getrandbits(32)
                if pid and pid not in self._used_ids:
                    self._used_ids.add(pid)
                    return pid

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
        priority: int = Priority.UNSET,
    ) -> int:
        payload = data if data else text.encode("utf-8")
        if len(payload) > DATA_PAYLOAD_LEN:
            raise ValueError(f"payload is {len(payload)} bytes, the radio takes {DATA_PAYLOAD_LEN}")
        if not 0 < destination <= BROADCAST_NUM:
            raise ValueError(f"bad destination {destination!r}")
        if not 0 <= channel_index <= MAX_CHANNEL_INDEX:
            raise ValueError(f"channel_index must be 0..{MAX_CHANNEL_INDEX}")
        if packet_id is not None and not 0 <= packet_id <= 0xFFFFFFFF:
            raise ValueError("packet_id must be a 32-bit number")
        hops = self.hop_limit if not hop_limit else min(hop_limit, MAX_HOP_LIMIT)
        # As Router::perhapsEncode: PKI for a direct message to a node whose key is known,
        # on the primary channel. (The firmware refuses one too big for PKI; the simulator
        # sends it channel-encrypted instead and leaves size limits to the caller.)
        pki = (
            portnum == TEXT_PORT
            and destination != BROADCAST_NUM
            and destination in self.nodes
            and channel_index == 0
            and text_packet_bytes(len(payload), pki=True) <= MAX_LORA_PAYLOAD_LEN
        )
        if packet_id:
            with self._lock:
                self._used_ids.add(packet_id)
        packet = SimPacket(
            sender=node.num,
            to=destination,
            id=packet_id if packet_id else self.new_packet_id(),
            text=text,
            hop_limit=hops,
            hop_start=hops,
            channel=channel_index,
            want_ack=want_ack,
            pki_encrypted=pki,
            public_key=node.public_key if pki else b"",
            portnum=portnum,
            data=data,
            priority=fixed_priority(priority, portnum, want_ack),
        )
        if self.realtime:
            with self._lock:
                self._waiting[node.num] += 1
            self._pending.put((node, packet))
        else:
            self._originate(node, packet)
        return packet.id

    def waiting(self, node: SimNode) -> int:
        """Realtime: packets other threads handed `node` that are not in its TX queue yet."""
        with self._lock:
            return self._waiting[node.num]

    def _originate(self, node: SimNode, packet: SimPacket) -> None:
        self.stats.on_originate(packet)
        self.report_clock.wake()
        node.router.send(packet)

    def _pump(self) -> Generator[simpy.Event, object, None]:
        """Realtime only: start the transmissions other threads queued."""
        while True:
            while True:
                try:
                    node, packet = self._pending.get_nowait()
                except queue.Empty:
                    break
                with self._lock:
                    self._waiting[node.num] -= 1
                self._originate(node, packet)
            yield self.env.timeout(REALTIME_POLL_S)

    # -- the log --------------------------------------------------------------------

    def record(
        self,
        kind: str,
        num: int,
        packet: SimPacket,
        time: float,
        duration: float = 0.0,
        queued: float | None = None,
    ) -> None:
        """Add one line to the event log (when the mesh keeps one)."""
        if self.keep_log:
            self.log.append(log_entry(kind, num, packet, time, duration, queued))

    def name(self, num: int) -> str:
        """A node's short name for logs ("^all" for broadcast, the !id of a stranger)."""
        if num == BROADCAST_NUM:
            return "^all"
        node = self.nodes.get(num)
        return node.short_name if node else node_id(num)

    def transcript(self, kinds: tuple[str, ...] = ("tx", "relay", "rx")) -> str:
        """The log as text, one line per entry, for `.out` scenario transcripts."""
        return transcript(self.log, self.name, kinds)
