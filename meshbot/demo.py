"""The simulated neighbourhood: residents post, get matched, raise an alert, and err once.

Everything runs on SimPy's virtual clock in this one thread: the daemon's `step` is a
simulation process, so an hour of mesh time takes a second or two of wall time.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import simpy
from sqlmodel import func, select

from hardware.link import BROADCAST_NUM
from hardware.sim import Scenario, ScenarioNode, SimLink, SimMesh, load_scenario
from meshbot.daemon import Daemon
from meshbot.settings import Settings
from store import Match, OutboxItem, SeenPacket, open_engine, session

SCENARIO = "block"
STEP_MAX_S = 1.0  # the bot looks at its outbox at least this often; texts in wake it at once
RUN_FOR_S = 900.0

# (virtual second, resident (index into the scenario's residents), text sent to the bot by DM).
# `{name}` and `{zone}` are the resident's own; `{ref}` is the first id (`o4`, `n3`) in the
# last text the resident got from the bot, read off their screen as a person would.
SCRIPT: tuple[tuple[float, int, str], ...] = (
    (10, 2, "JOIN {name} {zone}"),
    (30, 5, "JOIN {name} {zone}"),
    (60, 2, "OFFER 10kg rice @{zone}"),
    (90, 8, "NEED insulin !!"),
    (120, 5, "need: rice for 3 kids"),
    (150, 0, "Offer insulin 2 doses @{zone}"),
    (180, 3, "ofrezco pan 6 barras"),
    (210, 1, "LIST"),
    (240, 7, "BANANA 5"),
    (270, 6, "ALERT family evicted @{zone}"),
    (300, 10, "NEED blankets 3 @{zone}"),
    (330, 9, "FIND pan"),
    (390, 9, "TAKE {ref}"),
    (420, 5, "DONE {ref}"),
    (450, 4, "SAFE"),
)
_REF = re.compile(r"\b[on]\d+\b")


def schedule_script(env: simpy.Environment, mesh: SimMesh, scenario: Scenario) -> None:
    """Start one process per scripted message."""
    residents = scenario.residents
    for at, index, template in SCRIPT:
        who = residents[index % len(residents)]
        env.process(resident_process(env, mesh, who, scenario.base, at, template))


def _last_ref(mesh: SimMesh, num: int, bot: int) -> str:
    from_bot = [p["decoded"]["text"] for p in mesh.node(num).received if p.get("from") == bot]
    for text in reversed(from_bot):
        if found := _REF.search(text):
            return found.group()
    return "?"


@dataclass
class DemoResult:
    mesh: SimMesh
    daemon: Daemon
    virtual_seconds: float
    wall_seconds: float
    names: dict[int, str] = field(default_factory=dict)

    def _name(self, num: int) -> str:
        return "all" if num == BROADCAST_NUM else self.names.get(num, f"!{num:08x}")

    def transcript(self) -> Iterator[str]:
        """The air as a person would tell it: who sent what to whom, once per packet."""
        shown: set[tuple[int, int]] = set()
        for event in self.mesh.log:
            if event.kind != "tx" or (event.node, event.packet_id) in shown:
                continue  # a radio's own retransmission of a packet is not news
            shown.add((event.node, event.packet_id))
            minutes, seconds = divmod(int(event.time), 60)
            yield f"[{minutes:02d}:{seconds:02d}] {self._name(event.node):>5} -> {self._name(event.to):<5} {event.text}"

    def summary(self) -> dict[str, Any]:
        engine = self.daemon.engine
        with session(engine) as db:
            messages_in = db.exec(select(func.count()).select_from(SeenPacket)).one()
            replies_sent = db.exec(
                select(func.count()).select_from(OutboxItem).where(OutboxItem.sent_at.is_not(None))  # type: ignore[union-attr]
            ).one()
            matches = db.exec(select(func.count()).select_from(Match)).one()
            alert_ids = db.exec(
                select(OutboxItem.packet_id).where(
                    OutboxItem.destination == BROADCAST_NUM, OutboxItem.text.startswith("ALERT"),  # type: ignore[attr-defined]
                    OutboxItem.sent_at.is_not(None),  # type: ignore[union-attr]
                )
            ).all()
        bot = self.daemon.link.my_node_num
        reachable = self.mesh.reachable(bot) - {bot}
        reached = {
            num for num in reachable
            if any(p.get("id") in alert_ids for p in self.mesh.node(num).received)
        }
        return {
            "nodes": len(self.mesh.nodes),
            "messages_in": messages_in,
            "replies_sent": replies_sent,
            "matches": matches,
            "alert_reach": {"reached": len(reached), "reachable": len(reachable)},
            "virtual_seconds": round(self.virtual_seconds, 1),
            "wall_seconds": round(self.wall_seconds, 2),
        }


def bot_process(env: simpy.Environment, daemon: Daemon) -> Iterator[simpy.Event]:
    """The daemon's worker and sender as one simulation process; interrupt it to stop.

    A received text wakes it at once (as the worker thread would), so replies leave
    as soon as pacing allows rather than on the next poll.
    """
    arrival = env.event()

    def wake() -> None:
        if not arrival.triggered:
            arrival.succeed()

    daemon.inbox.on_arrival = wake
    try:
        while True:
            wait = daemon.step()
            if arrival.triggered:
                arrival = env.event()
            yield env.timeout(min(max(wait, 0.05), STEP_MAX_S)) | arrival
    except simpy.Interrupt:
        daemon.inbox.on_arrival = None


def resident_process(
    env: simpy.Environment, mesh: SimMesh, who: ScenarioNode, bot: int, at: float, template: str
) -> Iterator[simpy.Event]:
    yield env.timeout(at)
    text = template.format(name=who.long_name.split()[0], zone=who.zone, ref=_last_ref(mesh, who.num, bot))
    mesh.node(who.num).send_text(text, destination=bot, want_ack=True)


def run_demo(seed: int = 42, run_for_s: float = RUN_FOR_S) -> DemoResult:
    started = time.perf_counter()
    env = simpy.Environment()
    scenario = load_scenario(SCENARIO)
    mesh = SimMesh.from_scenario(scenario, env, seed=seed)
    bot = scenario.base
    names = {n.num: n.short_name for n in scenario.nodes}
    names[bot] = "bot"
    settings = Settings(db=":memory:")
    daemon = Daemon(settings, SimLink(mesh, bot), open_engine(settings.db), clock=mesh.now)
    daemon.open()
    env.process(bot_process(env, daemon))
    schedule_script(env, mesh, scenario)
    env.run(until=run_for_s)
    daemon.close()
    return DemoResult(mesh, daemon, env.now, time.perf_counter() - started, names)
