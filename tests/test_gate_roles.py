"""Who may do what is decided in one place: the gate (and `Context.acts_as`, which asks it).

A handler that compared the sender's role itself would be a second rule book, easy to get
out of step with the gate's; this reads every handler's source and finds none.
"""
from __future__ import annotations

import ast
from pathlib import Path

HANDLERS = Path(__file__).resolve().parent.parent / "meshbot" / "handlers"


def _is_sender_role(node: ast.AST) -> bool:
    """`<anything>.sender.role`, the sender's role as a handler would read it."""
    return (isinstance(node, ast.Attribute) and node.attr == "role"
            and isinstance(node.value, ast.Attribute) and node.value.attr == "sender")


def _role_comparisons(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Compare)
            and any(_is_sender_role(side) for side in (node.left, *node.comparators))]


def test_no_handler_compares_the_senders_role_itself() -> None:
    found = {path.name: lines for path in sorted(HANDLERS.glob("*.py"))
             if path.name != "context.py" and (lines := _role_comparisons(path))}
    assert found == {}, f"role checks outside the gate: {found}"


def test_the_check_finds_a_role_comparison_when_there_is_one(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def h(ctx):\n    if ctx.sender.role in ('committee',):\n        return 1\n")
    assert _role_comparisons(sample) == [2]
