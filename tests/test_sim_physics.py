"""The simulated air: path loss, collisions and capture, half-duplex, listen-before-talk, loss.

Collisions are set up by putting transmissions on the channel at chosen instants
(`key_up`), below the radios' MAC, so the channel's judgement is what is tested.
"""

from __future__ import annotations

import math
from collections.abc import Generator

import pytest
import simpy

from hardware.airtime import PRESETS, get_preset, text_packet_bytes, time_on_air
from hardware.sim import SimMesh
from hardware.sim.packet import SimPacket
from hardware.sim.propagation import (
    Antenna,
    LogDistance,
    Suburban3GPP,
    max_range_m,
    rx_power_dbm,
    sensitivity_dbm,
)

RX, LEFT, RIGHT, NEAR = 0x10, 0x20, 0x30, 0x40

# Meshtasticator lib/config.py MODEM_PRESETS: sensitivity with a 6 dB noise figure
MESHTASTICATOR_SENSITIVITY = {
    "SHORT_TURBO": -118.5, "SHORT_FAST": -121.5, "SHORT_SLOW": -124.0, "MEDIUM_FAST": -126.5,
    "MEDIUM_SLOW": -129.0, "LONG_TURBO": -128.5, "LONG_FAST": -131.5, "LONG_MODERATE": -134.5,
    "LONG_SLOW": -137.0,
}


def packet(sender: int, text: str, pid: int) -> SimPacket:
    return SimPacket(sender=sender, to=0xFFFFFFFF, id=pid, text=text, hop_limit=0, hop_start=0)


def key_up(mesh: SimMesh, sender: int, text: str, pid: int, at: float) -> None:
    """Put one transmission on the channel at `at`, bypassing contention and carrier sense."""
    p = packet(sender, text, pid)
    duration = time_on_air(p.phy_bytes, mesh.preset)

    def air() -> Generator[simpy.Event, object, None]:
        yield mesh.env.timeout(at)
        airing = mesh.channel.begin(sender, p, duration)
        yield mesh.env.timeout(duration)
        mesh.channel.end(airing)

    mesh.env.process(air())


def star(**kwargs: object) -> SimMesh:
    """RX in the middle, LEFT and RIGHT 600 m either side (out of each other's range)."""
    mesh = SimMesh(simpy.Environment(), range_m=1000, **kwargs)  # type: ignore[arg-type]
    mesh.add_node(RX, "RX", "Receiver", 0, 0)
    mesh.add_node(LEFT, "L", "Left", -600, 0)
    mesh.add_node(RIGHT, "R", "Right", 600, 0)
    return mesh


# -- propagation --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_sensitivity_per_preset_matches_meshtasticator(name):
    assert sensitivity_dbm(get_preset(name)) == pytest.approx(MESHTASTICATOR_SENSITIVITY[name], abs=0.05)


def test_log_distance_is_pinned_to_the_range_and_symmetric():
    preset = get_preset("LONG_FAST")
    model = LogDistance.calibrated(800, preset)
    handheld = Antenna()
    assert max_range_m(model, preset, handheld, handheld) == pytest.approx(800, rel=1e-6)
    # twice the distance costs 10 * exponent * log10(2) = 9 dB with exponent 3
    assert rx_power_dbm(model, 400, handheld, handheld) - rx_power_dbm(model, 800, handheld, handheld) == (
        pytest.approx(9.03, abs=0.01)
    )
    rooftop = Antenna(height_m=6.0, gain_dbi=3.0)
    assert rx_power_dbm(model, 1500, rooftop, handheld) == pytest.approx(rx_power_dbm(model, 1500, handheld, rooftop))
    # 4x the height is +12 dB (two-ray), plus 3 dBi: 15 dB more, 10**(15/30) = 3.2x the range
    gain = 20 * math.log10(6.0 / 1.5) + 3.0
    assert max_range_m(model, preset, rooftop, handheld) == pytest.approx(800 * 10 ** (gain / 30), rel=1e-6)


def test_3gpp_suburban_matches_meshtasticator_model_5():
    # Meshtasticator estimatePathLoss, MODEL 5, 1 m antennas, 902 MHz, 1 km: 45.5 + 35.46 - 1.1 = 34.36 dB
    # per decade of frequency in MHz (log10(902) = 2.9552) + 0.7: 147.74 dB
    assert Suburban3GPP(902e6).loss_db(1000, 1.0, 1.0) == pytest.approx(147.74, abs=0.01)
    # with 30 dBm and LONG_FAST's -131.5 dBm a link reaches ~2.0 km
    preset = get_preset("LONG_FAST")
    node = Antenna(tx_power_dbm=30, height_m=1.0)
    assert max_range_m(Suburban3GPP(902e6), preset, node, node) == pytest.approx(2025, rel=0.01)


def test_rx_snr_and_rssi_follow_the_link_budget():
    mesh = star()
    snr, power = mesh.channel.snr(LEFT, RX), mesh.channel.rx_power(LEFT, RX)
    assert snr == pytest.approx(power - mesh.channel.noise_floor_dbm, abs=0.125)
    mesh.node(LEFT).send_text("snr")
    mesh.env.run()
    got = mesh.node(RX).received[0]
    assert got["rxSnr"] == snr and got["rxRssi"] == round(power)


# -- collisions and capture ---------------------------------------------------------


