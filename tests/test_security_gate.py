"""Privileged commands pass one gate: a pinned PKI DM from a member holding the role.

Texts go through the real worker on a real SQLite file; `Board.send` delivers a DM under
PKI with the node's own radio key (as firmware 2.5+ does), `direct=False` is a channel
message (anyone with the channel key can write any node number there) and `key=` is
another radio claiming the node's number.
"""

from __future__ import annotations

from sqlmodel import select

from meshbot.delivery.outbox import Priority
from meshbot.board.views import board as board_view
from store import Member, OutboxItem, session
from store.models import AuditEntry, NodeKey, SecurityFlag
from tests.conftest import Board, node_key

DEV, EVA, ANA, BEN = 0xD1, 0xE1, 0xA1, 0xB2
BROADCAST = 0xFFFFFFFF
INTRUDER_KEY = node_key(0x666)


def make_committee(board: Board, *nodes: int) -> None:
    """Committee members whose keys were pinned by a first PKI DM, their role set on the laptop."""
    for node in nodes:
        board.send(node, f"JOIN C{node:x} elm")
    with session(board.engine) as db, db.begin():
        for node in nodes:
            member = db.get(Member, node)
            assert member is not None
            member.role, member.status = "committee", "approved"


def member(board: Board, node: int) -> Member:
    with session(board.engine) as db:
        found = db.get(Member, node)
        assert found is not None
        return found


def flags(board: Board) -> list[SecurityFlag]:
    with session(board.engine) as db:
        return list(db.exec(select(SecurityFlag).order_by(SecurityFlag.id)).all())


def audit_count(board: Board) -> int:
    with session(board.engine) as db:
        return len(db.exec(select(AuditEntry)).all())


def test_join_makes_a_pending_member_and_tells_the_committee(board: Board) -> None:
    make_committee(board, DEV)
    reply = board.send(ANA, "JOIN Ana elm")
    assert reply is not None and reply.startswith("Welcome Ana @elm. The committee will confirm you")
    assert member(board, ANA).status == "pending"
    [notice] = [o for o in board.outbox(DEV) if o.text.startswith("Join:")]
    assert "Ana !000000a1 @elm" in notice.text and "MEMBERS approve !000000a1" in notice.text
    assert notice.priority == Priority.NOTICE and len(notice.text.encode()) <= 200


