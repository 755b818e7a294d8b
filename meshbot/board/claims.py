"""A match's life, from the DM that proposes it to the handover (docs/matching.md).

proposed  -> one DM to each side with the claim code (`m5`); with `match_approval`
             on, it is first *held* for the committee and nobody hears of it.
accepted  -> either side sent `TAKE m5` (or the committee approved it): the lapse
             clock stops.
done      -> either side sent `DONE m5`: the quantities of both postings go down by
             what was promised; a posting with nothing left is done.
cancelled -> withdrawn (`CANCEL m5` by a side), lapsed (nobody accepted it within
             `match_lapse_hours`), rejected (the committee), or expired (its posting's
             time ran out first). What it had promised comes free and is offered to the
             next in line at once; the same two postings are never proposed again.

Functions here change rows in the caller's transaction and return the texts to send.
What happens by the clock (lapses, expiry) is `expiry`, the daemon's rounds `chores`,
the committee's approve/reject/make `committee`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from meshbot.board import claim_replies
from meshbot.board.matcher import LIVE, Proposal, rematch, sync
from meshbot.board.matching.units import EPSILON, nice
from meshbot.people.members import name_of
from meshbot.delivery.outbox import Outgoing, Priority, enqueue
from meshbot.settings import Settings
from protocol import replies
from store import Match, Member, Posting

log = logging.getLogger(__name__)
LangOf = Callable[[int], str]


class ClaimError(ValueError):
    """The committee asked for something the match or postings do not allow; the message says why."""


def db_lang_of(db: Session) -> LangOf:
    """The language each resident last wrote in (English if never heard)."""

    def lang_of(node: int) -> str:
        member = db.get(Member, node)
        return member.lang if member is not None and member.lang else "en"

    return lang_of


def dm(node: int, text: str) -> Outgoing:
    return Outgoing(text=text, destination=node, priority=Priority.NOTICE)


def posting_ref(posting: Posting) -> str:
    assert posting.id is not None
    return replies.ref(posting.kind, posting.id)


def find_match(db: Session, ref: str) -> Match | None:
    """The match a claim code names (`m5`), or None."""
    if ref[:1] != "m" or not ref[1:].isdigit():
        return None
    return db.get(Match, int(ref[1:]))


def code_of(match: Match) -> str:
    assert match.id is not None
    return replies.match_ref(match.id)


def _amount(quantity: float | None, unit: str | None) -> str:
    return replies.amount(None if quantity is None else nice(quantity), unit if quantity is not None else None)


@dataclass(frozen=True)
class Party:
    """One side of a match: who, their posting (None for someone who took a posting), and
    whether they give (the offer's side) or get (the need's side)."""

    node: int
    posting: Posting | None
    giving: bool


@dataclass(frozen=True)
class Sides:
    match: Match
    offer: Posting | None
    need: Posting | None
    giver: Party
    receiver: Party

    def of(self, node: int) -> Party | None:
        return self.giver if self.giver.node == node else self.receiver if self.receiver.node == node else None

    def other(self, party: Party) -> Party:
        return self.receiver if party is self.giver else self.giver

    def postings(self) -> list[Posting]:
        return [p for p in (self.offer, self.need) if p is not None]

    def item_for(self, party: Party) -> str:
        """What this side reads as the goods: the other side's words for them."""
        if party.giving:
            return (self.need or self.offer).item  # type: ignore[union-attr]
        return (self.offer or self.need).item  # type: ignore[union-attr]

    def amount_for(self, party: Party) -> str:
        """How much, in this side's own unit where it has one (`3kg`; empty for a lot)."""
        m, offer, need = self.match, self.offer, self.need
        offer_side = (_amount(m.quantity, offer.unit) if m.quantity is not None and offer is not None else "")
        need_side = (_amount(m.need_quantity, need.unit) if m.need_quantity is not None and need is not None else "")
        return (offer_side or need_side) if party.giving else (need_side or offer_side)

    def what_for(self, party: Party) -> str:
        return f"{self.item_for(party)} {self.amount_for(party)}".strip()


def sides_of(db: Session, match: Match) -> Sides:
    offer = db.get(Posting, match.offer_id) if match.offer_id is not None else None
    need = db.get(Posting, match.need_id) if match.need_id is not None else None
    taker = match.taker if match.taker is not None else -1
    giver = Party(offer.author, offer, True) if offer is not None else Party(taker, None, True)
    receiver = Party(need.author, need, False) if need is not None else Party(taker, None, False)
    return Sides(match, offer, need, giver, receiver)


# -- proposals ------------------------------------------------------------------------------


def proposal_text(db: Session, sides: Sides, party: Party, settings: Settings, lang: str) -> str:
    other = sides.other(party)
    other_zone = other.posting.zone if other.posting is not None else None
    assert party.posting is not None
    return replies.match_proposed(
        code_of(sides.match), name_of(db, other.node), other_zone, sides.what_for(party),
        posting_ref(party.posting), party.giving, settings.match_lapse_hours, lang=lang,
    )


