"""Titled tables, rendered for the terminal (rich), Markdown, or one printable HTML page.

Digests, reports and the emergency board describe themselves as a list of `Section`s of plain strings; this
module is the only place that knows how those look. The HTML page is self-contained (no
fonts, scripts or images fetched): the base-station laptop is usually offline.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text


@dataclass(frozen=True)
class Section:
    """One titled block: an optional table, optional paragraphs, and what to say when empty."""

    title: str
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    numeric: frozenset[int] = frozenset()
    strong: frozenset[int] = frozenset()
    labelled: frozenset[int] = frozenset()
    """Columns whose cell is also its HTML class (`unmet`, `planned`), so a page can colour it."""
    paragraphs: tuple[str, ...] = ()
    note: str = ""
    empty: str = "Nothing to report."
    level: int = 2

    @property
    def is_empty(self) -> bool:
        return not self.rows and not self.paragraphs


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    sections: tuple[Section, ...] = field(default=())


# --- Markdown ----------------------------------------------------------------------

def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(doc: Document) -> str:
    out = [f"# {doc.title}", "", f"_{doc.subtitle}_", ""]
    for s in doc.sections:
        out += [f"{'#' * s.level} {s.title}", ""]
        if s.note:
            out += [s.note, ""]
        if s.is_empty:
            out += [f"_{s.empty}_", ""]
            continue
        if s.rows:
            out.append("| " + " | ".join(_md_cell(h) for h in s.headers) + " |")
            out.append("|" + "|".join("---:" if i in s.numeric else "---" for i in range(len(s.headers))) + "|")
            for n, row in enumerate(s.rows):
                cells = [_md_cell(c) for c in row]
                if n in s.strong:
                    cells = [f"**{c}**" if c else c for c in cells]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
        for p in s.paragraphs:
            out += [f"- {p}"]
        if s.paragraphs:
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# --- terminal ----------------------------------------------------------------------

def print_rich(doc: Document, console: Console) -> None:
    """Print to a rich console: bold titles, boxed tables, numbers right-aligned."""
    console.print(Text(doc.title, style="bold underline"))
    console.print(Text(doc.subtitle, style="dim"))
    for s in doc.sections:
        console.print()
        console.print(Text(s.title, style="bold cyan" if s.level <= 2 else "bold"))
        if s.note:
            console.print(Text(s.note, style="dim"))
        if s.is_empty:
            console.print(Text(s.empty, style="italic"))
            continue
        if s.rows:
            table = Table(box=box.SIMPLE_HEAVY, show_edge=False, pad_edge=False)
            for i, h in enumerate(s.headers):
                table.add_column(h, justify="right" if i in s.numeric else "left", overflow="fold")
            for n, row in enumerate(s.rows):
                table.add_row(*row, style="bold" if n in s.strong else None)
            console.print(table)
        for p in s.paragraphs:
            console.print(Text("• " + p))


# --- HTML --------------------------------------------------------------------------

_CSS = """
:root { --ink:#111; --muted:#555; --rule:#999; --band:#f0f0f0; --accent:#0b5394; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: #fff; margin: 0 auto; padding: 1.5rem; max-width: 60rem;
       font-size: 12pt; line-height: 1.4; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
.subtitle { color: var(--muted); margin: 0 0 1rem; }
h2 { font-size: 1.25rem; margin: 1.4rem 0 .4rem; border-bottom: 2px solid var(--accent);
     color: var(--accent); padding-bottom: .1rem; break-after: avoid; }
h3 { font-size: 1.05rem; margin: 1rem 0 .3rem; break-after: avoid; }
p.note { color: var(--muted); margin: .2rem 0 .5rem; font-size: .95rem; }
p.empty { font-style: italic; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .6rem; break-inside: auto; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { background: var(--band); font-weight: 600; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.strong td { font-weight: 700; }
ul { margin: .3rem 0 .6rem 1.2rem; padding: 0; }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@page { size: A4; margin: 14mm; }
@media print { body { padding: 0; max-width: none; font-size: 11pt; } h2 { color: #000; border-color: #000; } }
@media screen and (prefers-color-scheme: dark) {
  :root { --ink:#e8e8e8; --muted:#aaa; --rule:#555; --band:#2a2a2a; --accent:#8ab4f8; }
  body { background: #161616; }
}
"""


_STRONG = ' class="strong"'


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _cell_class(s: Section, column: int, text: str = "") -> str:
    names = (["num"] if column in s.numeric else []) + ([text] if text and column in s.labelled else [])
    return f' class="{_esc(" ".join(names))}"' if names else ""


def section_html(s: Section) -> str:
    out = [f"<h{s.level}>{_esc(s.title)}</h{s.level}>"]
    if s.note:
        out.append(f'<p class="note">{_esc(s.note)}</p>')
    if s.is_empty:
        out.append(f'<p class="empty">{_esc(s.empty)}</p>')
        return "\n".join(out)
    if s.rows:
        head = "".join(
            f'<th{_cell_class(s, i)} scope="col">{_esc(h)}</th>'
            for i, h in enumerate(s.headers)
        )
        body = []
        for n, row in enumerate(s.rows):
            cells = "".join(
                f'<td{_cell_class(s, i, c)}>{_esc(c)}</td>' for i, c in enumerate(row)
            )
            body.append(f'<tr{_STRONG if n in s.strong else ""}>{cells}</tr>')
        out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    if s.paragraphs:
        out.append("<ul>" + "".join(f"<li>{_esc(p)}</li>" for p in s.paragraphs) + "</ul>")
    return "\n".join(out)


def html_page(title: str, subtitle: str, body: str, footer: str = "", *, css: str = "",
              refresh_s: int | None = None) -> str:
    """One printable page with its style inline: it opens the same with no network.

    `css` adds to the common style (the emergency board's clock and cards); `refresh_s`
    makes a page left open in a browser reload itself."""
    foot = f"<footer>{_esc(footer)}</footer>" if footer else ""
    refresh = f'<meta http-equiv="refresh" content="{refresh_s}">\n' if refresh_s else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n{refresh}"
        f"<title>{_esc(title)}</title>\n<style>{_CSS}{css}</style>\n</head>\n<body>\n"
        f"<h1>{_esc(title)}</h1>\n<p class=\"subtitle\">{_esc(subtitle)}</p>\n{body}\n{foot}\n</body>\n</html>\n"
    )


def to_html(doc: Document, footer: str = "") -> str:
    return html_page(doc.title, doc.subtitle, "\n".join(section_html(s) for s in doc.sections), footer)
