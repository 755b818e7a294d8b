"""`meshbot service install`, all or nothing.

Everything that can be checked is checked before anything changes (systemd present,
places writable). Then each step records how to undo itself: the config file the unit
names (written when missing, naming the board), the board (made when missing, so the
service's `run` finds it), the user, the unit and its drop-in, systemctl. When a step
fails, the steps already done are undone in reverse order and the error is reported:
the machine is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meshbot.ops import service as svc
from meshbot.ops.board_files import board_file
from meshbot.settings_sources import LoadedSettings

SERVICE_DB = Path("/var/lib/meshbot/meshbot.db")
"""The board of a service whose settings name none: inside its StateDirectory."""
RADIO_SETTINGS = ("port", "host", "ble")


class InstallFailed(Exception):
    """Nothing (more) was changed; the message says why and what to do."""


@dataclass
class Plan:
    """What an install will do, decided before anything changes."""

    rendered: svc.Rendered
    unit_dir: Path
    config_file: Path
    config_values: Mapping[str, Any] | None  # None: the config file exists and is kept
    board: Path | None  # the SQLite board the service opens (None: a server database)
    user: str
    use_systemctl: bool
    start: bool


def plan_for(loaded: LoadedSettings, rendered: svc.Rendered, config_file: Path, unit_dir: Path, user: str,
             use_systemctl: bool, start: bool) -> tuple[Plan, str | None]:
    """The plan, and a note for the operator when the service's board cannot be made here."""
    named = loaded.sources.get("db", "default") != "default"
    board = board_file(loaded.settings.db) if named else None
    board = board.expanduser().absolute() if board is not None else None
    values = None
    note = None
    if not config_file.exists():
        board = board or SERVICE_DB
        values = {"db": str(board), **{k: getattr(loaded.settings, k) for k in RADIO_SETTINGS
                                        if getattr(loaded.settings, k)}}
    elif not named:
        note = (f"{config_file} names no db, so the service uses its user's default board: add "
                f'db = "{SERVICE_DB}" to it and make that board with `meshbot --db {SERVICE_DB} init` (or --create)')
    return Plan(rendered, unit_dir, config_file, values, board, user, use_systemctl, start), note


@dataclass
class Installer:
    plan: Plan
    say: Callable[[str], None]
    _undo: list[tuple[str, Callable[[], None]]] = field(default_factory=list)
    _made_board: list[Path] = field(default_factory=list)

    def run(self) -> None:
        preflight(self.plan)
        try:
            self._config()
            self._board()
            self._user()
            self._hand_over_board()
            self._unit()
            self._enable()
        except (OSError, svc.ServiceError, subprocess.SubprocessError) as exc:
            undone = self._rollback()
            reason = exc.stderr.strip() if isinstance(exc, subprocess.CalledProcessError) and exc.stderr else exc
            raise InstallFailed(f"install failed ({reason}); undone: {', '.join(undone) or 'nothing to undo'}") from exc

    def _rollback(self) -> list[str]:
        undone = []
        for name, undo in reversed(self._undo):
            with contextlib.suppress(OSError, svc.ServiceError, subprocess.SubprocessError):
                undo()
                undone.append(name)
        return undone

    def _make_folders(self, path: Path) -> list[Path]:
        made = _missing_parents(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if made:
            self._undo.append((f"folder {made[0]}", lambda: _rmdirs(made)))
        return made

    def _config(self) -> None:
        from meshbot.settings_text import template

        plan = self.plan
        if plan.config_values is None:
            return
        self._make_folders(plan.config_file)
        with open(plan.config_file, "x", encoding="utf-8") as out:  # never over an existing file
            out.write(template(plan.config_values))
        self._undo.append((f"config {plan.config_file}", plan.config_file.unlink))
        self.say(f"wrote {plan.config_file}")

    def _board(self) -> None:
        from store import open_engine

        board = self.plan.board
        if board is None or board.exists():
            return
        made = self._make_folders(board)
        self._undo.append((f"board {board}", lambda: _remove_board(board)))
        open_engine(board).dispose()
        self._made_board = [*made, board]
        self.say(f"made a new board {board}")

    def _user(self) -> None:
        plan = self.plan
        if not plan.use_systemctl or svc.user_exists(plan.user):
            return
        command = svc.create_user_command(plan.user)
        self.say("creating user: " + " ".join(command))
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=60)
        self._undo.append((f"user {plan.user}", lambda: subprocess.run(
            ["userdel", plan.user], check=True, capture_output=True, timeout=60)))

    def _hand_over_board(self) -> None:
        """A board made here belongs to the service's user (it writes the file and its WAL)."""
        if self.plan.use_systemctl:
            for path in self._made_board:
                shutil.chown(path, self.plan.user, self.plan.user)

    def _unit(self) -> None:
        unit_path, drop_in_path = svc.unit_paths(self.plan.unit_dir)
        before = {p: p.read_bytes() for p in (unit_path, drop_in_path) if p.is_file()}
        self._undo.append(("unit files", lambda: _restore(self.plan.unit_dir, before)))
        for path in svc.write(self.plan.rendered, self.plan.unit_dir):
            self.say(f"wrote {path}")

    def _enable(self) -> None:
        plan = self.plan
        if not plan.use_systemctl:
            return
        svc.systemctl("daemon-reload")
        self._undo.append(("systemctl enable", lambda: svc.systemctl("disable", "--now", svc.UNIT_NAME, check=False)))
        svc.systemctl("enable", *(["--now"] if plan.start else []), svc.UNIT_NAME)
        self.say(f"enabled{' and started' if plan.start else ''} {svc.UNIT_NAME}; logs: journalctl -u meshbot -f")


def preflight(plan: Plan) -> None:
    """Everything checkable before the first change."""
    if plan.use_systemctl and not svc.systemd_running():
        raise InstallFailed("systemd is not running on this machine: nothing was changed "
                            "(--no-systemctl writes the unit and config only)")
    if plan.use_systemctl and not svc.user_exists(plan.user) and shutil.which("useradd") is None:
        raise InstallFailed("useradd not found: nothing was changed")
    targets = [plan.unit_dir / svc.UNIT_NAME]
    if plan.config_values is not None:
        targets.append(plan.config_file)
    if plan.board is not None and not plan.board.exists():
        targets.append(plan.board)
    for target in targets:
        place = _nearest_existing(target.parent)
        if not place.is_dir() or not os.access(place, os.W_OK | os.X_OK):
            raise InstallFailed(f"cannot write {target} ({place} is not a writable folder; run with sudo?): "
                                "nothing was changed")


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _missing_parents(path: Path) -> list[Path]:
    """The folders above `path` that do not exist yet, outermost first."""
    missing = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return list(reversed(missing))


def _rmdirs(folders: list[Path]) -> None:
    for folder in reversed(folders):
        folder.rmdir()


def _remove_board(board: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{board}{suffix}").unlink(missing_ok=True)


def _restore(unit_dir: Path, before: dict[Path, bytes]) -> None:
    """The unit files as they were: earlier ones back, new ones gone."""
    for path in svc.unit_paths(unit_dir):
        if path in before:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(before[path])
        elif path.is_file():
            path.unlink()
    drop_ins = svc.unit_paths(unit_dir)[1].parent
    if drop_ins.is_dir() and not any(drop_ins.iterdir()):
        drop_ins.rmdir()
