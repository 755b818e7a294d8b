"""Duty cycle and channel utilisation: what each radio may send in an hour, and how busy it hears the air."""

from __future__ import annotations

import pytest
import simpy

from hardware.airtime import REGIONS, get_region, text_time_on_air
from hardware.sim import SimMesh
from hardware.sim.usage import ChannelUtilisation, TxWindow


def test_regions_carry_the_firmware_duty_cycles():
    assert get_region("EU_868").duty_cycle == 0.10
    assert get_region("eu868") is REGIONS["EU_868"]
    assert get_region("US").duty_cycle == 1.0
    assert get_region("UA_868").duty_cycle_percent == 1
    assert 869.4e6 < get_region("EU_868").frequency_hz < 869.65e6
    with pytest.raises(KeyError):
        get_region("MARS")


def test_tx_window_holds_back_until_old_airtime_leaves_the_hour():
    window = TxWindow(duty_cycle=0.10)  # 360 s an hour
    for i in range(36):
        assert window.hold_s(i * 10.0, 10.0) == 0
        window.add(i * 10.0, 10.0)
    assert window.used_s(360.0) == pytest.approx(360.0)
    # full: the next 10 s fit once the first 10 s (sent at t=0) are an hour old
    assert window.hold_s(400.0, 10.0) == pytest.approx(3600.0 - 400.0, abs=1e-3)
    assert window.hold_s(3600.0 + 1e-3, 10.0) == 0
    assert window.peak_s == pytest.approx(360.0)
    assert TxWindow(1.0).hold_s(0.0, 1e6) == 0  # no duty cycle: never held


def test_channel_utilisation_is_the_busy_share_of_the_last_minute():
    util = ChannelUtilisation()
    util.add(5.0, 3.0)
    util.add(25.0, 3.0)
    assert util.percent(30.0) == pytest.approx(10.0)
    assert util.percent(200.0) == 0.0  # a minute later it has all aged out
    assert util.total_busy_s == 6.0


def test_a_radio_keeps_to_ten_percent_of_any_hour_in_eu_868():
    mesh = SimMesh(simpy.Environment(), region="EU_868", seed=2)
    mesh.add_node(1, "BOT", "Bot", 0, 0)
    mesh.add_node(2, "ANA", "Ana", 300, 0, role="client_mute")
    text = "x" * 200
    air = text_time_on_air(text)  # ~1.9 s: 360 s an hour is ~188 of them
    for i in range(500):  # one every 10 s: twice what the law allows
        mesh.call_later(i * 10.0, mesh.node(1).send_text, text)
    mesh.advance(2 * 3600)
    starts = sorted((e.time, e.duration) for e in mesh.log if e.kind == "tx" and e.node == 1)
    for t0, _ in starts:
        in_hour = sum(d for t, d in starts if t0 <= t < t0 + 3600)
        assert in_hour <= 360.0 + 1e-6
    assert mesh.node(1).radio.stats.duty_refused > 0  # Router::send refuses what does not fit
    first_hour = [t for t, _ in starts if t < 3600]
    assert 360 / air - 2 < len(first_hour) <= 360 / air
    assert mesh.summary()["worst_hour_duty_cycle_percent"]["!00000001"] <= 10.0 + 1e-6


def test_without_a_region_nothing_is_held():
    mesh = SimMesh(simpy.Environment(), seed=2)
    mesh.add_node(1, "BOT", "Bot", 0, 0)
    for i in range(30):
        mesh.call_later(i * 2.0, mesh.node(1).send_text, "y" * 200)
    mesh.env.run()
    assert mesh.node(1).radio.stats.held == 0
    assert mesh.node(1).airtime_s == pytest.approx(30 * text_time_on_air("y" * 200))


def test_over_the_duty_cycle_the_client_gets_a_duty_cycle_nak() -> None:
    """`Router::send`: with no room left under 10 % of the last hour, the node refuses the
    client's packet and tells it with a routing NAK DUTY_CYCLE_LIMIT; nothing goes on air."""
    mesh = SimMesh(simpy.Environment(), region="EU_868", seed=2)
    mesh.add_node(1, "BOT", "Bot", 0, 0)
    mesh.add_node(2, "ANA", "Ana", 300, 0, role="client_mute")
    ids: list[int] = []
    for i in range(300):  # a 200-byte DM every 10 s: 19 % of the hour
        mesh.call_later(i * 10.0, lambda: ids.append(mesh.node(1).send_text("x" * 200, destination=2, want_ack=True)))
    mesh.advance(3000)
    naks = {p["decoded"]["requestId"] for p in mesh.node(1).routing
            if p["from"] == 1 and p["decoded"]["routing"]["errorReason"] == "DUTY_CYCLE_LIMIT"}
    on_air = {e.packet_id for e in mesh.log if e.node == 1 and e.kind in ("tx", "retx")}
    assert naks and naks <= set(ids)
    assert not naks & on_air  # a refused packet never keys the radio
    assert mesh.node(1).radio.stats.duty_refused >= len(naks)
    assert mesh.node(1).radio.window.peak_s <= 360.0 + 1e-6
