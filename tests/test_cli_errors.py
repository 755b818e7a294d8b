"""The command line's error paths: one line, a non-zero exit, and nothing changed.

Each runs `meshbot` as a real process, as a user would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from hardware.meshtastic_link import require_serial_port
from store import open_engine
from store.schema import Status, revision_of

PROGRAM = Path(sys.executable).parent / "meshbot"


def env_for(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    return env


def meshbot(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "meshbot.cli.main", *args], input=stdin, capture_output=True,
                          text=True, env=env_for(tmp_path), timeout=120, cwd=tmp_path)


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if " INFO " not in line]
    assert line.startswith("Error: ")
    return line


def a_serial_port() -> str | None:
    for port in ("/dev/ttyS0", "/dev/ttyS1", "/dev/ttyUSB0"):
        try:
            require_serial_port(port)
        except OSError:
            continue
        return port
    return None


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_run_on_a_silent_serial_port_stops_on_ctrl_c_while_waiting_for_the_radio(tmp_path: Path, sig: int) -> None:
    port = a_serial_port()
    if port is None:
        pytest.skip("no serial port that opens on this machine (/dev/ttyS0 ...)")
    db = tmp_path / "m.db"
    open_engine(db).dispose()
    proc = subprocess.Popen([sys.executable, "-m", "meshbot.cli.main", "run", "--port", port, "--db", str(db)],
                            stderr=subprocess.PIPE, text=True, env=env_for(tmp_path))
    assert proc.stderr is not None
    for line in proc.stderr:
        if "waiting for the radio" in line:
            break
    proc.send_signal(sig)
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 1
    assert "Traceback" not in rest
    assert rest.strip().splitlines()[-1] == f"Error: stopped while waiting for the radio at serial {port}"


def test_run_and_doctor_on_dev_null_say_it_is_not_a_serial_port(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    open_engine(db).dispose()
    line = one_error_line(meshbot(tmp_path, "run", "--port", "/dev/null", "--db", str(db)))
    assert line == "Error: radio not reachable: cannot reach the radio (serial /dev/null): /dev/null is not a serial port"
    doctor = meshbot(tmp_path, "doctor", "--port", "/dev/null", "--db", str(db))
    assert doctor.returncode == 1 and "Traceback" not in doctor.stdout + doctor.stderr
    assert "FAIL  radio     not reachable: cannot reach the radio (serial /dev/null): /dev/null is not a serial port" \
        in doctor.stdout


def test_global_options_work_before_or_after_the_command(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    texts = tmp_path / "in.txt"
    texts.write_text("!000000a1 OFFER rice 10kg @elm\n", encoding="utf-8")
    assert meshbot(tmp_path, "ingest", str(texts), "--db", str(db), "--create").returncode == 0
    after = meshbot(tmp_path, "board", "--db", str(db), "--json")
    before = meshbot(tmp_path, "--db", str(db), "board", "--json")
    equals = meshbot(tmp_path, "board", "--json", f"--db={db}")
    assert after.returncode == before.returncode == equals.returncode == 0, after.stderr
    assert after.stdout == before.stdout == equals.stdout and '"item": "rice"' in after.stdout
    nested = meshbot(tmp_path, "db", "current", "--db", str(db))
    assert nested.returncode == 0 and nested.stdout.startswith(f"{db}: schema revision")
    shown = meshbot(tmp_path, "config", "show", "--set", "min_gap_s=3.5", "--json")
    assert '"min_gap_s": 3.5' in shown.stdout


def test_a_commands_own_option_of_the_same_name_stays_its_own(tmp_path: Path) -> None:
    """`config init --set` writes into the file; it is not the global --set."""
    target = tmp_path / "new.toml"
    out = meshbot(tmp_path, "config", "init", "--path", str(target), "--set", "port=/dev/ttyUSB7")
    assert out.returncode == 0, out.stderr
    assert tomllib.loads(target.read_text(encoding="utf-8"))["port"] == "/dev/ttyUSB7"


def test_a_mistyped_db_says_it_does_not_exist_and_makes_nothing(tmp_path: Path) -> None:
    for command in (["board"], ["run", "--sim"], ["ingest", "-"], ["db", "upgrade"], ["outbox"]):
        line = one_error_line(meshbot(tmp_path, *command, "--db", "some/missing/dir/x.db"))
        assert line == ("Error: database some/missing/dir/x.db does not exist (nor its folder some/missing/dir); "
                        "check --db, or make a new board with `meshbot init` or --create")
    assert not (tmp_path / "some").exists()
    in_place = one_error_line(meshbot(tmp_path, "board", "--db", "x.db"))
    assert "database x.db does not exist" in in_place and not (tmp_path / "x.db").exists()


def test_create_and_init_make_a_new_board_at_the_newest_revision(tmp_path: Path) -> None:
    made = meshbot(tmp_path, "board", "--db", "new/a.db", "--create")
    assert made.returncode == 0 and made.stdout.strip() == "The board is empty."
    assert revision_of(open_engine(tmp_path / "new" / "a.db")).status is Status.CURRENT
    init = meshbot(tmp_path, "--db", "b.db", "init", "--key-file", str(tmp_path / "b.key"))
    assert init.returncode == 0, init.stderr
    current = meshbot(tmp_path, "--db", "b.db", "-s", f"key_file={tmp_path / 'b.key'}", "db", "current")
    assert current.returncode == 0 and "(the newest)" in current.stdout


def test_service_install_without_systemd_changes_nothing_and_says_why(tmp_path: Path) -> None:
    if Path("/run/systemd/system").is_dir():
        pytest.skip("systemd runs here: an install would really install")
    units, config = tmp_path / "units", tmp_path / "etc" / "meshbot.toml"
    out = meshbot(tmp_path, "--db", str(tmp_path / "var" / "m.db"), "service", "install", "--config-file", str(config),
                  "--unit-dir", str(units), "--user", "mbtest-nouser", "--program", str(PROGRAM))
    line = one_error_line(out)
    assert "systemd is not running on this machine: nothing was changed" in line
    assert not units.exists() and not (tmp_path / "etc").exists() and not (tmp_path / "var").exists()
    assert subprocess.run(["id", "mbtest-nouser"], capture_output=True).returncode != 0


def test_service_install_writes_the_config_it_names_with_the_board(tmp_path: Path) -> None:
    units, config, db = tmp_path / "units", tmp_path / "etc" / "meshbot.toml", tmp_path / "var" / "m.db"
    out = meshbot(tmp_path, "--db", str(db), "-s", "port=/dev/ttyUSB0", "service", "install", "--config-file",
                  str(config), "--unit-dir", str(units), "--no-systemctl", "--program", str(PROGRAM))
    assert out.returncode == 0, out.stderr
    unit = (units / "meshbot.service").read_text(encoding="utf-8")
    assert f"--config {config} run" in unit
    settings = tomllib.loads(config.read_text(encoding="utf-8"))
    assert settings == {"db": str(db), "port": "/dev/ttyUSB0"}
    assert revision_of(open_engine(db)).status is Status.CURRENT
    check = meshbot(tmp_path, "--config", str(config), "config", "check")
    assert check.returncode == 0, check.stderr


def test_service_install_failing_midway_undoes_every_step(tmp_path: Path) -> None:
    units = tmp_path / "units"
    (units / "meshbot.service").mkdir(parents=True)  # the unit cannot be written: after config and board
    config, db = tmp_path / "etc" / "meshbot.toml", tmp_path / "var" / "m.db"
    out = meshbot(tmp_path, "--db", str(db), "service", "install", "--config-file", str(config),
                  "--unit-dir", str(units), "--no-systemctl", "--program", str(PROGRAM))
    line = one_error_line(out)
    assert line.startswith("Error: install failed (")
    assert line.endswith(f"undone: unit files, board {db}, folder {db.parent}, config {config}, folder {config.parent}")
    assert not (tmp_path / "etc").exists() and not (tmp_path / "var").exists()
    assert [p.name for p in units.iterdir()] == ["meshbot.service"]
