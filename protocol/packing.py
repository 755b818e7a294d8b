"""Packing text into packets: cut on a character boundary, split into numbered parts.

Every reply passes through here on its way to the radio, so one packet (200 UTF-8 bytes)
is never overrun by a formatter of ours.
"""

from __future__ import annotations

from .catalogue import ELLIPSIS, PACKET_BYTES, shorten, utf8_len

REPLY_LIMIT = PACKET_BYTES

__all__ = ["ELLIPSIS", "REPLY_LIMIT", "ReplyTooLong", "fit", "split", "utf8_len"]


class ReplyTooLong(ValueError):
    """A formatter produced more than fits one packet: a bug of ours, not the sender's."""


def fit(text: str, limit: int = REPLY_LIMIT) -> str:
    """Cut `text` to `limit` UTF-8 bytes on a character boundary, marking the cut with …."""
    return shorten(text, limit)


def split(text: str, limit: int = REPLY_LIMIT) -> list[str]:
    """Split into numbered parts `(1/3)` of at most `limit` bytes, on word boundaries
    where possible and always on character boundaries. One part needs no number."""
    if utf8_len(text) <= limit:
        return [text]
    for digits in range(1, 4):
        suffix_room = utf8_len(f" ({'9' * digits}/{'9' * digits})")
        parts = _pack_words(text, limit - suffix_room)
        if len(parts) < 10**digits:
            total = len(parts)
            return [f"{part} ({i}/{total})" for i, part in enumerate(parts, 1)]
    raise ReplyTooLong(f"{utf8_len(text)} bytes will not split into fewer than 1000 parts")


def _pack_words(text: str, budget: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for word in text.split():
        while utf8_len(word) > budget:  # a single word longer than a packet
            head = fit(word, budget + utf8_len(ELLIPSIS))[:-1] or word[:1]
            if current:
                parts.append(current)
                current = ""
            parts.append(head)
            word = word[len(head):]
        candidate = f"{current} {word}" if current else word
        if utf8_len(candidate) <= budget:
            current = candidate
        else:
            parts.append(current)
            current = word
    if current:
        parts.append(current)
    return parts
