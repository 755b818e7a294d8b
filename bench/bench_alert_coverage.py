"""How many radios an alert reaches within 2 minutes, and what each way of sending it costs.

Covers: the 40-radio neighbourhood with a stock client on every radio (a packet listener on
each node, as the meshtastic library's `meshtastic.receive` gets them). ELIO, on the far
farms 4 radio links from the base, or CARO on the hill, sends `ALERT ...` by DM; nobody is on the committee, so
the bot broadcasts it at once. A radio counts as reached when its client got the alert's
words within 120 s of the resident's radio starting to send the ALERT, as a text or as
the ALERT_APP copy (`meshbot.simulation.outage.alert_heard`).
For each option, over the seeds: radios reached within 120 s (mean, worst), the share of
runs reaching >= 99 % of the other 38 radios, transmissions on air for the alert (the
bot's own and every relay) and their airtime, radios reached per transmission, and how
long the first flood lasted (so the second starts after it).

Options:

* `text, hl3`: one text flood with the mesh's hop limit (3);
* `text+app, hl3`: the text, then the ALERT_APP copy 20 s later, when the first flood is over;
* `text, hl4`: one text flood with hop limit 4;
* `text+app, hl4`: both floods with hop limit 4.

    .venv/bin/python bench/bench_alert_coverage.py --seeds 10
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from dataclasses import dataclass

from meshbot.simulation import outage
from meshbot.simulation.outage import Line, Script

SCENARIO = "neighbourhood"
SENDERS = ("ELIO", "CARO")
"""The far farms (4 links out) and the hill next to the base, where ELIO is a receiver."""
TEXT = "ALERT flood on the farm road, 2 families cut off @farms"
RAISED_AT_S = 60.0
WINDOW_S = 120.0
OPTIONS = {
    "text, hl3": {"alert_app_packet": False, "alert_hop_limit": 0},
    "text+app, hl3": {"alert_app_packet": True, "alert_hop_limit": 0},
    "text, hl4": {"alert_app_packet": False, "alert_hop_limit": 4},
    "text+app, hl4": {"alert_app_packet": True, "alert_hop_limit": 4},
}


@dataclass(frozen=True)
class Coverage:
    others: int
    reached: int
    transmissions: int
    airtime_s: float
    first_flood_s: float
    """From the bot's first broadcast starting to the last relay of it ending."""


def measure(seed: int, sender_name: str, overrides: dict[str, object]) -> Coverage:
    """One run: a client on every radio, one resident's alert, WINDOW_S from its DM."""
    script = Script(lines=(Line(RAISED_AT_S, sender_name, TEXT),))
    run = outage.start(SCENARIO, seed=seed, script=script, clients=True, **overrides)
    sender = run.node(sender_name).num
    run.advance_to(RAISED_AT_S + WINDOW_S)
    typed = min(e.time for e in run.mesh.log if e.kind == "tx" and e.node == sender and e.text.startswith("ALERT"))
    run.advance_to(typed + WINDOW_S)
    ids = outage.broadcast_ids(run, "ALERT a1")
    on_air = [e for e in run.mesh.log if e.packet_id in ids and e.kind in ("tx", "relay")]
    first = [e for e in on_air if e.packet_id == ids[0]]
    flood_s = max(e.time + e.duration for e in first) - min(e.time for e in first)
    others = set(run.mesh.nodes) - {run.bot, sender}
    reached = {n for n, at in outage.alert_heard(run, "a1").items() if at <= typed + WINDOW_S} & others
    return Coverage(len(others), len(reached), len(on_air), sum(e.duration for e in on_air), flood_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--options", nargs="*", default=list(OPTIONS))
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    print("| option | radios reached in 120 s, mean (worst) | runs >= 99 % | tx on air | airtime s "
          "| reached per tx | first flood s, median (max) |")
    print("|---|---|---|---|---|---|---|")
    for name in args.options:
        rows = [measure(seed, who, OPTIONS[name]) for who in SENDERS for seed in range(1, args.seeds + 1)]
        others = rows[0].others
        mean_reached = statistics.mean(r.reached for r in rows)
        full = sum(r.reached >= 0.99 * r.others for r in rows)
        tx = statistics.mean(r.transmissions for r in rows)
        air = statistics.mean(r.airtime_s for r in rows)
        print(f"| {name} | {mean_reached:.1f} of {others} ({min(r.reached for r in rows)}) | {full} of {len(rows)} "
              f"| {tx:.1f} | {air:.1f} | {mean_reached / tx:.2f} "
              f"| {statistics.median(r.first_flood_s for r in rows):.1f} ({max(r.first_flood_s for r in rows):.1f}) |",
              flush=True)
    print(f"{args.seeds} seeds x senders {', '.join(SENDERS)}; {time.perf_counter() - started:.0f} s wall")


if __name__ == "__main__":
    main()
