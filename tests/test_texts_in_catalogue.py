"""Every text a resident reads in Spanish lives in the catalogue (protocol/catalogue), nowhere else.

A scan of the source, not of the running bot: a table keyed by language (`{"en": ..., "es": ...}`),
a branch on `lang == "es"` choosing between two literals, or a Spanish sentence as a string
literal, in any module of meshbot/, protocol/, hardware/ or store/ outside the catalogue, fails.
What the parser reads (lowercase vocabulary, word lists fed to `.split()`, patterns) is not a
resident's text and is let through.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("meshbot", "protocol", "hardware", "store")
CATALOGUE = ROOT / "protocol" / "catalogue"
SPANISH_LETTERS = set("¿¡ñáéíóú")
SPANISH_FUNCTION_WORDS = frozenset(
    "el la los las una para por tu tus se ya del al con nada solo cuando está aún otra vez nadie hay muy no".split())


def _docstrings_and_word_lists(tree: ast.AST) -> set[int]:
    """Literals that are documentation or vocabulary (`"para por a al".split()`)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split"
                and isinstance(node.func.value, ast.Constant)):
            skip.add(id(node.func.value))
        if isinstance(node, ast.Subscript):
            skip.add(id(node.slice))
    return skip


def _is_es(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Constant):
        return node.value == "es"
    return isinstance(node, ast.Tuple) and any(_is_es(element) for element in node.elts)


def _words_under(node: ast.AST, skip: set[int]) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in skip and re.search(r"[^\W\d_]", n.value)]


def _reads_as_spanish_sentence(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text.lower())
    shaped = text[:1].isupper() or text[:1] in "¿¡" or "{" in text or text.rstrip().endswith((".", "!", "?"))
    spanish = bool(SPANISH_LETTERS & set(text)) or len([w for w in words if w in SPANISH_FUNCTION_WORDS]) >= 2
    return len(words) >= 2 and shaped and spanish


def spanish_texts(source: str) -> list[str]:
    """What in `source` looks like resident-facing Spanish text held outside the catalogue."""
    tree = ast.parse(source)
    skip = _docstrings_and_word_lists(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if _is_es(key):
                    found += [f"table keyed 'es': {text!r}" for text in _words_under(value, skip)]
        elif isinstance(node, ast.IfExp) and isinstance(node.test, ast.Compare) and any(
                _is_es(side) for side in (node.test.left, *node.test.comparators)):
            found += [f"branch on 'es': {text!r}" for text in _words_under(node.body, skip) + _words_under(node.orelse, skip)]
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
              and _reads_as_spanish_sentence(node.value)):
            found.append(f"Spanish sentence: {node.value!r}")
    return found


def test_the_scan_finds_each_shape_of_a_spanish_text_outside_the_catalogue() -> None:
    assert spanish_texts('T = {"sent": {"en": "Note sent.", "es": "Nota enviada."}}') != []
    assert spanish_texts('T = {"en": ("Ofertas",), "es": ("Ofertas",)}') != []
    assert spanish_texts('T = {("need", "es"): ("necesitas", "NECESITO")}') != []
    assert spanish_texts('def f(lang):\n    return " o " if lang == "es" else " or "') != []
    assert spanish_texts('raise ValueError("nadie se llama así")') == []  # lowercase, unpunctuated: a word list
    assert spanish_texts('raise ValueError("Nadie se llama {name}.")') != []
    assert spanish_texts('reply = f"Nota de {who}: ¿todo bien?"') != []


def test_the_scan_lets_vocabulary_and_documentation_through() -> None:
    assert spanish_texts('STOP = {"es": frozenset("para por a al con".split())}') == []
    assert spanish_texts('V = {"es": dict(_VERBS["names"]["es"])}') == []
    assert spanish_texts('PHRASES = ("por la manana", "en la noche")') == []
    assert spanish_texts('"""Español: la tabla de mensajes está en el catálogo."""') == []
    assert spanish_texts('SAFE = {"en": "Marked safe. Stay well."}') == []


MODULES = sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
                 if CATALOGUE not in path.parents)


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_no_module_outside_the_catalogue_holds_spanish_resident_text(path: Path) -> None:
    assert spanish_texts(path.read_text(encoding="utf-8")) == []
