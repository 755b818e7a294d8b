"""`meshbot airtime`: one JSON object per call, checked against values worked by hand."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

KEYS = {"preset", "sf", "bw_khz", "cr", "payload_bytes", "airtime_ms"}


def airtime(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "meshbot.cli.main", "airtime", *args], capture_output=True, text=True, timeout=60
    )


def test_bytes_gives_the_phy_airtime():
    out = airtime("--preset", "LONG_FAST", "--bytes", "62")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "preset": "LONG_FAST", "sf": 11, "bw_khz": 250, "cr": "4/5", "payload_bytes": 62, "airtime_ms": 722.944,
    }


@pytest.mark.parametrize(
    "preset, nbytes, expected",
    [("LONG_SLOW", 62, 4333.568), ("SHORT_TURBO", 62, 31.552), ("long-moderate", 62, 2297.856)],
)
def test_other_presets(preset, nbytes, expected):
    result = json.loads(airtime("--preset", preset, "--bytes", str(nbytes)).stdout)
    assert set(result) == KEYS and result["airtime_ms"] == expected


def test_text_counts_what_meshtastic_adds():
    # a 40-byte text: 16-byte header + portnum 2 + payload 2 + 40 + bitfield 2 = 62 bytes on air
    result = json.loads(airtime("--text", "x" * 40).stdout)
    assert set(result) == KEYS
    assert (result["payload_bytes"], result["airtime_ms"]) == (62, 722.944)
    dm = json.loads(airtime("--text", "x" * 40, "--pki").stdout)
    assert dm["payload_bytes"] == 74  # a PKI direct message: 12 bytes more
    utf8 = json.loads(airtime("--text", "ñ" * 20, "--preset", "SHORT_FAST").stdout)
    assert utf8["payload_bytes"] == 62 and utf8["cr"] == "4/5" and utf8["sf"] == 7


@pytest.mark.parametrize(
    "args",
    [
        ["--bytes", "300"],
        ["--preset", "VERY_FAST", "--bytes", "10"],
        ["--text", "x" * 300],
        [],
        ["--bytes", "10", "--text", "hi"],
    ],
)
def test_bad_input_is_a_usage_error_not_a_traceback(args):
    out = airtime(*args)
    assert out.returncode == 2 and "Traceback" not in out.stderr and out.stdout == ""
