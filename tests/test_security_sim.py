"""Authenticated senders on the simulated mesh: the radios' own PKI keys, pinned and checked."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from sqlmodel import select

from hardware.link import BROADCAST_NUM
from store import Member, session
from store.models import NodeKey, SecurityFlag
from tests.test_e2e_sim import World


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path / "bot.db")


def test_a_dm_pins_the_radios_key_and_only_a_dm_opens_the_digest(world: World) -> None:
    chair = world.resident(2)
    assert world.say(chair, "JOIN Chair elm")[0].startswith("Welcome Chair @elm")
    assert world.daemon is not None
    with session(world.daemon.engine) as db, db.begin():
        pin = db.get(NodeKey, chair)
        assert pin is not None
        assert base64.b64decode(pin.public_key) == world.mesh.node(chair).public_key
        member = db.get(Member, chair)
        member.role = "committee"  # type: ignore[union-attr]
    got = world.say(chair, "DIGEST")
    assert got and got[0].startswith("Digest ")
    before = len(world.texts(chair))
    world.mesh.node(chair).send_text("DIGEST", destination=BROADCAST_NUM)  # on the channel: unproved
    world.mesh.advance(60)
    # The refusal, and (the chair being on the committee) the flag about it, which shares its packet.
    parts = [part for text in world.texts(chair)[before:] for part in text.split(" | ")]
    assert "DIGEST only by a private (PKI) DM from your own radio. Refused; the committee is told." in parts
    with session(world.daemon.engine) as db:
        [flag] = db.exec(select(SecurityFlag)).all()
    assert (flag.node_num, flag.reason) == (chair, "unauthenticated")
