"""The message catalogue: every message, in every language, filled with worst-case fields,
fits its byte budget with its fixed words (the id, the next step) never cut."""

from __future__ import annotations

import string

import pytest

from protocol import replies
from protocol.catalogue import FIELD_BYTES, TABLES, budget, fields_of, render, template, utf8_len, whole

NUMBER_FIELDS = {"count", "total", "first", "last", "ok", "helping", "safe", "silent", "per_minute",
                 "hours", "minutes", "open_needs"}
MESSAGES = [(lang, message_id) for lang in TABLES for message_id in TABLES["en"]]


def _worst(field: str) -> str:
    """A value longer than the field may take, in 2-byte letters so cuts land mid-character."""
    if field in NUMBER_FIELDS:
        return "9" * 6
    limit = FIELD_BYTES[field]
    return "ñ" * ((limit or 300) + 40)


def _literals(message_id: str, lang: str) -> list[str]:
    return [text for text, *_ in string.Formatter().parse(template(message_id, lang)) if text.strip()]


def test_every_language_has_only_known_ids_with_the_same_fields() -> None:
    for lang, table in TABLES.items():
        assert set(table) <= set(TABLES["en"]), lang
        for message_id in table:
            assert sorted(fields_of(message_id, lang)) == sorted(fields_of(message_id, "en")), (lang, message_id)


def test_spanish_lacks_only_bilingual_broadcasts_and_the_committees_notices_and_digest() -> None:
    missing = set(TABLES["en"]) - set(TABLES["es"])
    assert missing == {"alert.broadcast", "alert.cancelled_all", "emergency.broadcast", "emergency.reminder",
                       "emergency.over", "emergency.declared_by", "help.request_notice", "help.no_words", "gate.notice_key_changed",
                       "gate.notice_unauthenticated", *(m for m in TABLES["en"] if m.startswith("digest."))}


def test_every_field_has_a_size_and_a_message_has_at_most_one_elastic_field() -> None:
    for lang, message_id in MESSAGES:
        names = set(fields_of(message_id, lang))
        assert names <= set(FIELD_BYTES), (message_id, names - set(FIELD_BYTES))
        assert len([n for n in names if FIELD_BYTES[n] is None]) <= 1, message_id


@pytest.mark.parametrize(("lang", "message_id"), MESSAGES, ids=[f"{lang}:{m}" for lang, m in MESSAGES])
def test_a_message_filled_with_worst_case_fields_fits_its_budget_whole(lang: str, message_id: str) -> None:
    values = {name: _worst(name) for name in fields_of(message_id, lang)}
    text = render(message_id, lang, **values)
    assert utf8_len(text) <= budget(message_id), text
    for literal in _literals(message_id, lang):  # the fixed words are all there, uncut
        assert literal in text, (literal, text)


@pytest.mark.parametrize("lang", list(TABLES))
def test_a_confirmation_of_any_post_is_within_50_bytes(lang: str) -> None:
    for short_id in ("n1", "o12", "n9999999"):
        for item in ("rice 5kg", "ñ" * 120, "x" * 233, "a " * 100):
            text = replies.posted(short_id, item, lang=lang)
            assert utf8_len(text) <= 50, text
            assert text.startswith(f"{short_id} ") and text.endswith(f" {short_id} {'undoes' if lang == 'en' else 'deshace'}")


def test_a_short_confirmation_keeps_the_whole_item() -> None:
    assert replies.posted("n5", "blankets 2") == "n5 blankets 2 posted. CANCEL n5 undoes"
    assert replies.posted("n5", "mantas 2", lang="es") == "n5 mantas 2 publicada. CANCELAR n5 deshace"


def test_an_unknown_language_reads_english() -> None:
    assert render("cancelled", "fr", id="o3") == "o3 cancelled."


def test_a_residents_words_are_relayed_whole_or_not_at_all() -> None:
    words = "bring it to the school gate"
    assert whole("note.relay", "es", code="m3", who="Ana", text=words) == f"m3 Ana: {words}"
    assert whole("note.relay", "en", code="m3", who="Ana", text="ñ" * 100) is None  # 208 bytes: no cut copy
    assert render("note.relay", "en", code="m3", who="Ana", text="ñ" * 100).endswith("…")
