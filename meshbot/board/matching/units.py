"""Units the parser writes (`kg g lb oz L ml gal h min ...`): which can be converted, and how.

Mass converts within mass (kg, g, lb, oz), volume within volume (L, ml, US gal), time
within time (h, min). A bare number and `pcs` are the same count. Every other unit
(`bags`, `cans`, `doses`, `$`) is its own kind: 2 bags and 3 bags add up, 2 bags and
10 kg do not, so such postings are not matched automatically (the committee can pair
them by hand, see `meshbot match make`).
"""

from __future__ import annotations

import math

_FACTORS: dict[str, tuple[str, float]] = {
    "kg": ("mass", 1000.0), "g": ("mass", 1.0), "lb": ("mass", 453.59237), "oz": ("mass", 28.349523125),
    "L": ("volume", 1000.0), "ml": ("volume", 1.0), "gal": ("volume", 3785.411784),
    "h": ("time", 60.0), "min": ("time", 1.0),
    "pcs": ("count", 1.0),
}
MEASURED_DIMENSIONS = frozenset({"mass", "volume", "time", "m", "$", "€", "pesos"})
"""Dimensions of a measure (shared out in fractions); every other one is counted (whole pieces)."""
LOT = ""
"""The dimension of a posting with no quantity: one lot, whatever it holds."""
EPSILON = 1e-9


def dimension(unit: str | None) -> str:
    """What a unit measures: `kg` -> mass, None -> count, `bags` -> bags."""
    if unit is None:
        return "count"
    return _FACTORS[unit][0] if unit in _FACTORS else unit


def _factor(unit: str | None) -> float:
    return _FACTORS[unit][1] if unit in _FACTORS else 1.0


def convert(quantity: float, source: str | None, target: str | None) -> float | None:
    """`quantity` of `source` in `target` units, or None when they measure different things."""
    if source == target:
        return quantity
    if dimension(source) != dimension(target):
        return None
    return quantity * _factor(source) / _factor(target)


def is_counted(unit: str | None) -> bool:
    """Pieces (given out whole), as opposed to a measure (given out in fractions)."""
    return dimension(unit) not in MEASURED_DIMENSIONS


def nice(quantity: float) -> float:
    """Three significant figures, for people to read and hand over: 3.3333 -> 3.33."""
    if quantity <= 0 or not math.isfinite(quantity):
        return quantity
    digits = 2 - int(math.floor(math.log10(quantity)))
    return round(quantity, max(digits, 0))
