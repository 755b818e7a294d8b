"""The worker's one INFO line per answered text counts what crosses the air: UTF-8 bytes,
which is what airtime and the 200-byte reply limit are measured in."""

from __future__ import annotations

import logging
import re

import pytest

from tests.conftest import Board


def test_the_log_counts_bytes_in_and_out_not_characters(board: Board, caplog: pytest.LogCaptureFixture) -> None:
    text = "necesito leña y azúcar 🙏 @sur"
    with caplog.at_level(logging.INFO, logger="meshbot.inbound.worker"):
        reply = board.send(0x00ABCDEF, text)
    assert reply is not None
    lines = [r.getMessage() for r in caplog.records if "bytes in" in r.getMessage()]
    assert len(lines) == 1
    found = re.fullmatch(r"!00abcdef: (\d+) bytes in, answered (\d+) bytes", lines[0])
    assert found is not None, lines[0]
    assert int(found.group(1)) == len(text.encode("utf-8")) > len(text)
    assert int(found.group(2)) == len(reply.encode("utf-8"))
    assert text not in lines[0], "a resident's words stay out of the INFO log"
