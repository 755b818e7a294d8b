"""Alert delivery on the simulated 40-node neighbourhood: reach and latency of the broadcast.

Covers: a responder on the far farms (4 radio links from the base, 3 relays) sends
`ALERT ...` by DM; the daemon on the base node broadcasts it. For each seed: how many of
the nodes reachable at all got the first broadcast, the median and worst time from the
base radio's first symbol to each node's client, and the worst against

* the ideal flood time: the same text broadcast alone into the same mesh on the
  simulator's ideal channel (no collisions, nothing else on air), mean over 20 seeds;
* the lower bound: every random contention wait at its minimum.

Also the reach after the repeat rounds (the whole first 35 minutes), with a client on
every radio: the text, the ALERT_APP copy or a repeat DM.

    .venv/bin/python bench/bench_alerts.py --seeds 20
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

from meshbot.alerts import flood_figures

from meshbot.simulation import outage
from meshbot.simulation.outage import Line, Script

SCENARIO = "neighbourhood"
FAR = "ELIO"
TEXT = "ALERT flood on the farm road @farms"
RAISED_AT_S = 60.0
FIRST_FLOOD_S = 180.0
WHOLE_LIFE_S = RAISED_AT_S + 35 * 60.0


def end_to_end(run: outage.Run, packet_id: int) -> tuple[float, float]:
    """(median, worst) seconds from the resident's radio starting to send the ALERT to each
    node's client getting the broadcast: the DM's hops, the bot, the wait for the DM's ACK
    flood to clear, and the flood."""
    far = run.node(FAR).num
    start = min(e.time for e in run.mesh.log if e.kind == "tx" and e.node == far and e.text.startswith("ALERT"))
    first: dict[int, float] = {}
    for e in run.mesh.log:
        if e.kind == "rx" and e.packet_id == packet_id and e.node not in first:
            first[e.node] = e.time - start
    return statistics.median(first.values()), max(first.values())


def one(seed: int, whole: bool) -> tuple[flood_figures.FloodFigures, str, float | None, tuple[float, float]]:
    script = Script(roles={"responder": (FAR,)}, lines=(Line(RAISED_AT_S, FAR, TEXT),))
    run = outage.play(SCENARIO, WHOLE_LIFE_S if whole else RAISED_AT_S + FIRST_FLOOD_S, seed=seed, script=script,
                      clients=whole)
    first = outage.broadcast_ids(run, "ALERT a1")[0]
    text = next(e.text for e in run.mesh.log if e.packet_id == first and e.kind == "tx")
    figures = flood_figures.figures(run.mesh, run.bot, first)
    e2e = end_to_end(run, first)
    if not whole:
        return figures, text, None, e2e
    reachable = run.mesh.reachable(run.bot) - {run.bot}
    got = set(outage.alert_heard(run, "a1"))  # the text, the ALERT_APP copy or a repeat
    return figures, text, len(got & reachable) / len(reachable), e2e


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    rows = []
    for seed in range(1, args.seeds + 1):
        figures, text, life, e2e = one(seed, whole=seed <= 5)
        rows.append((seed, figures, life, e2e))
    from hardware.sim import load_scenario

    scenario = load_scenario(SCENARIO)
    ideal = flood_figures.ideal_channel_worst_s(scenario, scenario.base, text)
    print(f"text on air: {text!r} ({len(text.encode())} bytes)")
    print(f"ideal flood time (ideal channel, mean of 20 seeds): {ideal:.2f} s; "
          f"lower bound: {rows[0][1].ideal_worst_s:.2f} s")
    print("seed  reached  median_s  worst_s  worst/ideal  worst/bound  e2e_median_s  e2e_worst_s  reach_after_repeats")
    for seed, f, life, (e2e_median, e2e_worst) in rows:
        after = f"{life:.0%}" if life is not None else "-"
        print(f"{seed:4d}  {f.reached:3d}/{f.reachable:<3d}  {f.median_s:8.2f}  {f.worst_s:7.2f}  "
              f"{f.worst_s / ideal:11.2f}  {f.worst_ratio:11.2f}  {e2e_median:12.1f}  {e2e_worst:11.1f}  {after:>8}")
    ratios = [f.worst_s / ideal for _, f, _, _ in rows]
    reach = [f.reach for _, f, _, _ in rows]
    print(f"end to end: median {statistics.median(e[0] for *_, e in rows):.1f} s, "
          f"worst {max(e[1] for *_, e in rows):.1f} s")
    print(f"median of medians {statistics.median(f.median_s for _, f, _, _ in rows):.2f} s; "
          f"worst/ideal median {statistics.median(ratios):.2f}, p90 {sorted(ratios)[int(0.9 * len(ratios)) - 1]:.2f}, "
          f"max {max(ratios):.2f}; first-flood reach median {statistics.median(reach):.0%}, min {min(reach):.0%}; "
          f"{time.perf_counter() - started:.0f} s wall")


if __name__ == "__main__":
    main()
