"""parse never raises, and every reply fits one packet as valid UTF-8, whatever arrives:
random unicode (right-to-left, combining marks, control characters, NUL), 10 KB strings,
only whitespace, only emoji, and commands wrapped in junk.

The default run is a few thousand examples; `-m slow` runs a million generated inputs.
"""

from __future__ import annotations

import random
from dataclasses import fields

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocol import VERB_ALIASES, Command, Help, ParseError, parse, replies
from protocol.help import help_reply

RTL = "\u05d0\u05d1\u05d2\u0627\u0644\u0639\u0631\u0628\u064a\u0629\u200f\u202e\u2067"
COMBINING = "\u0301\u0308\u0327\u0336\u20dd\u0489"
CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u2028\u2029\ufeff\u200b\u200d\ufffd"
EMOJI = "🍞🥖🔥🚨🆘❤️‼️❗👍🏽👨‍👩‍👧🇲🇽"
WORDS = [*sorted(VERB_ALIASES), "@elm", "@", "!!", "!", "#food", "o12", "12", "10kg", "1,5",
         "dozen", "size", "urgent", "tue", "9-12", "until", "fri", "for", "3", "days", "-5",
         "$20", "2kW", "1/2", "a las", "mañana", "x2", "9999999", "help", "fire", "ayuda"]

junk = st.text(alphabet=st.sampled_from(RTL + COMBINING + CONTROLS + EMOJI + " \t\nab1!@#"),
               max_size=60)
messages = st.one_of(
    st.text(),
    junk,
    st.text(alphabet=st.sampled_from(" \t\n\r\x0b\x0c\u3000\u00a0"), max_size=50),
    st.text(alphabet=st.sampled_from(EMOJI), max_size=30),
    st.tuples(st.text(max_size=20), st.integers(100, 1024)).map(lambda t: (t[0] or "x") * t[1])
    .map(lambda s: s[:10_240]),  # up to 10 KB
    st.lists(st.one_of(st.sampled_from(WORDS), junk), max_size=10).map(" ".join),
    st.binary(max_size=300).map(lambda b: b.decode("utf-8", errors="replace")),
)


def check(text: str) -> None:
    """The properties every message must keep."""
    result = parse(text)
    if isinstance(result, ParseError):
        _fits(result.reply)
        assert result.lang in ("en", "es")
        return
    assert result.lang in ("en", "es")
    for field in fields(result):  # nothing unencodable reaches a reply or the store
        value = getattr(result, field.name)
        if isinstance(value, str):
            value.encode("utf-8")
    if isinstance(result, Help):
        _fits(help_reply(result, told=True))
    item = getattr(result, "item", None)
    if item is not None:
        label = replies.label("o99999", item, result.quantity, result.unit, result.place, result.urgency)  # type: ignore[union-attr]
        _fits(replies.posted("o99999", label, lang=result.lang))  # type: ignore[union-attr]


def _fits(reply: str) -> None:
    data = reply.encode("utf-8")  # raises on a lone surrogate
    assert 0 < len(data) <= 200, reply
    data.decode("utf-8")


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages)
def test_parse_never_raises_and_replies_fit(text: str) -> None:
    check(text)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(VERB_ALIASES)), st.lists(st.sampled_from(WORDS), max_size=8),
       st.sampled_from(["en", "es"]))
def test_any_words_after_any_verb(alias: str, words: list[str], lang: str) -> None:
    result = parse(" ".join([alias, *words]), lang=lang)
    assert isinstance(result, (ParseError, *Command.__args__))  # type: ignore[attr-defined]
    check(" ".join([alias, *words]))


def generated(count: int, seed: int = 42) -> list[str]:
    """`count` inputs from a seeded generator: junk, real words and mixtures of both."""
    rng = random.Random(seed)
    pool = RTL + COMBINING + CONTROLS + EMOJI + "abcxyz019 !@#,.:;-/¿¡ñé"
    out = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.4:
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 9)))
        elif kind < 0.8:
            text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
        elif kind < 0.98:
            text = "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(0, 30)))
        else:
            text = "x" * rng.randint(200, 10_240)
        out.append(text)
    return out


@pytest.mark.slow
def test_a_million_generated_inputs() -> None:
    for start in range(0, 1_000_000, 50_000):
        for text in generated(50_000, seed=start):
            check(text)
