"""SimMesh: simulated Meshtastic radios on a SimPy clock, and a fake node for the TCP API.

The simulator stands in for radios and nothing else: the daemon talks to it through
`SimLink` (a RadioLink) exactly as it talks to a real node through `MeshtasticLink`.
"""

from hardware.sim.link import SimLink
from hardware.sim.mesh import DEFAULT_START_EPOCH, LogEntry, SimMesh, SimNode
from hardware.sim.scenario import Scenario, ScenarioError, ScenarioNode, load_scenario

__all__ = [
    "DEFAULT_START_EPOCH",
    "LogEntry",
    "Scenario",
    "ScenarioError",
    "ScenarioNode",
    "SimLink",
    "SimMesh",
    "SimNode",
    "load_scenario",
]
