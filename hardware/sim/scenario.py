"""Scenario files: the topology of a simulated neighbourhood, as TOML.

Covers: `hardware/sim/scenarios/*.toml`, read with `tomllib`. A file holds only the mesh
and its nodes; what residents say is the application's business. Format::

    name = "neighbourhood"          # optional, defaults to the file's stem
    description = "..."             # optional

    [mesh]                          # optional; these are the defaults
    preset = "LONG_FAST"
    hop_limit = 3
    range_m = 1000.0

    [[nodes]]
    num = 0x0b07a001                # node number (TOML takes hex)
    short_name = "BASE"             # at most 4 characters, as on a handheld
    long_name = "Mutual Aid Base"
    zone = "hill"                   # coarse area, never an address
    x = 0.0                         # metres east
    y = 0.0                         # metres north
    base = true                     # exactly one node: the bot's radio
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hardware.airtime import get_preset

if TYPE_CHECKING:
    import simpy

    from hardware.sim.mesh import SimMesh

MAX_SHORT_NAME = 4


class ScenarioError(ValueError):
    """A scenario file is missing or malformed."""


@dataclass(frozen=True)
class ScenarioNode:
    num: int
    short_name: str
    long_name: str
    zone: str
    x: float
    y: float


@dataclass(frozen=True)
class Scenario:
    name: str
    nodes: tuple[ScenarioNode, ...]
    base: int
    """Node number of the bot's base station."""
    preset: str = "LONG_FAST"
    hop_limit: int = 3
    range_m: float = 1000.0
    description: str = ""

    @property
    def base_node(self) -> ScenarioNode:
        return next(n for n in self.nodes if n.num == self.base)

    @property
    def residents(self) -> tuple[ScenarioNode, ...]:
        return tuple(n for n in self.nodes if n.num != self.base)

    @property
    def zones(self) -> tuple[str, ...]:
        return tuple(sorted({n.zone for n in self.nodes}))

    def build(self, env: simpy.Environment, **overrides: Any) -> SimMesh:
        """A SimMesh of this scenario on `env`; keywords (seed=, range_m=, ...) override."""
        from hardware.sim.mesh import SimMesh

        return SimMesh.from_scenario(self, env, **overrides)

    def by_short_name(self, short_name: str) -> ScenarioNode:
        for n in self.nodes:
            if n.short_name == short_name:
                return n
        raise KeyError(short_name)


def _scenario_dir():  # -> importlib.abc.Traversable
    return resources.files("hardware.sim") / "scenarios"


def scenario_names() -> list[str]:
    """Names of the scenarios shipped in hardware/sim/scenarios/."""
    root = _scenario_dir()
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def load_scenario(path_or_name: str | Path) -> Scenario:
    """Read a scenario from a path, or by name from the shipped scenarios ("neighbourhood")."""
    path = Path(path_or_name)
    if path.suffix == ".toml" or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise ScenarioError(f"cannot read scenario {path}: {e}") from e
        stem = path.stem
    else:
        res = _scenario_dir() / f"{path_or_name}.toml"
        if not res.is_file():
            raise ScenarioError(f"no scenario named {path_or_name!r}; shipped: {', '.join(scenario_names())}")
        text = res.read_text(encoding="utf-8")
        stem = str(path_or_name)
    return parse_scenario(text, default_name=stem)


def parse_scenario(text: str, default_name: str = "scenario") -> Scenario:
    """A Scenario from TOML text; ScenarioError says what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"not valid TOML: {e}") from e
    mesh = data.get("mesh", {})
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        raise ScenarioError("a scenario needs at least one [[nodes]] entry")
    nodes: list[ScenarioNode] = []
    bases: list[int] = []
    for i, raw in enumerate(raw_nodes):
        try:
            node = ScenarioNode(
                num=int(raw["num"]),
                short_name=str(raw["short_name"]),
                long_name=str(raw.get("long_name", raw["short_name"])),
                zone=str(raw["zone"]),
                x=float(raw["x"]),
                y=float(raw["y"]),
            )
        except KeyError as e:
            raise ScenarioError(f"node #{i + 1} lacks {e.args[0]!r}") from e
        except (TypeError, ValueError) as e:
            raise ScenarioError(f"node #{i + 1}: {e}") from e
        if len(node.short_name) > MAX_SHORT_NAME:
            raise ScenarioError(f"short_name {node.short_name!r} is longer than {MAX_SHORT_NAME}")
        if raw.get("base", False):
            bases.append(node.num)
        nodes.append(node)
    nums = [n.num for n in nodes]
    if len(set(nums)) != len(nums):
        raise ScenarioError("node numbers must be unique")
    if len(bases) != 1:
        raise ScenarioError(f"exactly one node must have base = true, found {len(bases)}")
    preset = str(mesh.get("preset", "LONG_FAST"))
    try:
        get_preset(preset)
    except KeyError as e:
        raise ScenarioError(str(e)) from e
    return Scenario(
        name=str(data.get("name", default_name)),
        nodes=tuple(nodes),
        base=bases[0],
        preset=preset,
        hop_limit=int(mesh.get("hop_limit", 3)),
        range_m=float(mesh.get("range_m", 1000.0)),
        description=str(data.get("description", "")),
    )
