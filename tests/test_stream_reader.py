"""The bulk reader cuts a byte stream into the same frames and log bytes as the library's
own one-byte-at-a-time reader, however the bytes are split across reads."""

from __future__ import annotations

import random

from meshtastic.stream_interface import START1, START2, StreamInterface

from hardware.stream_reader import frames


def _frame(payload: bytes) -> bytes:
    return bytes((START1, START2, len(payload) >> 8, len(payload) & 0xFF)) + payload


def _stream(rng: random.Random) -> bytes:
    """Frames mixed with the device's log lines, a lone START1, a bad START2, a length out of bounds."""
    parts = []
    for _ in range(300):
        kind = rng.random()
        if kind < 0.7:
            parts.append(_frame(rng.randbytes(rng.choice((0, 1, 37, 120, 237, 512)))))
        elif kind < 0.85:
            parts.append(b"INFO | radio log line\r\n")
        elif kind < 0.9:
            parts.append(bytes((START1, 0x41)))
        elif kind < 0.95:
            parts.append(bytes((START1, START2, 0x02, 0x01)))  # 513: out of bounds
        else:
            parts.append(bytes((START1, START2, 0x7F)))  # a header cut short by what follows
    return b"".join(parts)


class _StockReader(StreamInterface):
    """The library's reader thread body, fed from a list of bytes instead of a port."""

    def __init__(self, data: bytes) -> None:
        super().__init__(noProto=True, connectNow=False)
        self._data = data
        self._at = 0
        self.frames: list[bytes] = []
        self.log_bytes: list[bytes] = []

    def _readBytes(self, length: int) -> bytes | None:
        if self._at >= len(self._data):
            self._wantExit = True
            return None
        self._at += length
        return self._data[self._at - length:self._at]

    def _handleFromRadio(self, fromRadioBytes: bytes) -> None:  # noqa: N803 (the library's name)
        self.frames.append(bytes(fromRadioBytes))

    def _handleLogByte(self, b: bytes) -> None:
        self.log_bytes.append(b)


def _bulk(data: bytes, rng: random.Random) -> tuple[list[bytes], list[bytes]]:
    got: list[bytes] = []
    logged: list[bytes] = []
    buffer = bytearray()
    at = 0
    while at < len(data):
        size = rng.choice((1, 3, 64, 4096))
        buffer += data[at:at + size]
        at += size
        frames(buffer, got.append, logged.append)
    return got, logged


def test_bulk_frames_are_the_library_frames_for_any_split() -> None:
    rng = random.Random(3)
    for seed in range(5):
        data = _stream(random.Random(seed))
        stock = _StockReader(data)
        stock._StreamInterface__reader()  # type: ignore[attr-defined]  # the library's loop, run here
        got, logged = _bulk(data, rng)
        assert got == stock.frames
        assert logged == stock.log_bytes
        assert len(got) > 150


def test_a_frame_split_across_reads_waits_for_its_end() -> None:
    buffer = bytearray(_frame(b"hello")[:6])
    got: list[bytes] = []
    frames(buffer, got.append, lambda b: None)
    assert got == [] and bytes(buffer) == _frame(b"hello")[:6]
    buffer += _frame(b"hello")[6:] + _frame(b"x")
    frames(buffer, got.append, lambda b: None)
    assert got == [b"hello", b"x"] and buffer == bytearray()
