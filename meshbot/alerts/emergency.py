"""Emergency mode: the 12-hour redistribution protocol, on the database.

Started by `meshbot emergency start --reason ...` or `EMERGENCY ON` by DM from a
committee member. While it is on:

* everyone hears it has started (one broadcast) and, every `emergency_reminder_hours`,
  how many hours are left and how many critical needs are open;
* digests wait: pending digest rows are held back until the window closes, and the daily
  digest is not made (the daemon asks `is_on`); plan DMs go at reply priority, ahead of
  routine notices;
* every `emergency_replan_minutes` the planner (`meshbot.alerts.emergency_plan`) turns open
  offers and needs into moves, each a `Match` of offer and need with its carrier as taker,
  recorded as a `PlanStep`. A move is only *asked*: its receiver gets one DM with the
  moves proposed to them and the code to accept; the giver and the carrier hear of it
  once the receiver says yes, or the committee marks it accepted for them
  (`meshbot.alerts.emergency_consent`);
* progress comes from the residents' own `DONE n7`: a step is delivered when its match is
  done, and dropped (its need planned again) when its match is cancelled.

`end` closes it, releases held digests, and writes the report (`emergency_board`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import update as sql_update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hardware.link import BROADCAST_NUM
from meshbot.alerts import emergency_consent as consent
from meshbot.alerts import emergency_plan
from meshbot.alerts.emergency_plan import CRITICAL_CATEGORIES, Demand, Move, Supply, Volunteer
from meshbot.board.matcher import LIVE, available_of, sync
from meshbot.people.members import name_of
from meshbot.delivery.outbox import Outgoing, Priority, enqueue
from meshbot.papers.periods import local, zone_of
from meshbot.settings import Settings
from protocol import replies
from store import Match, Member, OutboxItem, Posting, session
from store.models import AlertResponse, Emergency, PlanStep

log = logging.getLogger(__name__)
HOUR_S = 3600.0
VOLUNTEER_CATEGORIES = ("transport", "labor")
VOLUNTEER_ROLES = ("responder",)


class EmergencyError(ValueError):
    """Emergency mode cannot do what was asked (already on, not on)."""


def current(db: Session, community: str) -> Emergency | None:
    """The emergency on in `community`, if any."""
    return db.exec(
        select(Emergency).where(Emergency.community == community, col(Emergency.ended).is_(None))
    ).first()


def is_on(engine: Engine, community: str) -> bool:
    with session(engine) as db:
        return current(db, community) is not None


def start(
    db: Session, settings: Settings, now: float, reason: str, by: int | None, community: str
) -> tuple[Emergency, tuple[Outgoing, ...]]:
    """Open the window, tell everyone, and make the first plan. EmergencyError if on already."""
    if current(db, community) is not None:
        raise EmergencyError("emergency mode is already on")
    hours = settings.emergency_hours
    row = Emergency(reason=reason[:200], started=now, deadline=now + hours * HOUR_S, started_by=by,
                    community=community, last_reminder=now)
    db.add(row)
    db.flush()
    log.warning("emergency mode on for %g h", hours)
    told = [Outgoing(replies.emergency_broadcast(reason, hours), BROADCAST_NUM, Priority.ALERT, settings.channel_index)]
    return row, tuple(told + replan(db, settings, row, now))


# --- the plan ---------------------------------------------------------------------------


def live_steps(db: Session, row: Emergency) -> list[PlanStep]:
    return list(db.exec(
        select(PlanStep).where(PlanStep.emergency_id == row.id, PlanStep.status == "planned")
    ).all())


def track_progress(db: Session, row: Emergency, now: float) -> None:
    """A step is done when its match is (giver or receiver sent DONE); dropped when the
    match was cancelled (its need is planned again)."""
    for step in live_steps(db, row):
        match = db.get(Match, step.match_id) if step.match_id is not None else None
        if match is None or match.status == "cancelled":
            step.status = "dropped"
        elif match.status == "done":
            step.status, step.done_at = "done", match.closed or now
        else:
            continue
        db.add(step)


def volunteers(db: Session, row: Emergency) -> list[Volunteer]:
    """Responders, whoever answered HELPING since the start, and people offering transport
    or labour; each with the moves they still have to do."""
    people: set[int] = set(db.exec(
        select(Member.node_num).where(col(Member.role).in_(VOLUNTEER_ROLES), Member.community == row.community)
    ).all())
    people |= set(db.exec(
        select(AlertResponse.node).where(AlertResponse.kind == "helping", AlertResponse.at >= row.started)
    ).all())
    people |= set(db.exec(
        select(Posting.author).where(Posting.kind == "offer", Posting.status == "open",
                                     col(Posting.category).in_(VOLUNTEER_CATEGORIES),
                                     Posting.community == row.community)
    ).all())
    load: dict[int, int] = defaultdict(int)
    for step in live_steps(db, row):
        load[step.carrier] += 1
    out = []
    for node in sorted(people):
        member = db.get(Member, node)
        out.append(Volunteer(node=int(node), zone=member.zone if member else None, load=load[int(node)]))
    return out


def _open(db: Session, row: Emergency, kind: str) -> list[Posting]:
    return list(db.exec(
        select(Posting).where(Posting.kind == kind, Posting.status == "open", Posting.community == row.community)
    ).all())


def _left(db: Session, posting: Posting) -> tuple[float, float]:
    """(what it had to give or get, what is still free of promises), 1/0 for a lot."""
    full = posting.remaining if posting.remaining is not None else posting.quantity
    return (full if full is not None else 1.0), available_of(db, posting)


def _board(db: Session, row: Emergency) -> tuple[list[Supply], list[Demand]]:
    """The open offers (but transport and labour, which carry) and needs with something left."""
    supplies, demands = [], []
    for p in _open(db, row, "offer"):
        full, free = _left(db, p)
        if free > 0 and p.category not in VOLUNTEER_CATEGORIES:
            supplies.append(Supply(p.id or 0, p.category, p.item, full if p.quantity is not None else None,
                                   p.unit, p.zone, p.author, p.created, used=full - free))
    for p in _open(db, row, "need"):
        full, free = _left(db, p)
        if free > 0:
            demands.append(Demand(p.id or 0, p.category, p.item, full if p.quantity is not None else None,
                                  p.unit, p.zone, p.urgency, p.author, p.created, covered=full - free))
    return supplies, demands


def suggestions(db: Session, row: Emergency, settings: Settings | None = None) -> list[str]:
    """Offers of the same category only, for critical needs nothing of the same thing can
    serve: shown to the committee on the board, never planned nor sent."""
    supplies, demands = _board(db, row)
    out = []
    for need, offer in emergency_plan.suggest(demands, supplies, emergency_plan.Identities(settings)):
        n, o = replies.ref("need", need.id), replies.ref("offer", offer.id)
        what = f"{offer.item} {replies.amount(offer.quantity, offer.unit)}".strip()
        out.append(f"{n} {need.item} <- {o} {what} ({name_of(db, offer.author)}): same category "
                   f"({need.category}) only; `meshbot match make {o} {n}`")
    return out


def replan(db: Session, settings: Settings, row: Emergency, now: float) -> list[Outgoing]:
    """Plan what the open offers can still do for the open needs; returns the new DMs.

    What the everyday matcher already promised stays promised: the plan works on what is
    left of each posting (`available_of`), and writes its moves as matches of the same
    kind, with the carrier as taker, that do not lapse but are not accepted either: each
    waits for its receiver's yes.
    """
    track_progress(db, row, now)
    supplies, demands = _board(db, row)
    helpers = volunteers(db, row)
    steps = _adopt(db, row, helpers, now)
    moves = emergency_plan.plan(demands, supplies, _loaded(helpers, steps), now, row.deadline,
                                emergency_plan.Identities(settings))
    row.last_plan = now
    db.add(row)
    steps += [_record(db, row, move, now) for move in moves]
    if steps:
        log.info("emergency plan: %d new step(s)", len(steps))
    return tell(db, settings, steps)


def _loaded(helpers: list[Volunteer], steps: list[PlanStep]) -> list[Volunteer]:
    extra: dict[int, int] = defaultdict(int)
    for step in steps:
        extra[step.carrier] += 1
    return [Volunteer(v.node, v.zone, v.load + extra[v.node]) for v in helpers]


def _adopt(db: Session, row: Emergency, helpers: list[Volunteer], now: float) -> list[PlanStep]:
    """Matches the everyday matcher made between the community's postings join the plan:
    each gets a carrier and a time, and stops lapsing. It counts as accepted only if its
    receiver had already accepted it; otherwise the receiver is asked, like for any move."""
    planned = set(db.exec(select(PlanStep.match_id).where(PlanStep.emergency_id == row.id)).all())
    loads = {v.node: v.load for v in helpers}
    zones = {v.node: v.zone for v in helpers}
    steps = []
    for match in db.exec(select(Match).where(Match.status == LIVE, col(Match.held).is_(False))).all():
        offer = db.get(Posting, match.offer_id) if match.offer_id is not None else None
        need = db.get(Posting, match.need_id) if match.need_id is not None else None
        if match.id in planned or offer is None or need is None or need.community != row.community:
            continue
        carrier = emergency_plan.pick_carrier(loads, zones, offer.author, {offer.zone, need.zone})
        if carrier in loads:
            loads[carrier] += 1
        match.taker, match.expires = carrier, None
        db.add(match)
        said_yes = match.accepted is not None and match.accepted_by == need.author
        quantity = match.quantity if match.quantity is not None else (
            match.need_quantity if offer.unit == need.unit else None)
        step = PlanStep(emergency_id=row.id or 0, need_id=need.id or 0, offer_id=offer.id or 0, match_id=match.id,
                        quantity=quantity, unit=offer.unit if match.quantity is not None else need.unit,
                        carrier=carrier, due=emergency_plan.due_by(need.urgency, now, row.deadline), created=now,
                        consent=consent.BY_RECEIVER if said_yes else consent.ASKED,
                        consent_by=consent.node_id(need.author) if said_yes else None,
                        consent_at=match.accepted if said_yes else None)
        db.add(step)
        steps.append(step)
    return steps


def _record(db: Session, row: Emergency, move: Move, now: float) -> PlanStep:
    """One move as a match (no lapse, not accepted: its receiver is asked) and a plan step;
    both postings re-synced."""
    offer, need = db.get(Posting, move.offer_id), db.get(Posting, move.need_id)
    assert offer is not None and need is not None
    same_unit = offer.unit == need.unit
    match = Match(
        offer_id=move.offer_id, need_id=move.need_id, taker=move.carrier, created=now,
        quantity=move.quantity if offer.quantity is not None else None,
        need_quantity=move.quantity if (same_unit and need.quantity is not None) else None,
        accepted=None, expires=None,
    )
    db.add(match)
    db.flush()
    step = PlanStep(emergency_id=row.id or 0, need_id=move.need_id, offer_id=move.offer_id, match_id=match.id,
                    quantity=move.quantity, unit=move.unit, carrier=move.carrier, due=move.due, created=now)
    db.add(step)
    sync(db, offer, now)
    sync(db, need, now)
    return step


# --- asking the receivers -----------------------------------------------------------------


def tell(db: Session, settings: Settings, steps: Iterable[PlanStep]) -> list[Outgoing]:
    """One DM per receiver with every new move proposed to them and its code to accept, by
    the earliest time any is due. Moves already accepted (adopted matches the receiver had
    accepted) go to their giver and carrier at once."""
    lines: dict[int, list[str]] = defaultdict(list)
    due: dict[int, float] = {}
    accepted: list[PlanStep] = []
    lang = consent.lang_of(db)
    for step in steps:
        offer, need = db.get(Posting, step.offer_id), db.get(Posting, step.need_id)
        if offer is None or need is None:
            continue
        step.told = True
        db.add(step)
        if step.consent != consent.ASKED:
            accepted.append(step)
            continue
        lines[need.author].append(consent.ask_line(db, step, offer, need, lang(need.author)))
        due[need.author] = min(due.get(need.author, step.due), step.due)
    tz = zone_of(settings.timezone)
    asks = [
        Outgoing(replies.plan_part(texts, f"{local(due[person], tz):%H:%M}", lang(person)), person, Priority.REPLY)
        for person, texts in lines.items()
    ]
    return asks + consent.parts(db, settings, accepted, lang)


# --- housekeeping -------------------------------------------------------------------------


def open_critical_needs(db: Session, row: Emergency) -> int:
    return len([p for p in _open(db, row, "need") if p.category in CRITICAL_CATEGORIES])


def tick(engine: Engine, settings: Settings, now: float) -> bool:
    """Reminders, a new plan when due, routine notices and digests held back (the airtime
    goes to alerts, replies and the plan's DMs); returns whether emergency mode is on."""
    with session(engine) as db, db.begin():
        row = current(db, settings.community)
        if row is None:
            return False
        queued: list[Outgoing] = []
        if row.last_plan is None or now - row.last_plan >= settings.emergency_replan_minutes * 60.0:
            queued += replan(db, settings, row, now)
        every = settings.emergency_reminder_hours * HOUR_S
        if now < row.deadline and now - (row.last_reminder or row.started) >= every:
            row.last_reminder = now
            db.add(row)
            text = replies.emergency_reminder((row.deadline - now) / HOUR_S, open_critical_needs(db, row))
            queued.append(Outgoing(text, BROADCAST_NUM, Priority.REPLY, settings.channel_index))
        db.execute(
            sql_update(OutboxItem)
            .where(col(OutboxItem.state) == "pending", col(OutboxItem.priority) >= int(Priority.NOTICE),
                   col(OutboxItem.not_before) < row.deadline)
            .values(not_before=row.deadline, held_by_emergency=row.id)
        )
        for message in queued:
            enqueue(db, message, now, settings.reply_want_ack)
    return True
