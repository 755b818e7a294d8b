"""What an alert's repeats cost against the alert's own broadcasts, on the neighbourhood.

Covers: ELIO, on the far farms, sends `ALERT ...` by DM; nobody answers; the run lasts
past the last repeat round (33 minutes), a client on every radio. For each setting of
`alert_repeat_airtime_share` (100: no allowance, every round sends its 8 DMs, as before
the allowance; 1.0: the default), over the seeds:

* repeat DMs sent, and radios whose radio ACKed one;
* the bot's own airtime: repeat DMs (every try) against the alert's broadcasts (the text
  and the ALERT_APP copy), as the sender's budget counts it;
* the mesh's airtime: the same, with every relay and every routing ACK they caused;
* radios with the alert by the end (of the 38 others).

    .venv/bin/python bench/bench_alert_repeats.py --seeds 5
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from dataclasses import dataclass

from sqlmodel import col, select

from meshbot.simulation import outage
from meshbot.simulation.outage import Line, Run, Script
from store import DeliveryAttempt, session
from store.models import AlertCopy

SCENARIO = "neighbourhood"
SENDER = "ELIO"
TEXT = "ALERT flood on the farm road, 2 families cut off @farms"
RAISED_AT_S = 60.0
SHARES = (100.0, 1.0)


@dataclass(frozen=True)
class RepeatCost:
    dms: int
    acked: int
    bot_alert_s: float
    bot_repeats_s: float
    mesh_alert_s: float
    mesh_repeats_s: float
    have_it: int
    others: int


def _repeat_ids(run: Run) -> dict[int, int]:
    with session(run.daemon.engine) as db:
        rows = db.exec(select(DeliveryAttempt.packet_id, AlertCopy.node)
                       .join(AlertCopy, col(AlertCopy.outbox_id) == col(DeliveryAttempt.outbox_id))).all()
    return {int(packet_id): int(node) for packet_id, node in rows}


def measure(seed: int, share: float) -> RepeatCost:
    script = Script(lines=(Line(RAISED_AT_S, SENDER, TEXT),))
    run = outage.start(SCENARIO, seed=seed, script=script, clients=True, alert_repeat_airtime_share=share)
    run.advance_to(RAISED_AT_S + (run.daemon.settings.alert_repeat_minutes[-1] + 3) * 60)
    repeats = _repeat_ids(run)
    alert = set(outage.broadcast_ids(run, "ALERT a1"))
    on_air = [e for e in run.mesh.log if e.kind in ("tx", "retx", "relay", "ack")]
    acks = {e.packet_id for e in run.mesh.log if e.kind == "ack" and e.request_id in repeats}
    acked = {repeats[e.request_id] for e in run.mesh.log
             if e.kind == "routing" and e.node == run.bot and e.request_id in repeats
             and e.sender == repeats[e.request_id]}
    mine = [e for e in on_air if e.node == run.bot and e.kind in ("tx", "retx")]
    others = set(run.mesh.nodes) - {run.bot, run.node(SENDER).num}
    return RepeatCost(
        dms=len({e.packet_id for e in mine if e.packet_id in repeats}),
        acked=len(acked),
        bot_alert_s=sum(e.duration for e in mine if e.packet_id in alert),
        bot_repeats_s=sum(e.duration for e in mine if e.packet_id in repeats),
        mesh_alert_s=sum(e.duration for e in on_air if e.packet_id in alert),
        mesh_repeats_s=sum(e.duration for e in on_air if e.packet_id in repeats or e.packet_id in acks),
        have_it=len(set(outage.alert_heard(run, "a1")) & others),
        others=len(others),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    print("| repeat airtime share | repeat DMs (ACKed) | bot airtime: repeats / alert s | mesh airtime: repeats / alert s "
          "| radios with it by 33 min |")
    print("|---|---|---|---|---|")
    for share in SHARES:
        rows = [measure(seed, share) for seed in range(1, args.seeds + 1)]

        def mean(attr: str) -> float:
            return statistics.mean(getattr(r, attr) for r in rows)

        print(f"| {share:g} | {mean('dms'):.1f} ({mean('acked'):.1f}) "
              f"| {mean('bot_repeats_s'):.1f} / {mean('bot_alert_s'):.1f} "
              f"(max ratio {max(r.bot_repeats_s / r.bot_alert_s for r in rows):.2f}) "
              f"| {mean('mesh_repeats_s'):.1f} / {mean('mesh_alert_s'):.1f} "
              f"| {mean('have_it'):.1f} of {rows[0].others} |", flush=True)
    print(f"{args.seeds} seeds; {time.perf_counter() - started:.0f} s wall")


if __name__ == "__main__":
    main()
