"""The committee's hand on matches: approve or reject a live match, make one by hand.

Each changes rows in the caller's transaction and returns the texts to send.
"""

from __future__ import annotations

from sqlmodel import Session

from meshbot.board.claims import ClaimError, announce, close, code_of, db_lang_of, dm, posting_ref, rematch_and_announce, sides_of
from meshbot.board.matcher import LIVE, Proposal, available_of, sync
from meshbot.board.matching.units import EPSILON, convert, nice
from meshbot.delivery.outbox import Outgoing
from meshbot.settings import Settings
from protocol import replies
from store import Match, Posting


def approve(db: Session, match: Match | None, now: float, settings: Settings) -> list[Outgoing]:
    """A held match goes out (DMs, lapse clock starts); a proposed one counts as accepted."""
    if match is None or match.status != LIVE:
        raise ClaimError("no live match by that number; `meshbot matches --live` lists them")
    if match.held:
        match.held, match.expires = False, now + settings.match_lapse_hours * 3600.0
        db.add(match)
        return announce(db, [Proposal(match, *_pair(db, match))], settings, db_lang_of(db))[1]
    if match.accepted is not None:
        raise ClaimError(f"{code_of(match)} was already accepted")
    match.accepted, match.expires = now, None
    db.add(match)
    return []


def _pair(db: Session, match: Match) -> tuple[Posting, Posting]:
    sides = sides_of(db, match)
    if sides.offer is None or sides.need is None:
        raise ClaimError(f"{code_of(match)} is a posting someone took, not a pair")
    return sides.offer, sides.need


def reject(db: Session, match: Match | None, now: float, settings: Settings) -> list[Outgoing]:
    """The committee turns a live match down; both postings go on to the next in line."""
    if match is None or match.status != LIVE:
        raise ClaimError("no live match by that number; `meshbot matches --live` lists them")
    was_held = match.held
    close(db, match, now, "rejected")
    sides = sides_of(db, match)
    lang_of = db_lang_of(db)
    notices = [] if was_held else [
        dm(p.node, replies.match_rejected(code_of(match), posting_ref(p.posting), lang=lang_of(p.node)))
        for p in (sides.receiver, sides.giver) if p.posting is not None
    ]
    return notices + rematch_and_announce(db, sides.postings(), now, settings, lang_of)


def make(db: Session, offer: Posting | None, need: Posting | None, quantity: float | None, now: float,
         settings: Settings) -> tuple[Match, list[Outgoing]]:
    """The committee pairs an offer with a need by hand (any category or unit): DMs go out
    at once, and the sides accept with TAKE as for any match.

    `quantity` is in the offer's unit; by default as much of the need as the offer covers.
    """
    if offer is None or offer.kind != "offer" or need is None or need.kind != "need":
        raise ClaimError("give an offer id and a need id, e.g. o12 n7")
    if offer.author == need.author:
        raise ClaimError("both postings are by the same resident")
    has, wants = available_of(db, offer), available_of(db, need)
    if has <= EPSILON or wants <= EPSILON:
        raise ClaimError(f"{posting_ref(offer if has <= EPSILON else need)} has nothing left to match")
    if offer.quantity is None:
        if quantity is not None:
            raise ClaimError(f"{posting_ref(offer)} has no quantity; leave out --quantity")
        offer_amount, need_amount = None, None if need.quantity is None else wants
    else:
        in_offer_units = None if need.quantity is None else convert(wants, need.unit, offer.unit)
        offer_amount = quantity if quantity is not None else min(has, in_offer_units if in_offer_units is not None else has)
        if not 0 < offer_amount <= has + EPSILON:
            raise ClaimError(f"{posting_ref(offer)} has {nice(has):g} {offer.unit or ''} left".rstrip())
        if need.quantity is None:
            need_amount = None
        else:
            converted = convert(offer_amount, offer.unit, need.unit)
            need_amount = wants if converted is None else min(converted, wants)
    match = Match(offer_id=offer.id, need_id=need.id, quantity=offer_amount, need_quantity=need_amount,
                  created=now, expires=now + settings.match_lapse_hours * 3600.0)
    db.add(match)
    db.flush()
    sync(db, offer, now)
    sync(db, need, now)
    return match, announce(db, [Proposal(match, offer, need)], settings, db_lang_of(db))[1]
