"""Reply language: a Spanish command gets a Spanish reply; notices to another resident
are in the language that resident last wrote in; HELP with words is a person asking."""

from __future__ import annotations

import pytest

from protocol import Help, parse, replies
from protocol.help import CARD, USAGE, help_reply
from store import Member, session
from tests.conftest import Board

ANA, BEN, CARO, DORA = 0xA1, 0xB2, 0xC3, 0xD4


def test_spanish_command_gets_spanish_reply(board: Board) -> None:
    assert board.send(ANA, "UNIRSE Ana olmo").startswith("Bienvenida/o Ana @olmo")  # type: ignore[union-attr]
    reply = board.send(ANA, "ofrezco arroz 10kg")
    assert reply == "o1 arroz 10kg publicada. CANCELAR o1 deshace"
    assert board.send(ANA, "OFFER beans 2kg").startswith("o2 beans 2kg")  # type: ignore[union-attr]
    assert board.send(ANA, "cancelar o9").startswith("No hay o9 abierta")  # type: ignore[union-attr]
    assert board.send(ANA, "xyzzy 5").startswith('?? "xyzzy". Prueba: OFREZCO')  # type: ignore[union-attr]


def test_the_language_is_remembered_on_the_member(board: Board) -> None:
    board.send(ANA, "necesito agua")
    with session(board.engine) as db:
        assert db.get(Member, ANA).lang == "es"  # type: ignore[union-attr]
    # `o` and `sos` belong to no language: the words decide, then the remembered one.
    assert board.send(ANA, "o 12kg").startswith("¿OFREZCO qué?")  # type: ignore[union-attr]
    assert board.send(ANA, "o rice with beans").startswith("o2 ")  # type: ignore[union-attr]


def test_match_notice_is_in_the_other_residents_language(board: Board) -> None:
    board.send(ANA, "UNIRSE Ana olmo")
    board.send(ANA, "tengo arroz 10kg")
    reply = board.send(BEN, "NEED rice !!")
    assert reply is not None and reply.startswith("Match m1: Ana !000000a1 @olmo offers arroz 3.33kg for your n2.")
    to_ana = [o.text for o in board.outbox(ANA) if o.text.startswith("Pareja")]
    assert to_ana == ["Pareja m1: 00b2 !000000b2 necesita rice 3.33kg de tu o1. TOMO m1 para aceptar en 24h; CANCELAR m1 si no."]
    board.send(CARO, "OFFER drill")
    board.send(ANA, "tomo o3")
    assert any(o.text.startswith("Ana !000000a1 takes your o3") for o in board.outbox(CARO))


def test_cancel_notice_goes_in_the_partners_language(board: Board) -> None:
    board.send(ANA, "necesito mantas")
    board.send(BEN, "OFFER blankets 3")
    assert board.send(BEN, "CANCEL o2") == "o2 cancelled."
    assert any(o.text.startswith("o2 fue retirada: blankets") for o in board.outbox(ANA))


def test_help_request_with_danger_is_answered_and_tells_the_committee(board: Board) -> None:
    board.send(DORA, "JOIN Dora elm")
    with session(board.engine) as db, db.begin():
        dora = db.get(Member, DORA)
        dora.role = "committee"  # type: ignore[union-attr]
        db.add(dora)
    reply = board.send(ANA, "HELP fire at elm")
    assert reply is not None and "SOS fire at elm" in reply and "committee is told" in reply
    assert [o.text for o in board.outbox(DORA) if o.text.startswith("HELP")] == [
        "HELP asked by 00a1 !000000a1: fire at elm"]
    assert board.postings() == []


def test_help_request_in_spanish_and_plain_help(board: Board) -> None:
    reply = board.send(BEN, "ayuda incendio")
    assert reply is not None and reply.startswith("¿Peligro ahora? Envía: SOS incendio")
    asked = board.send(BEN, "help me")
    assert asked is not None and "NEED what @zone" in asked and "SOS" in asked
    assert board.send(BEN, "HELP") == CARD["en"]
    assert board.send(BEN, "ayuda") == CARD["es"]
    assert board.send(BEN, "ayuda ofrezco") == USAGE["offer"]["es"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_help_text_fits_one_packet(lang: str) -> None:
    texts = [CARD[lang], *(u[lang] for u in USAGE.values())]
    long_request = "fuego " * 40
    texts += [help_reply(Help(request=long_request, urgency=u, lang=lang), told=True)
              for u in ("normal", "critical")]
    for text in texts:
        assert 0 < len(text.encode("utf-8")) <= 200, text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_reply_fits_one_packet_in_both_languages(lang: str) -> None:
    long = "ñ" * 120
    texts = [
        replies.posted("o99999", long, lang=lang),
        replies.match_for_author("o1", long, long, lang=lang),
        replies.taken_by("o1", long, lang=lang), replies.you_took(long, long, "o1", lang=lang),
        replies.page(long, [long] * 3, 500, first=480, lang=lang)[0],
        replies.counterpart_cancelled("o1", long, lang=lang), replies.safe(long, lang=lang),
        replies.welcome(long, long, lang=lang), replies.not_found(long, lang=lang),
        replies.not_yours(long, lang=lang), replies.own_posting(long, lang=lang),
        replies.slow_down(10, lang=lang), replies.oops(lang), replies.end_of_list(lang),
        replies.alert_sent("a99999", lang=lang), replies.help_request_notice(long, long, long),
    ]
    for text in texts:
        assert 0 < len(text.encode("utf-8")) <= 200, text


def test_parse_reports_the_language() -> None:
    assert parse("necesito agua").lang == "es"
    assert parse("NEED water").lang == "en"
    assert parse("n agua para los niños").lang == "es"
    assert parse("OFFER arroz y frijoles de la casa").lang == "es"  # English verb, clearly Spanish words
    assert parse("LIST", lang="es").lang == "en"
    assert parse("ls", lang="es").lang == "es"
    assert parse("", lang="es").reply.startswith("Envía un comando")  # type: ignore[union-attr]
