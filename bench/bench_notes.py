"""Airtime of a note between the two sides of a match, on the simulated block.

Covers: Ana offers a tent, Ben needs one (match m1); Ben sends `MSG m1 ...`, Ana answers
`MSG m1 ...`. For each resident action: the bytes the resident typed, the bot's texts
the two residents got and their airtime (LONG_FAST, PKI), against the goal of one packet
in and one out (a note costs one more: the relayed copy), and everything the base radio
put on air meanwhile (its texts, routing ACKs, relays of other radios' floods, telemetry).
Then the same note to Ana while her radio is off for 20 minutes: what the base spends
before she is heard again (held: nothing but the answer to Ben), for RUNS seeds.

    .venv/bin/python bench/bench_notes.py
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

import simpy

from hardware.airtime import text_time_on_air
from hardware.sim import SimLink, SimMesh, load_scenario
from meshbot.daemon import Daemon
from meshbot.simulation.demo import bot_process
from meshbot.settings import Settings
from store import open_engine

SETTLE_S = 60.0
OFF_S = 20 * 60.0
SCRIPT = (
    ("ana", "JOIN Ana elm"), ("ben", "JOIN Ben oak"), ("ana", "OFFER tent"), ("ben", "NEED tent"),
    ("ben", "MSG m1 I can pick it up at 5pm"), ("ana", "MSG m1 see you at 5, gate by the oak"),
)


class Block:
    """The block scenario with the daemon on its base radio, on virtual time."""

    def __init__(self, db: Path, seed: int) -> None:
        self.env = simpy.Environment()
        scenario = load_scenario("block")
        self.mesh = SimMesh.from_scenario(scenario, self.env, seed=seed)
        self.bot = scenario.base
        self.people = {"ana": scenario.residents[2].num, "ben": scenario.residents[5].num}
        self.daemon = Daemon(Settings(db=str(db)), SimLink(self.mesh, self.bot), open_engine(db), clock=self.mesh.now)
        self.daemon.open()
        self.env.process(bot_process(self.env, self.daemon))

    def say(self, who: str, text: str) -> tuple[int, float, list[str]]:
        """Send `text` from `who`; (base transmissions, base airtime s, texts the two residents got)."""
        base, node = self.mesh.node(self.bot), self.mesh.node(self.people[who])
        nodes = [self.mesh.node(num) for num in self.people.values()]
        tx, air, seen = base.tx_count, base.airtime_s, [len(n.texts()) for n in nodes]
        node.send_text(text, destination=self.bot, want_ack=True)
        self.mesh.advance(SETTLE_S)
        got = [t for n, before in zip(nodes, seen) for t in n.texts()[before:]]
        return base.tx_count - tx, base.airtime_s - air, got


def script_table(seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        block = Block(Path(tmp) / "bench.db", seed)
        print("| action | bytes in | airtime in (s) | bot texts to the two | their airtime (s) | base radio tx, all kinds | base airtime (s) |")
        print("|---|---|---|---|---|---|---|")
        for who, text in SCRIPT:
            tx, air, got = block.say(who, text)
            texts_air = sum(text_time_on_air(t, pki=True) for t in got)
            print(f"| `{text}` | {len(text.encode())} | {text_time_on_air(text, pki=True):.2f} | {len(got)} | "
                  f"{texts_air:.2f} | {tx} | {air:.2f} |")
        block.daemon.close()


def held_note(seed: int) -> tuple[int, float, int, float]:
    """(base tx, airtime) while Ana is off after Ben's note, and when she is heard again."""
    with tempfile.TemporaryDirectory() as tmp:
        block = Block(Path(tmp) / "bench.db", seed)
        for who, text in SCRIPT[:4]:
            block.say(who, text)
        ana, base = block.mesh.node(block.people["ana"]), block.mesh.node(block.bot)
        ana.radio_off()
        block.mesh.advance(OFF_S)
        tx, air = base.tx_count, base.airtime_s
        block.say("ben", SCRIPT[4][1])
        block.mesh.advance(OFF_S)
        off_tx, off_air = base.tx_count - tx, base.airtime_s - air
        ana.radio_on()
        tx, air, got = block.say("ana", "MY")
        assert any(t.startswith("m1 Ben: ") for t in got), got
        block.daemon.close()
        return off_tx, off_air, tx, air


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    script_table(args.seed)
    print()
    print("| seed | base tx while Ana is off (answer to Ben) | airtime (s) | base tx when Ana is heard (MY + note) | airtime (s) |")
    print("|---|---|---|---|---|")
    for seed in range(args.seed, args.seed + args.runs):
        off_tx, off_air, on_tx, on_air = held_note(seed)
        print(f"| {seed} | {off_tx} | {off_air:.2f} | {on_tx} | {on_air:.2f} |")


if __name__ == "__main__":
    main()