def announce(
    db: Session, proposals: Sequence[Proposal], settings: Settings, lang_of: LangOf, poster: int | None = None,
) -> tuple[str | None, list[Outgoing]]:
    """The DMs for new matches: one to each side, except the poster of the posting just made,
    whose single reply (returned first) covers all of them. Held matches say nothing yet."""
    notices: list[Outgoing] = []
    mine: list[tuple[Sides, Party]] = []
    for proposal in proposals:
        if proposal.match.held:
            continue
        sides = sides_of(db, proposal.match)
        for party in (sides.receiver, sides.giver):
            if party.node == poster:
                mine.append((sides, party))
            else:
                notices.append(dm(party.node, proposal_text(db, sides, party, settings, lang_of(party.node))))
    if not mine or poster is None:
        return None, notices
    lang = lang_of(poster)
    if len(mine) == 1:
        sides, party = mine[0]
        return proposal_text(db, sides, party, settings, lang), notices
    entries = []
    for sides, party in mine:
        other = sides.other(party)
        zone = other.posting.zone if other.posting is not None else None
        where = f" @{zone}" if zone else ""
        entries.append(f"{code_of(sides.match)} {name_of(db, other.node)}{where} {sides.amount_for(party)}".strip())
    assert mine[0][1].posting is not None
    return replies.matches_for_poster(posting_ref(mine[0][1].posting), entries, settings.match_lapse_hours, lang), notices


def rematch_and_announce(
    db: Session, postings: Iterable[Posting], now: float, settings: Settings, lang_of: LangOf,
) -> list[Outgoing]:
    """Offer freed postings to the next in line, and tell both sides of each new match."""
    proposals = rematch(db, list(postings), now, settings)
    return announce(db, proposals, settings, lang_of)[1]


# -- what the two sides do ------------------------------------------------------------------------


def _is_live(match: Match | None) -> bool:
    return match is not None and match.status == LIVE and not match.held


def _sides_and_party(
    db: Session, match: Match | None, ref: str, actor: int, lang: str,
) -> tuple[Match, Sides, Party] | str:
    """The live match, its sides and the sender's side; else the answer why not."""
    if match is None or not _is_live(match):
        return replies.not_found(ref, lang=lang)
    sides = sides_of(db, match)
    party = sides.of(actor)
    if party is None:
        return replies.not_party(ref, lang=lang)
    return match, sides, party


def accept(
    db: Session, match: Match | None, ref: str, actor: int, now: float, lang_of: LangOf,
) -> tuple[str, list[Outgoing]]:
    """TAKE m5: the sender accepts the match; the other side is told (once)."""
    lang = lang_of(actor)
    found = _sides_and_party(db, match, ref, actor, lang)
    if isinstance(found, str):
        return found, []
    match, sides, party = found
    other = sides.other(party)
    notices: list[Outgoing] = []
    if match.accepted is None:
        match.accepted, match.accepted_by, match.expires = now, actor, None
        db.add(match)
        notices.append(dm(other.node, replies.match_accepted_by(
            code_of(match), name_of(db, actor), sides.what_for(other), lang=lang_of(other.node))))
    zone = other.posting.zone if other.posting is not None else None
    return replies.match_accepted(code_of(match), sides.what_for(party), name_of(db, other.node), zone, lang=lang), notices


def _hand_over(db: Session, posting: Posting, amount: float | None, now: float) -> None:
    """`amount` of `posting` changed hands (None: all of it, or its one lot)."""
    if posting.status not in ("open", "matched", "expired"):
        return
    if posting.quantity is None:
        remaining = 0.0
    else:
        before = posting.remaining if posting.remaining is not None else posting.quantity
        remaining = 0.0 if amount is None else max(0.0, before - amount)
        posting.remaining = 0.0 if remaining <= EPSILON else remaining
    if remaining <= EPSILON and posting.status != "expired":
        posting.status = "done"
    posting.updated = now
    db.add(posting)


def finish(db: Session, match: Match, now: float) -> None:
    """The promised goods changed hands: close the match, take them off both postings."""
    match.status, match.closed, match.expires = "done", now, None
    db.add(match)
    sides = sides_of(db, match)
    if sides.offer is not None:
        _hand_over(db, sides.offer, match.quantity, now)
    if sides.need is not None:
        _hand_over(db, sides.need, match.need_quantity, now)
    for posting in sides.postings():
        sync(db, posting, now)


def done(db: Session, match: Match | None, ref: str, actor: int, now: float, lang_of: LangOf) -> str:
    """DONE m5, from either side; a second one is told it was already done."""
    lang = lang_of(actor)
    if match is not None and match.status == "done" and sides_of(db, match).of(actor) is not None:
        return claim_replies.already_done(ref, lang=lang)
    if match is None or not _is_live(match):
        return replies.not_found(ref, lang=lang)
    if sides_of(db, match).of(actor) is None:
        return replies.not_party(ref, lang=lang)
    finish(db, match, now)
    return replies.done(ref, lang=lang)


def close(db: Session, match: Match, now: float, reason: str) -> None:
    match.status, match.closed, match.reason, match.expires = "cancelled", now, reason, None
    db.add(match)


def withdraw(
    db: Session, match: Match | None, ref: str, actor: int, now: float, settings: Settings, lang_of: LangOf,
) -> tuple[str, list[Outgoing]]:
    """CANCEL m5 from either side: the match is off, the other side is told, and both
    postings go on to the next in line (never back to each other)."""
    lang = lang_of(actor)
    found = _sides_and_party(db, match, ref, actor, lang)
    if isinstance(found, str):
        return found, []
    match, sides, party = found
    close(db, match, now, "withdrawn")
    other = sides.other(party)
    notices = [dm(other.node, replies.counterpart_cancelled(ref, sides.what_for(other), lang=lang_of(other.node)))]
    notices += rematch_and_announce(db, sides.postings(), now, settings, lang_of)
    return replies.cancelled(ref, lang=lang), notices


def queue_notices(db: Session, notices: Iterable[Outgoing], now: float, settings: Settings | None) -> None:
    """For the chores, which have no handler to hand their texts to: queued here."""
    want_ack = settings.reply_want_ack if settings is not None else True
    for notice in notices:
        enqueue(db, notice, now, want_ack)
