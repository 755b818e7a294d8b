"""Meshtastic's stream framing (serial and TCP port 4403), without touching a socket.

Covers: every protobuf (`ToRadio` from the client, `FromRadio` from the radio) travels as
0x94 0xC3, a 2-byte big-endian length (at most 512), then the bytes. Anything between
frames is the device's debug log text, which a client skips. Like h11, the decoder is fed
bytes and hands back whole frames.
"""

from __future__ import annotations

from meshtastic.stream_interface import HEADER_LEN, START1, START2
from meshtastic.stream_interface import MAX_TO_FROM_RADIO_SIZE as MAX_FRAME_LEN

__all__ = ["HEADER_LEN", "MAX_FRAME_LEN", "START1", "START2", "FrameDecoder", "encode_frame"]


def encode_frame(payload: bytes) -> bytes:
    """Header + payload; ValueError when the payload is over MAX_FRAME_LEN."""
    if len(payload) > MAX_FRAME_LEN:
        raise ValueError(f"frame of {len(payload)} bytes is over {MAX_FRAME_LEN}")
    return bytes((START1, START2, len(payload) >> 8, len(payload) & 0xFF)) + payload


class FrameDecoder:
    """Accumulates stream bytes; `feed` returns the frames completed so far."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self._buf += data
        frames: list[bytes] = []
        while True:
            start = self._buf.find(bytes((START1, START2)))
            if start < 0:
                # keep a trailing START1: its START2 may be in the next read
                keep = 1 if self._buf[-1:] == bytes((START1,)) else 0
                del self._buf[: len(self._buf) - keep]
                return frames
            del self._buf[:start]
            if len(self._buf) < HEADER_LEN:
                return frames
            length = (self._buf[2] << 8) | self._buf[3]
            if length > MAX_FRAME_LEN:
                del self._buf[:2]  # a false start: resync on the next marker
                continue
            if len(self._buf) < HEADER_LEN + length:
                return frames
            frames.append(bytes(self._buf[HEADER_LEN : HEADER_LEN + length]))
            del self._buf[: HEADER_LEN + length]
