"""Received texts appended to a plain file the moment the radio library hands them over.

Why: the journal's group commit makes a text durable some milliseconds after it
arrives (longer while the worker holds SQLite's write lock, or the disk is slow), and
the firmware does not send again what it handed to its client, so a kill -9 in that
gap lost texts. One `write()` to a file opened with O_APPEND survives the process
being killed (the kernel holds the bytes), costs microseconds and takes no lock another
process can hold. The journal's commit stays the durable record (fsync'd and
deduplicated); this file only bridges the gap until it, and is read back on the next
start. It does not cover a power cut: that is what the journal's fsync is for. On an
encrypted board the words are sealed with the board's data key, as in `seenpacket`.

The log is a folder of numbered segments. Once the current segment holds
`SEGMENT_TEXTS` texts, the journal seals it when it next takes every waiting text into
a commit, and deletes the sealed segments once that commit is durable; a clean stop
empties the folder. So the folder holds the texts not yet written down plus at most one
segment of texts that are (read back, they are dropped as replays), and the radio's
thread creates or deletes no file for each commit.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path

from meshbot.inbound.inbox import Inbound
from store.crypto import Cipher, Tampered, is_encrypted

log = logging.getLogger(__name__)
SUFFIX = ".arrivals"
"""The folder next to the database: `<db>.arrivals/`."""
SEGMENT_GLOB = "*.jsonl"
SEGMENT_TEXTS = 1000
"""Texts in a segment before it is sealed: file churn per commit against replays read back."""


def folder_for(db: str) -> Path | None:
    """Where a board's arrival log lives; None for a board that is not a local file."""
    if db in ("", ":memory:") or "://" in db:
        return None
    return Path(db).expanduser().absolute().with_name(Path(db).name + SUFFIX)


def _line(message: Inbound, cipher: Cipher | None) -> bytes:
    text = cipher.encrypt(message.text) if cipher is not None and message.text else message.text
    return (json.dumps({
        "from": message.from_node, "to": message.to_node, "id": message.packet_id, "ch": message.channel,
        "text": text, "pki": message.pki_encrypted, "key": message.public_key,
    }, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _message(line: bytes, cipher: Cipher | None) -> Inbound | None:
    """A line back as the text it was; None for a torn line or words this key cannot open."""
    try:
        d = json.loads(line)
        text = str(d["text"])
        if is_encrypted(text):
            if cipher is None:
                return None
            text = cipher.decrypt(text)
        return Inbound(int(d["from"]), int(d["to"]), int(d["id"]), int(d["ch"]), text,
                       bool(d["pki"]), d["key"] if d["key"] is None else str(d["key"]))
    except (ValueError, KeyError, TypeError, Tampered):
        return None


class ArrivalLog:
    """Append-only segments of arrivals not yet committed by the journal.

    Not thread-safe by itself: the journal calls it under its own lock.
    """

    def __init__(self, folder: Path, cipher: Cipher | None = None) -> None:
        self.folder = folder
        self._cipher = cipher
        self.folder.mkdir(mode=0o700, exist_ok=True)
        existing = self._segments()
        self._number = (existing[-1][0] + 1) if existing else 1
        self._fd: int | None = None
        self._written_to_current = 0
        self.failed_writes = 0
        """Appends the disk refused (full): those texts are only in memory until committed."""

    def _segments(self) -> list[tuple[int, Path]]:
        found = []
        for path in self.folder.glob(SEGMENT_GLOB):
            with contextlib.suppress(ValueError):
                found.append((int(path.stem), path))
        return sorted(found)

    def _path(self, number: int) -> Path:
        return self.folder / f"{number:012d}.jsonl"

    def append(self, message: Inbound) -> bool:
        """Write one arrival down for a kill -9; False (never an exception) if the disk refused."""
        try:
            if self._fd is None:
                self._fd = os.open(self._path(self._number), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            line = _line(message, self._cipher)
            written = os.write(self._fd, line)
        except OSError:
            self.failed_writes += 1
            return False
        self._written_to_current += 1
        if written < len(line):  # a full disk took part of it: later lines go to a new segment
            self.failed_writes += 1
            self.seal()
            return False
        return True

    def seal(self, at_least: int = 1) -> int | None:
        """Close the current segment if it holds `at_least` texts (later appends go to a new
        one); returns the number of the last sealed segment, None if none was sealed now."""
        if self._written_to_current < at_least:
            return None
        self._close_current()
        self._number += 1
        self._written_to_current = 0
        return self._number - 1

    def seal_if_full(self) -> int | None:
        return self.seal(SEGMENT_TEXTS)

    def discard_through(self, number: int) -> None:
        """Delete sealed segments up to `number`: everything in them is committed."""
        for seq, path in self._segments():
            if seq <= number and seq != self._number:
                with contextlib.suppress(OSError):
                    path.unlink()

    def leftovers(self) -> list[Inbound]:
        """What the last run appended and did not see committed, in arrival order."""
        found: list[Inbound] = []
        for seq, path in self._segments():
            if seq == self._number and self._written_to_current:
                continue
            try:
                data = path.read_bytes()
            except OSError as exc:
                log.error("cannot read arrivals kept in %s: %s", path, exc)
                continue
            lines = data.splitlines()
            kept = [m for m in (_message(line, self._cipher) for line in lines) if m is not None]
            if len(kept) < len(lines) - 1:  # the last line may be torn by the kill; more is not
                log.error("%d line(s) of %s could not be read back", len(lines) - len(kept), path)
            found.extend(kept)
        return found

    def _close_current(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def close(self) -> None:
        self._close_current()
