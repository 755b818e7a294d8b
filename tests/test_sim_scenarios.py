"""Scenario files and the traffic model: shipped neighbourhoods, their shape, and what they say."""

from __future__ import annotations

import pytest
import simpy

from hardware.sim import load_scenario
from hardware.sim.runs import run_scenario
from hardware.sim.scenario import ScenarioError, parse_scenario, scenario_names
from hardware.sim.traffic import TrafficModel, filler

TINY = """
[mesh]
range_m = 500
region = "EU_868"
loss = 0.1
[traffic]
post_interval_s = 60
posts = ["NEED water @{zone}"]
chatter_interval_s = 0
alert_interval_s = 0
[[nodes]]
num = 0x10
short_name = "B"
zone = "z"
x = 0
y = 0
base = true
height_m = 6
antenna_gain_dbi = 3
[[nodes]]
num = 0x11
short_name = "R"
long_name = "Rosa"
zone = "z"
x = 100
y = 0
role = "router"
"""


def test_shipped_scenarios():
    assert {"block", "neighbourhood", "city", "town"} <= set(scenario_names())
    sizes = {name: len(load_scenario(name).nodes) for name in ("block", "neighbourhood", "town", "city")}
    assert sizes == {"block": 12, "neighbourhood": 40, "town": 100, "city": 200}


@pytest.mark.parametrize("name", ["block", "neighbourhood", "town", "city"])
def test_every_node_of_a_shipped_scenario_can_reach_the_base(name):
    sc = load_scenario(name)
    mesh = sc.build(simpy.Environment())
    assert mesh.reachable(sc.base) == {n.num for n in sc.residents}
    assert len({n.short_name for n in sc.nodes}) == len(sc.nodes)


def test_neighbourhood_has_one_base_routers_and_far_farms():
    sc = load_scenario("neighbourhood")
    assert sc.base_node.short_name == "BASE" and sc.base_node.height_m > 1.5
    assert sc.region == "EU_868"
    routers = [n for n in sc.nodes if n.role == "router"]
    assert len(routers) == 3 and all(n.height_m > 1.5 for n in routers)
    mesh = sc.build(simpy.Environment())
    links = mesh.link_distances(sc.base)
    far = [n for n in sc.residents if links[n.num] >= 3]
    assert far and {n.zone for n in far} == {"farms"}
    assert max(links.values()) == 4  # hopsAway 3: the last the default hop limit reaches
    assert mesh.region is not None and mesh.node(sc.base).radio.window.duty_cycle == 0.10


def test_a_scenario_file_carries_antennas_roles_loss_and_traffic():
    sc = parse_scenario(TINY, "tiny")
    base, rosa = sc.nodes
    assert (base.height_m, base.antenna_gain_dbi, base.role) == (6.0, 3.0, "client")
    assert (rosa.role, rosa.height_m, rosa.long_name) == ("router", 1.5, "Rosa")
    assert sc.loss == 0.1 and sc.region == "EU_868"
    assert sc.traffic.post_interval_s == 60 and sc.traffic.posts == ("NEED water @{zone}",)
    mesh = sc.build(simpy.Environment())
    assert mesh.node(0x11).role == "router" and mesh.node(0x10).radio.antenna.height_m == 6.0


@pytest.mark.parametrize(
    "bad, message",
    [
        (TINY.replace('role = "router"', 'role = "king"'), "role"),
        (TINY.replace("loss = 0.1", "loss = 1.5"), "loss"),
        (TINY.replace('region = "EU_868"', 'region = "MARS"'), "region"),
        (TINY.replace("post_interval_s = 60", "post_interval_s = -1"), "negative"),
        (TINY.replace("post_interval_s = 60", "post_every = 60"), "unknown traffic"),
        (TINY.replace("range_m = 500", "range_m = 500\nfrobnicate = 1"), "unknown [mesh]"),
        (TINY.replace("height_m = 6", "height_m = 0"), "height_m"),
        (TINY.replace("height_m = 6", "antenna = 6"), "unknown setting"),
    ],
)
def test_a_bad_scenario_says_what_is_wrong(bad, message):
    with pytest.raises(ScenarioError, match=message.replace("[", r"\[")):
        parse_scenario(bad)


def test_traffic_model_defaults_and_filler():
    model = TrafficModel()
    assert model.post_interval_s == 7200 and model.reply and model.want_ack
    assert len(filler(120, "OK ").encode()) == 120
    with pytest.raises(ValueError):
        TrafficModel(reply_bytes=201)


def test_a_scenario_runs_for_hours_and_reports_what_happened():
    result = run_scenario(parse_scenario(TINY, "tiny"), hours=1.0, seed=3)
    assert result["scenario"] == "tiny" and result["nodes"] == 2 and result["region"] == "EU_868"
    posts = result["traffic"]["posts"]
    assert 30 < posts < 100  # one a minute on average
    assert result["direct"]["sent"] == posts + result["traffic"]["replies"]
    assert result["direct"]["delivered"] >= 0.7 * result["direct"]["sent"]  # 10 % loss, retries
    assert result["packets"]["lost"] > 0
    assert set(result["airtime_s"]) == {"!00000010", "!00000011"}
    assert result["worst_hour_duty_cycle_percent"]["!00000010"] <= 10.0
    assert 0 < result["channel_utilisation_percent"]["mean"] < 100
