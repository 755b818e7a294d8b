"""The needs-mapping chart: each community's (and zone's) strengths and needs for a month.

For every community × category, the balance is offers minus needs posted in the month
(cancelled postings left out): above zero the community is strong there (more offered
than asked), below zero it needs help. Drawn as a heat grid with the number in every
cell, so it still reads on a black-and-white printout; the palette is blue ↔ orange, which
reads the same with the common colour-vision deficiencies.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

import numpy
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, TwoSlopeNorm
from matplotlib.figure import Figure
from sqlmodel import Session, select

from meshbot.papers.periods import Window
from meshbot.papers.sections import Section, html_page, section_html
from protocol import CATEGORIES
from store import Posting

FORMATS = ("png", "svg")
NEED_ORANGE = "#D55E00"  # Okabe–Ito vermillion
STRENGTH_BLUE = "#0072B2"  # Okabe–Ito blue
PALETTE = LinearSegmentedColormap.from_list(
    "need_strength", [NEED_ORANGE, "#F4B183", "#F7F7F7", "#9ECAE9", STRENGTH_BLUE]
)
NO_ZONE = "(no zone)"


@dataclass(frozen=True)
class MapRow:
    """A community as a whole (zone None) or one of its zones."""

    community: str
    zone: str | None
    offers: dict[str, int]
    needs: dict[str, int]

    @property
    def label(self) -> str:
        return f"{self.community} (all)" if self.zone is None else (self.zone or NO_ZONE)

    def balance(self, category: str) -> int:
        return self.offers.get(category, 0) - self.needs.get(category, 0)

    def strengths(self, categories: tuple[str, ...]) -> list[str]:
        return [c for c in categories if self.balance(c) > 0]

    def wants(self, categories: tuple[str, ...]) -> list[str]:
        return [c for c in categories if self.balance(c) < 0]


@dataclass(frozen=True)
class NeedsMap:
    window: Window
    now: float
    categories: tuple[str, ...]
    rows: tuple[MapRow, ...]


def build_map(db: Session, window: Window, now: float, community: str | None = None) -> NeedsMap:
    """Count the month's offers and needs by community, zone and category."""
    rows = db.exec(select(Posting).where(Posting.created >= window.start, Posting.created < window.end)).all()
    counts: Counter[tuple[str, str | None, str, str]] = Counter()
    for p in rows:
        if p.status == "cancelled" or (community is not None and p.community != community):
            continue
        for zone in (None, p.zone or ""):
            counts[(p.community, zone, p.kind, p.category)] += 1
    used = {cat for (_c, _z, _k, cat) in counts}
    categories = tuple(c for c in CATEGORIES if c in used) + tuple(sorted(used - set(CATEGORIES)))
    keys = sorted({(c, z) for (c, z, _k, _cat) in counts}, key=lambda k: (k[0], k[1] is not None, k[1] or ""))
    out = []
    for comm, zone in keys:
        offers = {cat: counts[(comm, zone, "offer", cat)] for cat in categories if counts[(comm, zone, "offer", cat)]}
        needs = {cat: counts[(comm, zone, "need", cat)] for cat in categories if counts[(comm, zone, "need", cat)]}
        out.append(MapRow(comm, zone, offers, needs))
    return NeedsMap(window, now, categories, tuple(out))


def _cell_text(row: MapRow, cat: str) -> str:
    b = row.balance(cat)
    if not row.offers.get(cat) and not row.needs.get(cat):
        return ""
    return "0" if b == 0 else f"{b:+d}".replace("-", "\u2212")


