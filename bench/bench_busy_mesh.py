"""Replies on a busy mesh: delivered, transmissions per reply, latency, channel use.

Covers: bursts of 1, 12 and 40 commands sent to the bot by DM on the simulated `block`
and `neighbourhood` scenarios, with the daemon on the base node, on SimPy's virtual
clock (the same physics as `meshbot sim serve`, hours of air in seconds). Each burst
runs on a fresh mesh and database; the run stops when every reply reached its
resident or after `RUN_FOR_S` of mesh time.

* burst 1: one resident, one command;
* burst 12: the same resident, 12 commands 0.5 s apart (a resident with canned messages);
* burst 20: ten residents one and two links out, two commands each within one minute
  (the shape of the busy-mesh test's ten residents, on the virtual clock);
* burst 40: up to 20 residents, the 40 commands spread over one minute.

For each: replies delivered (the resident's node got a packet containing the reply
the journal recorded for that command), the bot's transmissions per reply (packets
meshbot handed its radio — 'tx' in the air log — and, after the slash, with the
radio's own retransmissions — 'retx'), p50/p95 latency from the resident's radio
starting to send the command to the reply arriving at the resident, and the channel
busy share (the union of every transmission's time on air, any node, over the time
from the first command to the last reply delivered or the end of the run).

"Channel time the burst needs" is the sum of the time on air of every transmission
after the first command (the residents' DMs, their relays and ACKs, the bot's replies
with theirs); `drain/need` is the time from the first command to the last reply
delivered divided by that sum: 1.0 would be a channel busy back to back.

BEFORE and AFTER come from one run: meshbot at `--ref` (main's commit b7bc271 by
default) runs from a temporary `git worktree` with this tree's simulator (`hardware/`)
copied in, so both sides face the same mesh; the working tree's code runs as is.

    .venv/bin/python bench/bench_busy_mesh.py                 # prints the table
    .venv/bin/python bench/bench_busy_mesh.py --write         # and puts it in docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BEFORE_REF = "b7bc271"
SCENARIOS = ("block", "neighbourhood")
BURSTS = (1, 12, 20, 40)
RUN_FOR_S = 1200.0
START_S = 30.0
SETTLE_S = 120.0
"""After the last command, at least this long before the run may stop: longer than a
resident's radio takes for its own three tries of a command."""
SECTION = "## Replies on a busy mesh"


def _schedule(burst: int, residents: list[int], rng: random.Random) -> list[tuple[float, int]]:
    """(time, resident) of each command."""
    if burst == 1:
        return [(START_S, residents[0])]
    if burst == 12:
        return [(START_S + 0.5 * i, residents[0]) for i in range(12)]
    if burst == 20:
        return sorted((START_S + rng.uniform(0, 60), who) for who in residents[3:13] for _ in range(2))
    senders = residents[:20]
    times = sorted(START_S + rng.uniform(0, 60) for _ in range(burst))
    return [(t, senders[i % len(senders)]) for i, t in enumerate(times)]


def _busy_union(spans: list[tuple[float, float]], start: float, end: float) -> float:
    busy, cursor = 0.0, start
    for a, b in sorted(spans):
        a, b = max(a, cursor), min(b, end)
        if b > a:
            busy += b - a
            cursor = b
    return busy


def measure(scenario_name: str, burst: int, seed: int = 7) -> dict[str, Any]:
    """One burst on a fresh mesh and database, with whatever meshbot is importable."""
    import simpy
    from sqlmodel import select

    from hardware.sim import SimLink, SimMesh, load_scenario
    from meshbot.daemon import Daemon
    from meshbot.simulation.demo import bot_process
    from meshbot.settings import Settings
    from store import SeenPacket, open_engine, session

    scenario = load_scenario(scenario_name)
    env = simpy.Environment()
    mesh = SimMesh.from_scenario(scenario, env, seed=seed)
    bot = scenario.base
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "b.db"), rate_limit_per_minute=20)  # type: ignore[call-arg]
        daemon = Daemon(settings, SimLink(mesh, bot), open_engine(settings.db), clock=mesh.now)
        daemon.open()
        env.process(bot_process(env, daemon))
        residents = [n.num for n in scenario.residents]
        sent: list[tuple[float, int, int]] = []  # (time, resident, packet id)

        def command(at: float, who: int, k: int):  # type: ignore[no-untyped-def]
            yield env.timeout(at - env.now)
            pid = mesh.node(who).send_text(f"OFFER {k + 1} tins of beans", bot, 0, True)
            sent.append((env.now, who, pid))

        plan = _schedule(burst, residents, random.Random(seed))
        for k, (at, who) in enumerate(plan):
            env.process(command(at, who, k))

        def replies() -> dict[tuple[int, int], str]:
            with session(daemon.engine) as db:
                rows = db.exec(select(SeenPacket.from_node, SeenPacket.packet_id, SeenPacket.reply)).all()
            return {(f, p): r for f, p, r in rows if r}

        def arrival(who: int, reply: str) -> float | None:
            for e in mesh.log:
                if e.kind == "rx" and e.node == who and e.sender == bot and reply in e.text:
                    return e.time
            return None

        last_command = plan[-1][0]
        while env.now < RUN_FOR_S:
            mesh.advance(10)
            if env.now < last_command + SETTLE_S or len(sent) < burst:
                continue  # a command may still be on its way: the residents' radios retry it
            answers = replies()
            if all(arrival(w, answers[(w, p)]) is not None for _, w, p in sent if (w, p) in answers):
                break  # every command that reached the bot is answered (a lost one never will be)
        answers = replies()
        latencies: list[float] = []
        for t, who, pid in sent:
            reply = answers.get((who, pid))
            got = arrival(who, reply) if reply else None
            if got is not None:
                # from the resident's radio starting to send the command
                start = min((e.time for e in mesh.log if e.kind == "tx" and e.node == who and e.packet_id == pid), default=t)
                latencies.append(got - start)
        first = min(t for t, _, _ in sent)
        answered = sum(1 for _, w, p in sent if (w, p) in answers)
        end = first + max(latencies) if latencies and len(latencies) == answered else env.now
        txs = [e for e in mesh.log if e.duration > 0 and e.time >= first]
        bot_tx = [e for e in mesh.log if e.kind == "tx" and e.node == bot and e.to != 0xFFFFFFFF]
        bot_retx = [e for e in mesh.log if e.kind == "retx" and e.node == bot]
        need = sum(e.duration for e in txs if e.time <= end)
        drained = end - first
        daemon.close()
        daemon.engine.dispose()
    q = statistics.quantiles(latencies, n=20) if len(latencies) >= 2 else latencies * 19
    return {
        "scenario": scenario_name, "burst": burst, "commands": len(sent),
        "answered": answered,
        "delivered": len(latencies), "bot_tx": len(bot_tx), "bot_retx": len(bot_retx),
        "p50": statistics.median(latencies) if latencies else None,
        "p95": q[18] if latencies else None,
        "busy_pct": 100.0 * _busy_union([(e.time, e.time + e.duration) for e in txs], first, end) / max(drained, 1e-9),
        "need_s": need, "drained_s": drained,
    }


