"""The simulated neighbourhood: residents post, get matched, raise an alert, and err once.

Everything runs on SimPy's virtual clock in this one thread: the daemon's `step` is a
simulation process, so an hour of mesh time takes a second or two of wall time.

A resident whose app shows no ACK from the bot (a routing ACK from the bot's node) a
minute or so after sending does what a person does: sends the same text again, at most
three times (after 60 to 90 s: people do not keep time to the second). A resident one
weak link from a busy base can see three tries in a row lost to the relays of the bot's
own replies (firmware's managed flooding), so a person keeps trying a little longer.
The summary counts each scripted message once, however many times it was sent, and says
how many never reached the bot.
"""

from __future__ import annotations

import random
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
RESEND_AFTER_S = 60.0
"""How long a resident waits at least for the app's ACK before sending the same text again."""
RESEND_JITTER_S = 30.0
REF_POLL_S = 5.0
REF_PATIENCE_S = 180.0
"""A resident who must quote an id (TAKE o5) waits this long for one to reach their screen."""
MAX_RESENDS = 3
"""Resends of one text without the bot's ACK: four tries in all, over four to six minutes."""

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


def schedule_script(
    env: simpy.Environment, mesh: SimMesh, scenario: Scenario, attempts: dict[int, list[int]] | None = None
) -> None:
    """Start one process per scripted message; `attempts[i]` collects the packet ids of message i."""
    residents = scenario.residents
    for i, (at, index, template) in enumerate(SCRIPT):
        who = residents[index % len(residents)]
        sent = attempts.setdefault(i, []) if attempts is not None else []
        env.process(resident_process(env, mesh, who, scenario.base, at, template, sent))


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
    attempts: dict[int, list[int]] = field(default_factory=dict)
    """Scripted message index -> packet ids of every time its resident sent it."""
    senders: dict[int, int] = field(default_factory=dict)
    """Scripted message index -> the resident's node number."""

    def verdict(self) -> str:
        """`15 of 15, none lost` (or how many never reached the bot)."""
        figures = self.summary()
        lost = figures["lost"]
        return f"{figures['messages_in']} of {figures['messages_sent']}, " + (
            "none lost" if not lost else f"{lost} lost"
        )

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
            handled = set(
                db.exec(select(SeenPacket.from_node, SeenPacket.packet_id).where(SeenPacket.handled)).all()
            )
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
        messages_in = sum(
            1 for i, ids in self.attempts.items() if any((self.senders[i], pid) in handled for pid in ids)
        )
        reachable = self.mesh.reachable(bot) - {bot}
        reached = {
            num for num in reachable
            if any(p.get("id") in alert_ids for p in self.mesh.node(num).received)
        }
        return {
            "nodes": len(self.mesh.nodes),
            "messages_sent": len(self.attempts),
            "messages_in": messages_in,
            "lost": len(self.attempts) - messages_in,
            "resends": sum(len(ids) - 1 for ids in self.attempts.values()),
            "replies_sent": replies_sent,
            "matches": matches,
            "alert_reach": {"reached": len(reached), "reachable": len(reachable)},
            "virtual_seconds": round(self.virtual_seconds, 1),
            "wall_seconds": round(self.wall_seconds, 2),
        }


def bot_process(env: simpy.Environment, daemon: Daemon, step_max_s: float = STEP_MAX_S) -> Iterator[simpy.Event]:
    """The daemon's worker and sender as one simulation process; interrupt it to stop.

    A received text wakes it at once (as the worker thread would), so replies leave
    as soon as pacing allows rather than on the next poll. `step_max_s`: the longest it
    sleeps when the sender says it may sleep longer (a run of virtual hours where only
    the sender's own wake-ups matter can take them as they come).
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
            yield env.timeout(min(max(wait, 0.05), step_max_s)) | arrival
    except simpy.Interrupt:
        daemon.inbox.on_arrival = None


def resident_process(
    env: simpy.Environment,
    mesh: SimMesh,
    who: ScenarioNode,
    bot: int,
    at: float,
    template: str,
    sent: list[int],
) -> Iterator[simpy.Event]:
    """Send one scripted text; without the bot's ACK a minute later, send it again (MAX_RESENDS times at most)."""
    yield env.timeout(at)
    waited = 0.0
    while "{ref}" in template and _last_ref(mesh, who.num, bot) == "?" and waited < REF_PATIENCE_S:
        yield env.timeout(REF_POLL_S)  # no id on the screen yet: a person waits for the answer
        waited += REF_POLL_S
    text = template.format(name=who.long_name.split()[0], zone=who.zone, ref=_last_ref(mesh, who.num, bot))
    node = mesh.node(who.num)
    patience = random.Random(f"{mesh.seed}:{who.num}:{at}")
    for _ in range(1 + MAX_RESENDS):
        acked = env.event()

        def on_packet(packet: dict, ids: list[int] = sent, acked: simpy.Event = acked) -> None:
            decoded = packet.get("decoded", {})
            routing = decoded.get("routing", {})
            if (
                packet.get("from") == bot
                and decoded.get("requestId") == ids[-1]
                and routing.get("errorReason", "NONE") == "NONE"
                and not acked.triggered
            ):
                acked.succeed()

        node.add_packet_listener(on_packet)
        sent.append(node.send_text(text, destination=bot, want_ack=True))
        yield acked | env.timeout(RESEND_AFTER_S + patience.uniform(0, RESEND_JITTER_S))
        node.remove_packet_listener(on_packet)
        if acked.triggered:
            return


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
    attempts: dict[int, list[int]] = {}
    schedule_script(env, mesh, scenario, attempts)
    env.run(until=run_for_s)
    daemon.close()
    residents = scenario.residents
    senders = {i: residents[index % len(residents)].num for i, (_at, index, _t) in enumerate(SCRIPT)}
    return DemoResult(mesh, daemon, env.now, time.perf_counter() - started, names, attempts, senders)
