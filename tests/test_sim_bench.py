"""The simulator under its benchmark load, and its validation runs (slow: `pytest -m slow`).

Speed itself is measured by `bench/bench_sim.py` and quoted in docs/benchmarks.md; these
tests check that the long runs behave: a day of a 100-node town keeps to the law and
delivers, and Meshtasticator-style placements give the reachability docs/simulator.md quotes.
"""

from __future__ import annotations

import pytest

from hardware.sim import load_scenario
from hardware.sim.runs import run_scenario
from hardware.sim.validation import Setup, reachability

pytestmark = pytest.mark.slow


def test_a_day_of_the_town():
    result = run_scenario(load_scenario("town"), hours=24, seed=42)
    assert result["nodes"] == 100
    traffic, direct = result["traffic"], result["direct"]
    assert traffic["posts"] > 1000 and traffic["replies"] > 1000 and traffic["alerts"] >= 1
    assert direct["delivered"] >= 0.9 * direct["sent"]
    assert direct["acked"] >= 0.75 * direct["want_ack"]
    assert result["broadcast_reach"]["mean"] > 0.7
    assert max(result["worst_hour_duty_cycle_percent"].values()) <= 10.0
    assert result["channel_utilisation_percent"]["max"] < 100


def test_reachability_on_random_placements():
    for nodes, expected in ((10, 0.85), (30, 0.67)):
        r = reachability(Setup(nodes, area_m=6000), repetitions=100)
        assert r.graph > 0.97  # the placements are connected; what is lost, the MAC lost
        assert r.simulated == pytest.approx(expected, abs=0.05)
