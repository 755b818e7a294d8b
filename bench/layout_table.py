"""Facts about the source tree that docs/layout.md states: who imports whom, and module sizes.

`python bench/layout_table.py` prints the module table of docs/layout.md (every module of
meshbot/, protocol/, store/ and hardware/ with its lines of logic); `--write` replaces the
table in the doc. tests/test_layout.py uses the same functions, so the doc, the import
rules and the size limit read one count.

A line of logic is a line of code that is not blank, not only a comment, and not inside a
docstring: what a reader has to follow, not what explains it.
"""

from __future__ import annotations

import argparse
import ast
import io
import tokenize
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYOUT_DOC = ROOT / "docs" / "layout.md"
TABLE_START = "<!-- module table: bench/layout_table.py --write -->"
TABLE_END = "<!-- end of module table -->"
PACKAGES = ("meshbot", "protocol", "store", "hardware")


def module_name(path: Path, root: Path = ROOT) -> str:
    """`meshbot/inbound/worker.py` -> `meshbot.inbound.worker`; a package is its __init__."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_files(package: str, root: Path = ROOT) -> list[Path]:
    return sorted((root / package).rglob("*.py"))


def _docstring_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                lines.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return lines


def logic_lines(source: str) -> int:
    """Lines that hold code: not blank, not only a comment, not a docstring."""
    code_lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                          tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        code_lines.update(range(token.start[0], token.end[0] + 1))
    return len(code_lines - _docstring_lines(ast.parse(source)))


def imported_modules(path: Path, known: set[str], root: Path = ROOT) -> Iterator[str]:
    """Every module of ours `path` imports, at the top or inside a function (lazily).

    `from a.b import c` names the module `a.b.c` when that is a module, else `a.b`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path, root)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield candidate if candidate in known else base


def import_graph(packages: tuple[str, ...] = ("meshbot",), root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the modules of `packages` it imports (itself excluded)."""
    files = [f for p in packages for f in package_files(p, root)]
    known = {module_name(f, root) for f in files}
    graph: dict[str, set[str]] = {}
    for f in files:
        name = module_name(f, root)
        graph[name] = {m for m in imported_modules(f, known, root) if m in known and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def module_table(root: Path = ROOT) -> str:
    """The Markdown table of every module of the four packages and its lines of logic, by path."""
    rows = ["| module | lines of logic |", "|---|---:|"]
    for f in (f for package in PACKAGES for f in package_files(package, root)):
        rel = f.relative_to(root).as_posix()
        rows.append(f"| `{rel}` | {logic_lines(f.read_text(encoding='utf-8'))} |")
    return "\n".join(rows)


def table_in_doc(doc: str) -> str:
    start, end = doc.index(TABLE_START) + len(TABLE_START), doc.index(TABLE_END)
    return doc[start:end].strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="replace the table in docs/layout.md")
    args = parser.parse_args()
    table = module_table()
    if not args.write:
        print(table)
        return
    doc = LAYOUT_DOC.read_text(encoding="utf-8")
    start, end = doc.index(TABLE_START) + len(TABLE_START), doc.index(TABLE_END)
    LAYOUT_DOC.write_text(doc[:start] + "\n" + table + "\n" + doc[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
