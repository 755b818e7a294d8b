"""Managed flooding: hop limit, dedupe, cancellation on an overheard rebroadcast, roles."""

from __future__ import annotations

from collections import Counter

import pytest
import simpy

from hardware.sim import SimMesh
from hardware.sim.channel import Airing, Reception
from hardware.contention import (
    CW_MAX,
    CW_MIN,
    cw_for_snr,
    cw_for_utilisation,
    rebroadcast_delay,
    retransmission_timeout,
    slot_time,
)
from hardware.sim.dedupe import PacketHistory
from hardware.sim.packet import SimPacket
from hardware.airtime import get_preset

SPACING_M = 800.0


def line(n: int, hop_limit: int = 3, seed: int = 1) -> SimMesh:
    """Nodes 1..n on a line, each hearing only its neighbours."""
    mesh = SimMesh(simpy.Environment(), hop_limit=hop_limit, seed=seed, range_m=1000)
    for i in range(n):
        mesh.add_node(i + 1, f"N{i + 1}", f"Node {i + 1}", i * SPACING_M, 0)
    return mesh


def clique(n: int, role: str = "client", seed: int = 1, hop_limit: int = 3, **kw: object) -> SimMesh:
    """n nodes within 60 m of each other: everyone hears everyone."""
    mesh = SimMesh(simpy.Environment(), hop_limit=hop_limit, seed=seed, range_m=1000, **kw)  # type: ignore[arg-type]
    for i in range(n):
        mesh.add_node(i + 1, f"N{i + 1}", f"Node {i + 1}", (i % 4) * 20, (i // 4) * 20, role=role)
    return mesh


def kinds(mesh: SimMesh, kind: str) -> list:
    return [e for e in mesh.log if e.kind == kind]


# -- hop limit ------------------------------------------------------------------------


def test_flood_reaches_three_hops_and_stops_at_the_hop_limit():
    mesh = line(6)  # 1 - 2 - 3 - 4 - 5 - 6: node 6 is 5 links from node 1
    assert mesh.reachable(1) == {2, 3, 4, 5}
    mesh.node(1).send_text("how far?")
    mesh.env.run()
    got = {num: mesh.node(num).received for num in range(2, 7)}
    assert [num for num, packets in got.items() if packets] == [2, 3, 4, 5]
    # hopLimit as each node heard it: 3 from the sender, then one less per relay
    assert [got[n][0].get("hopLimit", 0) for n in (2, 3, 4, 5)] == [3, 2, 1, 0]
    # the node that heard it with hop limit 0 does not pass it on
    relays = sorted((e.node, e.hop_limit) for e in kinds(mesh, "relay"))
    assert relays == [(2, 2), (3, 1), (4, 0)]


@pytest.mark.parametrize("hop_limit, reached", [(0, {2}), (1, {2, 3}), (7, {2, 3, 4, 5, 6})])
def test_hop_limit_is_configurable_up_to_seven(hop_limit, reached):
    mesh = line(6, hop_limit=hop_limit)
    mesh.node(1).send_text("x")
    mesh.env.run()
    assert {n for n in range(2, 7) if mesh.node(n).texts()} == reached
    with pytest.raises(ValueError):
        SimMesh(simpy.Environment(), hop_limit=8)


def test_a_client_may_ask_for_its_own_hop_limit():
    mesh = line(6)
    mesh.node(1).send_text("two hops only", hop_limit=1)
    mesh.env.run()
    assert {n for n in range(2, 7) if mesh.node(n).texts()} == {2, 3}


# -- dedupe ---------------------------------------------------------------------------


def test_packet_history_is_a_ring_with_expiry():
    history = PacketHistory(capacity=3, expire_s=600)
    for i in range(4):
        assert history.check_and_record((1, i), now=float(i)) is False
    assert len(history) == 3 and (1, 0) not in history  # the oldest made room
    assert history.seen((1, 3), now=10.0)
    assert not history.seen((1, 3), now=700.0)  # older than FLOOD_EXPIRE_TIME
    assert history.check_and_record((1, 3), now=11.0) is True


def test_dedupe_stops_a_rebroadcast_storm():
    # Routers never cancel, so only dedupe stops them: with hop limit 7 each of the 8
    # nodes still sends the packet once, and each client gets it once.
    mesh = clique(8, role="router", hop_limit=7)
    mesh.node(1).send_text("everyone, once")
    mesh.env.run()
    assert Counter(e.node for e in mesh.log if e.kind in ("tx", "relay")) == {n: 1 for n in range(1, 9)}
    assert all(mesh.node(n).texts() == ["everyone, once"] for n in range(2, 9))
    assert sum(n.router.duplicates for n in mesh.nodes.values()) > 0


def test_without_memory_the_same_packets_go_round_again():
    # A ring of one entry forgets a packet as soon as another passes: three floods at once
    # then come back to nodes that already had them and are sent again (up to the hop limit).
    # (Two no longer do: a radio sends the flood it heard before its own, so they take turns.)
    def transmissions(capacity: int) -> int:
        mesh = clique(8, role="router", hop_limit=7, history_capacity=capacity, collisions=False)
        for num, text in ((1, "first"), (4, "second"), (8, "third")):
            mesh.node(num).send_text(text)
        mesh.env.run()
        return sum(1 for e in mesh.log if e.kind in ("tx", "relay"))

    assert transmissions(200) == 24
    assert transmissions(1) > 24


# -- managed flooding -----------------------------------------------------------------


def test_an_overheard_rebroadcast_cancels_ours():
    mesh = clique(8)
    mesh.node(1).send_text("one relay is enough")
    mesh.env.run()
    relays = kinds(mesh, "relay")
    assert 1 <= len(relays) < 7
    assert sum(n.radio.stats.cancelled for n in mesh.nodes.values()) >= 7 - len(relays)
    assert all(mesh.node(n).texts() == ["one relay is enough"] for n in range(2, 9))


def test_routers_always_rebroadcast_and_mute_clients_never_do():
    mesh = clique(5, role="router")
    mesh.node(1).send_text("routers")
    mesh.env.run()
    assert len(kinds(mesh, "relay")) == 4
    mute = clique(5, role="client_mute")
    mute.node(1).send_text("quiet")
    mute.env.run()
    assert kinds(mute, "relay") == [] and all(mute.node(n).texts() == ["quiet"] for n in range(2, 6))


def test_the_far_node_rebroadcasts_first():
    # S hears NEAR at 50 m (high SNR, wide window) and FAR at 900 m (low SNR, narrow window):
    # FAR usually goes first and NEAR, hearing it, cancels.
    far_first = 0
    for seed in range(30):
        mesh = SimMesh(simpy.Environment(), seed=seed, range_m=1000)
        mesh.add_node(1, "S", "Sender", 0, 0)
        mesh.add_node(2, "NEAR", "Near", 50, 0)
        mesh.add_node(3, "FAR", "Far", 900, 0)
        mesh.node(1).send_text("who goes first?")
        mesh.env.run()
        relays = kinds(mesh, "relay")
        far_first += relays[0].node == 3
    assert far_first >= 25


def test_contention_windows_follow_the_firmware():
    preset = get_preset("LONG_FAST")
    # computeSlotTimeMsec: 2.5 symbols of CAD (8.192 ms each) + 7.6 ms, in whole ms
    assert slot_time(preset) == pytest.approx(0.028)
    assert (cw_for_snr(-20), cw_for_snr(-8), cw_for_snr(10), cw_for_snr(30)) == (CW_MIN, 5, CW_MAX, CW_MAX)
    assert (cw_for_utilisation(0), cw_for_utilisation(50), cw_for_utilisation(100)) == (3, 5, 8)
    import random

    rng = random.Random(1)
    slot = slot_time(preset)
    client = [rebroadcast_delay(rng, preset, -20.0) / slot for _ in range(200)]
    router = [rebroadcast_delay(rng, preset, -20.0, router=True) / slot for _ in range(200)]
    assert min(client) >= 2 * CW_MAX and max(client) < 2 * CW_MAX + 2**CW_MIN
    assert max(router) < 2 * CW_MIN  # routers go before every client
    # 2 * airtime + (8 + 16 + 32) slots + 4.5 s for a 62-byte packet on an idle channel
    assert retransmission_timeout(preset, 62) == pytest.approx(2 * 0.722944 + 56 * slot + 4.5)


def test_a_copy_with_more_hops_left_replaces_the_queued_rebroadcast():
    """Firmware 2.7.11: a client waiting to rebroadcast a copy heard with hop limit 1 that
    then hears one with hop limit 2 rebroadcasts once, with 1 hop left, not 0 (and does
    not cancel, as an ordinary duplicate would make it)."""
    mesh = line(1)
    node = mesh.node(1)
    far = SimPacket(sender=99, to=0xFFFFFFFF, id=7, text="water at the school", hop_limit=1, hop_start=3,
                    relay_node=0x42)
    near = SimPacket(sender=99, to=0xFFFFFFFF, id=7, text="water at the school", hop_limit=2, hop_start=3,
                     relay_node=0x43)
    node.router.receive(Reception(1, Airing(0x42, far, 0.0, 0.0), snr_db=-5.0, rssi_dbm=-110))
    node.router.receive(Reception(1, Airing(0x43, near, 0.0, 0.0), snr_db=-5.0, rssi_dbm=-110))
    mesh.env.run(until=60)
    relays = [e.hop_limit for e in kinds(mesh, "relay") if e.packet_id == 7]
    assert relays == [1]
    assert node.texts() == ["water at the school"]  # the client got it once
