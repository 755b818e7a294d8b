"""Settings as text: the TOML file an operator edits and the Markdown reference.

Both are rendered from the `Settings` model, so a new field is documented the moment
it exists: `meshbot config init` writes every field (commented out at its default) and
`docs/configuration.md` carries the same table, checked by a test. Regenerate the
document with `python -m meshbot.settings_text docs/configuration.md`.
"""

from __future__ import annotations

import json
import sys
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo

from meshbot.settings import ENV_PREFIX, Settings

DOC_BEGIN = "<!-- settings table: begin (rendered from meshbot/settings.py) -->"
DOC_END = "<!-- settings table: end -->"


def toml_value(value: Any) -> str:
    """One value in TOML syntax (strings as basic strings, tuples as arrays)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    if hasattr(value, "model_dump"):
        return toml_value(value.model_dump())
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _key(name: object) -> str:
    text = str(name)
    return text if text.replace("_", "").replace("-", "").isalnum() else json.dumps(text)


def doc_default(field: FieldInfo) -> str:
    """The default as the documentation shows it (machine-independent)."""
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    if "doc_default" in extra:
        return str(extra["doc_default"])
    if field.default_factory is not None:
        return "(computed)"
    if field.default is None:
        return "(not set)"
    if field.default == "":
        return '""'
    return toml_value(field.default)


def type_name(annotation: Any) -> str:
    """A reader's name for a field's type: text, integer, number, true/false, list of ..."""
    args = typing.get_args(annotation)
    optional = type(None) in args
    core = [a for a in args if a is not type(None)]
    origin = typing.get_origin(annotation)
    if optional and len(core) == 1:
        return type_name(core[0])
    if origin in (list, tuple, set, frozenset):
        inner = [a for a in args if a is not Ellipsis]
        return f"list of {type_name(inner[0])}s" if inner else "list"
    if origin is dict:
        return f"table of {type_name(args[1])}s" if len(args) == 2 else "table"
    if origin is typing.Literal:
        return " or ".join(json.dumps(a) for a in args)
    names = {str: "text", int: "integer", float: "number", bool: "true/false"}
    if annotation in names:
        return names[annotation]
    return getattr(annotation, "__name__", str(annotation))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table() -> str:
    """The reference table: every setting, its variable, type, default and help."""
    rows = [
        "| Setting | Environment variable | Type | Default | What it does |",
        "|---|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        rows.append(
            f"| `{name}` | `{ENV_PREFIX}{name.upper()}` | {_cell(type_name(field.annotation))} "
            f"| `{_cell(doc_default(field))}` | {_cell(field.description or '')} |"
        )
    return "\n".join(rows) + "\n"


def render_document(current: str) -> str:
    """`current` with the text between the table markers replaced by a fresh table."""
    try:
        head, rest = current.split(DOC_BEGIN, 1)
        _, tail = rest.split(DOC_END, 1)
    except ValueError:
        raise ValueError(f"the document lacks the markers {DOC_BEGIN!r} ... {DOC_END!r}") from None
    return f"{head}{DOC_BEGIN}\n{markdown_table()}{DOC_END}{tail}"


def template(values: Mapping[str, Any] | None = None) -> str:
    """A config file: every setting with its help, commented out at its default unless given."""
    given = dict(values or {})
    lines = [
        "# meshbot settings. Uncomment a line to change it.",
        "# Each setting can also come from MESHBOT_<NAME> in the environment or `--set name=value`",
        "# on the command line (later wins: this file < environment < flags).",
        "# Check this file with `meshbot config check`; see docs/configuration.md.",
        "",
    ]
    for name, field in Settings.model_fields.items():
        lines.append(f"# {field.description or name}")
        if name in given:
            lines.append(f"{name} = {toml_value(given[name])}")
        elif field.default_factory is not None:
            lines.append(f"# {name} = {json.dumps(doc_default(field))}")
        elif field.default is None:
            lines.append(f"# {name} =")
        else:
            lines.append(f"# {name} = {toml_value(field.default)}")
        lines.append("")
    return "\n".join(lines)


def effective(settings: Settings, sources: Mapping[str, str]) -> Iterable[str]:
    """`name = value  # source` for every setting; unset ones commented out."""
    for name in Settings.model_fields:
        value = getattr(settings, name)
        source = sources.get(name, "default")
        if value is None:
            yield f"# {name} is not set  ({source})"
        else:
            yield f"{name} = {toml_value(value)}  # {source}"


def main(argv: list[str]) -> int:
    """Rewrite the settings table of the Markdown file(s) given."""
    if not argv:
        print("usage: python -m meshbot.settings_text docs/configuration.md", file=sys.stderr)
        return 2
    for name in argv:
        path = Path(name)
        path.write_text(render_document(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