def measure_all(scenarios: tuple[str, ...], bursts: tuple[int, ...]) -> list[dict[str, Any]]:
    logging.disable(logging.WARNING)
    return [measure(s, b) for s in scenarios for b in bursts]


def run_ref(ref: str, scenarios: tuple[str, ...], bursts: tuple[int, ...]) -> list[dict[str, Any]]:
    """The same measurement with the code at `ref`, from a temporary git worktree."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), ref],
                       check=True, capture_output=True)
        try:
            # The same simulated mesh for both: only meshbot (and its store) are the old ones.
            shutil.rmtree(tree / "hardware")
            shutil.copytree(ROOT / "hardware", tree / "hardware", ignore=shutil.ignore_patterns("__pycache__"))
            env = {**os.environ, "PYTHONPATH": str(tree)}
            env = {k: v for k, v in env.items() if not k.startswith("MESHBOT_")}
            out = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--measure",
                 "--scenarios", *scenarios, "--bursts", *map(str, bursts)],
                cwd=tree, env=env, check=True, capture_output=True, text=True,
            )
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    lines = out.stdout.strip().splitlines()
    assert json.loads(lines[0])["code"] == str(tree), f"the run did not import the code at {ref}: {lines[0]}"
    return json.loads(lines[-1])


def _fmt(value: float | None, unit: str = " s") -> str:
    return "—" if value is None else f"{value:.0f}{unit}"


def table(before: list[dict[str, Any]], after: list[dict[str, Any]], ref: str) -> str:
    lines = [
        "| scenario | burst | code | reached the bot | replies delivered | bot tx / reply (with radio retx) | p50 | p95 | channel busy | drain / need |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for b, a in zip(before, after):
        for label, r in ((f"before ({ref})", b), ("after", a)):
            n = max(r["answered"], 1)
            lines.append(
                f"| {r['scenario']} | {r['burst']} | {label} | {r['answered']} of {r['commands']} | "
                f"{r['delivered']} of {r['answered']} | {r['bot_tx'] / n:.2f} ({(r['bot_tx'] + r['bot_retx']) / n:.2f}) | {_fmt(r['p50'])} | "
                f"{_fmt(r['p95'])} | {r['busy_pct']:.0f} % | {r['drained_s']:.0f} s / {r['need_s']:.0f} s |"
            )
    return "\n".join(lines)


def write_section(text: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    doc = path.read_text()
    head, found, tail = doc.partition(SECTION)
    rest = tail[tail.find("\n## "):] if found and "\n## " in tail else ""
    path.write_text(head.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n" + rest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default=BEFORE_REF, help="git ref whose code is 'before'")
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS))
    parser.add_argument("--bursts", nargs="+", type=int, default=list(BURSTS))
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help="replace the section in docs/benchmarks.md")
    args = parser.parse_args()
    scenarios, bursts = tuple(args.scenarios), tuple(args.bursts)
    if args.measure:
        import meshbot

        print(json.dumps({"code": str(Path(meshbot.__file__).resolve().parent.parent)}))
        print(json.dumps(measure_all(scenarios, bursts)))
        return
    started = time.perf_counter()
    before = run_ref(args.ref, scenarios, bursts)
    after = measure_all(scenarios, bursts)
    body = table(before, after, args.ref)
    took = time.perf_counter() - started
    text = (
        f"{SECTION}\n\nBursts of DMs to the bot on the simulated scenarios (virtual clock, seed 7; "
        f"`bench/bench_busy_mesh.py` says how each figure is taken). Before: meshbot at {args.ref}; "
        f"after: this tree; both on this tree's simulator, one run ({took:.0f} s of wall time).\n\n"
        f"    .venv/bin/python bench/bench_busy_mesh.py --write\n\n{body}\n\n"
        "*Reached the bot*: commands whose DM got through at all (these simulated residents do not "
        "send again). *Replies delivered*: of those, answers that reached the resident's node. "
        "*Bot tx / reply*: packets meshbot handed its radio per command answered (answers that "
        "share a packet make it less than 1), in brackets with the radio's own retransmissions. "
        "*p50/p95*: from the resident's radio starting to send the command to the answer arriving. "
        "*Channel busy*: share of that span any transmission was on air. *Drain / need*: that span "
        "against the sum of the air time of every transmission in it (1.0: a channel busy back to "
        "back; a run that never delivered everything shows the whole run).\n"
    )
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()
