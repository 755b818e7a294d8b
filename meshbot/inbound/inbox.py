"""The pubsub listener: turns a received packet into an `Inbound` and queues it.

It runs on the radio library's thread, so it only hands the text to the journal (an
append to a queue): no parsing, no database, no sending, no sleeping. Where the link
offers it (`RadioLink.on_text_read`, a serial or TCP radio), a text is taken on the
reader thread as soon as its frame is read; the library publishes the same text later
from its own thread, and that copy is recognised by its (sender, packet id) and skipped.
"""

from __future__ import annotations

import base64
import logging
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pubsub import pub

from hardware.link import (
    BROADCAST_NUM, TOPIC_ESTABLISHED, TOPIC_LOST, TOPIC_ROUTING, TOPIC_TEXT, RadioLink,
)

log = logging.getLogger(__name__)
EARLY_KEPT = 4096
"""Texts taken from the reader thread remembered until the library publishes them again."""


@dataclass(frozen=True)
class Inbound:
    """One received text, as much of the packet as the application needs."""

    from_node: int
    to_node: int
    packet_id: int
    channel: int
    text: str
    pki_encrypted: bool = False
    """The radio decrypted it with the sender's PKI key: a direct message only that key could send."""
    public_key: str | None = None
    """The sender's PKI public key as the radio reports it (base64), when `pki_encrypted`."""

    @property
    def is_direct(self) -> bool:
        return self.to_node != BROADCAST_NUM

    @classmethod
    def from_packet(cls, packet: dict[str, Any]) -> Inbound | None:
        """The meshtastic packet dict -> Inbound; None for a packet without text."""
        decoded = packet.get("decoded") or {}
        text = decoded.get("text")
        if text is None:
            payload = decoded.get("payload")
            if not isinstance(payload, bytes | bytearray):
                return None
            text = bytes(payload).decode("utf-8", errors="replace")
        try:
            return cls(
                from_node=int(packet["from"]),
                to_node=int(packet.get("to", BROADCAST_NUM)),
                packet_id=int(packet.get("id", 0)),
                channel=int(packet.get("channel", 0)),
                text=str(text),
                pki_encrypted=bool(packet.get("pkiEncrypted", False)),
                public_key=_public_key(packet.get("publicKey")),
            )
        except (KeyError, TypeError, ValueError):
            return None


def _public_key(value: object) -> str | None:
    """The library gives base64 text (MessageToDict); raw bytes are encoded the same way."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii") if value else None
    return str(value) if value else None


class Inbox:
    """Subscribes to one link's packets and hands them to the worker through a queue."""

    def __init__(self, link: RadioLink, journal: Callable[[Inbound], None] | None = None) -> None:
        """`journal` takes each arrival to be written down (and hands it back through
        `hand_over` once it is); without one, arrivals are queued for the worker at once."""
        self._link = link
        self.journal = journal
        self._queue: queue.Queue[Inbound] = queue.Queue()
        self._routing: queue.Queue[dict[str, Any]] = queue.Queue()
        self.connected = threading.Event()
        self._attached = False
        self.on_arrival: Callable[[], None] | None = None
        """Called (on the radio's thread) after each queued text or ack: a wake-up, nothing more."""
        self._early: OrderedDict[tuple[int, int], None] = OrderedDict()
        self._early_lock = threading.Lock()

    def attach(self) -> None:
        """Subscribe once; pubsub keeps weak references, so this object must stay alive."""
        if not self._attached:
            pub.subscribe(self._on_text, TOPIC_TEXT)
            pub.subscribe(self._on_routing, TOPIC_ROUTING)
            pub.subscribe(self._on_established, TOPIC_ESTABLISHED)
            pub.subscribe(self._on_lost, TOPIC_LOST)
            self._link.on_text_read = self._on_text_read
            self._attached = True

    def detach(self) -> None:
        if self._attached:
            pub.unsubscribe(self._on_text, TOPIC_TEXT)
            pub.unsubscribe(self._on_routing, TOPIC_ROUTING)
            pub.unsubscribe(self._on_established, TOPIC_ESTABLISHED)
            pub.unsubscribe(self._on_lost, TOPIC_LOST)
            self._link.on_text_read = None
            self._attached = False

    def _on_text_read(self, packet: dict[str, Any]) -> None:
        """A text packet the reader thread has just read: taken now, remembered so the
        library's later publication of it is skipped."""
        inbound = Inbound.from_packet(packet)
        if inbound is None:
            return
        with self._early_lock:
            self._early[(inbound.from_node, inbound.packet_id)] = None
            if len(self._early) > EARLY_KEPT:
                self._early.popitem(last=False)
        self._take(inbound)

    def _on_text(self, packet: dict[str, Any], interface: object) -> None:
        if not self._link.owns(interface):
            return
        inbound = Inbound.from_packet(packet)
        if inbound is None:
            log.debug("ignored a text packet without usable fields: %r", packet.get("id"))
            return
        with self._early_lock:
            if self._early.pop((inbound.from_node, inbound.packet_id), False) is None:
                return  # taken when its frame was read
        self._take(inbound)

    def _take(self, inbound: Inbound) -> None:
        if self.journal is not None:
            self.journal(inbound)
        else:
            self._queue.put(inbound)
        if self.on_arrival is not None:
            self.on_arrival()

    def hand_over(self, messages: list[Inbound]) -> None:
        """Queue texts for the worker (the journal calls this once they are written down)."""
        for message in messages:
            self._queue.put(message)

    def _on_routing(self, packet: dict[str, Any], interface: object) -> None:
        if self._link.owns(interface):
            self._routing.put(packet)
            if self.on_arrival is not None:
                self.on_arrival()

    def routing_packets(self) -> list[dict[str, Any]]:
        """Routing answers (ACK/NAK) received so far, without waiting."""
        items = []
        while True:
            try:
                items.append(self._routing.get_nowait())
            except queue.Empty:
                return items

    def _on_established(self, interface: object) -> None:
        if self._link.owns(interface):
            self.connected.set()

    def _on_lost(self, interface: object) -> None:
        if self._link.owns(interface):
            self.connected.clear()

    def get(self, timeout: float | None = None) -> Inbound | None:
        """The next received text, waiting up to `timeout` seconds (None: forever)."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def drain(self, limit: int | None = None) -> list[Inbound]:
        """What is queued now (at most `limit`), without waiting."""
        items: list[Inbound] = []
        while limit is None or len(items) < limit:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return items
