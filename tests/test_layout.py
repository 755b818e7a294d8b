"""The house rules a newcomer relies on: who may import whom, no circles, no huge module.

Read from the source with `ast` (bench/layout_table.py), so an import inside a function
counts as much as one at the top: a lazy import hides a circle, it does not remove it.
"""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOGIC_LINE_LIMIT = 400


def _layout_table():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("layout_table", ROOT / "bench" / "layout_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


layout = _layout_table()
LIBRARIES = ("protocol", "store", "hardware")


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_library_package_imports_nothing_of_meshbot_nor_of_the_other_libraries(library: str) -> None:
    graph = layout.import_graph(("meshbot", *LIBRARIES))
    crossing = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items() if module.split(".")[0] == library
        for target in targets if target.split(".")[0] != library
    )
    assert crossing == []


def test_no_meshbot_module_imports_itself_in_a_circle_not_even_lazily() -> None:
    assert layout.cycles(layout.import_graph(("meshbot",))) == []


def test_the_circle_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    room = tmp_path / "meshbot" / "room"
    room.mkdir(parents=True)
    (tmp_path / "meshbot" / "__init__.py").write_text("")
    (room / "__init__.py").write_text("")
    (room / "board.py").write_text("from meshbot.room.plan import steps\n")
    (room / "plan.py").write_text(textwrap.dedent("""
        def end():
            from meshbot.room import board
            return board
    """))
    (room / "alone.py").write_text("import json\n")
    graph = layout.import_graph(("meshbot",), tmp_path)
    assert graph["meshbot.room.plan"] == {"meshbot.room.board"}
    assert layout.cycles(graph) == [["meshbot.room.board", "meshbot.room.plan"]]


@pytest.mark.parametrize("path", [f for p in ("meshbot", *LIBRARIES) for f in layout.package_files(p)],
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_module_of_any_package_is_over_400_lines_of_logic(path: Path) -> None:
    assert layout.logic_lines(path.read_text(encoding="utf-8")) <= LOGIC_LINE_LIMIT


def test_lines_of_logic_leave_out_blank_lines_comments_and_docstrings() -> None:
    source = textwrap.dedent('''
        """A module docstring
        over two lines."""

        # a comment
        X = {
            "a": 1,  # trailing comment, still code
        }


        def f() -> int:
            """Docstring."""
            return X["a"]
    ''')
    assert layout.logic_lines(source) == 5


def test_the_module_table_in_docs_layout_is_the_tree_as_it_is() -> None:
    doc = (ROOT / "docs" / "layout.md").read_text(encoding="utf-8")
    assert layout.table_in_doc(doc) == layout.module_table(), \
        "docs/layout.md is behind the tree: run `python bench/layout_table.py --write`"
