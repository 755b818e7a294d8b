"""How fast the radio library's reader hands over a burst: the stock reader (one byte per
`recv`) against `hardware.stream_reader.bulk_reading` (what has arrived, in one call).

Covers: the library's real TCPInterface on a real socket to the simulator's StreamAPI
server (hardware/sim/tcp_server.py), which writes each text as the firmware does (one
FromRadio frame). A burst of TEXTS texts is pushed as fast as the server can write it,
and each text's time from `push_text` to the library publishing it
(`meshtastic.receive.text`, where meshbot's listener appends it to the arrival log) is
taken. Two conditions: a quiet process, and one with a CPU-bound thread beside the
reader (as the daemon's worker is while it handles texts), where every call that
releases the GIL may wait a switch interval to get it back. The "window" is what a
kill -9 can lose: texts the radio has written that meshbot has not yet been handed.

    .venv/bin/python bench/bench_stream_reader.py [--texts 400] [--repeat 3]
"""

from __future__ import annotations

import argparse
import threading
import time
from typing import Any

from meshtastic.tcp_interface import TCPInterface
from pubsub import pub

from hardware.sim.tcp_server import StreamApiServer
from hardware.link import NodeInfo
from hardware.stream_reader import bulk_reading

BOT = 0x4D42A001
SENDER = 0x1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _busy(stop: threading.Event) -> None:
    """Pure Python work holding the GIL, as the worker's ORM work does."""
    n = 0
    while not stop.is_set():
        n = (n * 31 + 7) % 1_000_003


def burst(cls: type, texts: int, busy: bool) -> tuple[float, float, float]:
    """(seconds from the first push to the last text handed over, p50 and max per-text window)."""
    server = StreamApiServer(BOT, [NodeInfo(BOT, "BASE", "Base")])
    server.start()
    got: dict[int, float] = {}
    done = threading.Event()

    def on_text(packet: dict[str, Any], interface: object) -> None:
        got[int(packet["id"])] = time.perf_counter()
        if len(got) == texts:
            done.set()

    pub.subscribe(on_text, "meshtastic.receive.text")
    iface = cls(server.address[0], portNumber=server.address[1], timeout=60)
    stop = threading.Event()
    worker = threading.Thread(target=_busy, args=(stop,), daemon=True)
    if busy:
        worker.start()
    try:
        pushed: dict[int, float] = {}
        for i in range(texts):
            pushed[i + 1] = time.perf_counter()
            server.push_text(SENDER + i, f"OFFER thing{i} @elm", to=BOT, want_ack=True, packet_id=i + 1)
        assert done.wait(300), f"{len(got)} of {texts} texts handed over"
        windows = [got[i] - pushed[i] for i in pushed]
        return max(got.values()) - pushed[1], percentile(windows, 0.5), max(windows)
    finally:
        stop.set()
        pub.unsubscribe(on_text, "meshtastic.receive.text")
        iface.close()
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    readers = (("stock", TCPInterface), ("bulk", bulk_reading(TCPInterface)))
    for busy in (False, True):
        for run in range(1, args.repeat + 1):
            figures = {name: burst(cls, args.texts, busy) for name, cls in readers}
            (s_total, s_p50, s_max), (b_total, b_p50, b_max) = figures["stock"], figures["bulk"]
            print(f"{'busy thread' if busy else 'quiet'} run {run}: {args.texts} texts in "
                  f"stock {s_total * 1000:.0f} ms ({args.texts / s_total:,.0f} texts/s, window p50 "
                  f"{s_p50 * 1000:.1f} max {s_max * 1000:.1f} ms), bulk {b_total * 1000:.0f} ms "
                  f"({args.texts / b_total:,.0f} texts/s, window p50 {b_p50 * 1000:.1f} max {b_max * 1000:.1f} ms); "
                  f"ratio {s_total / b_total:.1f}x", flush=True)


if __name__ == "__main__":
    main()
