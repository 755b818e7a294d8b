"""A scripted crisis on the simulated mesh: the daemon on the base node, residents typing.

A scenario file (`hardware/sim/scenarios/*.toml`) gives the radios; the same file may
carry what happens on them, read here (the simulator ignores these tables):

    [roles]                      # who the committee set up beforehand
    committee = ["ANA", "BEN"]
    responder = ["QUIN"]

    [settings]                   # meshbot settings for the run
    emergency_reminder_hours = 1.0

    [[outage]]                   # radios whose batteries die (or come back)
    at = 0.0
    radio_off = ["LENA"]

    [[script]]                   # a resident sends a text, by DM (or on the channel)
    at = 30.0
    from = "ELIO"
    text = "ALERT flood on the farm road @{zone}"
    channel = false
    retries = 2                  # a DM with no answer in 90 s is sent again, as people do

In a text, `{name}` and `{zone}` are the sender's own, `{alert}` the last alert id and
`{code}` the last match code (`m5`) the sender read from the bot, as a person would.
Everything runs on SimPy's virtual clock in one thread.
"""

from __future__ import annotations

import re
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import simpy
from sqlmodel import col, select

from hardware.link import BROADCAST_NUM
from hardware.sim import Scenario, ScenarioNode, SimLink, SimMesh, load_scenario
from meshbot.daemon import Daemon
from meshbot.simulation.demo import bot_process
from meshbot.people.members import touch_member
from meshbot.settings import Settings
from store import Member, open_engine, session

_CODES = {"alert": re.compile(r"\ba\d+\b"), "code": re.compile(r"\bm\d+\b")}
ANSWER_WAIT_S = 90.0
DEFAULT_RETRIES = 2


@dataclass(frozen=True)
class Line:
    at: float
    sender: str
    text: str
    channel: bool = False
    retries: int = DEFAULT_RETRIES


@dataclass(frozen=True)
class Script:
    """What happens on a scenario's radios, from its TOML file."""

    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    lines: tuple[Line, ...] = ()
    radios_off: tuple[tuple[float, str], ...] = ()


def _text_of(name_or_path: str | Path) -> str:
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        return path.read_text(encoding="utf-8")
    return (resources.files("hardware.sim") / "scenarios" / f"{name_or_path}.toml").read_text(encoding="utf-8")


def load_script(name_or_path: str | Path) -> Script:
    """The [roles], [settings], [[outage]] and [[script]] tables of a scenario (all optional)."""
    data = tomllib.loads(_text_of(name_or_path))
    roles = {role: tuple(names) for role, names in data.get("roles", {}).items()}
    lines = tuple(
        Line(float(s["at"]), str(s["from"]), str(s["text"]), bool(s.get("channel", False)),
             int(s.get("retries", DEFAULT_RETRIES)))
        for s in data.get("script", [])
    )
    off = tuple((float(o["at"]), str(n)) for o in data.get("outage", []) for n in o.get("radio_off", []))
    return Script(roles, dict(data.get("settings", {})), tuple(sorted(lines, key=lambda x: x.at)), off)


@dataclass
class Run:
    """The mesh, the daemon on its base node, and what the script said."""

    env: simpy.Environment
    scenario: Scenario
    mesh: SimMesh
    daemon: Daemon
    script: Script
    sent: list[tuple[float, int, str]] = field(default_factory=list)
    """(virtual second, node, text) of each scripted line, as it left the resident's radio."""
    clients: dict[int, list[tuple[float, dict]]] = field(default_factory=dict)
    """Node -> (virtual second, packet dict) of everything its client got, when the run was
    started with a client on every radio (`start(clients=True)`)."""
    wall_seconds: float = 0.0

    @property
    def bot(self) -> int:
        return self.scenario.base

    def node(self, short_name: str) -> ScenarioNode:
        return self.scenario.by_short_name(short_name)

    def texts_from_bot(self, num: int) -> list[str]:
        return [p["decoded"]["text"] for p in self.mesh.node(num).received if p.get("from") == self.bot]

    def advance_to(self, at: float) -> None:
        if at > self.env.now:
            self.env.run(until=at)


def _last(run: Run, num: int, kind: str) -> str:
    for text in reversed(run.texts_from_bot(num)):
        if found := _CODES[kind].search(text):
            return found.group()
    return "?"


