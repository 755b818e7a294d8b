"""Reply texts for claiming a need and for a handover already recorded, and the emergency
plan's asks (words in `protocol.catalogue`).

TAKE on a need makes the taker the *giver*: "You took n1 water from Ana" told them the
opposite of what happens. These texts say who gives to whom, for both sides.
"""

from __future__ import annotations

from protocol.catalogue import render


def you_will_give(label: str, who: str, short_id: str, lang: str = "en") -> str:
    """To the resident who sent TAKE n7: they give what the need asks, to its author."""
    return render("you_will_give", lang, what=label, who=who, id=short_id)


def will_give_you(your_id: str, who: str, lang: str = "en") -> str:
    """To the author of need n7: someone will give what it asks."""
    return render("will_give_you", lang, id=your_id, who=who)


def already_done(short_id: str, lang: str = "en") -> str:
    """A second DONE for a handover already recorded: nothing changes, and the sender knows why."""
    return render("already_done", lang, id=short_id)


# -- the emergency plan asks its receivers first ----------------------------------------------


def plan_ask(what: str, who: str, code: str, lang: str = "en", pick_up: bool = False) -> str:
    """A line of the receiver's plan DM: the move, and how to say yes (no yes, no move)."""
    return render("plan.ask_pick_up" if pick_up else "plan.ask_bring", lang, what=what, who=who, code=code)


def plan_accepted(code: str, what: str, who: str, due: str, lang: str = "en", pick_up: bool = False) -> str:
    """To the receiver who said yes: the move stands; who brings it, by when."""
    message = "plan.accepted_pick_up" if pick_up else "plan.accepted"
    return render(message, lang, code=code, what=what, who=who, due=due)


def plan_accepted_for_you(code: str, what: str, who: str, due: str, lang: str = "en", pick_up: bool = False) -> str:
    """To a receiver the committee accepted a move for (they said yes by voice, or have no radio)."""
    message = "plan.accepted_for_you_pick_up" if pick_up else "plan.accepted_for_you"
    return render(message, lang, code=code, what=what, who=who, due=due)


def plan_not_receiver(code: str, lang: str = "en") -> str:
    """A TAKE on a plan move from anyone but its receiver: refused, nothing changes."""
    return render("plan.not_receiver", lang, code=code)
