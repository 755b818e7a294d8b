"""A resident's text in, the reply and the database state out, for every verb."""

from __future__ import annotations

from sqlmodel import select

from meshbot.inbound.inbox import Inbound
from store import Alert, Match, Member, session
from tests.conftest import Board

ANA, BEN, CARO = 0xA1, 0xB2, 0xC3
BROADCAST = 0xFFFFFFFF


def test_offer_is_posted_with_its_fields_and_a_short_id(board: Board) -> None:
    reply = board.send(ANA, "OFFER 10kg rice @elm")
    assert reply is not None and reply == "o1 rice 10kg posted. CANCEL o1 undoes"
    [p] = board.postings()
    assert (p.kind, p.item, p.quantity, p.unit, p.zone, p.category, p.status, p.author) == (
        "offer", "rice", 10.0, "kg", "elm", "food", "open", ANA)
    [out] = board.outbox(ANA)
    assert out.text == reply and out.state == "pending" and out.want_ack


def test_offer_and_need_of_one_category_match_and_both_sides_hear_once(board: Board) -> None:
    board.send(ANA, "JOIN Ana elm")
    board.send(BEN, "JOIN Ben oak")
    board.send(ANA, "OFFER rice 10kg")
    reply = board.send(BEN, "NEED rice !!")
    # A need without a quantity gets one share (a third) of a measured offer.
    assert reply == ("Match m1: Ana !000000a1 @elm offers rice 3.33kg for your n2. "
                     "TAKE m1 to accept within 24h; CANCEL m1 if not.")
    to_ana = [o.text for o in board.outbox(ANA) if o.text.startswith("Match")]
    to_ben = [o.text for o in board.outbox(BEN) if o.text.startswith("Match")]
    assert to_ana == ["Match m1: Ben !000000b2 @oak needs rice 3.33kg from your o1. "
                      "TAKE m1 to accept within 24h; CANCEL m1 if not."]
    assert len(to_ben) == 1
    assert [p.status for p in board.postings()] == ["open", "matched"]  # 6.67 kg of rice still on offer
    with session(board.engine) as db:
        [m] = db.exec(select(Match)).all()
    assert (m.offer_id, m.need_id, m.status, round(m.quantity or 0, 2)) == (1, 2, "proposed", 3.33)


def test_own_postings_never_match_each_other(board: Board) -> None:
    board.send(ANA, "OFFER bread")
    reply = board.send(ANA, "NEED bread")
    assert reply is not None and "posted" in reply
    assert [p.status for p in board.postings()] == ["open", "open"]


def test_urgent_need_is_matched_before_an_older_normal_one(board: Board) -> None:
    board.send(ANA, "NEED food")
    board.clock.advance(60)
    board.send(BEN, "NEED food !!")
    board.send(CARO, "OFFER food")  # one lot: it can serve one of them
    assert [p.status for p in board.postings()] == ["open", "matched", "matched"]


def test_take_done_lifecycle(board: Board) -> None:
    board.send(ANA, "OFFER drill")
    reply = board.send(BEN, "TAKE o1")
    assert reply is not None and reply.startswith("You took o1 drill")
    assert any(o.text.startswith("00b2 !000000b2 takes your o1") for o in board.outbox(ANA))
    assert board.send(CARO, "TAKE o1").startswith("No open o1")  # type: ignore[union-attr]
    assert board.send(CARO, "DONE o1").startswith("o1 is not yours")  # type: ignore[union-attr]
    assert board.send(BEN, "DONE o1") == "o1 done. Thank you!"
    [p] = board.postings()
    assert p.status == "done"
    with session(board.engine) as db:
        [m] = db.exec(select(Match)).all()
    assert (m.taker, m.status) == (BEN, "done")


def test_take_own_posting_is_refused(board: Board) -> None:
    board.send(ANA, "OFFER drill")
    assert board.send(ANA, "TAKE o1").startswith("o1 is your own post")  # type: ignore[union-attr]
    assert board.postings()[0].status == "open"


def test_cancel_reopens_the_partner_and_tells_them(board: Board) -> None:
    board.send(ANA, "OFFER blankets 3")
    board.send(BEN, "NEED blanket")
    assert board.send(BEN, "CANCEL o1").startswith("o1 is not yours")  # type: ignore[union-attr]
    assert board.send(ANA, "CANCEL o1") == "o1 cancelled."
    assert [p.status for p in board.postings()] == ["cancelled", "open"]
    assert any("o1 was withdrawn" in o.text for o in board.outbox(BEN))


def test_list_and_find_answer_in_one_packet(board: Board) -> None:
    for i in range(30):
        board.send(0x100 + i, f"OFFER canned beans {i} cans @elm")
    board.send(BEN, "NEED insulin !!")
    listing = board.send(CARO, "LIST")
    assert listing is not None and len(listing.encode()) <= 200
    assert listing.startswith("Board (31): n31 insulin!!")  # urgent first
    assert "more" in listing
    found = board.send(CARO, "FIND insulin")
    assert found is not None and found.startswith("'insulin' (1): n31 insulin!!")
    assert board.send(CARO, "LIST needs") == "Needs (1): n31 insulin!!"


