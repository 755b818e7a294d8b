"""Fair service under spoofing, through the real worker and outbox on a real SQLite file.

Each test is one shape of attack: a spoofer writing a member's node number on the
channel, a radio offering the wrong key a hundred times, a spoofer rotating node numbers,
and a backlog of replies to hundreds of other nodes ahead of a resident's fresh command.
"""

from __future__ import annotations

from sqlmodel import select

from meshbot.delivery.fairness import fair_order
from meshbot.delivery.outbox import Outgoing, Priority, enqueue
from store import OutboxItem, session
from store.models import SecurityFlag
from tests.conftest import Board, node_key
from tests.test_security_gate import DEV, EVA, make_committee

INTRUDER_KEY = node_key(0x666)
SLOW_DOWN = "Slow down: at most 10 commands a minute. Wait a minute, then send again."


def _flags(board: Board) -> list[SecurityFlag]:
    with session(board.engine) as db:
        return list(db.exec(select(SecurityFlag)).all())


def test_channel_spoofs_in_a_members_number_do_not_spend_the_members_own_budget(board: Board) -> None:
    make_committee(board, DEV)
    answers = [board.send(DEV, "LIST", direct=False) for _ in range(12)]  # 12 spoofed channel texts
    assert answers[10] == SLOW_DOWN and answers[11] is None  # the number's unproved budget is spent
    reply = board.send(DEV, "MEMBERS")  # the member's own PKI DM, the same minute
    assert reply is not None and (reply == "Nobody is waiting to join." or reply.startswith("Waiting "))


def test_the_members_proved_budget_still_limits_the_member(board: Board) -> None:
    make_committee(board, DEV)
    board.clock.advance(61)
    answers = [board.send(DEV, f"FIND rice{k}") for k in range(12)]
    assert answers[10] == SLOW_DOWN and answers[11] is None


def test_a_hundred_wrong_key_dms_give_few_refusals_few_flags_and_one_notice(board: Board) -> None:
    make_committee(board, DEV, EVA)
    before = len(board.outbox())
    answers = [board.send(DEV, "MEMBERS", key=INTRUDER_KEY) for _ in range(100)]
    refused = [a for a in answers if a is not None and a.startswith("Your radio's key is not the one we know.")]
    assert 1 <= len(refused) <= 3
    assert answers.count(SLOW_DOWN) == 1
    assert len(_flags(board)) <= 10  # the node's budget of a minute reached the gate, no more
    queued = board.outbox()[before:]
    assert len([o for o in queued if o.text.startswith("Security:")]) == 2  # one notice, to each member
    assert len([o for o in queued if o.destination == DEV]) <= 5


def test_spoofers_rotating_node_numbers_share_one_budget(board: Board) -> None:
    answered = [board.send(0x5000 + k, "LIST", direct=False)
                for k in range(board.settings.unauthenticated_per_minute + 50)]
    # Channel chatter that is a command gets an answer; past the shared budget, silence.
    assert sum(a is not None for a in answered) == board.settings.unauthenticated_per_minute
    assert board.send(DEV, "HELP") is not None  # a PKI DM is outside the shared budget


def test_security_notices_are_one_per_reason_per_window_whatever_the_node_numbers(board: Board) -> None:
    make_committee(board, DEV, EVA)
    before = len(board.outbox())
    for node in (DEV, EVA):
        board.send(node, "DIGEST", direct=False)
    notices = [o for o in board.outbox()[before:] if o.text.startswith("Security:")]
    assert {o.destination for o in notices} == {DEV, EVA} and len(notices) == 2
    assert len([f for f in _flags(board) if f.reason == "unauthenticated"]) == 2  # both still rows


def test_a_fresh_answer_goes_ahead_of_900_replies_to_200_other_nodes(board: Board) -> None:
    now = board.clock()
    with session(board.engine) as db, db.begin():
        for k in range(900):
            enqueue(db, Outgoing(f"Unknown command W{k}.", 0x7000 + k % 200, Priority.REPLY), now, True)
    served = {0x7000 + k: now - 1 for k in range(200)}  # every backlog node was served a moment ago
    board.clock.advance(1)
    help_reply = board.send(0xA1, "HELP")
    assert help_reply is not None
    with session(board.engine) as db:
        first = fair_order(db, board.clock(), served, 50)[0]
    assert (first.destination, first.text) == (0xA1, help_reply)


def test_within_a_destination_the_oldest_goes_first_and_destinations_take_turns(board: Board) -> None:
    now = board.clock()
    with session(board.engine) as db, db.begin():
        for k in range(3):
            enqueue(db, Outgoing(f"a{k}", 0xA1, Priority.REPLY), now, True)
            enqueue(db, Outgoing(f"b{k}", 0xB2, Priority.REPLY), now, True)
        enqueue(db, Outgoing("digest", 0xA1, Priority.DIGEST), now, True)
    with session(board.engine) as db:
        order = [o.text for o in fair_order(db, now, {0xA1: now}, 50)]
    assert order == ["b0", "b1", "b2", "a0", "a1", "a2", "digest"]
    with session(board.engine) as db:
        pending = db.exec(select(OutboxItem).where(OutboxItem.state == "pending")).all()
    assert len(pending) == 7
