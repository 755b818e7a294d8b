"""Reply texts for claiming a need and for a handover already recorded, en/es, ≤200 bytes.

TAKE on a need makes the taker the *giver*: "You took n1 water from Ana" told them the
opposite of what happens. These texts say who gives to whom, for both sides. They are
formatted with `protocol.replies.fit`, like every other reply.
"""

from __future__ import annotations

from protocol.replies import fit


def _es(lang: str) -> bool:
    return lang == "es"


def you_will_give(label: str, who: str, short_id: str, lang: str = "en") -> str:
    """To the resident who sent TAKE n7: they give what the need asks, to its author."""
    if _es(lang):
        return fit(f"Darás {label} a {who}. Contáctale; HECHO {short_id} al terminar.")
    return fit(f"You'll give {label} to {who}. Contact them; DONE {short_id} when settled.")


def will_give_you(your_id: str, who: str, lang: str = "en") -> str:
    """To the author of need n7: someone will give what it asks."""
    if _es(lang):
        return fit(f"{who} te dará lo que pide tu {your_id}. Contáctale; HECHO {your_id} al terminar.")
    return fit(f"{who} will give what your {your_id} asks. Contact them; DONE {your_id} when settled.")


def already_done(short_id: str, lang: str = "en") -> str:
    """A second DONE for a handover already recorded: nothing changes, and the sender knows why."""
    if _es(lang):
        return fit(f"{short_id} ya está hecha. Nada que cambiar. ¡Gracias!")
    return fit(f"{short_id} is already done. Nothing to change. Thank you!")