def test_my_lists_only_the_senders_posts(board: Board) -> None:
    board.send(ANA, "OFFER eggs 12")
    board.send(BEN, "NEED ride to clinic")
    assert board.send(ANA, "MY") == "Yours (1): o1 eggs 12"


def test_alert_is_broadcast_and_confirmed(board: Board) -> None:
    board.send(ANA, "JOIN Ana oak")
    with session(board.engine) as db, db.begin():
        db.get(Member, ANA).role = "responder"  # type: ignore[union-attr]  (residents: docs/alerts.md)
    reply = board.send(ANA, "ALERT family evicted @oak")
    assert reply == "Alert a1 broadcast to all. CANCEL a1 when it is over."
    broadcast, ring = board.outbox(BROADCAST)  # the text, then the ALERT_APP packet that rings
    assert broadcast.text == ring.text == "ALERT a1 @oak: family evicted -Ana !000000a1"
    assert broadcast.priority == 0 and not broadcast.want_ack
    assert ring.alert_app and not broadcast.alert_app
    assert board.send(ANA, "CANCEL a1") == "a1 cancelled."
    with session(board.engine) as db:
        assert db.get(Alert, 1).status == "cancelled"  # type: ignore[union-attr]


def test_join_and_safe_update_the_member(board: Board) -> None:
    assert board.send(ANA, "JOIN Ana elm").startswith("Welcome Ana @elm")  # type: ignore[union-attr]
    board.clock.advance(5)
    assert board.send(ANA, "SAFE").startswith("Marked safe, Ana")  # type: ignore[union-attr]
    with session(board.engine) as db:
        member = db.get(Member, ANA)
    assert member is not None and (member.name, member.zone, member.safe_at) == ("Ana", "elm", board.clock.now)


def test_a_nameless_radio_marked_safe_is_greeted_in_its_language(board: Board) -> None:
    assert board.send(ANA, "SAFE") == "Marked safe, friend. Stay well."
    assert board.send(BEN, "BIEN") == "Anotado: a salvo, amiga/o. Cuídate."


def test_bad_command_gets_a_short_reply_and_changes_nothing(board: Board) -> None:
    reply = board.send(ANA, "BANANA 5")
    assert reply is not None and 0 < len(reply.encode()) <= 200
    assert board.postings() == []
    assert [o.text for o in board.outbox()] == [reply]


def test_channel_chatter_is_not_answered_but_channel_commands_are(board: Board) -> None:
    assert board.send(ANA, "hello everyone, power is back on elm st", direct=False) is None
    assert board.outbox() == []
    reply = board.send(ANA, "NEED water 10L", direct=False)
    assert reply is not None and reply.startswith("n1 water 10L")
    assert board.outbox()[0].destination == ANA  # answered by DM, not on the channel


def test_same_packet_twice_is_processed_once(board: Board) -> None:
    assert board.send(ANA, "OFFER rice", packet_id=77) is not None
    assert board.send(ANA, "OFFER rice", packet_id=77) is None
    assert len(board.postings()) == 1 and len(board.outbox()) == 1
    assert board.send(BEN, "OFFER rice", packet_id=77) is not None  # ids are per sender


def test_same_packet_twice_in_one_burst_is_processed_once(board: Board) -> None:
    """A radio replaying its backlog can put a packet twice into the burst the worker takes."""
    offer = Inbound(ANA, 0x42, 78, 0, "OFFER beans")
    other = Inbound(BEN, 0x42, 78, 0, "NEED beans")  # same id, another sender: a packet of its own
    assert board.worker.record(offer) and not board.worker.record(offer)
    first, again, need = board.worker.process_batch([offer, offer, other])
    assert first is not None and first.startswith("o1 beans") and again is None
    assert need is not None and need.startswith("Match m1: 00a1 !000000a1 offers beans")  # the one offer there is
    assert len(board.postings()) == 2 and [o.destination for o in board.outbox(ANA)] == [ANA, ANA]


def test_expired_postings_leave_the_board(board: Board) -> None:
    from meshbot.board.expiry import expire_due

    board.send(ANA, "OFFER soup")
    board.clock.advance(board.settings.posting_ttl_days * 86_400 + 1)
    with session(board.engine) as db, db.begin():
        assert expire_due(db, board.clock.now) == 1
    assert board.send(BEN, "LIST") == "Board: none open."


def test_a_station_files_members_and_postings_under_its_community(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from meshbot.settings import Settings

    north = Board(tmp_path / "north.db", settings=Settings(db=":memory:", community="north"))
    north.send(ANA, "OFFER rice")
    [posting] = north.postings()
    with session(north.engine) as db:
        member = db.get(Member, ANA)
    assert (posting.community, member.community) == ("north", "north")  # type: ignore[union-attr]
