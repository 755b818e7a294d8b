"""Scenario files: the topology of a simulated neighbourhood, as TOML.

Covers: `hardware/sim/scenarios/*.toml`, read with `tomllib`: the mesh, its nodes and a
traffic model (`hardware.sim.traffic`). Format::

    name = "neighbourhood"          # optional, defaults to the file's stem
    description = "..."             # optional

    [mesh]                          # optional; these are the defaults
    preset = "LONG_FAST"            # any Meshtastic modem preset
    hop_limit = 3                   # 0..7
    range_m = 1000.0                # how far two 1.5 m handhelds hear each other
    path_loss = "log-distance"      # or "3gpp-suburban", "3gpp-urban" (Meshtasticator's)
    path_loss_exponent = 3.0        # log-distance only
    tx_power_dbm = 22.0             # every node's, unless the node says otherwise
    region = "EU_868"               # optional: its duty cycle binds every radio
    loss = 0.0                      # probability a reception is lost at random

    [[nodes]]
    num = 0x0b07a001                # node number (TOML takes hex)
    short_name = "BASE"             # at most 4 characters, as on a handheld
    long_name = "Mutual Aid Base"
    zone = "hill"                   # coarse area, never an address
    x = 0.0                         # metres east
    y = 0.0                         # metres north
    base = true                     # exactly one node: the bot's radio
    role = "client"                 # optional: client, client_mute, router, repeater
    height_m = 1.5                  # optional: antenna height above ground
    antenna_gain_dbi = 0.0          # optional
    tx_power_dbm = 22.0             # optional

    [traffic]                       # optional; see TrafficModel for every key
    post_interval_s = 7200.0
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import simpy

from hardware.airtime import get_preset, get_region
from hardware.sim.flooding import ROLES
from hardware.sim.mesh import SimMesh
from hardware.sim.propagation import PATH_LOSS_MODELS
from hardware.sim.traffic import TrafficModel

MAX_SHORT_NAME = 4
_MESH_KEYS = {
    "preset", "hop_limit", "range_m", "path_loss", "path_loss_exponent", "tx_power_dbm", "region", "loss",
}
_NODE_KEYS = {
    "num", "short_name", "long_name", "zone", "x", "y", "base", "role", "height_m", "antenna_gain_dbi",
    "tx_power_dbm",
}


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
    role: str = "client"
    height_m: float = 1.5
    antenna_gain_dbi: float = 0.0
    tx_power_dbm: float | None = None


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
    path_loss: str = "log-distance"
    path_loss_exponent: float = 3.0
    tx_power_dbm: float = 22.0
    region: str | None = None
    loss: float = 0.0
    traffic: TrafficModel = TrafficModel()

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
        kwargs: dict[str, Any] = {
            "preset": self.preset,
            "hop_limit": self.hop_limit,
            "range_m": self.range_m,
            "path_loss_exponent": self.path_loss_exponent,
            "path_loss": self.path_loss,
            "tx_power_dbm": self.tx_power_dbm,
            "region": self.region,
            "loss": self.loss,
        }
        kwargs.update(overrides)
        mesh = SimMesh(env, **kwargs)
        for n in self.nodes:
            mesh.add_node(
                n.num,
                n.short_name,
                n.long_name,
                n.x,
                n.y,
                zone=n.zone,
                role=n.role,
                height_m=n.height_m,
                antenna_gain_dbi=n.antenna_gain_dbi,
                tx_power_dbm=n.tx_power_dbm,
            )
        return mesh

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
        except (OSError, UnicodeDecodeError) as e:  # a folder, a picture: not a scenario
            raise ScenarioError(f"cannot read scenario {path}: {str(e)[:120]}") from e
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
    if not isinstance(mesh, dict):
        raise ScenarioError("[mesh] must be a table")
    unknown = set(mesh) - _MESH_KEYS
    if unknown:
        raise ScenarioError(f"unknown [mesh] setting(s): {', '.join(sorted(unknown))}")
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        raise ScenarioError("a scenario needs at least one [[nodes]] entry")
    nodes: list[ScenarioNode] = []
    bases: list[int] = []
    for i, raw in enumerate(raw_nodes):
        unknown = set(raw) - _NODE_KEYS
        if unknown:
            raise ScenarioError(f"node #{i + 1}: unknown setting(s) {', '.join(sorted(unknown))}")
        try:
            power = raw.get("tx_power_dbm")
            node = ScenarioNode(
                num=int(raw["num"]),
                short_name=str(raw["short_name"]),
                long_name=str(raw.get("long_name", raw["short_name"])),
                zone=str(raw["zone"]),
                x=float(raw["x"]),
                y=float(raw["y"]),
                role=str(raw.get("role", "client")),
                height_m=float(raw.get("height_m", 1.5)),
                antenna_gain_dbi=float(raw.get("antenna_gain_dbi", 0.0)),
                tx_power_dbm=None if power is None else float(power),
            )
        except KeyError as e:
            raise ScenarioError(f"node #{i + 1} lacks {e.args[0]!r}") from e
        except (TypeError, ValueError) as e:
            raise ScenarioError(f"node #{i + 1}: {e}") from e
        if len(node.short_name) > MAX_SHORT_NAME:
            raise ScenarioError(f"short_name {node.short_name!r} is longer than {MAX_SHORT_NAME}")
        if node.role not in ROLES:
            raise ScenarioError(f"node {node.short_name!r}: role must be one of {', '.join(ROLES)}")
        if node.height_m <= 0:
            raise ScenarioError(f"node {node.short_name!r}: height_m must be positive")
        if raw.get("base", False):
            bases.append(node.num)
        nodes.append(node)
    nums = [n.num for n in nodes]
    if len(set(nums)) != len(nums):
        raise ScenarioError("node numbers must be unique")
    if len(bases) != 1:
        raise ScenarioError(f"exactly one node must have base = true, found {len(bases)}")
    preset = str(mesh.get("preset", "LONG_FAST"))
    region = mesh.get("region")
    try:
        get_preset(preset)
        if region is not None:
            get_region(str(region))
    except KeyError as e:
        raise ScenarioError(str(e.args[0])) from e
    path_loss = str(mesh.get("path_loss", "log-distance"))
    if path_loss not in PATH_LOSS_MODELS:
        raise ScenarioError(f"path_loss must be one of {', '.join(PATH_LOSS_MODELS)}")
    try:
        hop_limit = int(mesh.get("hop_limit", 3))
        loss = float(mesh.get("loss", 0.0))
        range_m = float(mesh.get("range_m", 1000.0))
        traffic = TrafficModel.from_table(data.get("traffic", {}))
    except (TypeError, ValueError) as e:
        raise ScenarioError(str(e)) from e
    if not 0 <= hop_limit <= 7:
        raise ScenarioError("hop_limit must be 0..7")
    if not 0 <= loss < 1:
        raise ScenarioError("loss must be at least 0 and below 1")
    if range_m <= 0:
        raise ScenarioError("range_m must be positive")
    return Scenario(
        name=str(data.get("name", default_name)),
        nodes=tuple(nodes),
        base=bases[0],
        preset=preset,
        hop_limit=hop_limit,
        range_m=range_m,
        description=str(data.get("description", "")),
        path_loss=path_loss,
        path_loss_exponent=float(mesh.get("path_loss_exponent", 3.0)),
        tx_power_dbm=float(mesh.get("tx_power_dbm", 22.0)),
        region=None if region is None else str(region),
        loss=loss,
        traffic=traffic,
    )
