"""The one face the daemon sees of a radio, real or simulated.

Received packets do not come back through this interface: every link publishes them
on pypubsub with the topic names and packet dict shape of the `meshtastic` library
(`meshtastic.receive.text`, `meshtastic.connection.established`, `meshtastic.connection.lost`),
passing `interface=link.interface` so a listener can tell links apart.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

BROADCAST_NUM = 0xFFFFFFFF
PRIORITY_UNSET = 0
"""`MeshPacket.Priority.UNSET`: the radio picks (firmware's `fixPriority`: an ACK highest,
a text HIGH, a `want_ack` packet RELIABLE, anything else DEFAULT)."""
PRIORITY_BACKGROUND = 10
PRIORITY_RELIABLE = 70
PRIORITY_HIGH = 100
PRIORITY_ALERT = 110
"""The `MeshPacket.Priority` values a sender gives its texts: the radio's TX queue sends the
highest first (`MeshPacketQueue`), whatever order they were handed over in."""
TOPIC_TEXT = "meshtastic.receive.text"
TOPIC_ROUTING = "meshtastic.receive.routing"
TOPIC_ESTABLISHED = "meshtastic.connection.established"
TOPIC_LOST = "meshtastic.connection.lost"


def _packet_message(packet: dict, interface: object) -> None:
    """Prototype listener: the arguments of every `meshtastic.receive.*` message."""


def _connection_message(interface: object) -> None:
    """Prototype listener: the argument of `meshtastic.connection.*` messages."""


def define_topics() -> None:
    """Declare the link topics' arguments with pypubsub; idempotent.

    pypubsub fixes a topic's arguments from its first subscriber or sender, so a
    `**kwargs` listener subscribed before anything was published would leave the topic
    with none and make every later `sendMessage(..., interface=...)` fail. Every link
    calls this when it is built; call it yourself before subscribing such a listener.
    """
    from pubsub import pub

    manager = pub.getDefaultTopicMgr()
    for topic in (TOPIC_TEXT, TOPIC_ROUTING):
        manager.getOrCreateTopic(topic, _packet_message)
    for topic in (TOPIC_ESTABLISHED, TOPIC_LOST):
        manager.getOrCreateTopic(topic, _connection_message)


class LinkError(Exception):
    """Base of every error a link raises."""


class LinkDown(LinkError):
    """The radio is not connected (or the connection dropped mid-call)."""


def node_id(num: int) -> str:
    """The `!%08x` form of a node number, as Meshtastic writes it."""
    return f"!{num & 0xFFFFFFFF:08x}"


def parse_node_id(text: str) -> int:
    """`!0000abcd`, `0000abcd` or a decimal number -> node number; ValueError otherwise."""
    t = text.strip()
    if t.startswith("!"):
        return int(t[1:], 16)
    if t.isdigit():
        return int(t)
    return int(t, 16)


@dataclass(frozen=True)
class NodeInfo:
    """What the radio knows of another node."""

    num: int
    short_name: str | None = None
    long_name: str | None = None
    snr: float | None = None
    last_heard: float | None = None
    hops_away: int | None = None
    device_metrics: Mapping[str, Any] | None = field(default=None, hash=False)
    """The node's last device telemetry as the library keeps it (`channelUtilization`,
    `airUtilTx`, ... in percent); for our own node, how busy the radio finds the mesh."""

    @property
    def id(self) -> str:
        return node_id(self.num)

    def __getitem__(self, key: str) -> Any:
        """The library's `nodesByNum` keys, so `info["deviceMetrics"]["channelUtilization"]`
        reads the same from a real and a simulated link; KeyError when not known."""
        value = {
            "num": self.num,
            "snr": self.snr,
            "lastHeard": self.last_heard,
            "hopsAway": self.hops_away,
            "deviceMetrics": self.device_metrics,
        }.get(key)
        if value is None:
            raise KeyError(key)
        return value


class RadioLink(ABC):
    """A connection to one Meshtastic node that the daemon sends through."""

    on_text_read: Callable[[dict[str, Any]], None] | None = None
    """If set, called on the radio's reader thread with each text packet the moment its
    frame is read (before the library decodes and publishes it on its own thread), so a
    listener can write it down at once; the same text is published later as usual.
    Links that cannot see frames (BLE, the simulator) never call it."""

    @property
    @abstractmethod
    def interface(self) -> object:
        """The object published as `interface=` with every packet from this link."""

    @abstractmethod
    def connect(self) -> None:
        """Open the connection; raises LinkDown when the radio cannot be reached."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection; safe to call twice."""

    @abstractmethod
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
        """Queue one text packet on the radio and return its packet id.

        `packet_id` lets the caller choose the id (non-zero, 32-bit): sending again with
        the same id after a crash is dropped as a duplicate by every receiving node, so
        a text is never shown twice. None lets the radio pick.
        `alert` sends the text as an ALERT_APP packet at ALERT priority (the library's
        `sendAlert`), which makes handhelds with a buzzer ring.
        `hop_limit` sets the packet's own hop limit (1..7); None keeps the radio's setting.
        `priority` is the packet's place in the radio's TX queue (`PRIORITY_*`; UNSET lets
        the radio choose); an alert goes at ALERT priority.
        Raises LinkDown when not connected. The caller keeps texts within 200 UTF-8
        bytes; a link raises ValueError for a payload over the radio's limit.
        """

    def probe(self) -> bool:
        """A cheap guess whether `connect` could succeed now (the device or port is there).

        Lets a supervisor poll every second while the radio is away and reconnect the
        moment it returns, keeping its backoff for connects that fail. True when unknown.
        """
        return True

    @property
    @abstractmethod
    def my_node_num(self) -> int:
        """Our own node number."""

    @abstractmethod
    def nodes(self) -> dict[int, NodeInfo]:
        """Every node the radio has heard of, by node number."""

    def owns(self, interface: object) -> bool:
        """Is `interface` (as pubsub passes it) this link's? Links that open a new library
        interface on each connect also own the one still connecting."""
        return interface is not None and interface is self.interface

    def node_info(self, num: int) -> NodeInfo | None:
        """One node the radio has heard of (None: not heard of). Links that hold their node
        database by number answer this without building all of `nodes()`."""
        return self.nodes().get(num)

    def channel_utilization(self) -> float | None:
        """How busy our radio hears the channel, in percent, from its device metrics
        (firmware reports them to its client now and then); None until it has said."""
        info = self.node_info(self.my_node_num)
        metrics = info.device_metrics if info is not None else None
        value = (metrics or {}).get("channelUtilization")
        return float(value) if value is not None else None

    @property
    @abstractmethod
    def is_connected(self) -> bool:
        """True while the radio link is up."""
