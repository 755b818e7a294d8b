"""The emergency plan asks before it gives: a move stands only once its receiver says yes.

A new move is a match (`m5`) with a carrier, in state `asked`: only the receiver hears of
it, with the code to accept (`TAKE m5`, `TOMO m5`). Nothing is handed over, nobody else
is sent anywhere, and the board shows it as proposed, until:

* the receiver accepts it from their own node: consent `receiver`, `consent_by` their
  node id; a TAKE from anyone else (the giver, the carrier, a neighbour) is refused;
* or the committee marks it accepted on the receiver's behalf (`meshbot emergency
  accept m5`), for someone who said yes by voice or has no radio: consent `committee`,
  `consent_by` the member's login, kept in the audit log too.

Then the giver and the carrier get their part (one DM each), and the receiver is told
who brings what by when.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from sqlmodel import Session, select

from meshbot.board import claim_replies
from meshbot.board.claims import db_lang_of as lang_of  # the language each resident last wrote in
from meshbot.people.members import display_name, name_of
from meshbot.delivery.outbox import Outgoing, Priority
from meshbot.papers.periods import local, zone_of
from meshbot.settings import Settings
from protocol import replies
from store import Match, Member, Posting
from store.models import PlanStep

ASKED, BY_RECEIVER, BY_COMMITTEE = "asked", "receiver", "committee"
LangOf = Callable[[int], str]


class ConsentError(ValueError):
    """The committee asked to accept something that is not a move waiting for a yes."""


def node_id(node: int) -> str:
    return f"!{node:08x}"


def step_of(db: Session, match: Match | None) -> PlanStep | None:
    """The live plan move a match stands for, if any."""
    if match is None or match.id is None:
        return None
    return db.exec(select(PlanStep).where(PlanStep.match_id == match.id, PlanStep.status == "planned")).first()


def what_of(posting: Posting, step: PlanStep) -> str:
    return f"{posting.item} {replies.amount(step.quantity, step.unit)}".strip()


def where_of(db: Session, node: int) -> str:
    member = db.get(Member, node)
    name = display_name(member) if member is not None else name_of(db, node)
    zone = f" @{member.zone}" if member is not None and member.zone else ""
    return name + zone


def due_text(step: PlanStep, settings: Settings) -> str:
    return f"{local(step.due, zone_of(settings.timezone)):%H:%M}"


def _bringer(step: PlanStep, offer: Posting, need: Posting) -> tuple[int, bool]:
    """Who the receiver meets, and whether the receiver goes (picks it up) themselves."""
    if step.carrier == need.author:
        return offer.author, True
    return step.carrier, False


def ask_line(db: Session, step: PlanStep, offer: Posting, need: Posting, lang: str) -> str:
    """The receiver's line in the DM that proposes the move: who could bring what, and how to say yes."""
    who, pick_up = _bringer(step, offer, need)
    return claim_replies.plan_ask(what_of(offer, step), where_of(db, who), replies.match_ref(step.match_id or 0),
                                  lang, pick_up)


def part_lines(db: Session, step: PlanStep, offer: Posting, need: Posting, lang: LangOf) -> dict[int, str]:
    """Once accepted: the giver's and the carrier's lines (the match code is what DONE takes)."""
    what, code = what_of(offer, step), replies.match_ref(step.match_id or 0)
    giver, receiver, carrier = offer.author, need.author, step.carrier
    if carrier == giver:
        return {giver: replies.plan_bring(what, where_of(db, receiver), code, lang(giver))}
    if carrier == receiver:
        return {giver: replies.plan_hold(what, where_of(db, receiver), code, lang(giver))}
    return {
        carrier: replies.plan_carry(what, where_of(db, giver), where_of(db, receiver), code, lang(carrier)),
        giver: replies.plan_give(what, where_of(db, carrier), where_of(db, receiver), code, lang(giver)),
    }


def parts(db: Session, settings: Settings, steps: Iterable[PlanStep], lang: LangOf) -> list[Outgoing]:
    """One DM per giver or carrier with all their newly accepted lines, by the earliest due."""
    lines: dict[int, list[str]] = defaultdict(list)
    due: dict[int, PlanStep] = {}
    for step in steps:
        offer, need = db.get(Posting, step.offer_id), db.get(Posting, step.need_id)
        if offer is None or need is None:
            continue
        for person, line in part_lines(db, step, offer, need, lang).items():
            lines[person].append(line)
            if person not in due or step.due < due[person].due:
                due[person] = step
    return [Outgoing(replies.plan_part(texts, due_text(due[person], settings), lang(person)), person, Priority.REPLY)
            for person, texts in lines.items()]


def _record(db: Session, step: PlanStep, match: Match, consent: str, by: str, now: float,
            receiver: int) -> None:
    step.consent, step.consent_by, step.consent_at = consent, by, now
    db.add(step)
    if match.accepted is None:
        match.accepted, match.expires = now, None
        match.accepted_by = receiver if consent == BY_RECEIVER else None
        db.add(match)


def receiver_says_yes(db: Session, settings: Settings, match: Match, step: PlanStep, actor: int, ref: str,
                      now: float, lang: LangOf) -> tuple[str, list[Outgoing]]:
    """TAKE m5 on a plan move: only its receiver may accept it; then the giver and carrier hear."""
    need, offer = db.get(Posting, step.need_id), db.get(Posting, step.offer_id)
    assert need is not None and offer is not None
    if actor != need.author:
        return claim_replies.plan_not_receiver(ref, lang(actor)), []
    who, pick_up = _bringer(step, offer, need)
    answer = claim_replies.plan_accepted(ref, what_of(offer, step), where_of(db, who), due_text(step, settings),
                                         lang(actor), pick_up)
    if step.consent != ASKED:
        return answer, []
    _record(db, step, match, BY_RECEIVER, node_id(actor), now, need.author)
    return answer, parts(db, settings, [step], lang)


def committee_accepts(db: Session, settings: Settings, match: Match | None, member: str,
                      now: float) -> list[Outgoing]:
    """The committee marks a move accepted for its receiver: recorded as theirs, with `member`'s name."""
    step = step_of(db, match)
    if match is None or step is None:
        raise ConsentError("no planned move by that code; `meshbot emergency status` lists them")
    if step.consent != ASKED:
        raise ConsentError(f"m{match.id} was already accepted (by the {step.consent}, {step.consent_by})")
    need, offer = db.get(Posting, step.need_id), db.get(Posting, step.offer_id)
    assert need is not None and offer is not None
    _record(db, step, match, BY_COMMITTEE, member, now, need.author)
    lang = lang_of(db)
    who, pick_up = _bringer(step, offer, need)
    told = Outgoing(claim_replies.plan_accepted_for_you(
        replies.match_ref(match.id or 0), what_of(offer, step), where_of(db, who),
        due_text(step, settings), lang(need.author), pick_up), need.author, Priority.REPLY)
    return [told, *parts(db, settings, [step], lang)]
