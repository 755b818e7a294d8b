"""`meshbot run --sim`: the real daemon, in its threads, on the simulated neighbourhood in real time.

The mesh runs on `simpy.rt.RealtimeEnvironment` in this thread; the daemon's worker and
sender threads talk to it through `SimLink` exactly as they would to a radio.
"""

from __future__ import annotations

import logging
import threading

import simpy.rt
from sqlalchemy.engine import Engine

from hardware.sim import SimLink, SimMesh, load_scenario
from meshbot.daemon import Daemon
from meshbot.simulation.demo import SCENARIO, schedule_script
from meshbot.settings import Settings

log = logging.getLogger(__name__)
SLICE_S = 0.25


def run_realtime(settings: Settings, engine: Engine, stop: threading.Event, factor: float = 1.0) -> None:
    """Run until `stop` is set; residents follow the demo script, the air is logged (who to
    whom and how many bytes: residents' words stay out of the log)."""
    env = simpy.rt.RealtimeEnvironment(factor=factor, strict=False)
    scenario = load_scenario(SCENARIO)
    mesh = SimMesh.from_scenario(scenario, env)
    daemon = Daemon(settings, SimLink(mesh, scenario.base), engine, clock=mesh.now)
    schedule_script(env, mesh, scenario)
    daemon.start()
    shown = 0
    try:
        while not stop.is_set():
            env.run(until=env.now + SLICE_S)
            for event in mesh.log[shown:]:
                if event.kind == "tx":  # who and how long, never the words: the log is as seizable as the disk
                    log.info("air: %s -> %s: %d bytes", mesh.node(event.node).short_name,
                             "all" if event.to == 0xFFFFFFFF else mesh.node(event.to).short_name,
                             len(event.text.encode("utf-8")))
            shown = len(mesh.log)
    finally:
        daemon.stop()
