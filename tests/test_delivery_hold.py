"""While commands keep arriving, the radio's ACKs for them go before the answers.

On the simulated air (virtual clock), residents' handhelds sending real commands to the
bot's node. Each command wants an ACK, which the bot's radio sends itself; an answer
sent while commands still come in takes the channel those ACKs need (a resident whose
ACK is late sends the command again). So answers wait for a pause, never longer than
`max_answer_hold_s`.
"""

from __future__ import annotations

from pathlib import Path

import simpy

from hardware.sim import SimLink, SimMesh
from meshbot.daemon import Daemon
from meshbot.simulation.demo import bot_process
from meshbot.delivery.sender import DeliveryPolicy
from meshbot.settings import Settings
from store import open_engine

BOT, ANA, BEN, CAL = 0x10, 0x20, 0x30, 0x40


def _street(db: Path) -> tuple[SimMesh, Daemon]:
    env = simpy.Environment()
    mesh = SimMesh(env, seed=11)
    for num, name, x in ((BOT, "BOT", 0), (ANA, "ANA", 300), (BEN, "BEN", 600), (CAL, "CAL", -300)):
        mesh.add_node(num, name, name.title(), x, 0)
    daemon = Daemon(Settings(db=str(db), rate_limit_per_minute=60), SimLink(mesh, BOT), open_engine(db),
                    clock=mesh.now)
    daemon.open()
    env.process(bot_process(env, daemon))
    return mesh, daemon


def _commands_every(mesh: SimMesh, gap_s: float, count: int) -> list[tuple[int, int]]:
    """`count` commands, `gap_s` apart, from the three residents in turn: (resident, id)."""
    sent = []
    things = ("beans", "rice", "soap", "blankets", "candles", "batteries", "flour", "salt", "tea")
    for k in range(count):
        who = (ANA, BEN, CAL)[k % 3]  # a different thing each time: no command is a repeat posting
        sent.append((who, mesh.node(who).send_text(f"OFFER {k + 1} tins of {things[k % len(things)]}", BOT, 0, True)))
        mesh.advance(gap_s)
    return sent


def test_a_lone_command_is_answered_once_the_radios_ack_is_on_air(tmp_path: Path) -> None:
    mesh, daemon = _street(tmp_path / "m.db")
    mesh.advance(30)  # a quiet mesh
    for k, (text, reply) in enumerate((("HELP", "Emergency: SOS"), ("LIST", "Board:"),
                                       ("OFFER 3 tins of beans", "posted"))):
        start = mesh.env.now
        command = mesh.node(BEN).send_text(text, BOT, 0, True)
        while len(mesh.node(BEN).texts()) == k and mesh.env.now < start + 60:
            mesh.advance(0.1)
        assert reply in mesh.node(BEN).texts()[k]
        ack = next(e.time + e.duration for e in mesh.log if e.kind == "ack" and e.request_id == command)
        answer = next(e for e in mesh.log if e.kind == "tx" and e.node == BOT and e.time > start)
        assert answer.time >= ack  # the answer did not cross the radio's ACK of the command
        assert mesh.env.now - start <= 6.0  # answered in seconds, not after a retransmission timeout
        mesh.advance(30)
    daemon.close()


def test_the_radio_acks_every_command_of_a_burst_before_it_answers_one(tmp_path: Path) -> None:
    mesh, daemon = _street(tmp_path / "m.db")
    sent = _commands_every(mesh, 3.0, 6)
    mesh.advance(120)
    acks = {e.request_id: e.time for e in mesh.log if e.kind == "ack" and e.node == BOT}
    heard = sorted(e.time for e in mesh.log if e.kind == "rx" and e.node == BOT)
    answers = [e.time for e in mesh.log if e.kind == "tx" and e.node == BOT]
    assert set(acks) >= {pid for _, pid in sent}  # every command was acked by the bot's radio
    # The first command was a lone one when it came: its answer went once its ACK was on
    # air. From the second on it is a burst: no answer goes before every command's ACK.
    assert min(answers) > acks[sent[0][1]]
    assert all(a > max(acks[pid] for _, pid in sent) for a in answers if a > heard[1])
    for who in (ANA, BEN, CAL):  # and every command was answered
        assert sum(text.count("posted") for text in mesh.node(who).texts()) == 2
    daemon.close()


def test_answers_wait_for_a_pause_no_longer_than_the_hold(tmp_path: Path) -> None:
    mesh, daemon = _street(tmp_path / "m.db")
    _commands_every(mesh, 4.0, 45)  # three minutes of commands with no pause long enough
    # The first command came alone and was answered at once; with the second a burst began.
    start = sorted(e.time for e in mesh.log if e.kind == "rx" and e.node == BOT)[1]
    first_answer = min(e.time for e in mesh.log if e.kind == "tx" and e.node == BOT and e.time > start)
    hold = DeliveryPolicy().max_answer_hold_s
    # The second command's answer went at the latest when it had waited the hold (plus
    # the pacing and the radio's own contention wait), not after the stream of commands.
    assert first_answer - start < hold + 15.0
    assert first_answer - start > 4.0 * 2  # and not before the next commands came in
    daemon.close()
