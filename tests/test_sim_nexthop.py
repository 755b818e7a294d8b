"""Next-hop routing of direct messages, as firmware 2.6/2.7 does it.

Topology (range 1000 m; collisions off so that each test follows one path):

    F ---- A ---- B ---- D          F hears only A; D hears only B and E
            \\    |    /
               E                    E hears A, B and D
"""

from __future__ import annotations

import simpy

from hardware.airtime import text_packet_bytes, time_on_air
from hardware.link import BROADCAST_NUM
from hardware.sim import SimMesh

A, B, D, E, F = 0xA1, 0xB2, 0xD4, 0xE5, 0xF6


def street(*, with_e: bool = False) -> SimMesh:
    mesh = SimMesh(simpy.Environment(), seed=11, range_m=1000, collisions=False)
    mesh.add_node(F, "F", "Fay", -800, 0)
    mesh.add_node(A, "A", "Ana", 0, 0)
    mesh.add_node(B, "B", "Ben", 800, 0)
    mesh.add_node(D, "D", "Dot", 1600, 0)
    if with_e:
        mesh.add_node(E, "E", "Eve", 800, 400)
    return mesh


def relays(mesh: SimMesh, pid: int) -> list[str]:
    return [mesh.name(e.node) for e in mesh.log if e.packet_id == pid and e.kind == "relay"]


def sends(mesh: SimMesh, pid: int) -> list[str]:
    return [e.kind for e in mesh.log if e.node == A and e.packet_id == pid and e.kind in ("tx", "retx")]


def acks_from(mesh: SimMesh, node: int, pid: int) -> list[tuple[int, str]]:
    return [
        (p["from"], p["decoded"]["routing"]["errorReason"])
        for p in mesh.node(node).routing
        if p["decoded"]["requestId"] == pid
    ]


def test_the_first_dm_floods_and_its_ack_teaches_the_route() -> None:
    mesh = street()
    first = mesh.node(A).send_text("hello Dot", destination=D, want_ack=True)
    mesh.env.run()
    assert sorted(relays(mesh, first)) == ["B", "F"]  # no route yet: everyone relays
    assert (D, "NONE") in acks_from(mesh, A, first)
    assert mesh.node(A).router.next_hops[D] == B & 0xFF  # the ACK came back through B
    assert mesh.node(B).router.next_hops[D] == D & 0xFF  # B handed it straight to D

    second = mesh.node(A).send_text("again", destination=D, want_ack=True)
    mesh.env.run()
    assert relays(mesh, second) == ["B"]  # F was not asked: it stays quiet
    assert mesh.node(D).texts() == ["hello Dot", "again"]
    assert (D, "NONE") in acks_from(mesh, A, second)
    assert sends(mesh, second) == ["tx"]


def test_broadcasts_are_still_flooded() -> None:
    mesh = street()
    mesh.node(A).send_text("hello Dot", destination=D, want_ack=True)
    mesh.env.run()
    pid = mesh.node(A).send_text("to everyone")
    mesh.env.run()
    assert sorted(relays(mesh, pid)) == ["B", "D", "F"]  # D too: hops were left
    assert all("to everyone" in mesh.node(n).texts() for n in (B, D, F))


def test_a_silent_next_hop_makes_the_last_try_flood() -> None:
    mesh = street(with_e=True)
    for _ in range(5):  # a route is learned only when the ACK comes back the way the DM went
        mesh.node(A).send_text("learn", destination=D, want_ack=True)
        mesh.env.run()
        if D in mesh.node(A).router.next_hops:
            break
    chosen = mesh.node(A).router.next_hops[D]
    assert chosen in (B & 0xFF, E & 0xFF)
    gone, other = (B, E) if chosen == B & 0xFF else (E, B)
    mesh.node(gone).radio_off()
    pid = mesh.node(A).send_text("are you there", destination=D, want_ack=True)
    mesh.env.run()
    # first try and its retry go to the dead next hop; the third, flooded, goes round it
    assert sends(mesh, pid) == ["tx", "retx", "retx"]
    directed = [e for e in mesh.log if e.packet_id == pid and e.node == A]
    assert mesh.name(other) in relays(mesh, pid)
    assert mesh.node(D).texts()[-1] == "are you there"
    assert (D, "NONE") in acks_from(mesh, A, pid)
    assert mesh.node(A).router.next_hops[D] == other & 0xFF  # relearned from the new ACK
    assert len(directed) == 3


def test_the_retry_timer_waits_out_what_the_radio_heard_meanwhile() -> None:
    """ReliableRouter: nothing heard while receiving, so the airtime received is added."""
    mesh = SimMesh(simpy.Environment(), seed=3, range_m=1000, collisions=False)
    mesh.add_node(A, "A", "Ana", 0, 0)
    mesh.add_node(B, "B", "Ben", 500, 0)
    mesh.add_node(F, "F", "Fay", -500, 0, role="client_mute")
    mesh.node(B).radio_off()  # B never answers: A retries
    text = "x" * 50
    pid = mesh.node(A).send_text(text, destination=B, want_ack=True)
    mesh.advance(2.0)
    chatter = "y" * 100
    mesh.node(F).send_text(chatter)  # A hears it while waiting
    mesh.env.run()
    retries = [e for e in mesh.log if e.node == A and e.packet_id == pid and e.kind == "retx"]
    dm_bytes = text_packet_bytes(len(text), pki=True)
    # getRetransmissionMsec at 0 % utilisation: 2 airtimes + (2**3 + 2*8 + 2**5) slots of 28 ms + 4.5 s
    timeout = 2 * time_on_air(dm_bytes, "LONG_FAST") + 56 * 0.028 + 4.5
    heard = time_on_air(text_packet_bytes(len(chatter)), "LONG_FAST")
    assert retries[0].queued == __import__("pytest").approx(timeout + heard, abs=1e-6)


def test_relays_drop_a_dm_once_they_hear_its_answer() -> None:
    """A relay still waiting to rebroadcast a DM cancels it when the destination's ACK goes by."""
    mesh = street()
    pid = mesh.node(A).send_text("hi Ben", destination=B, want_ack=True)
    mesh.env.run()
    # A and B are neighbours: B acks at once (its wait is shorter than a client's rebroadcast
    # wait); F heard A's DM but not B's ACK, so F relays; nobody else carries the DM on
    assert relays(mesh, pid) == ["F"]
    assert (B, "NONE") in acks_from(mesh, A, pid)
    assert BROADCAST_NUM not in mesh.node(A).router.next_hops
