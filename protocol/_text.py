"""Folding: the string helper every word table is read with (edit distances are
rapidfuzz's `OSA`, where a swap of two letters counts once)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lowercase and strip accents (`Ayúda` -> `ayuda`, `pañal` -> `panal`) for lookups."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))

