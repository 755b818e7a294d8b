"""MeshtasticLink: the RadioLink onto a real node, through the `meshtastic` library.

Covers: serial (`port="/dev/ttyUSB0"`), TCP (`host="192.168.1.5"` or `"host:4403"`) and
BLE (`ble="AA:BB:..."`), one per link. The library's interface object does the talking
and publishes `meshtastic.receive.text` and `meshtastic.connection.*` itself, from its
own publishing thread, with `interface=` that object: `link.interface` returns it (and
keeps returning it after close, so a late `connection.lost` still matches). Serial and
TCP read with `stream_reader.bulk_reading`: what has arrived in one call, not a byte a call.

The library's `connection.lost` does not always fire, so `is_connected` also polls: the
interface's `isConnected` event and whether its reader thread is still alive. Listeners
are closures this link holds (pubsub keeps only weak references) and only set flags.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

from meshtastic.protobuf import mesh_pb2, portnums_pb2
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
)
from hardware.stream_reader import bulk_reading

DEFAULT_TCP_PORT = 4403
PROBE_TIMEOUT_S = 1.0
DEFAULT_CONFIG_TIMEOUT_S = 60
DEFAULT_CONNECT_TIMEOUT_S = 10.0
_READER_THREAD_ATTRS = ("_rxThread", "_receiveThread")


def split_host(host: str) -> tuple[str, int]:
    """`"h"`, `"h:4403"` or `"[::1]:4403"` -> (host, port); ValueError on a bad port."""
    text = host.strip()
    if text.startswith("["):
        name, _, rest = text[1:].partition("]")
        return name, int(rest[1:]) if rest.startswith(":") else DEFAULT_TCP_PORT
    if text.count(":") == 1:
        name, port = text.rsplit(":", 1)
        return name, int(port)
    return text, DEFAULT_TCP_PORT


def _tcp_interface_class(connect_timeout_s: float) -> type:
    """The library's TCPInterface, with a bound on how long opening the socket may take."""
    from meshtastic.tcp_interface import TCPInterface

    class BoundedTCPInterface(bulk_reading(TCPInterface)):  # type: ignore[misc]
        def myConnect(self) -> None:
            sock = socket.create_connection((self.hostname, self.portNumber), timeout=connect_timeout_s)
            sock.settimeout(None)
            self.socket = sock

    return BoundedTCPInterface


def _announcing(cls: type, adopt: Callable[[object], None]) -> type:
    """`cls`, handing each new interface to `adopt` before the library starts it, so what
    it publishes while still connecting can be told apart from another link's."""

    class Announced(cls):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            adopt(self)
            super().__init__(*args, **kwargs)

    Announced.__name__ = Announced.__qualname__ = cls.__name__  # logs and reprs name the library's class
    return Announced