def _say(run: Run, line: Line) -> Iterator[simpy.Event]:
    yield run.env.timeout(max(0.0, line.at - run.env.now))
    who = run.node(line.sender)
    text = line.text.format(name=who.long_name.split()[0], zone=who.zone,
                            alert=_last(run, who.num, "alert"), code=_last(run, who.num, "code"))
    radio = run.mesh.node(who.num)
    if line.channel:
        radio.send_text(text)
        run.sent.append((run.env.now, who.num, text))
        return
    for _ in range(1 + line.retries):
        before = len(run.texts_from_bot(who.num))
        radio.send_text(text, destination=run.bot, want_ack=True)
        run.sent.append((run.env.now, who.num, text))
        yield run.env.timeout(ANSWER_WAIT_S)
        if len(run.texts_from_bot(who.num)) > before:
            return


def _switch_off(run: Run, at: float, short_name: str) -> Iterator[simpy.Event]:
    yield run.env.timeout(max(0.0, at - run.env.now))
    run.mesh.node(run.node(short_name).num).radio_off()


def _set_roles(run: Run, settings: Settings, now: float) -> None:
    with session(run.daemon.engine) as db, db.begin():
        for role, names in run.script.roles.items():
            for short_name in names:
                who = run.node(short_name)
                member = touch_member(db, who.num, now, who.short_name, settings.community)
                member.role, member.zone, member.name = role, who.zone, who.long_name.split()[0]
                db.add(member)


def _connect_clients(run: Run) -> None:
    """A client on every radio but the base: it keeps each packet dict the radio hands it,
    the ones the meshtastic library publishes on `meshtastic.receive` (texts, ALERT_APP...)."""
    for num in run.mesh.nodes:
        if num == run.bot:
            continue
        got: list[tuple[float, dict]] = []
        run.clients[num] = got
        run.mesh.node(num).add_packet_listener(lambda packet, got=got: got.append((run.env.now, packet)))


def start(
    scenario_name: str | Path,
    *,
    seed: int = 42,
    db: str | Path = ":memory:",
    script: Script | None = None,
    clients: bool = False,
    **overrides: Any,
) -> Run:
    """The scenario's mesh with the daemon running on its base node; nothing run yet.
    `clients`: a client connected to every radio, recording what it gets (`Run.clients`)."""
    scenario = load_scenario(scenario_name)
    script = script if script is not None else load_script(scenario_name)
    env = simpy.Environment()
    mesh = SimMesh.from_scenario(scenario, env, seed=seed)
    settings = Settings(db=str(db), **{**script.settings, **overrides})
    daemon = Daemon(settings, SimLink(mesh, scenario.base), open_engine(settings.db), clock=mesh.now)
    run = Run(env, scenario, mesh, daemon, script)
    if clients:
        _connect_clients(run)
    _set_roles(run, settings, mesh.now())
    daemon.open()
    env.process(bot_process(env, daemon))
    for line in script.lines:
        env.process(_say(run, line))
    for at, short_name in script.radios_off:
        env.process(_switch_off(run, at, short_name))
    return run


def play(scenario_name: str | Path, until: float, **kwargs: Any) -> Run:
    """Start the scenario and run it to `until` virtual seconds."""
    started = time.perf_counter()
    run = start(scenario_name, **kwargs)
    run.advance_to(until)
    run.wall_seconds = time.perf_counter() - started
    return run


def members(run: Run) -> list[Member]:
    with session(run.daemon.engine) as db:
        return list(db.exec(select(Member).order_by(col(Member.node_num))).all())


def broadcast_ids(run: Run, prefix: str) -> list[int]:
    """Packet ids of the bot's broadcasts whose text starts with `prefix`, in order."""
    return [e.packet_id for e in run.mesh.log
            if e.kind == "tx" and e.node == run.bot and e.to == BROADCAST_NUM and e.text.startswith(prefix)]


def words_of(packet: dict) -> str:
    """The words a client shows for a packet: a text, or the payload of an ALERT_APP one
    (the library decodes only the text port; an alert carries the same UTF-8 words)."""
    decoded = packet.get("decoded", {})
    if "text" in decoded:
        return str(decoded["text"])
    if decoded.get("portnum") == "ALERT_APP":
        return bytes(decoded.get("payload", b"")).decode("utf-8", errors="replace")
    return ""


def alert_heard(run: Run, ref: str) -> dict[int, float]:
    """Node -> the virtual second its client first got alert `ref` from the bot, as a text
    or as the ALERT_APP copy (needs `start(clients=True)`)."""
    first: dict[int, float] = {}
    for num, packets in run.clients.items():
        for at, packet in packets:
            if packet.get("from") == run.bot and words_of(packet).startswith(f"ALERT {ref} "):
                first[num] = at
                break
    return first
