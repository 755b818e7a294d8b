"""SimMesh: simulated Meshtastic radios on a SimPy clock, and TCP API servers in front of them.

The simulator stands in for radios and nothing else: the daemon talks to it through
`SimLink` (a RadioLink) exactly as it talks to a real node through `MeshtasticLink`, or
as a separate process through `hardware.sim.serve` (Meshtastic's TCP API). The physics
and the firmware's routing are described in docs/simulator.md; module by module:
propagation, channel (collisions, capture), radio (queue, contention, duty cycle),
flooding and reliable (routing), packet, usage, dedupe, contention, scenario, traffic,
stats, runs (`meshbot sim run`), serve and tcp_server (`meshbot sim serve`), validation.
"""

from hardware.sim.link import SimLink
from hardware.sim.mesh import DEFAULT_START_EPOCH, LogEntry, SimMesh, SimNode
from hardware.sim.scenario import Scenario, ScenarioError, ScenarioNode, load_scenario
from hardware.sim.traffic import Traffic, TrafficModel

__all__ = [
    "DEFAULT_START_EPOCH",
    "LogEntry",
    "Scenario",
    "ScenarioError",
    "ScenarioNode",
    "SimLink",
    "SimMesh",
    "SimNode",
    "Traffic",
    "TrafficModel",
    "load_scenario",
]
