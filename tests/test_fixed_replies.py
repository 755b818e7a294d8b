"""The table of fixed replies: each entry names a catalogue message and exactly its fields,
so a reply can neither leave a field of its message empty nor pass one it does not show."""

from __future__ import annotations

import pytest

from protocol import fixed_replies, replies
from protocol.catalogue import LANGUAGES, fields_of

TABLE = {name: value for name, value in vars(fixed_replies).items() if isinstance(value, fixed_replies.Fixed)}


@pytest.mark.parametrize("name", sorted(TABLE))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_fixed_reply_fills_exactly_its_message_fields(name: str, lang: str) -> None:
    reply = TABLE[name]
    assert set(fields_of(reply.message, lang)) == set(reply.fields)
    assert getattr(replies, name) is reply


def test_the_language_comes_last_or_by_name_and_a_missing_field_is_our_bug() -> None:
    assert replies.cancelled("n5", "es") == replies.cancelled("n5", lang="es") != replies.cancelled("n5")
    assert "n5" in replies.cancelled("n5", lang="es")
    with pytest.raises(TypeError, match="cancelled takes id"):
        replies.cancelled()