def require_serial_port(port: str) -> None:
    """OSError unless `port` is a terminal device (a radio's USB serial port is one).

    The library would otherwise open anything (`/dev/null`, a file) and fail deep inside
    pyserial with a `termios.error` traceback.
    """
    import termios

    fd = os.open(port, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        termios.tcgetattr(fd)
    except termios.error:
        raise OSError(f"{port} is not a serial port") from None
    finally:
        os.close(fd)


def _connect_errors() -> tuple[type[BaseException], ...]:
    from meshtastic.mesh_interface import MeshInterface

    return (OSError, MeshInterface.MeshInterfaceError)


class MeshtasticLink(RadioLink):
    """A RadioLink over a real Meshtastic node; give exactly one of port, host or ble."""

    def __init__(
        self,
        *,
        port: str | None = None,
        host: str | None = None,
        ble: str | None = None,
        config_timeout_s: int = DEFAULT_CONFIG_TIMEOUT_S,
        connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
    ) -> None:
        given = [name for name, value in (("port", port), ("host", host), ("ble", ble)) if value]
        if len(given) != 1:
            raise ValueError("give exactly one of port=, host= or ble=")
        self._port = port
        self._host = split_host(host) if host else None
        self._ble = ble
        self.config_timeout_s = config_timeout_s
        self.connect_timeout_s = connect_timeout_s
        self._iface: Any = None
        self._opening: Any = None  # the library's interface while its constructor runs
        self._lost = False
        self._closed = True
        self._lock = threading.Lock()
        define_topics()
        self._listeners = (self._make_listener(lost=False), self._make_listener(lost=True))
        pub.subscribe(self._listeners[0], TOPIC_ESTABLISHED)
        pub.subscribe(self._listeners[1], TOPIC_LOST)

    def __repr__(self) -> str:
        return f"MeshtasticLink({self.where}, {'connected' if self.is_connected else 'down'})"

    @property
    def where(self) -> str:
        """Where the radio is, for messages: `serial /dev/ttyUSB0`, `tcp host:4403`, `ble ADDR`."""
        if self._port:
            return f"serial {self._port}"
        if self._host:
            return f"tcp {self._host[0]}:{self._host[1]}"
        return f"ble {self._ble}"

    def _make_listener(self, lost: bool):  # type: ignore[no-untyped-def]
        def listener(interface: object) -> None:
            if self.owns(interface):
                self._lost = lost

        return listener

    # -- RadioLink ------------------------------------------------------------------

    @property
    def interface(self) -> object:
        """The library's interface object (None before the first connect)."""
        return self._iface

    def probe(self) -> bool:
        """Serial: the device file exists; TCP: the port accepts a connection; BLE: unknown."""
        if self._port:
            return os.path.exists(self._port)
        if self._host:
            try:
                with socket.create_connection(self._host, timeout=PROBE_TIMEOUT_S):
                    return True
            except OSError:
                return False
        return True

    def connect(self) -> None:
        with self._lock:
            if self.is_connected:
                return
            self._shutdown_iface()
            self._lost = False
            try:
                iface = self._open()
            except _connect_errors() as e:
                raise LinkDown(f"cannot reach the radio ({self.where}): {e}") from e
            finally:
                self._opening = None
            self._iface = iface
            self._closed = False

    def owns(self, interface: object) -> bool:
        # The radio replays its backlog as soon as the library has read its config, which
        # is before the library's constructor returns: those packets are ours too.
        return interface is not None and (interface is self._iface or interface is self._opening)

    def _adopt(self, iface: object) -> None:
        self._opening = iface
        iface.on_text_frame = self._text_read  # type: ignore[attr-defined]  # the bulk reader calls it

    def _text_read(self, packet: dict[str, Any]) -> None:
        if self.on_text_read is not None:
            self.on_text_read(packet)

    def _open(self) -> Any:
        timeout = self.config_timeout_s
        if self._port:
            from meshtastic.serial_interface import SerialInterface

            require_serial_port(self._port)
            return _announcing(bulk_reading(SerialInterface), self._adopt)(devPath=self._port, timeout=timeout)
        if self._host:
            cls = _announcing(_tcp_interface_class(self.connect_timeout_s), self._adopt)
            return cls(self._host[0], portNumber=self._host[1], timeout=timeout)
        from meshtastic.ble_interface import BLEInterface

        try:
            return _announcing(BLEInterface, self._adopt)(self._ble, timeout=timeout)
        except BLEInterface.BLEError as e:
            raise OSError(str(e)) from e

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._shutdown_iface()

    def _shutdown_iface(self) -> None:
        iface = self._iface
        if iface is None:
            return
        from meshtastic.mesh_interface import MeshInterface

        with contextlib.suppress(OSError, MeshInterface.MeshInterfaceError):
            iface.close()

    @property
    def is_connected(self) -> bool:
        iface = self._iface
        if iface is None or self._closed or self._lost:
            return False
        if not iface.isConnected.is_set():
            return False
        for attr in _READER_THREAD_ATTRS:
            thread = getattr(iface, attr, None)
            if isinstance(thread, threading.Thread) and thread.ident is not None and not thread.is_alive():
                return False
        return True

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
        size = len(text.encode("utf-8"))
        if size > DATA_PAYLOAD_LEN:
            raise ValueError(f"text is {size} UTF-8 bytes, the radio takes {DATA_PAYLOAD_LEN}")
        if not self.is_connected:
            raise LinkDown(f"the radio ({self.where}) is not connected")
        try:
            if packet_id is None and not alert and priority == PRIORITY_UNSET:
                packet = self._iface.sendText(
                    text, destinationId=destination, wantAck=want_ack, channelIndex=channel_index, hopLimit=hop_limit
                )
            else:
                packet = self._send_packet(text, destination, channel_index, want_ack, packet_id, hop_limit,
                                           PRIORITY_ALERT if alert else priority, alert)
        except _connect_errors() as e:
            raise LinkDown(f"sending to the radio ({self.where}) failed: {e}") from e
        return int(packet.id)

    def _send_packet(
        self, text: str, destination: int, channel_index: int, want_ack: bool, packet_id: int | None,
        hop_limit: int | None, priority: int, alert: bool,
    ) -> mesh_pb2.MeshPacket:
        """sendText (or, for an alert, `sendAlert`: ALERT_APP) with our own id and priority:
        the library's public calls draw a new id and leave the priority to the radio, so
        build the packet as `sendData` does and hand it to `_sendPacket`, which keeps a
        non-zero id (and draws one for 0)."""
        packet = mesh_pb2.MeshPacket()
        packet.channel = channel_index
        packet.decoded.portnum = portnums_pb2.PortNum.ALERT_APP if alert else portnums_pb2.PortNum.TEXT_MESSAGE_APP
        packet.decoded.payload = text.encode("utf-8")
        packet.priority = priority
        if packet_id is not None:
            packet.id = packet_id & 0xFFFFFFFF
        return self._iface._sendPacket(packet, destinationId=destination, wantAck=want_ack, hopLimit=hop_limit)

    @property
    def my_node_num(self) -> int:
        info = self._iface.myInfo if self._iface is not None else None
        if info is None:
            raise LinkDown(f"the radio ({self.where}) has not said who it is yet")
        return int(info.my_node_num)

    def nodes(self) -> dict[int, NodeInfo]:
        by_num = self._iface.nodesByNum if self._iface is not None else None
        return {int(num): _as_node_info(int(num), node) for num, node in list((by_num or {}).items())}

    def node_info(self, num: int) -> NodeInfo | None:
        by_num = self._iface.nodesByNum if self._iface is not None else None
        node = (by_num or {}).get(num)
        return _as_node_info(num, node) if node is not None else None


def _as_node_info(num: int, node: dict[str, Any]) -> NodeInfo:
    """One entry of the library's node database (`nodesByNum`), as the link reports it."""
    user = node.get("user") or {}
    return NodeInfo(
        num=num,
        short_name=user.get("shortName"),
        long_name=user.get("longName"),
        snr=node.get("snr"),
        last_heard=node.get("lastHeard"),
        hops_away=node.get("hopsAway"),
        device_metrics=node.get("deviceMetrics"),
    )
