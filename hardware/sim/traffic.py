"""Who says what on the simulated mesh, and when: a scenario's traffic model.

Covers: SimPy processes that make residents talk, so hours of mesh life can be simulated
without a script. Every interval is the mean of an exponential distribution (a Poisson
process per node), drawn from a seeded RNG of its own.

* posts: each resident sends the bot a direct message (`want_ack`, like a phone app)
  every `post_interval_s` on average, picking one of `posts` (`{zone}` and `{name}` are
  the resident's own);
* replies (`sim run` only; with a real bot attached it answers for itself): the bot node
  answers every text it gets after `reply_delay_s`, `reply_bytes` long, `want_ack`;
* alerts: the bot broadcasts an alert of `alert_bytes` every `alert_interval_s`;
* chatter: each resident broadcasts `chatter_bytes` on the channel every
  `chatter_interval_s` (greetings, questions to neighbours: not for the bot).

An interval of 0 switches that kind of traffic off.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, fields
from typing import Any

import simpy

from hardware.link import BROADCAST_NUM
from hardware.sim.mesh import SimMesh, SimNode

DEFAULT_POSTS = (
    "NEED water 20L @{zone}",
    "OFFER rice 5kg @{zone}",
    "NEED ride to clinic @{zone}",
    "OFFER 2 blankets @{zone}",
    "LIST",
    "MY",
    "NEED insulin !!",
    "OFFER phone charging @{zone}",
    "JOIN {name} {zone}",
    "SAFE {zone}",
)


@dataclass(frozen=True)
class TrafficModel:
    """Mean intervals (seconds) and sizes (bytes) of the traffic a scenario carries."""

    post_interval_s: float = 7200.0
    posts: tuple[str, ...] = DEFAULT_POSTS
    want_ack: bool = True
    reply: bool = True
    reply_bytes: int = 120
    reply_delay_s: float = 3.0
    alert_interval_s: float = 43200.0
    alert_bytes: int = 150
    chatter_interval_s: float = 14400.0
    chatter_bytes: int = 40

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
                raise ValueError(f"traffic {f.name} must not be negative")
        for name in ("reply_bytes", "alert_bytes", "chatter_bytes"):
            if getattr(self, name) > 200:
                raise ValueError(f"traffic {name} must be at most 200 (a reply's limit)")
        if not self.posts:
            raise ValueError("traffic posts must list at least one text")

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> TrafficModel:
        """From a scenario's [traffic] table; ValueError names an unknown or bad key."""
        known = {f.name: f for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in table.items():
            if key not in known:
                raise ValueError(f"unknown traffic setting {key!r}; known: {', '.join(known)}")
            default = getattr(cls, key) if key != "posts" else DEFAULT_POSTS
            if key == "posts":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ValueError("traffic posts must be a list of texts")
                value = tuple(value)
            elif isinstance(default, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"traffic {key} must be true or false")
            elif isinstance(default, int) and not isinstance(value, int):
                raise ValueError(f"traffic {key} must be a whole number")
            elif isinstance(default, float):
                if not isinstance(value, (int, float)) or isinstance(value, bool):
                    raise ValueError(f"traffic {key} must be a number")
                value = float(value)
            kwargs[key] = value
        return cls(**kwargs)


def filler(size: int, prefix: str = "") -> str:
    """A plausible text of exactly `size` ASCII bytes (a reply, an alert)."""
    words = "the rice is at the hall water point open from nine bring containers thanks "
    body = prefix + (words * (size // len(words) + 2))
    return body[:size].rstrip() + "." * (size - len(body[:size].rstrip()))


class Traffic:
    """Starts the processes of a traffic model on a mesh."""

    def __init__(
        self,
        mesh: SimMesh,
        model: TrafficModel,
        bot: int,
        residents: Iterable[int],
        *,
        seed: int = 0,
        simulate_bot: bool = True,
    ) -> None:
        self.mesh = mesh
        self.model = model
        self.bot = bot
        self.residents = [num for num in residents if num != bot]
        self.rng = random.Random(f"{seed}:traffic")
        self.simulate_bot = simulate_bot
        self.sent: dict[str, int] = {"posts": 0, "replies": 0, "alerts": 0, "chatter": 0}

    def start(self) -> None:
        env = self.mesh.env
        m = self.model
        for num in self.residents:
            node = self.mesh.node(num)
            if m.post_interval_s:
                env.process(self._every(m.post_interval_s, self._post, node))
            if m.chatter_interval_s:
                env.process(self._every(m.chatter_interval_s, self._chatter, node))
        if self.simulate_bot:
            if m.reply:
                self.mesh.node(self.bot).add_listener(self._on_bot_text)
            if m.alert_interval_s:
                env.process(self._every(m.alert_interval_s, self._alert, self.mesh.node(self.bot)))

    def _every(
        self, mean_s: float, act: Callable[[SimNode], None], node: SimNode
    ) -> Generator[simpy.Event, object, None]:
        env = self.mesh.env
        while True:
            yield env.timeout(self.rng.expovariate(1.0 / mean_s))
            act(node)

    def _post(self, node: SimNode) -> None:
        template = self.rng.choice(self.model.posts)
        text = template.format(zone=node.zone or "here", name=node.long_name.split()[0] if node.long_name else "me")
        node.send_text(text[:200], destination=self.bot, want_ack=self.model.want_ack)
        self.sent["posts"] += 1

    def _chatter(self, node: SimNode) -> None:
        node.send_text(filler(self.model.chatter_bytes, f"{node.short_name}: "))
        self.sent["chatter"] += 1

    def _alert(self, node: SimNode) -> None:
        node.send_text(filler(self.model.alert_bytes, "ALERT "), destination=BROADCAST_NUM)
        self.sent["alerts"] += 1

    def _on_bot_text(self, packet: dict) -> None:
        sender = packet.get("from")
        if packet.get("to") != self.bot or not isinstance(sender, int):
            return
        self.mesh.call_later(self.model.reply_delay_s, self._reply, sender)

    def _reply(self, to: int) -> None:
        self.mesh.node(self.bot).send_text(filler(self.model.reply_bytes, "OK "), destination=to, want_ack=True)
        self.sent["replies"] += 1
