"""Notices a daemon thread that died or hangs, and ends the process so systemd restarts it.

A bot whose worker thread died still holds the radio and looks alive: texts would be
written down and never answered. Better to exit non-zero: `Restart=on-failure` starts it
again, and the journal gives back what was received. While every thread is well, the
watchdog pings systemd (`WATCHDOG=1` on $NOTIFY_SOCKET, the sd_notify protocol), so a
process that hangs as a whole is restarted too (`WatchdogSec=`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping

from meshbot.threads.barrier import Heartbeats

log = logging.getLogger(__name__)
EXIT_THREAD_LOST = 70  # EX_SOFTWARE: an internal error; systemd's on-failure restarts it
CHECK_EVERY_S = 1.0


def notify(state: str, environ: Mapping[str, str]) -> bool:
    """Send one sd_notify datagram (e.g. "READY=1"); False where systemd is not listening.

    The protocol is a datagram on the unix socket named by NOTIFY_SOCKET (a leading "@"
    names an abstract socket); libsystemd's sd_notify does just this.
    """
    address = environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(state.encode("utf-8"))
    except OSError as exc:
        log.warning("could not notify systemd (%s): %s", address.lstrip("\0"), exc)
        return False
    return True


def ping_interval(environ: Mapping[str, str]) -> float | None:
    """Half of systemd's WatchdogSec (WATCHDOG_USEC), as sd_watchdog_enabled advises; None if off."""
    usec = environ.get("WATCHDOG_USEC")
    pid = environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        return max(int(usec) / 2e6, 0.05)
    except ValueError:
        return None


def _exit_process(code: int) -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()
    os._exit(code)  # the stuck or dead thread cannot be joined: leave now, systemd restarts


class Watchdog:
    """Checks each watched thread every second: alive, and beating within `stall_s`."""

    def __init__(
        self,
        beats: Heartbeats,
        stall_s: float,
        environ: Mapping[str, str],
        status: Callable[[], str | None] = lambda: None,
        on_fatal: Callable[[int], None] = _exit_process,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._beats = beats
        self._stall_s = stall_s
        self._environ = environ
        self._status = status
        self._on_fatal = on_fatal
        self._monotonic = monotonic
        self._watched: list[threading.Thread] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_status: str | None = None

    def watch(self, thread: threading.Thread) -> None:
        self._watched.append(thread)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="meshbot-watchdog", daemon=True)
        self._thread.start()
        notify("READY=1", self._environ)

    def stop(self) -> None:
        """Stop watching (before the threads are asked to stop)."""
        notify("STOPPING=1", self._environ)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._watched.clear()

    def trouble(self) -> str | None:
        """What is wrong with the watched threads, or None."""
        for thread in self._watched:
            if not thread.is_alive():
                return f"thread {thread.name} died"
            silent = self._beats.silent_for(thread.name)
            if silent > self._stall_s:
                return f"thread {thread.name} has hung for {silent:.0f} s (watchdog_stall_s is {self._stall_s:g})"
        return None

    def _run(self) -> None:
        interval = ping_interval(self._environ)
        next_ping = 0.0
        while not self._stop.wait(min(CHECK_EVERY_S, interval or CHECK_EVERY_S)):
            problem = self.trouble()
            if problem is not None and not self._stop.is_set():
                log.critical("%s; exiting with status %d so the service manager restarts meshbot",
                             problem, EXIT_THREAD_LOST)
                self._on_fatal(EXIT_THREAD_LOST)
                return
            status = self._status()
            if status != self._last_status:
                notify(f"STATUS={status or 'running'}", self._environ)
                self._last_status = status
            now = self._monotonic()
            if interval is not None and now >= next_ping:
                notify("WATCHDOG=1", self._environ)
                next_ping = now + interval
