"""How soon a text the radio writes reaches meshbot: the stock reader (one byte per
`recv`, texts handed over when the library publishes them) against
`hardware.stream_reader.bulk_reading` (what has arrived in one call, each text frame
handed over on the reader thread as it is cut).

Covers: the library's real TCPInterface on a real socket to the simulator's StreamAPI
server (hardware/sim/tcp_server.py) running in a process of its own, as a radio is a
device of its own; it writes each text as the firmware does (one FromRadio frame). A
burst of TEXTS texts is written as fast as the server can (and, for the window alone,
at a serial port's pace: one text every 6.5 ms, 115200 baud), and each text's time from
the write to the moment meshbot is handed it is taken (CLOCK_MONOTONIC, the same in both
processes): for the stock reader the pubsub `meshtastic.receive.text` listener (where
meshbot's inbox took it), for the bulk reader `on_text_frame` on the reader thread
(where it takes it now). Two conditions: a quiet daemon, and one with a CPU-bound thread
beside the reader (as the worker is while it handles texts), where every call that
releases the GIL may wait a switch interval to get it back. That window is what a
kill -9 can lose: texts the radio has written that meshbot has not yet been handed.

    .venv/bin/python bench/bench_stream_reader.py [--texts 400] [--repeat 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from meshtastic.tcp_interface import TCPInterface
from pubsub import pub

from hardware.link import NodeInfo
from hardware.sim.tcp_server import StreamApiServer
from hardware.stream_reader import bulk_reading

BOT = 0x4D42A001
SERIAL_PACE_S = 0.0065
SENDER = 0x1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _busy(stop: threading.Event) -> None:
    """Pure Python work holding the GIL, as the worker's ORM work does."""
    n = 0
    while not stop.is_set():
        n = (n * 31 + 7) % 1_000_003


def radio(conn: Connection, texts: int, pace_s: float) -> None:
    """The radio's process: serve one client, write a burst when told, report when each went."""
    server = StreamApiServer(BOT, [NodeInfo(BOT, "BASE", "Base")])
    server.start()
    conn.send(server.address)
    conn.recv()
    written: dict[int, float] = {}
    for i in range(texts):
        written[i + 1] = time.monotonic()
        server.push_text(SENDER + i, f"OFFER thing{i} @elm", to=BOT, want_ack=True, packet_id=i + 1)
        if pace_s:
            time.sleep(pace_s)
    conn.send(written)
    conn.recv()
    server.close()


def burst(cls: type, texts: int, busy: bool, pace_s: float = 0.0) -> tuple[float, float, float]:
    """(seconds from the first write to the last text handed over, p50 and max per-text window)."""
    got: dict[int, float] = {}
    done = threading.Event()

    def take(packet: dict[str, Any]) -> None:
        got.setdefault(int(packet["id"]), time.monotonic())
        if len(got) == texts:
            done.set()

    def on_text(packet: dict[str, Any], interface: object) -> None:
        take(packet)

    here, there = multiprocessing.Pipe()
    child = multiprocessing.get_context("spawn").Process(target=radio, args=(there, texts, pace_s))
    child.start()
    host, port = here.recv()
    bulk = cls is not TCPInterface
    if not bulk:
        pub.subscribe(on_text, "meshtastic.receive.text")
    iface = cls(host, portNumber=port, timeout=60)
    iface.on_text_frame = take
    stop = threading.Event()
    if busy:
        threading.Thread(target=_busy, args=(stop,), daemon=True).start()
    try:
        here.send("go")
        written: dict[int, float] = here.recv()
        assert done.wait(300), f"{len(got)} of {texts} texts handed over"
        windows = [got[i] - written[i] for i in written]
        return max(got.values()) - written[1], percentile(windows, 0.5), max(windows)
    finally:
        stop.set()
        if not bulk:
            pub.unsubscribe(on_text, "meshtastic.receive.text")
        iface.close()
        here.send("stop")
        child.join(30)

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    readers = (("stock", TCPInterface), ("bulk", bulk_reading(TCPInterface)))
    for busy, pace in ((False, 0.0), (True, 0.0), (True, SERIAL_PACE_S)):
        for run in range(1, args.repeat + 1):
            figures = {name: burst(cls, args.texts, busy, pace) for name, cls in readers}
            (s_total, s_p50, s_max), (b_total, b_p50, b_max) = figures["stock"], figures["bulk"]
            condition = ("busy thread" if busy else "quiet") + (", serial pace" if pace else "")
            print(f"{condition} run {run}: {args.texts} texts in "
                  f"stock {s_total * 1000:.0f} ms ({args.texts / s_total:,.0f} texts/s, window p50 "
                  f"{s_p50 * 1000:.1f} max {s_max * 1000:.1f} ms), bulk {b_total * 1000:.0f} ms "
                  f"({args.texts / b_total:,.0f} texts/s, window p50 {b_p50 * 1000:.1f} max {b_max * 1000:.1f} ms); "
                  f"ratio {s_total / b_total:.1f}x", flush=True)


if __name__ == "__main__":
    main()
