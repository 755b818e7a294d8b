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

Functions here change rows in the caller's transaction and return the texts to send;
the chores run by the daemon (`MatchChores`) queue theirs themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from meshbot.board import claim_replies
from meshbot.board.board_pass import proposals_of, rematch_board
from meshbot.board.matcher import LIVE, Proposal, available_of, live_matches, rematch, sync
from meshbot.board.matching.units import EPSILON, convert, nice
from meshbot.people.members import name_of
from meshbot.delivery.outbox import Outgoing, Priority, enqueue
from meshbot.settings import Settings
from protocol import replies
from store import Match, Member, Posting, session

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


def _dm(node: int, text: str) -> Outgoing:
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
                notices.append(_dm(party.node, proposal_text(db, sides, party, settings, lang_of(party.node))))
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


def accept(
    db: Session, match: Match | None, ref: str, actor: int, now: float, lang_of: LangOf,
) -> tuple[str, list[Outgoing]]:
    """TAKE m5: the sender accepts the match; the other side is told (once)."""
    lang = lang_of(actor)
    if match is None or not _is_live(match):
        return replies.not_found(ref, lang=lang), []
    sides = sides_of(db, match)
    party = sides.of(actor)
    if party is None:
        return replies.not_party(ref, lang=lang), []
    other = sides.other(party)
    notices: list[Outgoing] = []
    if match.accepted is None:
        match.accepted, match.accepted_by, match.expires = now, actor, None
        db.add(match)
        notices.append(_dm(other.node, replies.match_accepted_by(
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
    if match is None or not _is_live(match):
        return replies.not_found(ref, lang=lang), []
    sides = sides_of(db, match)
    party = sides.of(actor)
    if party is None:
        return replies.not_party(ref, lang=lang), []
    close(db, match, now, "withdrawn")
    other = sides.other(party)
    notices = [_dm(other.node, replies.counterpart_cancelled(ref, sides.what_for(other), lang=lang_of(other.node)))]
    notices += rematch_and_announce(db, sides.postings(), now, settings, lang_of)
    return replies.cancelled(ref, lang=lang), notices


# -- the daemon's chores: lapses, expiry, the whole-board pass ----------------------------------------


def lapse_due(db: Session, now: float, settings: Settings) -> int:
    """Matches nobody accepted in time lapse: both sides are told, the goods go to the next need."""
    due = db.exec(select(Match).where(
        Match.status == LIVE, col(Match.held).is_(False), col(Match.accepted).is_(None),
        col(Match.expires).is_not(None), col(Match.expires) <= now,
    )).all()
    lang_of = db_lang_of(db)
    notices: list[Outgoing] = []
    freed: dict[int, Posting] = {}
    for match in due:
        close(db, match, now, "lapsed")
        sides = sides_of(db, match)
        for party in (sides.receiver, sides.giver):
            if party.posting is not None:
                notices.append(_dm(party.node, replies.match_lapsed(
                    code_of(match), posting_ref(party.posting), settings.match_lapse_hours, lang=lang_of(party.node))))
        freed.update((p.id, p) for p in sides.postings() if p.id is not None)
    if freed:
        notices += rematch_and_announce(db, freed.values(), now, settings, lang_of)
    _queue(db, notices, now, settings)
    return len(due)


def expire_postings(db: Session, now: float, settings: Settings | None = None) -> int:
    """Postings past their time leave the board, each author told once.

    Matches on them that nobody accepted yet are cancelled and their partners go on to
    the next in line (at once when `settings` is given, else at the next whole-board
    pass); accepted ones run on until DONE.
    """
    due = db.exec(select(Posting).where(
        col(Posting.status).in_(("open", "matched")), col(Posting.expires).is_not(None), col(Posting.expires) <= now,
    )).all()
    lang_of = db_lang_of(db)
    notices: list[Outgoing] = []
    freed: dict[int, Posting] = {}
    count = 0
    for posting in due:
        live = live_matches(db, posting)
        if posting.status == "matched" and live and all(m.accepted is not None for m in live):
            continue  # all promised and being handed over: DONE will close it
        for match in live:
            if match.accepted is None:
                close(db, match, now, "expired")
                freed.update((p.id, p) for p in sides_of(db, match).postings() if p.id not in (None, posting.id))
        posting.status, posting.updated = "expired", now
        db.add(posting)
        sync(db, posting, now)
        count += 1
        notices.append(_dm(posting.author, replies.posting_expired(_label(posting), lang=lang_of(posting.author))))
    if freed:
        if settings is not None:
            notices += rematch_and_announce(db, freed.values(), now, settings, lang_of)
        else:
            for partner in freed.values():
                sync(db, partner, now)
    _queue(db, notices, now, settings)
    return count


def _label(posting: Posting) -> str:
    return replies.label(posting_ref(posting), posting.item, posting.quantity, posting.unit, posting.zone, posting.urgency)


def _queue(db: Session, notices: Iterable[Outgoing], now: float, settings: Settings | None) -> None:
    want_ack = settings.reply_want_ack if settings is not None else True
    for notice in notices:
        enqueue(db, notice, now, want_ack)


class MatchChores:
    """What the daemon's housekeeping does for matching: lapses and expiry every round, the
    whole-board pass every `rematch_minutes`. Each in its own transaction; a failure is
    logged and tried again next round, never raised into the daemon."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.next_pass = 0.0

    def run(self, now: float) -> None:
        jobs: list[tuple[str, Callable[[Session], object]]] = [
            ("lapse", lambda db: lapse_due(db, now, self.settings)),
            ("expiry", lambda db: expire_postings(db, now, self.settings)),
        ]
        if self.settings.rematch_minutes > 0 and now >= self.next_pass:
            self.next_pass = now + self.settings.rematch_minutes * 60.0
            jobs.append(("whole-board pass", lambda db: self._whole_board(db, now)))
        for name, job in jobs:
            try:
                with session(self.engine) as db, db.begin():
                    done_count = job(db)
                if done_count:
                    log.info("matching %s: %s", name, done_count)
            except Exception:  # a chore must not stop the daemon: logged, tried again next round
                log.exception("matching %s failed; it is tried again at the next housekeeping", name)

    def _whole_board(self, db: Session, now: float) -> int:
        made = rematch_board(db, now, self.settings)
        _queue(db, announce(db, proposals_of(db, made), self.settings, db_lang_of(db))[1], now, self.settings)
        return len(made)


# -- the committee ---------------------------------------------------------------------------------


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
        _dm(p.node, replies.match_rejected(code_of(match), posting_ref(p.posting), lang=lang_of(p.node)))
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
