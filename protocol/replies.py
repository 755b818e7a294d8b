"""Replies: which catalogue message answers, filled with what, in at most 200 UTF-8 bytes.

The words themselves live in `protocol.catalogue` (one table per language). The work is in
rooms of its own: `packing` (cut and split to packets), `labels` (ids and posting labels),
`listing` (pages of postings), `alert_replies`, `match_replies`, and `fixed_replies` (the
table of replies that are one message filled as it is). This module is the one door
callers use: `replies.posted(...)`. Shorter is better: each byte costs airtime for the whole mesh.
"""

from __future__ import annotations

from .packing import (
    ELLIPSIS, REPLY_LIMIT, ReplyTooLong, fit, split, utf8_len,
)
from .labels import (
    MATCH_ZONE_BYTES, REF_PREFIX, URGENCY_MARK, amount, at_zone, category_name, figure, label,
    match_ref, ref,
)
from .fixed_replies import (
    Fixed, alert_acknowledged, alert_confirmed, alert_not_active, alert_sent,
    alert_sent_unverified, alert_stopped, alert_updated, cancelled, committee_only,
    confirm_by_dm, counterpart_cancelled, done, emergency_already, emergency_ended,
    emergency_not_on, end_of_list, helping_noted, match_accepted_by, match_for_author,
    match_rejected, not_found, not_party, not_yours, only_by_dm, oops, own_posting, plan_bring,
    plan_carry, plan_give, plan_hold, plan_pick_up, plan_receive, posted, posting_expired, safe,
    show_matched, show_none, slow_down, taken_by, welcome, you_took,
)
from .listing import (
    ENTRY_SHARE_BYTES, entry, listing, page, show_entry, title_of,
)
from .alert_replies import (
    ALERT_STATUS_MARK, MIN_HEADLINE_BYTES, alert_broadcast, alert_cancelled,
    alert_confirm_request, alert_held_back, alert_on_air, alert_pending, alert_roll_call,
    emergency_broadcast, emergency_over, emergency_reminder, emergency_started,
    help_request_notice, helping_notice, plan_part,
)
from .match_replies import (
    match_accepted, match_lapsed, match_proposed, matches_for_poster,
)

__all__ = [
    "ELLIPSIS", "REPLY_LIMIT", "ReplyTooLong", "fit", "split", "utf8_len", "MATCH_ZONE_BYTES",
    "REF_PREFIX", "URGENCY_MARK", "amount", "at_zone", "category_name", "figure", "label",
    "match_ref", "ref", "Fixed", "alert_acknowledged", "alert_confirmed", "alert_not_active",
    "alert_sent", "alert_sent_unverified", "alert_stopped", "alert_updated", "cancelled",
    "committee_only", "confirm_by_dm", "counterpart_cancelled", "done", "emergency_already",
    "emergency_ended", "emergency_not_on", "end_of_list", "helping_noted", "match_accepted_by",
    "match_for_author", "match_rejected", "not_found", "not_party", "not_yours", "only_by_dm",
    "oops", "own_posting", "plan_bring", "plan_carry", "plan_give", "plan_hold", "plan_pick_up",
    "plan_receive", "posted", "posting_expired", "safe", "show_matched", "show_none", "slow_down",
    "taken_by", "welcome", "you_took", "ENTRY_SHARE_BYTES", "entry", "listing", "page",
    "show_entry", "title_of", "ALERT_STATUS_MARK", "MIN_HEADLINE_BYTES", "alert_broadcast",
    "alert_cancelled", "alert_confirm_request", "alert_held_back", "alert_on_air", "alert_pending",
    "alert_roll_call", "emergency_broadcast", "emergency_over", "emergency_reminder",
    "emergency_started", "help_request_notice", "helping_notice", "plan_part", "match_accepted",
    "match_lapsed", "match_proposed", "matches_for_poster",
]
