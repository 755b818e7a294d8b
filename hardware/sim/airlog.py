"""The mesh's event log: one line per transmission and per packet a client got.

Covers: `LogEntry` (what tests, transcripts and `sim serve --air-log` read), building
one from a packet, and the text transcript of `.out` scenario files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hardware.sim.packet import SimPacket


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One line of the mesh's event log.

    `time` is simulation seconds (env.now). `kind` is one of
    'tx'      a node starts sending a packet its client wrote,
    'retx'    a node sends one of its reliable packets again (no ack yet),
    'relay'   a node starts rebroadcasting someone's packet,
    'ack'     a node starts sending a routing ACK/NAK it generated,
    'rx'      a node's client gets a text (addressed to it, or broadcast),
    'routing' a node's client gets a routing ACK/NAK (`request_id` says for which packet;
              `sender` is the node itself for an implicit ack or a NAK after the last try).
    `duration` is the time on air of a transmission, 0 otherwise. `queued` is when the
    packet joined the radio's TX queue (the client handed it over); the gap to `time` is
    the contention wait.
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
    request_id: int = 0
    queued: float | None = None
    next_hop: int = 0
    """Last byte of the node asked to relay a transmitted DM (0: anyone may)."""


def log_entry(
    kind: str, num: int, packet: SimPacket, time: float, duration: float = 0.0, queued: float | None = None
) -> LogEntry:
    """The line for `packet` seen by node `num` at `time` (see LogEntry for `kind`)."""
    return LogEntry(
        time,
        kind,
        num,
        packet.sender,
        packet.to,
        packet.id,
        packet.text,
        packet.hop_limit,
        duration,
        packet.request_id,
        queued,
        packet.next_hop,
    )


def transcript(entries: Iterable[LogEntry], name: Callable[[int], str], kinds: tuple[str, ...]) -> str:
    """Entries of these kinds as text, one line each; `name` turns node numbers into names."""
    lines = []
    for e in entries:
        if e.kind in kinds:
            what = repr(e.text) if not e.request_id else f"ack of #{e.request_id:08x}"
            lines.append(
                f"{e.time:9.3f}  {e.kind:<5}  {name(e.node):<6} "
                f"{name(e.sender)}->{name(e.to)}  "
                f"#{e.packet_id:08x} hl={e.hop_limit}  {what}"
            )
    return "\n".join(lines)