def test_a_committee_member_approves_by_pki_dm_and_it_is_audited(board: Board) -> None:
    make_committee(board, DEV)
    board.send(ANA, "JOIN Ana elm")
    assert board.send(DEV, "MEMBERS") == "Waiting 1: !000000a1 Ana@elm. MEMBERS approve !id"
    assert board.send(DEV, "MEMBERS approve !000000a1") == "Ana !000000a1 approved."
    assert member(board, ANA).status == "approved"
    assert [o.text for o in board.outbox(ANA)][-1] == "The committee approved you as a member. Thank you!"
    assert board.send(DEV, "MEMBERS role !a1 responder") == "Ana !000000a1 is now responder."
    assert member(board, ANA).role == "responder"
    with session(board.engine) as db:
        actions = [(e.actor, e.action) for e in db.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == [("!000000d1", "dm.members"), ("!000000d1", "dm.members"), ("!000000d1", "member.approve"),
                       ("!000000d1", "dm.members"), ("!000000d1", "member.role")]


def test_spoofed_privileged_command_on_a_channel_is_refused_and_nothing_changes(board: Board) -> None:
    make_committee(board, DEV, EVA)
    board.send(ANA, "JOIN Ana elm")
    audited = audit_count(board)
    before = len(board.outbox())
    # Someone with the channel key writes DEV's node number on a channel message.
    reply = board.send(DEV, "MEMBERS approve !000000a1", direct=False)
    assert reply == "MEMBERS only by a private (PKI) DM from your own radio. Refused; the committee is told."
    assert member(board, ANA).status == "pending" and member(board, ANA).role == "resident"
    assert audit_count(board) == audited
    [flag] = flags(board)
    assert (flag.node_num, flag.reason, flag.verb, flag.notified) == (DEV, "unauthenticated", "members", True)
    assert flag.detail == "MEMBERS approve !000000a1"
    told = board.outbox()[before:]
    assert {o.destination for o in told} == {DEV, EVA}  # the refusal to DEV, the flag to both
    assert all(len(o.text.encode()) <= 200 for o in told)
    assert any(o.destination == EVA and o.text.startswith("Security: MEMBERS as Cd1 !000000d1 without a PKI DM")
               for o in told)


def test_digest_on_a_channel_or_a_plain_dm_is_refused_even_for_the_committee(board: Board) -> None:
    make_committee(board, DEV)
    board.send(ANA, "NEED insulin !!")
    refused = "DIGEST only by a private (PKI) DM from your own radio. Refused; the committee is told."
    assert board.send(DEV, "DIGEST", direct=False) == refused
    assert board.send(DEV, "DIGEST", pki=False) == refused  # a DM, but not under PKI: unproved
    assert not [o for o in board.outbox(DEV) if o.text.startswith("Digest")]
    reply = board.send(DEV, "DIGEST")
    assert reply is not None and reply.startswith("Digest ")


def test_flags_tell_the_committee_once_an_hour_per_node_and_reason(board: Board) -> None:
    make_committee(board, DEV, EVA)
    board.send(DEV, "DIGEST", direct=False)
    board.clock.advance(600)
    board.send(DEV, "DIGEST please", direct=False)
    assert [f.notified for f in flags(board)] == [True, False]
    assert len([o for o in board.outbox(EVA) if o.text.startswith("Security:")]) == 1
    board.clock.advance(3600)
    board.send(DEV, "DIGEST", direct=False)
    assert len([o for o in board.outbox(EVA) if o.text.startswith("Security:")]) == 2


def test_a_resident_asking_for_a_privileged_command_is_refused_without_alarm(board: Board) -> None:
    make_committee(board, DEV)
    board.send(ANA, "JOIN Ana elm")
    before = len(board.outbox(DEV))
    assert board.send(ANA, "MEMBERS approve !000000a1") == "MEMBERS is for the committee. LIST shows the board."
    assert board.send(ANA, "miembros", direct=False) == "MIEMBROS es para el comité. LISTA muestra el tablón."
    assert member(board, ANA).status == "pending"
    assert len(board.outbox(DEV)) == before  # a curious resident is no security event
    assert {f.reason for f in flags(board)} == {"not_allowed"}


def test_key_change_for_a_known_node_is_refused_and_flagged(board: Board) -> None:
    make_committee(board, DEV, EVA)
    board.send(ANA, "JOIN Ana elm")
    with session(board.engine) as db:
        pinned = db.get(NodeKey, DEV)
        assert pinned is not None and pinned.public_key == node_key(DEV)
    before = len(board.outbox())
    reply = board.send(DEV, "MEMBERS approve !000000a1", key=INTRUDER_KEY)
    assert reply == ("Your radio's key is not the one we know. Refused; the committee is told "
                     "and can confirm your new key.")
    assert member(board, ANA).status == "pending"
    [flag] = flags(board)
    assert (flag.node_num, flag.reason, flag.notified) == (DEV, "key_changed", True)
    told = [o for o in board.outbox()[before:] if o.text.startswith("Security:")]
    assert {o.destination for o in told} == {DEV, EVA}
    assert "new radio key" in told[0].text and "meshbot members forget-key !000000d1" in told[0].text
    with session(board.engine) as db:
        assert db.get(NodeKey, DEV).public_key == node_key(DEV)  # type: ignore[union-attr]


def test_a_resident_whose_key_changed_is_refused_until_the_committee_forgets_the_old_key(board: Board) -> None:
    from meshbot.people import membership

    board.send(BEN, "OFFER drill")
    assert board.send(BEN, "OFFER ladder", key=INTRUDER_KEY) is not None
    assert [p.item for p in board.postings()] == ["drill"]
    with session(board.engine) as db, db.begin():
        assert membership.forget_key(db, BEN, "cli:test", board.clock.now)
    reply = board.send(BEN, "OFFER ladder", key=INTRUDER_KEY)  # the new key is pinned now
    assert reply is not None and "posted" in reply
    assert [p.item for p in board.postings()] == ["drill", "ladder"]


def test_nobody_is_turned_away_unknown_nodes_post_and_their_postings_are_unverified(board: Board) -> None:
    make_committee(board, DEV)
    assert "posted" in (board.send(ANA, "NEED insulin !!", direct=False) or "")  # never heard of, on a channel
    assert "posted" in (board.send(BEN, "OFFER rice 2kg", pki=False) or "")
    board.send(BEN, "JOIN Ben oak")
    rows = {r["item"]: r for r in board_view(board.engine)}
    assert rows["insulin"]["verified"] is False and rows["rice"]["verified"] is False
    board.send(DEV, "MEMBERS approve !000000b2")
    rows = {r["item"]: r for r in board_view(board.engine)}
    assert rows["rice"]["verified"] is True and rows["insulin"]["verified"] is False


def test_an_approved_members_name_cannot_be_changed_from_a_channel(board: Board) -> None:
    make_committee(board, DEV)
    board.send(ANA, "JOIN Ana elm")
    board.send(DEV, "MEMBERS approve !a1")
    assert board.send(ANA, "JOIN Mallory oak", direct=False) == (
        "You are a member already. To change your name or zone, DM the bot from your own radio.")
    assert (member(board, ANA).name, member(board, ANA).zone) == ("Ana", "elm")
    assert (board.send(ANA, "JOIN Ana Maria oak") or "").startswith("Welcome Ana Maria @oak")


def test_only_an_admin_gives_the_admin_role(board: Board) -> None:
    make_committee(board, DEV)
    board.send(ANA, "JOIN Ana elm")
    assert board.send(DEV, "MEMBERS role !a1 admin") == "only an admin can give or take away the admin role"
    assert member(board, ANA).role == "resident"
    assert board.send(DEV, "MEMBERS approve !00000fff") == "!00000fff has never written to the bot"


def test_the_membership_desk_refuses_in_the_committee_members_language(board: Board) -> None:
    make_committee(board, DEV)
    board.send(ANA, "JOIN Ana elm")
    assert board.send(DEV, "MIEMBROS role !a1 admin") == "solo un admin puede dar o quitar el rol admin"
    assert member(board, ANA).role == "resident"
    assert board.send(DEV, "MIEMBROS approve !00000fff") == "!00000fff nunca escribió al bot"


def test_replies_and_notices_of_the_gate_fit_one_packet(board: Board) -> None:
    make_committee(board, DEV)
    with session(board.engine) as db, db.begin():
        dev = db.get(Member, DEV)
        dev.name = "Maximiliana Ferreira"  # type: ignore[union-attr]
    for text, kwargs in [("MEMBERS approve !a1", {"direct": False}), ("RESUMEN", {"direct": False}),
                         ("DIGEST", {"key": INTRUDER_KEY})]:
        board.send(DEV, text, **kwargs)  # type: ignore[arg-type]
    assert all(len(o.text.encode()) <= 200 for o in board.outbox())


def test_pki_fields_of_the_library_packet_reach_the_worker() -> None:
    from meshbot.inbound.inbox import Inbound

    packet = {"from": 0xA1, "to": 0x0B0B0B0B, "id": 7, "pkiEncrypted": True, "publicKey": node_key(0xA1),
              "decoded": {"portnum": "TEXT_MESSAGE_APP", "text": "DIGEST", "payload": b"DIGEST"}}
    inbound = Inbound.from_packet(packet)
    assert inbound is not None and inbound.pki_encrypted and inbound.public_key == node_key(0xA1)
    channel = Inbound.from_packet({"from": 0xA1, "id": 8, "decoded": {"text": "DIGEST"}})
    assert channel is not None and not channel.pki_encrypted and channel.public_key is None


def test_a_text_left_unhandled_by_a_crash_keeps_its_proof(board: Board) -> None:
    from meshbot.inbound.inbox import Inbound

    make_committee(board, DEV)
    text = Inbound(DEV, 0x0B0B0B0B, 4242, 0, "DIGEST", True, node_key(DEV))
    assert board.worker.record(text)  # written down on arrival; the process dies here
    [again] = board.worker.unhandled()
    assert again == text
    reply = board.worker.process(again)
    assert reply is not None and reply.startswith("Digest ")


def test_the_channel_broadcast_outbox_gets_no_security_noise(board: Board) -> None:
    make_committee(board, DEV)
    board.send(DEV, "MEMBERS", direct=False)
    assert not [o for o in board.outbox() if o.destination == BROADCAST]
    with session(board.engine) as db:
        assert all(o.destination != BROADCAST for o in db.exec(select(OutboxItem)))


def test_the_real_command_runs_after_a_spoofed_copy_of_the_same_words(board: Board) -> None:
    make_committee(board, DEV)
    board.send(ANA, "JOIN Ana elm")
    board.send(DEV, "MEMBERS approve !000000a1", direct=False)  # spoofed first
    assert board.send(DEV, "MEMBERS approve !000000a1") == "Ana !000000a1 approved."
    assert member(board, ANA).status == "approved"
