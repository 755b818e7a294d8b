"""Labels: the short ids residents type back (`o12`, `m3`) and one-line posting labels."""

from __future__ import annotations

from .catalogue import render
from .packing import fit

REF_PREFIX = {"offer": "o", "need": "n", "alert": "a"}
URGENCY_MARK = {"normal": "", "high": "!", "critical": "!!"}
MATCH_ZONE_BYTES = 16


def category_name(category: str, lang: str = "en") -> str:
    try:
        return render(f"category.{category}", lang)
    except KeyError:
        return category


def ref(kind: str, row_id: int) -> str:
    """The short id residents type back: `o12` (offer), `n7` (need), `a3` (alert)."""
    return f"{REF_PREFIX[kind]}{row_id}"


def amount(quantity: float | None, unit: str | None) -> str:
    """`10kg`, `1.5L`, `3`, `2 bags`; empty when no quantity was given."""
    if quantity is None:
        return unit or ""
    number = f"{quantity:g}"
    if not unit:
        return number
    return f"{number}{unit}" if len(unit) <= 2 else f"{number} {unit}"


def label(
    short_id: str,
    item: str,
    quantity: float | None = None,
    unit: str | None = None,
    zone: str | None = None,
    urgency: str = "normal",
    window: str | None = None,
) -> str:
    """One posting in as few bytes as it reads well: `n7 ride tue morning @oak!!`."""
    words = [short_id, item, amount(quantity, unit), window or ""]
    if zone:
        words.append(f"@{zone}")
    return " ".join(w for w in words if w) + URGENCY_MARK.get(urgency, "")


def at_zone(zone: str | None) -> str:
    """` @oak` after a name, shortened to a zone's share; nothing when no zone is known."""
    return f" @{fit(zone, MATCH_ZONE_BYTES)}" if zone else ""


def figure(number: float) -> str:
    """`2`, not `2.0`: hours and minutes as a resident reads them."""
    return f"{number:g}"


def match_ref(match_id: int) -> str:
    """The claim code of a proposed match: `m12`, typed back as `TAKE m12`."""
    return f"m{match_id}"
