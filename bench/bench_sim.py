"""Benchmarks of the radio simulator: speed, and reachability against Meshtasticator.

Covers:
  throughput    the `town` scenario (100 nodes, a realistic traffic model) for 24 hours
                of virtual time: wall seconds, how many times faster than real time,
                and what the mesh did. Target: under 30 s (>= 3000x real time).
  reachability  random placements set up as Meshtasticator's batchSim.py: share of
                (message, other node) pairs reached, flood graph vs full simulation.
  airtime       time on air of a 40- and a 200-byte text on every preset.

Usage:
  .venv/bin/python bench/bench_sim.py throughput [--repeat 3] [--hours 24] [--scenario town]
  .venv/bin/python bench/bench_sim.py reachability [--repetitions 100] [--areas 3000 6000 15000]
  .venv/bin/python bench/bench_sim.py airtime
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hardware.airtime import PRESETS, text_packet_bytes, time_on_air  # noqa: E402
from hardware.sim.runs import run_scenario  # noqa: E402
from hardware.sim.scenario import load_scenario  # noqa: E402
from hardware.sim.validation import Setup, reachability  # noqa: E402

NODE_COUNTS = (3, 5, 10, 15, 20, 25, 30)
MESHTASTICATOR_REPORTED = {10: 0.88, 30: 0.70}
"""Reachability Meshtasticator's README figure shows for hop limit 3 (read off the plot)."""


def throughput(args: argparse.Namespace) -> None:
    scenario = load_scenario(args.scenario)
    walls = []
    result: dict = {}
    for i in range(args.repeat):
        result = run_scenario(scenario, args.hours, seed=args.seed)
        walls.append(result["wall_seconds"])
        print(f"run {i + 1}: {result['wall_seconds']:.2f} s", file=sys.stderr)
    best, median = min(walls), statistics.median(walls)
    virtual = args.hours * 3600
    packets, direct = result["packets"], result["direct"]
    summary = {
        "scenario": scenario.name,
        "nodes": result["nodes"],
        "virtual_hours": args.hours,
        "wall_s_best": round(best, 2),
        "wall_s_median": round(median, 2),
        "speedup_best": round(virtual / best),
        "traffic": result["traffic"],
        "transmissions": packets["sent"],
        "receptions_decoded": packets["decoded"],
        "collided": packets["collided"],
        "half_duplex": packets["half_duplex"],
        "relays_cancelled": packets["relays_cancelled"],
        "held_by_duty_cycle": packets["held_by_duty_cycle"],
        "broadcast_reach_mean": result["broadcast_reach"]["mean"],
        "direct_delivered": f"{direct['delivered']}/{direct['sent']}",
        "direct_acked": f"{direct['acked']}/{direct['want_ack']}",
        "channel_utilisation_mean_pct": result["channel_utilisation_percent"]["mean"],
        "channel_utilisation_max_pct": result["channel_utilisation_percent"]["max"],
        "worst_hour_duty_cycle_max_pct": max(result["worst_hour_duty_cycle_percent"].values()),
    }
    print(json.dumps(summary, indent=2))


def reach(args: argparse.Namespace) -> None:
    print("| area | nodes | Meshtasticator | flood graph | simulated | messages |")
    print("|---:|---:|---:|---:|---:|---:|")
    for area in args.areas:
        for n in args.nodes:
            started = time.perf_counter()
            r = reachability(Setup(n, area_m=area), repetitions=args.repetitions)
            reported = MESHTASTICATOR_REPORTED.get(n)
            shown = f"~{reported:.0%}" if reported else ""
            print(
                f"| {area / 1000:g} km | {n} | {shown} | {r.graph:.1%} ± {r.graph_std:.1%} "
                f"| {r.simulated:.1%} ± {r.simulated_std:.1%} | {r.messages} |",
                flush=True,
            )
            print(f"  ({time.perf_counter() - started:.1f} s)", file=sys.stderr)


def airtime(_args: argparse.Namespace) -> None:
    print("| preset | SF | BW kHz | CR | 40-byte text (62 B) | 200-byte text (223 B) |")
    print("|---|---:|---:|---:|---:|---:|")
    for p in PRESETS.values():
        short = time_on_air(text_packet_bytes(40), p) * 1000
        long = time_on_air(text_packet_bytes(200), p) * 1000
        print(f"| {p.name} | {p.spreading_factor} | {p.bandwidth_hz / 1000:g} | 4/{p.coding_rate} "
              f"| {short:.1f} ms | {long:.1f} ms |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    t = sub.add_parser("throughput")
    t.add_argument("--scenario", default="town")
    t.add_argument("--hours", type=float, default=24.0)
    t.add_argument("--repeat", type=int, default=3)
    t.add_argument("--seed", type=int, default=42)
    t.set_defaults(run=throughput)
    r = sub.add_parser("reachability")
    r.add_argument("--repetitions", type=int, default=100)
    r.add_argument("--areas", type=float, nargs="+", default=[3000.0, 6000.0, 15000.0])
    r.add_argument("--nodes", type=int, nargs="+", default=list(NODE_COUNTS))
    r.set_defaults(run=reach)
    a = sub.add_parser("airtime")
    a.set_defaults(run=airtime)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
