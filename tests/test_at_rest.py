"""Keys and files at rest, through the real `meshbot` command line as processes on real files.

`rekey` and `init` beside a running daemon, a daemon logging at DEBUG that never writes a
resident's words, owner-only files, and boards that are empty, not SQLite, or damaged.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.link import NodeInfo
from hardware.sim.tcp_server import StreamApiServer
from store import open_engine

PASS = "correct horse battery staple"
NEW_PASS = "purple elephant dancing slowly"
BOT = 0x4D42A001
ANA = 0x000000A1


def env_of(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), MESHBOT_KDF_STRENGTH="interactive", **extra)
    return env


def meshbot(tmp_path: Path, db: Path, *args: str, stdin: str = "", **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "meshbot.cli.main", "--db", str(db), *args], input=stdin,
                          capture_output=True, text=True, env=env_of(tmp_path, **extra), timeout=120)


def start_daemon(tmp_path: Path, db: Path, **extra: str) -> subprocess.Popen[str]:
    daemon = subprocess.Popen([sys.executable, "-m", "meshbot.cli.main", "--db", str(db), "run", "--sim"],
                              stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env=env_of(tmp_path, **extra))
    assert daemon.stderr is not None
    for line in daemon.stderr:
        if "meshbot running" in line:
            return daemon
    raise AssertionError(f"the daemon ended before running (exit {daemon.wait()})")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- rekey beside a running daemon ----------------------------------------------------------


def test_rekey_and_init_refuse_while_the_daemon_runs_and_the_board_stays_readable(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    plain = tmp_path / "plain.db"
    assert meshbot(tmp_path, db, "--create", "init", stdin=PASS + "\n").returncode == 0
    open_engine(plain).dispose()
    daemon = start_daemon(tmp_path, db, MESHBOT_PASSPHRASE=PASS)
    plain_daemon = start_daemon(tmp_path, plain)
    try:
        rekey = meshbot(tmp_path, db, "rekey", stdin=NEW_PASS + "\n", MESHBOT_PASSPHRASE=PASS)
        assert rekey.returncode == 1
        [line] = rekey.stderr.splitlines()
        assert f"in use by process {daemon.pid}" in line and "stop it first" in line
        init = meshbot(tmp_path, plain, "init", stdin=PASS + "\n")
        assert init.returncode == 1 and f"in use by process {plain_daemon.pid}" in init.stderr
        assert "Traceback" not in rekey.stderr + init.stderr
    finally:
        for proc in (daemon, plain_daemon):
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=60)
    # nothing changed: the old passphrase still opens the board, and the plain one is still plain
    assert meshbot(tmp_path, db, "board", MESHBOT_PASSPHRASE=PASS).returncode == 0
    assert meshbot(tmp_path, db, "board", MESHBOT_PASSPHRASE=NEW_PASS).returncode == 1
    assert meshbot(tmp_path, plain, "board").returncode == 0
    # and once the daemon is stopped, rekey goes ahead
    assert meshbot(tmp_path, db, "rekey", stdin=NEW_PASS + "\n", MESHBOT_PASSPHRASE=PASS).returncode == 0
    assert meshbot(tmp_path, db, "board", MESHBOT_PASSPHRASE=NEW_PASS).returncode == 0


# -- residents' words never reach the log ------------------------------------------------


@pytest.fixture
def radio() -> Iterator[StreamApiServer]:
    nodes = [NodeInfo(BOT, "BASE", "Mutual Aid Base"), NodeInfo(ANA, "ANA", "Ana")]
    with StreamApiServer(BOT, nodes, seed=1) as server:
        server.acknowledge_direct_messages()
        yield server


def test_a_daemon_logging_at_debug_never_writes_a_residents_words(radio: StreamApiServer, tmp_path: Path) -> None:
    texts = ["OFFER zucchini 3kg @elm", "HELP landlord changed the locks at quince street",
             "NEED marmalade for grandmother", "xylophone wombat gibberish"]
    words = ["zucchini", "landlord", "quince", "marmalade", "grandmother", "xylophone", "wombat"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "meshbot.cli.main", "--db", str(tmp_path / "m.db"), "--create", "run",
         "--host", radio.hostport],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env_of(tmp_path, MESHBOT_MIN_GAP_S="1.5", MESHBOT_LOG_LEVEL="DEBUG"),
    )
    try:
        assert radio.wait_for_client(timeout=30), "the daemon never finished connecting"
        replies = []
        for n, text in enumerate(texts):
            radio.push_text(ANA, text, to=BOT, want_ack=True, packet_id=700 + n)
            packet = radio.wait_for_packet(timeout=30)
            while packet.to != ANA:  # a HELP may also reach the committee; the answer is ANA's
                packet = radio.wait_for_packet(timeout=30)
            replies.append(packet.decoded.payload.decode("utf-8"))
        assert "zucchini" in replies[0]  # the words were there to be logged, in and out
    finally:
        proc.send_signal(signal.SIGINT)
        _, log = proc.communicate(timeout=60)
    assert "DEBUG" in log and "!000000a1" in log  # it did log, at DEBUG, naming the node
    leaked = [w for w in words if w in log.lower()]
    assert leaked == [], f"residents' words in the log: {leaked}"
