"""Spoofing as denial of service, on the simulated mesh and its virtual clock.

Anyone with the channel key can write any node number in `from`. A spoofer floods the
channel in a committee member's number while the outbox holds a backlog of replies for
other residents: the member's own PKI DM must still be answered, and so must a
resident's HELP, each within `ANSWER_WITHIN_S` of simulated time.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest
import simpy
from sqlmodel import func, select

from hardware.link import BROADCAST_NUM
from hardware.sim.packet import SimPacket
from meshbot.delivery.outbox import Outgoing, Priority, enqueue
from meshbot.inbound.gate import REFUSALS_ANSWERED
from store import Member, OutboxItem, session
from store.models import SecurityFlag
from tests.test_e2e_sim import World

pytestmark = pytest.mark.slow
ANSWER_WITHIN_S = 60.0
"""Simulated seconds. Without any attacker a HELP on this mesh is answered in about 4 s
(the answer goes once the base's radio has sent its ACK). Under this attack the channel
is 97 % busy (a minute of spoofs, each relayed by every node): the base's radio, whose
contention window follows that figure, waits 6.5 s to send the ACK and again to send the
answer, so the HELP is answered after 16 s and the MEMBERS after 28 s (42 s and 50 s
before answers to fresh direct messages went at HIGH priority with a slot of their own).
Before rate limits were keyed on proof and destinations took turns, neither was answered."""
HELP_AFTER_ALERTS_S = 10.0
"""Simulated seconds within which a HELP sent right after ten spoofed ALERTs is answered
(5.5 s on this mesh's seed; on seeds 1-6: 5.5 to 8.5 s, except twice 23 s, when the
answer met a relay at the resident's own radio and the firmware's retransmission brought it)."""
SPOOF_EVERY_S = 3.0
BACKLOG = 300


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path / "bot.db")


def _spoof(world: World, spoofer: int, victim: int, texts: tuple[str, ...], every_s: float,
           count: int) -> Generator:
    """The spoofer's radio sends channel texts whose `from` is the victim's number."""
    radio = world.mesh.node(spoofer)
    for k in range(count):
        packet = SimPacket(sender=victim, to=BROADCAST_NUM, id=world.mesh.new_packet_id(),
                           text=texts[k % len(texts)], hop_limit=3, hop_start=3)
        radio.router.send(packet)
        yield world.env.timeout(every_s)


def _from_bot(world: World, who: int) -> list[str]:
    """What `who` got from the base station (the spoofer's channel texts reach everyone too)."""
    return [p["decoded"]["text"] for p in world.mesh.node(who).received
            if p.get("from") == world.bot and "text" in p.get("decoded", {})]


def _first_answer_after(world: World, who: int, seen: int, until: float) -> tuple[str, float] | None:
    """Run the air in small steps until `who` gets a new text; (text, simulated time) or None."""
    while world.mesh.now() < until:
        world.mesh.advance(0.25)
        texts = _from_bot(world, who)
        if len(texts) > seen:
            return texts[seen], world.mesh.now()
    return None


def _members_answer(text: str) -> bool:
    """The membership desk's answer to MEMBERS (who waits to join), not a refusal."""
    return text == "Nobody is waiting to join." or (text.startswith("Waiting ") and "MEMBERS approve" in text)


def _queue_backlog(world: World, destinations: list[int]) -> None:
    """Bulk replies already waiting for other residents, as a flood of hostile texts leaves them."""
    assert world.daemon is not None
    now = world.mesh.now()
    with session(world.daemon.engine) as db, db.begin():
        for k in range(BACKLOG):
            to = destinations[k % len(destinations)]
            enqueue(db, Outgoing(f"Unknown command W{k}. Send HELP for the list.", to, Priority.REPLY), now, True)


def test_a_spoofer_in_a_members_number_mutes_neither_the_member_nor_a_residents_help(world: World) -> None:
    chair, resident, spoofer = world.resident(2), world.resident(1), world.resident(5)
    assert world.say(chair, "JOIN Chair elm")[0].startswith("Welcome Chair @elm")
    assert world.daemon is not None
    with session(world.daemon.engine) as db, db.begin():
        member = db.get(Member, chair)
        assert member is not None
        member.role = "committee"
    others = [world.resident(i) for i in (0, 3, 4, 6, 7, 8)]
    _queue_backlog(world, others)
    # 14 spoofed texts within a minute: over the per-node limit, which used to mute the
    # member for that minute. The spoofer then falls silent, so the radio-level collisions
    # of the flood do not decide the outcome: what is tested is the bot's bookkeeping.
    world.env.process(_spoof(world, spoofer, chair, ("MEMBERS", "LIST", "DIGEST"), SPOOF_EVERY_S, 14))
    world.mesh.advance(50)  # all 14 within the last minute when the member speaks
    with session(world.daemon.engine) as db:
        pending = db.exec(select(func.count()).select_from(OutboxItem).where(OutboxItem.state == "pending")).one()
    assert pending > BACKLOG / 2  # the backlog is still there when the real commands come

    chair_seen, resident_seen = len(_from_bot(world, chair)), len(_from_bot(world, resident))
    members_at = world.mesh.now()
    world.mesh.node(chair).send_text("MEMBERS", destination=world.bot, want_ack=True)  # PKI: proves itself
    world.mesh.advance(3)  # its relays are on air now: the HELP does not collide with them
    help_at = world.mesh.now()
    world.mesh.node(resident).send_text("HELP", destination=world.bot, want_ack=True)
    help_answer = _first_answer_after(world, resident, resident_seen, help_at + ANSWER_WITHIN_S)
    assert help_answer is not None, f"HELP got no answer within {ANSWER_WITHIN_S} s of simulated time"
    assert help_answer[0].startswith("Emergency: SOS what @zone.")
    chair_texts = [p for t in _from_bot(world, chair)[chair_seen:] for p in t.split(" | ")]
    deadline = members_at + ANSWER_WITHIN_S
    while world.mesh.now() < deadline and not any(_members_answer(t) for t in chair_texts):
        world.mesh.advance(0.25)
        chair_texts = [p for t in _from_bot(world, chair)[chair_seen:] for p in t.split(" | ")]
    assert any(_members_answer(t) for t in chair_texts), f"the member's MEMBERS went unanswered: {chair_texts}"

    # The spoofed privileged commands changed nothing and did not bury the member in refusals.
    parts = [p for t in _from_bot(world, chair) for p in t.split(" | ")]
    refusals = [p for p in parts if "only by a private (PKI) DM" in p]
    assert len(refusals) <= REFUSALS_ANSWERED
    with session(world.daemon.engine) as db:
        reasons = set(db.exec(select(SecurityFlag.reason).where(SecurityFlag.node_num == chair)).all())
        flags = db.exec(select(func.count()).select_from(SecurityFlag)).one()
    assert reasons == {"unauthenticated"}
    assert flags <= 10  # at most the per-node limit of a minute reached the gate


def test_a_help_after_ten_spoofed_alerts_is_answered_within_seconds(world: World) -> None:
    """Ten ALERTs on the channel in ten made-up node numbers (no committee yet): the base
    answers each in a DM and broadcasts at most the capped unverified alerts. The answers to
    the spoofs are bulk: a resident's HELP DM goes at HIGH priority in the radio's queue, on
    the in-flight slot kept for such answers, not behind them."""
    resident, spoofer = world.resident(1), world.resident(5)
    world.mesh.advance(30)
    for k in range(10):
        world.env.process(_spoof(world, spoofer, 0x5000 + k, (f"ALERT fire near house {k} @elm",), 1.0, 1))
        world.mesh.advance(3)
    seen = len(_from_bot(world, resident))
    help_at = world.mesh.now()
    world.mesh.node(resident).send_text("HELP", destination=world.bot, want_ack=True)
    answer = _first_answer_after(world, resident, seen, help_at + HELP_AFTER_ALERTS_S)
    assert answer is not None, f"HELP got no answer within {HELP_AFTER_ALERTS_S} s of simulated time"
    assert answer[0].startswith("Emergency: SOS what @zone.")
    assert world.daemon is not None
    with session(world.daemon.engine) as db:
        broadcasts = db.exec(select(func.count()).select_from(OutboxItem).where(
            OutboxItem.destination == BROADCAST_NUM, OutboxItem.priority == Priority.ALERT)).one()
    assert broadcasts <= world.daemon.settings.unverified_alerts_per_hour * 2  # capped, not one per spoof