def test_a_collision_loses_both_packets():
    mesh = star()
    key_up(mesh, LEFT, "from the left", 1, at=0.0)
    key_up(mesh, RIGHT, "from the right", 2, at=0.3)  # overlaps, just as strong at RX
    mesh.env.run()
    assert mesh.node(RX).texts() == []
    assert mesh.channel.stats.collided == 2


def test_capture_saves_the_stronger_packet():
    mesh = star()
    mesh.add_node(NEAR, "N", "Near", 150, 0)  # 600 m vs 150 m: 18 dB stronger at RX
    assert mesh.channel.rx_power(NEAR, RX) - mesh.channel.rx_power(LEFT, RX) >= 6
    key_up(mesh, LEFT, "weak and early", 1, at=0.0)
    key_up(mesh, NEAR, "strong and late", 2, at=0.2)
    mesh.env.run()
    assert mesh.node(RX).texts() == ["strong and late"]
    assert mesh.channel.stats.captured >= 1


def test_transmissions_that_do_not_overlap_both_arrive():
    mesh = star()
    first = time_on_air(text_packet_bytes(len("one")), mesh.preset)
    key_up(mesh, LEFT, "one", 1, at=0.0)
    key_up(mesh, RIGHT, "two", 2, at=first + 0.001)
    mesh.env.run()
    assert mesh.node(RX).texts() == ["one", "two"]
    assert mesh.channel.stats.collided == 0


def test_a_radio_is_deaf_while_it_transmits():
    mesh = star()
    key_up(mesh, RX, "I am talking", 1, at=0.0)
    key_up(mesh, LEFT, "you miss this", 2, at=0.1)
    mesh.env.run()
    assert mesh.node(RX).texts() == []
    assert mesh.node(LEFT).texts() == []  # and LEFT was talking when RX's packet ended
    assert mesh.channel.stats.half_duplex == 2


def test_an_ideal_channel_has_no_collisions():
    mesh = star(collisions=False)
    key_up(mesh, LEFT, "from the left", 1, at=0.0)
    key_up(mesh, RIGHT, "from the right", 2, at=0.3)
    mesh.env.run()
    assert sorted(mesh.node(RX).texts()) == ["from the left", "from the right"]


def test_hidden_terminals_collide_when_the_mac_runs():
    # A - B - C - D: A and C cannot hear each other, so B's flood relays and A's next
    # packets can meet at B. With several packets in flight some are lost.
    lost = 0
    for seed in range(10):
        mesh = SimMesh(simpy.Environment(), seed=seed, range_m=1000)
        for i, num in enumerate((1, 2, 3, 4)):
            mesh.add_node(num, f"N{num}", f"Node {num}", i * 800, 0)
        for i in range(4):
            mesh.node(1).send_text(f"packet {i}")
            mesh.node(4).send_text(f"packet {i} from the other end")
        mesh.env.run()
        lost += mesh.channel.stats.collided + mesh.channel.stats.half_duplex
    assert lost > 0


# -- listen before talk ---------------------------------------------------------------


def test_nodes_in_earshot_take_turns_unless_they_pick_the_same_slot():
    overlaps = deferrals = 0
    runs = 40
    for seed in range(runs):
        mesh = SimMesh(simpy.Environment(), seed=seed, range_m=1000)
        mesh.add_node(1, "A", "A", 0, 0)
        mesh.add_node(2, "B", "B", 300, 0)
        mesh.node(1).send_text("from a " + "x" * 100)
        mesh.node(2).send_text("from b " + "y" * 100)
        mesh.env.run()
        (s1, e1), (s2, _e2) = sorted((e.time, e.time + e.duration) for e in mesh.log if e.kind == "tx")
        overlaps += s2 < e1
        deferrals += sum(n.radio.stats.busy_deferrals for n in mesh.nodes.values())
        if s2 >= e1:  # one waited for the other: both got through
            assert mesh.node(1).texts() == ["from b " + "y" * 100]
            assert mesh.node(2).texts() == ["from a " + "x" * 100]
    # each draws one of 2**CW_MIN = 8 slots: the same slot about one time in eight
    assert 0 < overlaps < runs * 0.3
    assert deferrals >= runs - overlaps


# -- random loss ----------------------------------------------------------------------


def test_loss_rate_is_applied_per_reception_and_seeded():
    def run(seed: int) -> tuple[int, int]:
        mesh = SimMesh(simpy.Environment(), seed=seed, loss=0.2, range_m=1000)
        mesh.add_node(1, "S", "Sender", 0, 0)
        for i in range(10):
            mesh.add_node(10 + i, f"R{i}", f"Receiver {i}", 100 + 10 * i, 0, role="client_mute")
        for i in range(30):
            mesh.node(1).send_text(f"n{i}")
            mesh.advance(5)
        mesh.env.run()
        return mesh.channel.stats.lost, sum(len(mesh.node(10 + i).texts()) for i in range(10))

    lost, delivered = run(1)
    assert lost + delivered == 300
    assert 0.14 < lost / 300 < 0.26
    assert run(1) == (lost, delivered)
    assert run(2) != (lost, delivered)


def test_loss_comes_from_the_scenario_or_the_caller():
    from hardware.sim import load_scenario

    sc = load_scenario("block")
    assert sc.build(simpy.Environment()).loss == 0.0
    assert sc.build(simpy.Environment(), loss=0.2).loss == 0.2
    with pytest.raises(ValueError):
        SimMesh(simpy.Environment(), loss=1.0)
