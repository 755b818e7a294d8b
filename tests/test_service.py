"""The systemd unit: what it promises, that systemd accepts it, and that its command runs the bot."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hardware.link import NodeInfo
from hardware.sim.tcp_server import StreamApiServer
from meshbot.ops.service import device_unit, escape_path, shipped_unit

PROGRAM = Path(sys.executable).parent / "meshbot"
SERIAL_PATHS = [
    "/dev/ttyUSB0",
    "/dev/ttyACM0",
    "/dev/serial/by-id/usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0",
    "/dev/serial/by-path/platform-fd500000.pcie-pci-0000:01:00.0-usb-0:1.3:1.0-port0",
]


def meshbot(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    env["XDG_CONFIG_HOME"] = str(home / "config")
    return subprocess.run([sys.executable, "-m", "meshbot.cli.main", *args], capture_output=True, text=True,
                          env=env, timeout=60)


def directives(unit: str) -> dict[str, list[str]]:
    """Key -> values of a unit file (keys may repeat)."""
    found: dict[str, list[str]] = {}
    for line in unit.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def install(tmp_path: Path, config_text: str) -> tuple[Path, Path]:
    config = tmp_path / "meshbot.toml"
    config.write_text(config_text, encoding="utf-8")
    units = tmp_path / "units"
    out = meshbot("--config", str(config), "service", "install", "--unit-dir", str(units), "--no-systemctl",
                  "--program", str(PROGRAM), home=tmp_path)
    assert out.returncode == 0, out.stderr
    return config, units


def test_the_shipped_unit_restarts_runs_unprivileged_with_the_serial_port_and_logs_to_the_journal() -> None:
    unit = directives(shipped_unit())
    # A thread that dies or hangs makes meshbot exit non-zero; systemd's watchdog covers a whole-process hang.
    assert unit["Restart"] == ["on-failure"] and unit["RestartSec"] == ["10"]
    assert unit["Type"] == ["notify"] and unit["WatchdogSec"] == ["60"] and unit["NotifyAccess"] == ["main"]
    assert unit["StartLimitIntervalSec"] == ["0"]  # never gives up after a power cut
    assert unit["User"] == ["meshbot"] and "root" not in unit["User"]
    assert unit["SupplementaryGroups"] == ["dialout"]
    assert unit["NoNewPrivileges"] == ["yes"]
    assert "StandardOutput" not in unit and "StandardError" not in unit  # the default: the journal
    assert unit["SyslogIdentifier"] == ["meshbot"]
    assert unit["WantedBy"] == ["multi-user.target"]
    assert unit["ExecStart"][0].endswith(" --config /etc/meshbot/meshbot.toml run")


@pytest.mark.parametrize("path", SERIAL_PATHS)
def test_device_unit_names_match_systemd_escape(path: str) -> None:
    if shutil.which("systemd-escape") is None:
        pytest.skip("systemd-escape is not installed here")
    expected = subprocess.run(["systemd-escape", "--path", "--suffix=device", path], capture_output=True,
                              text=True, check=True).stdout.strip()
    assert device_unit(path) == expected


def test_escape_examples() -> None:
    assert device_unit("/dev/ttyUSB0") == "dev-ttyUSB0.device"
    assert escape_path("/dev/serial/by-id/usb-a_b-if00") == "dev-serial-by\\x2did-usb\\x2da_b\\x2dif00"
    assert escape_path("/") == "-"


def test_install_writes_the_unit_for_this_machine_and_waits_for_the_radio(tmp_path: Path) -> None:
    config, units = install(tmp_path, 'port = "/dev/serial/by-id/usb-CP2102-if00"\n')
    unit = directives((units / "meshbot.service").read_text(encoding="utf-8"))
    assert shlex.split(unit["ExecStart"][0]) == [str(PROGRAM), "--config", str(config), "run"]
    assert unit["User"] == ["meshbot"] and unit["Group"] == ["meshbot"]
    drop_in = directives((units / "meshbot.service.d" / "radio.conf").read_text(encoding="utf-8"))
    assert drop_in == {"Wants": ["dev-serial-by\\x2did-usb\\x2dCP2102\\x2dif00.device"],
                       "After": ["dev-serial-by\\x2did-usb\\x2dCP2102\\x2dif00.device"]}


def test_installed_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed here (apt install systemd to run this check)")
    _, units = install(tmp_path, 'port = "/dev/ttyUSB0"\n')
    env = {**os.environ, "SYSTEMD_UNIT_PATH": f"{units}:"}  # trailing colon: plus the usual dirs
    result = subprocess.run(["systemd-analyze", "verify", "meshbot.service"], capture_output=True, text=True,
                            env=env, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "" and result.stdout.strip() == "", "systemd warned: " + result.stderr


def test_dry_run_changes_nothing_and_uninstall_removes_it(tmp_path: Path) -> None:
    config = tmp_path / "meshbot.toml"
    config.write_text('host = "192.168.1.5"\n', encoding="utf-8")
    units = tmp_path / "units"
    out = meshbot("--config", str(config), "service", "install", "--dry-run", "--unit-dir", str(units), home=tmp_path)
    assert out.returncode == 0 and "[Service]" in out.stdout and "radio.conf" not in out.stdout  # not serial
    assert not units.exists()
    install(tmp_path, 'port = "/dev/ttyUSB0"\n')
    out = meshbot("service", "uninstall", "--unit-dir", str(units), "--no-systemctl", home=tmp_path)
    assert out.returncode == 0 and out.stdout.count("removed ") == 2
    assert not (units / "meshbot.service").exists() and not (units / "meshbot.service.d").exists()


def test_status_says_when_it_is_not_installed(tmp_path: Path) -> None:
    out = meshbot("service", "status", "--unit-dir", str(tmp_path / "none"), home=tmp_path)
    assert out.returncode == 1 and out.stdout.startswith("not installed")


def test_the_units_command_runs_the_bot_on_the_radio_named_in_the_config(tmp_path: Path) -> None:
    """ExecStart names no radio: the config file does. systemd stops it with SIGTERM."""
    bot, ana = 0x4D42A001, 0xA1
    with StreamApiServer(bot, [NodeInfo(bot, "BASE"), NodeInfo(ana, "ANA")], seed=3) as radio:
        config, units = install(tmp_path, f'host = "{radio.hostport}"\ndb = "{tmp_path / "m.db"}"\nmin_gap_s = 1.5\n')
        command = shlex.split(directives((units / "meshbot.service").read_text(encoding="utf-8"))["ExecStart"][0])
        env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=env)
        try:
            assert radio.wait_for_client(timeout=30), "the service's command never reached the radio"
            radio.push_text(ana, "NEED water", to=bot, packet_id=77)
            reply = radio.wait_for_packet(timeout=45)
            assert reply.to == ana and reply.decoded.payload.decode().startswith("n1 water")
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
