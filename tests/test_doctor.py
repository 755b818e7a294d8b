"""`meshbot doctor`: against the simulator's TCP node (healthy), against nothing, and its rules."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.link import NodeInfo
from hardware.sim.tcp_server import StreamApiServer
from meshbot.ops.doctor_radio import (
    PUBLIC_DEFAULT_KEY,
    Channel,
    RadioFacts,
    check_channel,
    check_clock,
    check_firmware,
    check_preset,
    check_region,
    parse_version,
)
from meshbot.ops.doctor_station import check_database, check_disk, check_key
from meshbot.ops.findings import Status
from meshbot.settings import Settings
from store import open_engine

BOT = 0x4D42A001
ANA = 0x000000A1
JAN_1970 = 3 * 3600.0
NOW = 1_767_225_600.0  # 2026-01-01


@pytest.fixture
def radio() -> Iterator[StreamApiServer]:
    nodes = [NodeInfo(BOT, "BASE", "Mutual Aid Base"), NodeInfo(ANA, "ANA", "Ana", last_heard=time.time() - 60)]
    with StreamApiServer(BOT, nodes, seed=1) as server:
        yield server


def doctor(*args: str, db: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    clean.update(XDG_CONFIG_HOME=str(db.parent / "config"), **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "meshbot.cli.main", "--db", str(db), "--set", "min_free_disk_mb=1", "doctor", *args],
        capture_output=True, text=True, env=clean, timeout=120,
    )


def by_check(out: str) -> dict[str, dict[str, str]]:
    return {f["check"]: f for f in json.loads(out)["findings"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the whole command -----------------------------------------------------------------


def test_healthy_station_on_the_simulated_node(radio: StreamApiServer, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    open_engine(db).dispose()
    out = doctor("--host", radio.hostport, "--json", db=db)
    assert out.returncode == 0, out.stdout + out.stderr
    found = by_check(out.stdout)
    assert json.loads(out.stdout)["ok"] is True
    assert found["radio"]["status"] == "ok" and "!4d42a001" in found["radio"]["message"]
    assert found["firmware"]["status"] == "ok" and "2.7.11" in found["firmware"]["message"]
    assert (found["region"]["status"], found["preset"]["status"]) == ("ok", "ok")
    assert found["region"]["message"].startswith("US")
    assert found["preset"]["message"] == "LONG_FAST"
    # The simulated node keeps the firmware's public default key: a warning, not a blocker.
    assert found["channel"]["status"] == "warn" and "AQ==" in found["channel"]["message"]
    assert "--ch-set psk random" in found["channel"]["fix"]
    assert [found[c]["status"] for c in ("clock", "database", "wal", "disk")] == ["ok"] * 4
    assert found["key"]["status"] == "warn" and "not configured" in found["key"]["message"]


def test_healthy_text_output_is_one_line_per_check(radio: StreamApiServer, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    open_engine(db).dispose()
    out = doctor("--host", radio.hostport, db=db, env={"MESHBOT_PASSPHRASE": "correct horse"})
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    checks = [line.split()[1] for line in lines[1:-1]]
    assert checks == ["radio", "firmware", "region", "preset", "channel", "clock", "database", "wal", "schema",
                      "disk", "held", "key", "modes"]
    assert lines[-1] == "ready to run; 1 warning(s)."
    assert "\x1b[" not in out.stdout  # no progress spinner when not a terminal


def test_wrong_region_blocks_with_the_command_to_fix_it(radio: StreamApiServer, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    out = doctor("--host", radio.hostport, "--json", db=db, env={"MESHBOT_REGION": "EU_868"})
    assert out.returncode == 1
    region = by_check(out.stdout)["region"]
    assert region["status"] == "fail" and "uses US but the mesh uses EU_868" in region["message"]
    assert "meshtastic --set lora.region EU_868" in region["fix"]


def test_no_radio_there_is_a_clear_failure(tmp_path: Path) -> None:
    open_engine(tmp_path / "m.db").dispose()  # the board is there: the radio is the one problem
    out = doctor("--host", f"127.0.0.1:{free_port()}", db=tmp_path / "m.db")
    assert out.returncode == 1  # it gave up by itself, inside the 120 s hang guard of `doctor()`
    radio_line = next(line for line in out.stdout.splitlines() if line.split()[1:2] == ["radio"])
    assert radio_line.startswith("FAIL") and "not reachable" in radio_line and "Fix:" in radio_line
    assert "SKIP  firmware  radio not reachable" in out.stdout
    assert "1 problem(s) stop meshbot from running" in out.stdout
    assert "Traceback" not in out.stderr


def test_missing_serial_device_and_no_radio_at_all(tmp_path: Path) -> None:
    out = doctor("--port", "/dev/ttyNOSUCHRADIO", "--json", db=tmp_path / "m.db")
    assert out.returncode == 1
    radio = by_check(out.stdout)["radio"]
    assert radio["message"] == "no device at /dev/ttyNOSUCHRADIO" and "/dev/serial/by-id/" in radio["fix"]
    out = doctor("--json", db=tmp_path / "m.db")
    assert out.returncode == 1
    assert by_check(out.stdout)["radio"]["message"] == "no radio configured"


# -- the rules -------------------------------------------------------------------------


def facts(**kw: object) -> RadioFacts:
    base: dict[str, object] = dict(where="tcp test", region="EU_868", modem_preset="LONG_FAST",
                                   channels=(Channel(0, "PRIMARY", "", os.urandom(32)),))
    base.update(kw)
    return RadioFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("version", "status", "words"),
    [
        ("2.7.11.sim", Status.OK, "under 1.5 s apart, meshbot sends 2 s apart"),
        ("2.5.0.abc", Status.OK, "PKI ok"),
        ("2.4.3.91d6612", Status.WARN, "lacks PKI"),
        ("1.3.48", Status.FAIL, "too old"),
        (None, Status.WARN, "version unknown"),
    ],
)
def test_firmware_versions(version: str | None, status: Status, words: str) -> None:
    finding = check_firmware(version, 2.0)
    assert finding.status is status and words in finding.message


def test_version_parsing() -> None:
    assert parse_version("2.7.11.ee68575") == (2, 7, 11)
    assert parse_version("v2.5") == (2, 5, 0)
    assert parse_version("garbage") is None


def test_unset_region_blocks() -> None:
    finding = check_region(facts(region="UNSET"), "")
    assert finding.status is Status.FAIL and "UNSET" in finding.message
    assert finding.fix.startswith("meshtastic --set lora.region ")
    assert check_region(facts(), "EU_868").status is Status.OK
    assert check_region(facts(region="US"), "EU_868").status is Status.FAIL


def test_modem_preset() -> None:
    assert check_preset(facts(), "LONG_FAST").status is Status.OK
    assert check_preset(facts(modem_preset="SHORT_FAST"), "LONG_FAST").status is Status.WARN
    custom = check_preset(facts(use_preset=False), "LONG_FAST")
    assert custom.status is Status.WARN and "lora.use_preset true" in custom.fix


@pytest.mark.parametrize(
    ("psk", "private", "status", "words"),
    [
        (b"\x01", True, Status.WARN, "public default key (AQ==)"),
        (PUBLIC_DEFAULT_KEY, True, Status.WARN, "public default key (AQ==)"),
        (b"\x05", True, Status.WARN, "well-known simple key"),
        (b"", True, Status.WARN, "no encryption at all"),
        (bytes(range(32)), True, Status.OK, "private key"),
        (b"\x01", False, Status.OK, "private_channel is false"),
    ],
)
def test_channel_key(psk: bytes, private: bool, status: Status, words: str) -> None:
    (finding,) = check_channel(facts(channels=(Channel(0, "PRIMARY", "", psk),)), 0, private)
    assert finding.status is status and words in finding.message


def test_bot_channel_disabled_blocks() -> None:
    (finding,) = check_channel(facts(), 2, True)
    assert finding.status is Status.FAIL and "channel 2" in finding.message


def test_clock_in_1970_blocks_and_says_why_and_how() -> None:
    finding = check_clock(JAN_1970, radio_time=NOW)
    assert finding.status is Status.FAIL
    assert "1970-01-01" in finding.message and "Raspberry Pi" in finding.message
    assert f"sudo date -s @{int(NOW)}" in finding.fix
    assert "fake-hwclock" in finding.fix and "RTC" in finding.fix
    assert "date -s @" not in check_clock(JAN_1970, radio_time=None).fix


def test_clock_behind_the_radio_warns() -> None:
    finding = check_clock(NOW - 7200, radio_time=NOW)
    assert finding.status is Status.WARN and "120 min behind" in finding.message
    assert check_clock(NOW, radio_time=NOW - 3600).status is Status.OK


def test_database_checks(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    assert [f.status for f in check_database(str(db))] == [Status.FAIL, Status.SKIP]  # run refuses a missing board
    open_engine(db).dispose()
    writable, wal = check_database(str(db))
    assert (writable.status, wal.status, wal.message) == (Status.OK, Status.OK, "WAL on")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert check_database(str(blocker / "m.db"))[0].status is Status.FAIL
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 200)
    broken = check_database(str(junk))[0]
    assert broken.status is Status.FAIL and "meshbot restore" in broken.fix
    assert check_database(":memory:")[0].status is Status.WARN


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write any file, so a read-only database cannot be shown")
def test_read_only_database_blocks(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    open_engine(db).dispose()
    db.chmod(0o444)
    assert check_database(str(db))[0].status is Status.FAIL


def test_disk_space(tmp_path: Path) -> None:
    assert check_disk(str(tmp_path / "m.db"), 1).status is Status.OK
    low = check_disk(str(tmp_path / "m.db"), 10**12)
    assert low.status is Status.FAIL and "MB free" in low.message


def test_encryption_key_not_configured_is_a_warning() -> None:
    settings = Settings(db=":memory:")
    assert check_key(settings, {}).status is Status.WARN
    assert "not configured" in check_key(settings, {}).message
    assert check_key(settings, {"MESHBOT_PASSPHRASE": "x"}).status is Status.OK
