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
        return fit(f"Darás {label} a {who}. NOTA {short_id} para escribir; HECHO {short_id} al terminar.")
    return fit(f"You'll give {label} to {who}. MSG {short_id} to write; DONE {short_id} when settled.")


def will_give_you(your_id: str, who: str, lang: str = "en") -> str:
    """To the author of need n7: someone will give what it asks."""
    if _es(lang):
        return fit(f"{who} te dará lo que pide tu {your_id}. NOTA {your_id} para escribir; HECHO {your_id} al terminar.")
    return fit(f"{who} will give what your {your_id} asks. MSG {your_id} to write; DONE {your_id} when settled.")


def already_done(short_id: str, lang: str = "en") -> str:
    """A second DONE for a handover already recorded: nothing changes, and the sender knows why."""
    if _es(lang):
        return fit(f"{short_id} ya está hecha. Nada que cambiar. ¡Gracias!")
    return fit(f"{short_id} is already done. Nothing to change. Thank you!")


# -- the emergency plan asks its receivers first ----------------------------------------------


def plan_ask(what: str, who: str, code: str, lang: str = "en", pick_up: bool = False) -> str:
    """A line of the receiver's plan DM: the move, and how to say yes (no yes, no move)."""
    if _es(lang):
        move = f"recoge {what} de {who}" if pick_up else f"{who} puede traerte {what}"
        return f"{move}: TOMO {code} para aceptar"
    move = f"pick up {what} from {who}" if pick_up else f"{who} can bring you {what}"
    return f"{move}: TAKE {code} to accept"


def _accepted_move(code: str, what: str, who: str, due: str, lang: str, pick_up: bool) -> str:
    if _es(lang):
        if pick_up:
            return f"recoge {what} de {who} antes de {due}. HECHO {code} al tenerlo."
        return f"{who} te trae {what} antes de {due}. HECHO {code} al recibir."
    if pick_up:
        return f"pick up {what} from {who} by {due}. DONE {code} when you have it."
    return f"{who} brings you {what} by {due}. DONE {code} when it arrives."


def plan_accepted(code: str, what: str, who: str, due: str, lang: str = "en", pick_up: bool = False) -> str:
    """To the receiver who said yes: the move stands; who brings it, by when."""
    head = f"{code} aceptada: " if _es(lang) else f"{code} accepted: "
    return fit(head + _accepted_move(code, what, who, due, lang, pick_up))


def plan_accepted_for_you(code: str, what: str, who: str, due: str, lang: str = "en", pick_up: bool = False) -> str:
    """To a receiver the committee accepted a move for (they said yes by voice, or have no radio)."""
    head = f"El comité aceptó {code} por ti: " if _es(lang) else f"The committee accepted {code} for you: "
    return fit(head + _accepted_move(code, what, who, due, lang, pick_up))


def plan_not_receiver(code: str, lang: str = "en") -> str:
    """A TAKE on a plan move from anyone but its receiver: refused, nothing changes."""
    if _es(lang):
        return fit(f"Solo quien recibe {code} puede aceptarla. Nada cambió.")
    return fit(f"Only the one receiving {code} can accept it. Nothing changed.")
