"""hardware/ stands on its own: no import cycles inside it, nothing of the bot above it.

Read from the source (every `import`, including those under `if TYPE_CHECKING:` and
inside functions, which hide a cycle rather than remove it), not by importing.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "hardware"
OUTSIDE = ("meshbot", "protocol", "store")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, module: str) -> set[str]:
    """Every module `path` (module `module`) names in an import statement, anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return found


def _graph() -> dict[str, set[str]]:
    """hardware module -> the hardware modules it imports."""
    modules = {_module_name(p): p for p in (ROOT / PACKAGE).rglob("*.py")}
    return {name: {m for m in _imports(path, name) if m in modules and m != name} for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return components


def test_the_hardware_package_has_no_import_cycle() -> None:
    graph = _graph()
    assert "hardware.sim.mesh" in graph and graph["hardware.sim.mesh"]  # the walk found the package
    assert _cycles(graph) == []


def test_the_hardware_package_imports_nothing_of_the_bot_or_its_store() -> None:
    offending = {
        _module_name(path): sorted(m for m in _imports(path, _module_name(path)) if m.split(".")[0] in OUTSIDE)
        for path in (ROOT / PACKAGE).rglob("*.py")
    }
    assert {name: found for name, found in offending.items() if found} == {}


def test_the_cycle_finder_sees_a_cycle_hidden_under_type_checking(tmp_path: Path) -> None:
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.b import B\n")
    b.write_text("def f():\n    from pkg import a\n")
    modules = {"pkg.a", "pkg.b"}
    graph = {"pkg.a": _imports(a, "pkg.a") & modules, "pkg.b": _imports(b, "pkg.b") & modules}
    assert _cycles(graph) == [["pkg.a", "pkg.b"]]
