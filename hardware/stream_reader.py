"""A reader thread for the library's stream interfaces that reads in bulk and feeds frames.

Why: the stock `StreamInterface` reader asks for ONE byte per `recv`/`read` call. Each
call releases the GIL, and getting it back while another thread of the daemon is busy
(the worker's SQLAlchemy work) can take a whole switch interval, so a burst from the
radio sat unread in the socket and the library's buffers for hundreds of milliseconds,
and texts read but not yet handed over died with the process on a kill -9. This reader
takes what has arrived in one call (`recv(4096)` on TCP, `read(in_waiting)` on serial)
and cuts it into frames, with the library's own framing rules (START1 START2, a
big-endian length of at most 512, bytes outside a frame are the device's log); each
frame goes to the library's `_handleFromRadio` as before. Exit, reconnect and
disconnect behave as the library's reader does.

Every text packet of what one read brought is handed at once, on the reader thread, to
the interface's `on_text_frame` if one is set: that is where meshbot writes each text
down on arrival. The library's own handling of the frames (decoding, its node
database, publishing; about a millisecond a frame) runs on a thread of its own, in
order, so the reader is back at the socket at once and what a kill -9 can lose is
only what the kernel holds unread.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

import serial  # type: ignore[import-untyped]
from google.protobuf.message import DecodeError
from meshtastic.protobuf import mesh_pb2, portnums_pb2
from meshtastic.stream_interface import HEADER_LEN, MAX_TO_FROM_RADIO_SIZE, START1, START2

log = logging.getLogger(__name__)
READ_CHUNK = 4096
"""Bytes asked for in one call: far more than one burst of frames the radio writes at once."""
FRAMES_JOIN_S = 5.0
"""How long a stopping reader waits for the library to finish the frames already read."""


def frames(buffer: bytearray, on_frame: Any, on_log_byte: Any) -> None:
    """Hand every whole frame in `buffer` to `on_frame` (bytes outside frames to
    `on_log_byte`, one byte each) and remove what was consumed; a partial frame stays."""
    pos, end = 0, len(buffer)
    while pos < end:
        if buffer[pos] != START1:
            start = buffer.find(START1, pos)
            stop = end if start < 0 else start
            for byte in bytes(buffer[pos:stop]):
                on_log_byte(bytes((byte,)))
            pos = stop
            continue
        if pos + 1 >= end:
            break
        if buffer[pos + 1] != START2:  # as the library: both bytes dropped, look again after them
            pos += 2
            continue
        if pos + HEADER_LEN > end:
            break
        length = (buffer[pos + 2] << 8) | buffer[pos + 3]
        if length > MAX_TO_FROM_RADIO_SIZE:  # a length out of bounds: the header is dropped
            pos += HEADER_LEN
            continue
        if pos + HEADER_LEN + length > end:
            break
        frame = bytes(buffer[pos + HEADER_LEN:pos + HEADER_LEN + length])
        pos += HEADER_LEN + length
        on_frame(frame)
    del buffer[:pos]


def text_packet(frame: bytes) -> dict[str, Any] | None:
    """The text packet in a FromRadio frame, with the fields (and names) the library
    publishes; None for any other frame."""
    try:
        from_radio = mesh_pb2.FromRadio.FromString(frame)
    except DecodeError:
        return None
    if not from_radio.HasField("packet"):
        return None
    packet = from_radio.packet
    if not packet.HasField("decoded") or packet.decoded.portnum != portnums_pb2.PortNum.TEXT_MESSAGE_APP:
        return None
    return {
        "from": getattr(packet, "from"), "to": packet.to, "id": packet.id, "channel": packet.channel,
        "decoded": {"payload": packet.decoded.payload}, "pkiEncrypted": packet.pki_encrypted,
        "publicKey": packet.public_key,
    }


def bulk_reading(cls: type) -> type:
    """`cls` (the library's SerialInterface or TCPInterface) with the bulk reader thread."""

    class BulkReading(cls):  # type: ignore[misc, valid-type]
        def connect(self) -> None:
            # The library starts `_rxThread` in its connect(); give it this reader first.
            self._frames_in: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
            self._frame_thread = threading.Thread(target=self._hand_frames, daemon=True, name="stream frames")
            self._frame_thread.start()
            self._rxThread = threading.Thread(target=self._read_in_bulk, daemon=True, name="stream reader")
            super().connect()

        def _read_chunk(self) -> bytes | None:
            stream = getattr(self, "stream", None)
            if stream is not None and hasattr(stream, "in_waiting"):  # serial: waits up to its timeout
                first = stream.read(1)
                waiting = stream.in_waiting if first else 0
                return bytes(first) + bytes(stream.read(waiting)) if waiting else first
            return self._readBytes(READ_CHUNK)  # TCP: what has arrived, reconnecting on EOF

        def _take_texts(self, cut: list[bytes]) -> None:
            on_text = getattr(self, "on_text_frame", None)
            if on_text is None:
                return
            for frame in cut:
                try:
                    if (packet := text_packet(frame)) is not None:
                        on_text(packet)
                except Exception:  # the library's own handling still publishes it
                    log.exception("a text read from the radio could not be taken early")

        def _hand_frames(self) -> None:
            """The library's handling of each frame, in order, off the reader thread."""
            while (frame := self._frames_in.get()) is not None:
                try:
                    self._handleFromRadio(frame)
                except Exception:  # the library logs and goes on; so do we, with the traceback
                    log.exception("a frame from the radio could not be handled")

        def _read_in_bulk(self) -> None:
            buffer = bytearray()
            cut: list[bytes] = []
            try:
                while not self._wantExit:
                    chunk = self._read_chunk()
                    if chunk:
                        buffer += chunk
                        frames(buffer, cut.append, self._handleLogByte)
                        self._take_texts(cut)
                        for frame in cut:
                            self._frames_in.put(frame)
                        cut.clear()
            except serial.SerialException as exc:
                if not self._wantExit:
                    log.warning("the radio's serial port went away: %s", exc)
            except OSError as exc:
                if not self._wantExit:
                    log.error("reading from the radio failed: %s", exc)
            except Exception:
                log.exception("the radio reader stopped")
            finally:
                self._frames_in.put(None)  # what was read is handled before the link says it is down
                self._frame_thread.join(FRAMES_JOIN_S)
                self._disconnected()

    BulkReading.__name__ = BulkReading.__qualname__ = cls.__name__
    return BulkReading
