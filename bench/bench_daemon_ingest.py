"""Ingest of the whole daemon: texts pushed through a radio's TCP stream, until handled.

`bench_ingest.py` measures the worker alone. This one runs `meshbot run --host` as its
own process against the simulator's TCP node (Meshtastic's stream API on 127.0.0.1),
so every text passes the real `meshtastic` library, its pubsub, the journal thread's
group commits, and the worker taking what waits in bursts, on a fresh SQLite file
(WAL, synchronous=FULL). The node pushes the texts as fast as the socket takes them;
the rate is texts handled (marked in the journal) per second from the first push.

    .venv/bin/python bench/bench_daemon_ingest.py [--commands 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_ingest import RANDOM_SEED, commands

from hardware.link import NodeInfo
from hardware.sim.tcp_server import StreamApiServer

BOT = 0x4D42A001
POLL_S = 0.02


def _count(db: Path, where: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return int(con.execute(f"select count(*) from seenpacket {where}").fetchone()[0])
    except sqlite3.OperationalError:  # the daemon has not made its tables yet
        return 0


def one_run(count: int, folder: Path) -> tuple[float, float]:
    """(texts journalled per second, texts handled per second) for one fresh daemon."""
    db = folder / "board.db"
    radio = StreamApiServer(BOT, [NodeInfo(BOT, "BASE", "Base")])
    radio.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    env.update(MESHBOT_DB=str(db), MESHBOT_RATE_LIMIT_PER_MINUTE="100000", MESHBOT_REPEAT_WINDOW_S="0")
    with (folder / "daemon.log").open("w") as log:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "meshbot.cli.main", "--create", "run", "--host", f"127.0.0.1:{radio.address[1]}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, env=env,
        )
        try:
            if not radio.wait_for_client(timeout=60):
                raise RuntimeError(f"the daemon never connected; see {folder / 'daemon.log'}")
            texts = commands(count, random.Random(RANDOM_SEED))
            started = time.perf_counter()
            for message in texts:
                radio.push_text(message.from_node, message.text, to=BOT, packet_id=message.packet_id)
            journalled = handled = None
            while handled is None:
                time.sleep(POLL_S)
                if journalled is None and _count(db, "") >= count:
                    journalled = time.perf_counter() - started
                if _count(db, "where handled") >= count:
                    handled = time.perf_counter() - started
            return count / (journalled or handled), count / handled
        finally:
            daemon.terminate()
            daemon.wait(timeout=60)
            radio.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commands", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="fresh daemons; the median is reported")
    args = parser.parse_args()
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(one_run(args.commands, Path(tmp)))
    journalled = sorted(j for j, _ in runs)
    handled = sorted(h for _, h in runs)
    print(f"daemon, {args.commands} texts through the radio's TCP stream: journalled "
          f"{statistics.median(journalled):.0f}/s, handled {statistics.median(handled):.0f}/s "
          f"({handled[0]:.0f}-{handled[-1]:.0f} over {args.repeat} runs)")


if __name__ == "__main__":
    main()
