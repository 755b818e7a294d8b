"""The same resident posting the same item again, on the simulated mesh with stock radios:
asked first (or merged, as the settings choose), through the plain-language path too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from hardware.sim import SimLink
from meshbot.daemon import Daemon
from meshbot.simulation.demo import bot_process
from meshbot.settings import Settings
from store import Posting, open_engine, session
from tests.test_e2e_sim import World


class SetWorld(World):
    """The demo neighbourhood with some settings of the committee's choosing."""

    overrides: dict[str, object] = {}

    def start_daemon(self) -> None:
        settings = Settings(db=str(self.db_path), **self.overrides)  # type: ignore[arg-type]
        self.daemon = Daemon(settings, SimLink(self.mesh, self.bot), open_engine(self.db_path), clock=self.mesh.now)
        self.daemon.open()
        self._loop = self.env.process(bot_process(self.env, self.daemon))


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path / "meshbot.db")
    yield w
    if w.daemon is not None:
        w.daemon.close()


class MergingWorld(SetWorld):
    overrides = {"repost_mode": "merge"}


class ShortWindowWorld(SetWorld):
    overrides = {"repost_window_hours": 0.1}  # six minutes of mesh time


@pytest.fixture
def merging(tmp_path: Path) -> Iterator[World]:
    w = MergingWorld(tmp_path / "meshbot.db")
    yield w
    if w.daemon is not None:
        w.daemon.close()


@pytest.fixture
def short_window(tmp_path: Path) -> Iterator[World]:
    w = ShortWindowWorld(tmp_path / "meshbot.db")
    yield w
    if w.daemon is not None:
        w.daemon.close()


def postings(world: World) -> list[tuple[str, str, float | None, float | None]]:
    assert world.daemon is not None
    with session(world.daemon.engine) as db:
        return [(p.kind, p.item, p.quantity, p.remaining) for p in db.exec(select(Posting).order_by(Posting.id)).all()]


def test_needing_the_same_thing_again_in_plain_words_is_asked_about_then_posted_when_sent_again(world: World) -> None:
    ben = world.resident(5)
    assert world.say(ben, "NEED 2 blankets")[0].startswith("n1 ")
    world.mesh.advance(109)
    asked = "You already need blankets 2 (n1). Send NEED again to add another."
    assert world.say(ben, "I need 2 blankets") == [asked]
    assert postings(world) == [("need", "blankets", 2.0, 2.0)]
    # Sent again: the resident means a second one.
    assert world.say(ben, "I need 2 blankets")[0].startswith("n2 ")
    assert postings(world) == [("need", "blankets", 2.0, 2.0), ("need", "blankets", 2.0, 2.0)]


def test_spanish_and_translated_repeats_are_caught_and_other_items_are_not(world: World) -> None:
    eva, ana = world.resident(1), world.resident(2)
    assert world.say(eva, "NECESITO 2 mantas")[0].startswith("n1 ")
    assert world.say(eva, "me hacen falta 2 mantas") == [
        "Ya necesitas mantas 2 (n1). Envía NECESITO otra vez para añadir otra."]
    assert world.say(ana, "OFFER rice 5kg")[0].startswith("o2 ")
    assert world.say(ana, "tengo arroz 5kg") == ["Ya ofreces rice 5kg (o2). Envía OFREZCO otra vez para añadir otra."]
    assert world.say(ana, "OFFER a tent")[0].startswith("o3 ")  # another item: posted at once
    assert [item for _, item, _, _ in postings(world)] == ["mantas", "rice", "tent"]


def test_a_repeat_after_the_window_is_a_new_posting(short_window: World) -> None:
    ben = short_window.resident(5)
    short_window.say(ben, "NEED 2 blankets")
    assert short_window.say(ben, "I need 2 blankets")[0].startswith("You already need blankets 2 (n1).")
    short_window.mesh.advance(0.1 * 3600)  # past the window of the first posting
    assert short_window.say(ben, "we need 2 blankets")[0].startswith("n2 ")


def test_merging_adds_the_repeat_to_the_first_posting_and_a_matching_offer_gets_all_of_it(merging: World) -> None:
    ben, ana = merging.resident(5), merging.resident(2)
    merging.say(ben, "NEED 2 blankets")
    assert merging.say(ben, "I need 3 blankets") == ["Added to your n1: blankets 5 now."]
    assert postings(merging) == [("need", "blankets", 5.0, 5.0)]
    got = merging.say(ana, "OFFER 5 blankets")
    assert got[0].startswith("Match m1: ") and "needs blankets 5 from your o2." in got[0]