def draw(m: NeedsMap, made: str) -> Figure:
    """The chart as a matplotlib Figure (no pyplot: no global state, safe off the main thread).

    Laid out in inches so labels keep their size on paper however many rows there are.
    """
    n_rows, n_cols = max(1, len(m.rows)), max(1, len(m.categories))
    left, right, top, bottom = 2.6, 0.4, 2.0, 1.25
    cell_w, cell_h = 1.25, 0.62
    width = max(11.0, left + right + cell_w * n_cols)
    left = max(left, (width - cell_w * n_cols) / 2)  # a small grid sits in the middle of the page
    height = top + bottom + cell_h * n_rows
    fig = Figure(figsize=(width, height), dpi=150)
    FigureCanvasAgg(fig)
    fig.text(0.25 / width, 1 - 0.2 / height, f"Strengths and needs by community \u2014 {m.window.label}",
             fontsize=21, fontweight="bold", ha="left", va="top")
    fig.text(0.25 / width, 1 - 0.72 / height,
             "Each cell: offers minus needs posted in the month.   Blank: nothing posted.\n"
             "Blue + : strength (more offered than asked).    Orange \u2212 : need (more asked than offered).",
             fontsize=12, ha="left", va="top", color="#222", linespacing=1.5)
    fig.text(1 - 0.25 / width, 0.2 / height, made, fontsize=11, ha="right", va="bottom", color="#444")
    grid_w = cell_w * n_cols
    ax = fig.add_axes((left / width, bottom / height, grid_w / width, cell_h * n_rows / height))
    if not m.rows:
        ax.axis("off")
        ax.text(0.5, 0.5, "No offers or needs were posted this month.", ha="center", va="center", fontsize=16)
        return fig
    values = [[float(r.balance(c)) for c in m.categories] for r in m.rows]
    empty = [[not r.offers.get(c) and not r.needs.get(c) for c in m.categories] for r in m.rows]
    reach = max(1.0, max(abs(v) for row in values for v in row))
    palette = PALETTE.with_extremes(bad="white")
    shown = numpy.ma.masked_array(values, mask=empty)
    image = ax.imshow(shown, cmap=palette, norm=TwoSlopeNorm(0.0, -reach, reach), aspect="auto")
    for i, row in enumerate(m.rows):
        for j, cat in enumerate(m.categories):
            dark = abs(values[i][j]) > 0.6 * reach
            ax.text(j, i, _cell_text(row, cat), ha="center", va="center", fontsize=16,
                    fontweight="bold" if row.zone is None else "normal", color="white" if dark else "#111")
    ax.set_xticks(range(n_cols), labels=list(m.categories), fontsize=13)
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", length=0, pad=6)
    ax.set_yticks(range(n_rows), labels=[r.label for r in m.rows], fontsize=13)
    ax.tick_params(axis="y", length=0, pad=8)
    for label, row in zip(ax.get_yticklabels(), m.rows, strict=True):
        label.set_fontweight("bold" if row.zone is None else "normal")
        label.set_color("#000" if row.zone is None else "#333")
    ax.set_xticks([x - 0.5 for x in range(1, n_cols)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, n_rows)], minor=True)
    ax.grid(which="minor", color="#CCCCCC", linewidth=1)
    ax.tick_params(which="minor", length=0)
    for i, row in enumerate(m.rows):
        if row.zone is None and i:
            ax.axhline(i - 0.5, color="#222", linewidth=2.5)
    for side in ax.spines.values():
        side.set_color("#222")
    key = fig.add_axes((left / width, 0.42 / height, min(4.5, grid_w) / width, 0.22 / height))
    bar = fig.colorbar(image, cax=key, orientation="horizontal", ticks=[-reach, 0, reach])
    bar.ax.set_xticklabels([f"\u2212{reach:g}  need", "balanced", f"strength  +{reach:g}"], fontsize=11)
    bar.outline.set_visible(False)
    return fig


def render(m: NeedsMap, fmt: str, made: str) -> bytes:
    """PNG or SVG bytes of the chart; dates are left out of the file's metadata so it is reproducible."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    out = io.BytesIO()
    metadata = {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
    draw(m, made).savefig(out, format=fmt, metadata=metadata)
    return out.getvalue()


def summary_section(m: NeedsMap) -> Section:
    """The chart in words: each community's and zone's strengths and needs."""
    rows = tuple(
        (row.community if row.zone is None else f"{row.community} · {row.zone or NO_ZONE}",
         ", ".join(f"{c} (+{row.balance(c)})" for c in row.strengths(m.categories)) or "—",
         ", ".join(f"{c} (\u2212{-row.balance(c)})" for c in row.wants(m.categories)) or "—")
        for row in m.rows
    )
    return Section("In words", ("Community / zone", "Strengths", "Needs"), rows,
                   strong=frozenset(i for i, r in enumerate(m.rows) if r.zone is None),
                   empty="No offers or needs were posted this month.")


def to_html(m: NeedsMap, made: str) -> str:
    """One printable page: the chart as inline SVG, then the same in words."""
    svg = render(m, "svg", made).decode("utf-8")
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: inline SVG needs neither
    body = f'<div class="chart">{svg}</div>\n{section_html(summary_section(m))}'
    body = body.replace('<svg ', '<svg style="width:100%;height:auto" ', 1)
    return html_page(f"Strengths and needs — {m.window.label}", made, body)
