"""The Meshtasticator-style reachability experiment, in miniature (the full run is a benchmark)."""

from __future__ import annotations

import math
import random

from hardware.airtime import get_preset
from hardware.sim.propagation import Antenna, Suburban3GPP, rx_power_dbm, sensitivity_dbm
from hardware.sim.validation import Setup, place, reachability, run_once


def test_placement_follows_meshtasticator_rules():
    setup = Setup(20, area_m=6000)
    positions = place(setup, random.Random(3))
    assert len(positions) == 20
    assert all(abs(x) <= 3000 and abs(y) <= 3000 for x, y in positions)
    antenna = Antenna(30.0, 0.0, 1.0)
    floor = sensitivity_dbm(get_preset("LONG_FAST"))
    for i, (x, y) in enumerate(positions):
        dists = [math.hypot(x - px, y - py) for px, py in positions[:i]]
        assert all(d >= 10 for d in dists)
        if dists:  # each node hears at least one placed before it
            assert any(rx_power_dbm(Suburban3GPP(902e6), d, antenna, antenna) >= floor for d in dists)


def test_a_run_is_seeded_and_reports_both_reachabilities():
    setup = Setup(10, area_m=6000)
    first = run_once(setup, seed=1)
    assert first == run_once(setup, seed=1)
    graph, simulated, messages = first
    assert messages > 0 and 0 < simulated <= 1 and 0 < graph <= 1
    result = reachability(setup, repetitions=3)
    assert result.repetitions == 3 and result.messages > messages
    assert result.as_dict()["nodes"] == 10 and result.as_dict()["area_m"] == 6000
