"""ACK latency of the base's want_ack DMs on a scenario, by radio links to the destination.

Covers two cases for destinations 1, 2 and 3 links from the base (up to 6 of each, 5 DMs
each, every DM given 120 s of mesh time alone):

* quiet: a 60-byte DM from the base into an otherwise silent mesh;
* after a command: the resident first DMs the base a 20-byte command (want_ack), and
  one second after the base got it, the base sends a 120-byte reply; the reply's ACK
  latency is measured while the command's flood and its ACK's flood may still be on air.

Per case and link count: real ACKs / DMs, how many got only an implicit ack, and the
min / median / max seconds from the base handing the DM to its radio to its client
getting the destination's ACK. Times are mesh (virtual) time, not wall time.

    .venv/bin/python bench/bench_ack_latency.py --scenario neighbourhood --seeds 1 2
"""

from __future__ import annotations

import argparse
import statistics

import simpy

from hardware.sim import SimMesh, load_scenario

DMS_PER_DESTINATION = 5
DESTINATIONS_PER_DISTANCE = 6
SETTLE_S = 120.0


def _ack_after(mesh: SimMesh, base: int, dest: int, pid: int, sent: float) -> tuple[float | None, bool]:
    acks = [e for e in mesh.log if e.kind == "routing" and e.node == base and e.request_id == pid]
    real = [e for e in acks if e.sender == dest]
    return (real[0].time - sent if real else None), bool(acks and not real)


def measure(scenario_name: str, seed: int, after_command: bool) -> dict[int, tuple[int, int, int, list[float]]]:
    scenario = load_scenario(scenario_name)
    mesh = SimMesh.from_scenario(scenario, simpy.Environment(), seed=seed, loss=0.0)
    base = scenario.base
    links = mesh.link_distances(base)
    out = {}
    for hops in (1, 2, 3):
        dests = [n for n, d in links.items() if d == hops][:DESTINATIONS_PER_DISTANCE]
        latencies: list[float] = []
        implicit_only = sent_count = 0
        for dest in dests:
            for _ in range(DMS_PER_DESTINATION):
                if after_command:
                    got: list[dict] = []
                    mesh.node(base).add_listener(got.append)
                    mesh.node(dest).send_text("OFFER 10kg rice @elm", destination=base, want_ack=True)
                    deadline = mesh.env.now + 60
                    while not got and mesh.env.now < deadline:
                        mesh.advance(0.1)
                    mesh.node(base).remove_listener(got.append)
                    mesh.advance(1.0)
                text = "R" * (120 if after_command else 60)
                sent = mesh.env.now
                pid = mesh.node(base).send_text(text, destination=dest, want_ack=True)
                mesh.advance(SETTLE_S)
                latency, implicit = _ack_after(mesh, base, dest, pid, sent)
                sent_count += 1
                implicit_only += implicit
                if latency is not None:
                    latencies.append(latency)
        out[hops] = (len(latencies), sent_count, implicit_only, latencies)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="neighbourhood")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    for after_command in (False, True):
        case = "after a command" if after_command else "quiet"
        for seed in args.seeds:
            for hops, (acked, sent, implicit, lat) in measure(args.scenario, seed, after_command).items():
                spread = (
                    f"{min(lat):5.2f} / {statistics.median(lat):5.2f} / {max(lat):5.2f} s" if lat else "no ACK"
                )
                print(f"{case:<15} seed {seed}  {hops} link(s): ACKed {acked}/{sent}, implicit only {implicit}, "
                      f"min/median/max {spread}")


if __name__ == "__main__":
    main()
