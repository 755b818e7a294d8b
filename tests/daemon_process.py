"""`meshbot run --host` as a real process whose log the test reads line by line as it comes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path


class DaemonProcess:
    """The daemon against a fake radio's TCP port; `wait_for_log` waits on its stderr."""

    def __init__(self, hostport: str, db: Path, **env: str) -> None:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
        environ.update(MESHBOT_DB=str(db), MESHBOT_MIN_GAP_S="1.5", **env)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "meshbot.cli.main", "--create", "run", "--host", hostport],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=environ,
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def log(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def wait_for_log(self, pattern: str, timeout: float) -> str:
        """The first log line matching `pattern`; fails after `timeout` s or if the process ended first."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((line for line in self.lines if regex.search(line)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                assert left > 0, f"no log line matching {pattern!r} within {timeout} s:\n" + "\n".join(self.lines[-40:])
                assert self._reader.is_alive() or self.proc.poll() is None, \
                    f"the daemon ended ({self.proc.returncode}) before logging {pattern!r}:\n" + "\n".join(self.lines[-40:])
                self._changed.wait(min(left, 1.0))

    def wait_exit(self, timeout: float) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code

    def stop(self) -> None:
        """Ctrl-C, and it must stop cleanly."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        code = self.wait_exit(timeout=30)
        assert code == 0, self.log

    def kill(self) -> None:
        self.proc.kill()
        self.wait_exit(timeout=10)
