"""ACK latency of a want_ack DM on a quiet LONG_FAST mesh lands where the arithmetic says.

The arithmetic (docs/simulator.md, "ACK latency on a quiet mesh"), for a DM over h links:

    h * (airtime of the DM + airtime of the ACK)
  + the originator's and the destination's own contention wait: 0..7 slots each (CW 3)
  + every relay's rebroadcast wait, out and back: 16 + random(0, 2^CW(SNR)) slots each

with a slot of 28 ms (2.5 symbols of 8.192 ms + 7.6 ms, whole milliseconds). Expected
bounds are computed here from those formulas and the link SNRs alone, before running.
"""

from __future__ import annotations

import simpy

from hardware.airtime import text_packet_bytes, time_on_air
from hardware.sim import SimMesh

SLOT_S = 0.028
CW_MIN, CW_MAX = 3, 8
NODES = [0xA0 + i for i in range(4)]
TEXT = "TAKEN m12: rice 10kg from ANA @elm, say DONE m12 when you have it"  # 65 bytes
ACK_BYTES = 29


def line(seed: int) -> SimMesh:
    """Four nodes 800 m apart: each hears only its neighbours (SNR about -14.5 dB)."""
    mesh = SimMesh(simpy.Environment(), seed=seed, range_m=1000, collisions=False)
    for i, num in enumerate(NODES):
        mesh.add_node(num, f"N{i}", f"Node {i}", i * 800, 0)
    return mesh


def cw_for_snr(snr: float) -> int:
    """map(snr, -20, 10, 3, 8) in integers, clamped (RadioInterface::getCWsize)."""
    return max(CW_MIN, min(CW_MAX, (int(snr) + 20) * (CW_MAX - CW_MIN) // 30 + CW_MIN))


def bounds(mesh: SimMesh, hops: int) -> tuple[float, float]:
    dm = time_on_air(text_packet_bytes(len(TEXT.encode()), pki=True), "LONG_FAST")
    ack = time_on_air(ACK_BYTES, "LONG_FAST")
    on_air = hops * (dm + ack)
    relays = NODES[1:hops]
    waits_min = 2 * len(relays) * 2 * CW_MAX  # out and back, every relay: at least 16 slots
    waits_max = 2 * (2**CW_MIN - 1)  # originator and destination
    for relay in relays:
        back = NODES[NODES.index(relay) + 1]  # the ACK comes from the node after it
        ahead = NODES[NODES.index(relay) - 1]
        for heard_from in (ahead, back):
            waits_max += 2 * CW_MAX + 2 ** cw_for_snr(mesh.channel.snr(heard_from, relay)) - 1
    return on_air + waits_min * SLOT_S, on_air + waits_max * SLOT_S


def ack_latency(mesh: SimMesh, dest: int) -> float:
    origin = NODES[0]
    pid = mesh.node(origin).send_text(TEXT, destination=dest, want_ack=True)
    sent = mesh.env.now
    mesh.env.run()
    acks = [
        e for e in mesh.log if e.kind == "routing" and e.node == origin and e.request_id == pid and e.sender == dest
    ]
    assert acks, "no ACK from the destination"
    return acks[0].time - sent


def test_ack_latency_of_one_two_and_three_hops_is_as_computed() -> None:
    seen: dict[int, list[float]] = {1: [], 2: [], 3: []}
    for seed in range(1, 9):
        for hops in (1, 2, 3):
            mesh = line(seed)
            low, high = bounds(mesh, hops)
            latency = ack_latency(mesh, NODES[hops])
            assert low - 1e-6 <= latency <= high + 1e-6, (hops, seed, low, latency, high)
            seen[hops].append(latency)
    # one hop: both airtimes and at most 14 slots; each further hop adds two relay waits
    assert max(seen[1]) < min(seen[2]) and max(seen[2]) < min(seen[3])
    assert max(seen[1]) < 2.2  # the 10-16 s seen through `sim serve` was not the radio's doing
