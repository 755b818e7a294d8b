"""The conformance vectors in protocol/vectors/*.jsonl: each line is a message, the
command (or error) it must give, and the shape of the reply the bot sends.

A line is `{"text": ..., "expect": {field: value}, "reply": regex}`. `expect` names the
verb and every field of the command (`lang` included), or `error` for a bad message;
`reply` (optional) is matched against the error reply, or against what `meshbot parse`
would answer (a fresh in-memory board, so ids start at 1).
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from meshbot.simulation.tryout import explain
from protocol import ParseError, parse

VECTORS = Path(__file__).resolve().parent.parent / "protocol" / "vectors"


def _load() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(VECTORS.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                cases.append((f"{path.stem}:{number}", json.loads(line)))
    return cases


CASES = _load()


def test_there_are_enough_vectors() -> None:
    assert len(CASES) >= 300
    assert len({c["text"] for _, c in CASES}) == len(CASES), "a text appears twice"


@pytest.mark.parametrize(("where", "case"), CASES, ids=[w for w, _ in CASES])
def test_vector(where: str, case: dict[str, Any]) -> None:
    result = parse(case["text"])
    expect = case["expect"]
    if isinstance(result, ParseError):
        got: dict[str, Any] = {"error": result.code, "verb": result.verb, "lang": result.lang}
        assert got == expect
        assert 0 < len(result.reply.encode("utf-8")) <= 200
        if "reply" in case:
            assert re.search(case["reply"], result.reply), result.reply
        return
    got = {"verb": result.verb, **{f.name: getattr(result, f.name) for f in fields(result)}}
    assert got == expect
    if "reply" in case:
        reply = explain(case["text"])["reply"]
        assert reply is not None and len(reply.encode("utf-8")) <= 200
        assert re.search(case["reply"], reply), reply


POSTS = [(where, case) for where, case in CASES
         if case["expect"].get("verb") in ("offer", "need") and "error" not in case["expect"]]
CONFIRMATION = re.compile(r"^([on]1) \S.* (posted\. CANCEL \1 undoes|publicada\. CANCELAR \1 deshace)$")


def test_many_vectors_post() -> None:
    assert len(POSTS) >= 250


@pytest.mark.parametrize(("where", "case"), POSTS, ids=[w for w, _ in POSTS])
def test_every_post_is_confirmed_in_one_short_shape_within_50_bytes(where: str, case: dict[str, Any]) -> None:
    reply = explain(case["text"])["reply"]
    assert reply is not None and len(reply.encode("utf-8")) <= 50, reply
    assert CONFIRMATION.match(reply), reply
