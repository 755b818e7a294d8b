"""Replies that are one catalogue message filled with the caller's fields, nothing chosen.

A table: each name is a `Fixed` (the message id and its fields in the order callers give
them); the words are in `protocol.catalogue`. Replies that choose a message, or shape
their fields, are functions in `listing`, `alert_replies` and `match_replies`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import render


@dataclass(frozen=True)
class Fixed:
    """One catalogue message as a reply: `Fixed("cancelled", ("id",))("n5", lang="es")`."""

    message: str
    fields: tuple[str, ...] = ()

    def __call__(self, *values: object, lang: str = "en") -> str:
        """The fields in order, then (or as `lang=`) the reader's language."""
        if len(values) == len(self.fields) + 1:
            *values, last = values  # type: ignore[assignment]
            lang = str(last)
        if len(values) != len(self.fields):
            raise TypeError(f"{self.message} takes {', '.join(self.fields) or 'no fields'} and a language")
        return render(self.message, lang, **dict(zip(self.fields, values, strict=True)))


# --- posting, taking, closing, refusals ----------------------------------------------------

posted = Fixed("posted", ("id", "item"))
"""The confirmation of any OFFER or NEED, within 50 bytes: `n5 blankets 2 posted. CANCEL n5 undoes`."""
match_for_author = Fixed("match.for_author", ("id", "other", "who"))
"""To one side of a new match: what was found and whom to contact."""
taken_by = Fixed("taken_by", ("id", "who"))
you_took = Fixed("you_took", ("what", "who", "id"))
cancelled = Fixed("cancelled", ("id",))
counterpart_cancelled = Fixed("counterpart_cancelled", ("id", "what"))
done = Fixed("done", ("id",))
safe = Fixed("safe", ("name",))
"""`name` is how the resident calls themselves (no node id: they know who they are)."""
welcome = Fixed("welcome", ("name", "zone"))
not_found = Fixed("not_found", ("id",))
not_yours = Fixed("not_yours", ("id",))
own_posting = Fixed("own_posting", ("id",))
slow_down = Fixed("slow_down", ("per_minute",))
oops = Fixed("oops")
posting_expired = Fixed("posting_expired", ("label",))
"""To the author, once, when their posting's time is up (`label` is the posting as listed)."""
committee_only = Fixed("committee_only", ("verb",))
confirm_by_dm = Fixed("confirm_by_dm", ("id",))
"""A channel message is not proof of who sent it: confirming takes a DM."""
only_by_dm = Fixed("only_by_dm", ("verb", "id"))

# --- alerts, emergency mode and its plan ---------------------------------------------------

alert_sent = Fixed("alert.sent", ("id",))
alert_sent_unverified = Fixed("alert.sent_unverified", ("id",))
"""To a resident whose alert went out at once because no committee member is known."""
alert_confirmed = Fixed("alert.confirmed", ("id",))
alert_acknowledged = Fixed("alert.acknowledged", ("id",))
alert_not_active = Fixed("alert.not_active", ("id",))
helping_noted = Fixed("alert.helping_noted", ("id",))
alert_updated = Fixed("alert.updated", ("id",))
alert_stopped = Fixed("alert.stopped", ("id",))
"""To a resident whose waiting alert a committee member stopped."""
emergency_already = Fixed("emergency.already")
emergency_not_on = Fixed("emergency.not_on")
emergency_ended = Fixed("emergency.ended")
plan_carry = Fixed("plan.carry", ("what", "giver", "receiver", "code"))
plan_give = Fixed("plan.give", ("what", "carrier", "receiver", "code"))
plan_receive = Fixed("plan.receive", ("what", "carrier", "code"))
plan_bring = Fixed("plan.bring", ("what", "receiver", "code"))
plan_pick_up = Fixed("plan.pick_up", ("what", "giver", "code"))
plan_hold = Fixed("plan.hold", ("what", "receiver", "code"))

# --- matches -------------------------------------------------------------------------------

match_accepted_by = Fixed("match.accepted_by", ("code", "who", "what"))
"""To the other side: the match was accepted."""
match_rejected = Fixed("match.rejected", ("code", "your_id"))
"""To each side of a proposed match the committee turned down."""
not_party = Fixed("match.not_party", ("code",))

# --- listings ------------------------------------------------------------------------------

end_of_list = Fixed("page.end")
"""MORE with nothing left to show (a list fully paged, expired, or never asked for)."""
show_matched = Fixed("show.matched")
show_none = Fixed("show.none", ("id",))
