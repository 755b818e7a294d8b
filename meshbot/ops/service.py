"""The systemd unit: render it for this machine, install it, remove it, ask how it runs.

The unit ships as a data file (`hardware/systemd/meshbot.service`) that works as is for
the documented layout (/opt/meshbot/venv, /etc/meshbot/meshbot.toml, user `meshbot`).
Installing rewrites only `User=`, `Group=` and `ExecStart=` for this machine, and adds a
drop-in that orders the service after the radio's serial device, so systemd starts
meshbot once the radio is there (it still starts, and keeps retrying, if it never is).
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

UNIT_NAME = "meshbot.service"
DROP_IN_NAME = "radio.conf"
DEFAULT_UNIT_DIR = Path("/etc/systemd/system")
DEFAULT_CONFIG = Path("/etc/meshbot/meshbot.toml")
DEFAULT_USER = "meshbot"
SYSTEMCTL_TIMEOUT_S = 60
_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_.")


class ServiceError(Exception):
    """The service cannot be installed or queried; the message says what to do."""


def shipped_unit() -> str:
    """The unit file as shipped in the package."""
    return resources.files("hardware").joinpath("systemd", UNIT_NAME).read_text(encoding="utf-8")


def escape_path(path: str) -> str:
    """`systemd-escape --path`: /dev/serial/by-id/usb-x -> dev-serial-by\\x2did-usb\\x2dx."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return "-"
    text = "/".join(parts)
    out = []
    for i, ch in enumerate(text):
        if ch == "/":
            out.append("-")
        elif ch in _ALLOWED and not (i == 0 and ch == "."):
            out.append(ch)
        else:
            out.extend(f"\\x{b:02x}" for b in ch.encode("utf-8"))
    return "".join(out)


def device_unit(port: str) -> str:
    """The device unit systemd creates for a serial port path."""
    return escape_path(port) + ".device"


@dataclass(frozen=True)
class Rendered:
    unit: str
    drop_in: str | None
    """`[Unit]` ordering after the radio's device (None: the radio is not on a serial port)."""


def render(executable: Path, config: Path, user: str, port: str | None) -> Rendered:
    """The shipped unit with this machine's user, program and config, plus the device drop-in."""
    command = shlex.join([str(executable), "--config", str(config), "run"])
    replace = {"User": user, "Group": user, "ExecStart": command}
    lines = []
    for line in shipped_unit().splitlines():
        key, sep, _ = line.partition("=")
        lines.append(f"{key}={replace[key]}" if sep and key in replace else line)
    drop_in = None
    if port:
        device = device_unit(port)
        drop_in = (
            "# Start once the radio's serial device exists (written by `meshbot service install`).\n"
            f"[Unit]\nWants={device}\nAfter={device}\n"
        )
    return Rendered("\n".join(lines) + "\n", drop_in)


def unit_paths(unit_dir: Path) -> tuple[Path, Path]:
    return unit_dir / UNIT_NAME, unit_dir / f"{UNIT_NAME}.d" / DROP_IN_NAME


def write(rendered: Rendered, unit_dir: Path) -> list[Path]:
    """Write the unit (and drop-in) into unit_dir; returns the files written."""
    unit_path, drop_in_path = unit_paths(unit_dir)
    try:
        unit_dir.mkdir(parents=True, exist_ok=True)
        unit_path.write_text(rendered.unit, encoding="utf-8")
        written = [unit_path]
        if rendered.drop_in is not None:
            drop_in_path.parent.mkdir(exist_ok=True)
            drop_in_path.write_text(rendered.drop_in, encoding="utf-8")
            written.append(drop_in_path)
        elif drop_in_path.exists():
            drop_in_path.unlink()
    except PermissionError as exc:
        raise ServiceError(f"cannot write {exc.filename}: run with sudo") from exc
    return written


def remove(unit_dir: Path) -> list[Path]:
    """Delete the unit and its drop-in; returns what was deleted."""
    unit_path, drop_in_path = unit_paths(unit_dir)
    removed = []
    try:
        for path in (drop_in_path, unit_path):
            if path.exists():
                path.unlink()
                removed.append(path)
        if drop_in_path.parent.is_dir() and not any(drop_in_path.parent.iterdir()):
            drop_in_path.parent.rmdir()
    except PermissionError as exc:
        raise ServiceError(f"cannot remove {exc.filename}: run with sudo") from exc
    return removed


def systemd_running() -> bool:
    """True when this machine was booted with systemd (false in most containers)."""
    return Path("/run/systemd/system").is_dir() and shutil.which("systemctl") is not None


def systemctl(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run systemctl; ServiceError with its own message when it fails and check is set."""
    if shutil.which("systemctl") is None:
        raise ServiceError("systemctl not found: this machine does not use systemd")
    result = subprocess.run(
        ["systemctl", *args], capture_output=True, text=True, timeout=SYSTEMCTL_TIMEOUT_S, check=False
    )
    if check and result.returncode != 0:
        raise ServiceError(f"systemctl {' '.join(args)} failed: {(result.stderr or result.stdout).strip()}")
    return result


def verify(unit_path: Path) -> tuple[bool, str]:
    """`systemd-analyze verify` on a unit file: (passed, what it said)."""
    if shutil.which("systemd-analyze") is None:
        raise ServiceError("systemd-analyze not found")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit_path)], capture_output=True, text=True,
        timeout=SYSTEMCTL_TIMEOUT_S, check=False,
    )
    return result.returncode == 0, (result.stderr + result.stdout).strip()


def user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def create_user_command(user: str) -> list[str]:
    """A system user with no login, its home the state directory, in the dialout group."""
    return ["useradd", "--system", "--home-dir", "/var/lib/meshbot", "--shell", "/usr/sbin/nologin",
            "--groups", "dialout", user]
