"""Airtime of each resident action, in and out, on LONG_FAST, against one packet each way.

Covers: the whole worker (parse, handler, store, reply) on a real SQLite file, and the
LoRa time on air of each text (hardware/airtime.py: Semtech's formula, 22 bytes of
Meshtastic header and protobuf around a short text).
Scenario: a neighbourhood board of 30 postings by others (one of them a 190-byte entry);
one resident then joins, posts, lists, pages, reads one entry whole, takes, finishes,
cancels and asks for help, one command a minute. The answer's packets are counted as the
outbox sends them (`replies.split`: at most 200 bytes each, numbered parts).

    .venv/bin/python bench/bench_airtime_actions.py [--preset LONG_FAST] [--markdown]

The figures are computed, not timed: they do not depend on the machine's load.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from hardware.airtime import text_packet_bytes, text_time_on_air
from meshbot.inbound.inbox import Inbound
from meshbot.settings import Settings
from meshbot.inbound.worker import Worker
from protocol import replies
from store import open_engine

BOT = 0x0000_0002
RESIDENT = 0x0000_00A1
START = 1_767_225_600.0
LONG_ITEM = ("sofa bed with two cushions and a folding frame, blue cover, fits a small room, "
             "needs two people to carry down the stairs, pick up any evening this week")
SCRIPT = [
    ("JOIN", "JOIN Ana @elm"),
    ("NEED (post)", "NEED 2 blankets"),
    ("OFFER (post)", "OFFER rice 5kg @elm"),
    ("OFFER, long item", "OFFER " + "canned soup tins, tomato and lentil, some with pull tabs and some without " * 2),
    ("LIST", "LIST"),
    ("MORE", "MORE"),
    ("SHOW", "SHOW o1"),
    ("FIND", "FIND blanket"),
    ("MY", "MY"),
    ("MORE after MY", "MORE"),
    ("TAKE", "TAKE o3"),
    ("DONE", "DONE o3"),
    ("CANCEL", "CANCEL o32"),
    ("HELP", "HELP"),
    ("HELP verb", "HELP offer"),
    ("SAFE", "SAFE"),
    ("unknown verb", "asdf"),
]


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


def measure(preset: str) -> list[tuple[str, str, int, float, int, int, float]]:
    """(action, text, bytes in, s in, packets out, bytes out on air, s out) per command."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        clock = Clock()
        worker = Worker(open_engine(Path(folder) / "board.db"), Settings(db=":memory:"), clock)
        packet = iter(range(1, 10_000))

        def send(node: int, text: str) -> str | None:
            clock.now += 60
            return worker.process(Inbound(node, BOT, next(packet), 0, text))

        send(0x100, f"OFFER {LONG_ITEM} @oak")
        for i in range(2, 31):
            send(0x100 + i, f"{'OFFER' if i % 2 else 'NEED'} {['tarp', 'candles', 'water 10L', 'ride tue morning'][i % 4]} @elm")
        for i in range(9):  # Ana's own earlier posts, so MY has pages
            send(RESIDENT, f"OFFER jars of jam {i + 1}")
        for action, text in SCRIPT:
            reply = send(RESIDENT, text) or ""
            parts = replies.split(reply) if reply else []
            out_bytes = sum(text_packet_bytes(len(p.encode("utf-8"))) for p in parts)
            rows.append((action, text, text_packet_bytes(len(text.encode("utf-8"))), text_time_on_air(text, preset),
                         len(parts), out_bytes, sum(text_time_on_air(p, preset) for p in parts)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="LONG_FAST")
    parser.add_argument("--markdown", action="store_true", help="print the table for docs/benchmarks.md")
    args = parser.parse_args()
    rows = measure(args.preset)
    if args.markdown:
        print("| action | in: bytes on air, s | out: packets, bytes on air, s | in + out, s | one packet each way |")
        print("|---|---|---|---|---|")
    for action, text, in_bytes, in_s, packets, out_bytes, out_s in rows:
        ok = "yes" if packets == 1 else f"no ({packets} out)"
        if args.markdown:
            print(f"| {action} `{replies.fit(text, 24)}` | {in_bytes} B, {in_s:.2f} | {packets}, {out_bytes} B, "
                  f"{out_s:.2f} | {in_s + out_s:.2f} | {ok} |")
        else:
            print(f"{action:18} in {in_bytes:4d} B {in_s:5.2f} s  out {packets} pkt {out_bytes:4d} B {out_s:5.2f} s  "
                  f"total {in_s + out_s:5.2f} s  {ok}")


if __name__ == "__main__":
    main()
