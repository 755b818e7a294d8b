"""`meshbot sim run` and `meshbot sim serve` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def meshbot(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "meshbot.cli.main", *args], capture_output=True, text=True, timeout=timeout
    )


def test_sim_run_prints_the_stats_as_json():
    out = meshbot("sim", "run", "--scenario", "neighbourhood", "--hours", "1", "--seed", "3", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["scenario"] == "neighbourhood" and result["nodes"] == 40 and result["hours"] == 1.0
    packets = result["packets"]
    assert packets["sent"] == sum(packets["transmissions"].values()) > 0
    assert packets["delivered"] > 0 and packets["collided"] >= 0
    assert 0 < result["broadcast_reach"]["mean"] <= 1
    assert len(result["airtime_s"]) == len(result["duty_cycle_percent"]) == 40
    assert max(result["worst_hour_duty_cycle_percent"].values()) <= 10.0  # EU 868
    assert 0 < result["channel_utilisation_percent"]["mean"] <= result["channel_utilisation_percent"]["max"]
    again = json.loads(meshbot("sim", "run", "--scenario", "neighbourhood", "--hours", "1", "--seed", "3",
                               "--json").stdout)
    assert {k: v for k, v in again.items() if k not in ("wall_seconds", "speedup")} == {
        k: v for k, v in result.items() if k not in ("wall_seconds", "speedup")
    }


def test_sim_run_text_summary_and_loss():
    out = meshbot("sim", "run", "--scenario", "block", "--hours", "0.5", "--loss", "0.2")
    assert out.returncode == 0, out.stderr
    assert "block: 12 nodes, 0.5 h on LONG_FAST" in out.stdout
    assert "broadcast reach" in out.stdout and "channel utilisation" in out.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["sim", "run", "--scenario", "atlantis"],
        ["sim", "run", "--hours", "0"],
        ["sim", "run", "--loss", "1"],
        ["sim", "serve", "--scenario", "atlantis"],
    ],
)
def test_bad_arguments_are_usage_errors(args):
    out = meshbot(*args)
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_sim_serve_refuses_a_port_in_use():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        out = meshbot("sim", "serve", "--scenario", "block", "--bot-port", str(port), timeout=60)
    assert out.returncode == 1 and "cannot listen" in out.stderr and "Traceback" not in out.stderr
