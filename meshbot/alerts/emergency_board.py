"""The emergency status board: what the committee reads on the laptop, and the final report.

One snapshot of the database (`snapshot`), three renderings: the terminal
(`meshbot emergency status`), an HTML page that reloads itself every minute
(`--html board.html`, drawn by the papers' renderer, `meshbot.papers.sections`), and the Markdown report `meshbot emergency end` keeps.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import tzinfo

from sqlmodel import Session, col, select

from meshbot.alerts.emergency import suggestions, track_progress
from meshbot.alerts.emergency_plan import CRITICAL_CATEGORIES, URGENCY_ORDER
from meshbot.board.matcher import available_of
from meshbot.people.members import display_name, name_of
from meshbot.papers.sections import Section, html_page, section_html
from meshbot.papers.periods import local, zone_of
from meshbot.settings import Settings
from protocol import replies
from store import Alert, Member, Posting
from store.models import Emergency, PlanStep

HOUR_S = 3600.0
REFRESH_S = 60


CONSENT_TITLES = {
    "asked": "Proposed, waiting for the receiver's yes",
    "receiver": "Accepted by the receiver, on the way",
    "committee": "Accepted by the committee for the receiver, on the way",
}
"""The three states of a planned move, each shown apart (`meshbot.alerts.emergency_consent`)."""


@dataclass(frozen=True)
class StepView:
    need: str
    what: str
    giver: str
    receiver: str
    carrier: str
    due: float
    status: str
    done_at: float | None
    code: str = ""
    consent: str = "asked"
    """asked, receiver or committee."""
    consent_by: str | None = None


@dataclass(frozen=True)
class NeedView:
    ref: str
    label: str
    category: str
    urgency: str
    cover: str
    """`planned` (every unit has a carrier), `partial`, or `unmet`."""


@dataclass(frozen=True)
class Snapshot:
    reason: str
    started: float
    deadline: float
    now: float
    ended: float | None
    tz: tzinfo | None
    open_critical: list[NeedView]
    pledged: list[StepView]
    delivered: list[StepView]
    safe: list[str]
    not_heard: list[str]
    volunteers: list[tuple[str, int, int]]
    """(name, moves assigned, moves done)."""
    timeline: list[tuple[float, str]] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    """Same-category offers for needs nothing of the same item serves: for the committee to
    decide on (`meshbot match make`), never sent to residents."""

    def by_consent(self, consent: str) -> list[StepView]:
        return [p for p in self.pledged if p.consent == consent]

    @property
    def hours_left(self) -> float:
        return max(0.0, (self.deadline - (self.ended or self.now)) / HOUR_S)

    @property
    def unmet(self) -> list[NeedView]:
        return [n for n in self.open_critical if n.cover != "planned"]

    def at(self, ts: float) -> str:
        return f"{local(ts, self.tz):%H:%M}"


def latest(db: Session, community: str) -> Emergency | None:
    """The emergency the board shows: the one on now, else the last one (with its end)."""
    from meshbot.alerts.emergency import current

    return current(db, community) or db.exec(
        select(Emergency).where(Emergency.community == community).order_by(col(Emergency.id).desc())).first()


def _step_view(db: Session, step: PlanStep) -> StepView:
    offer, need = db.get(Posting, step.offer_id), db.get(Posting, step.need_id)
    item = offer.item if offer is not None else "?"
    return StepView(
        need=replies.ref("need", step.need_id), what=f"{item} {replies.amount(step.quantity, step.unit)}".strip(),
        giver=name_of(db, offer.author) if offer else "?", receiver=name_of(db, need.author) if need else "?",
        carrier=name_of(db, step.carrier), due=step.due, status=step.status, done_at=step.done_at,
        code=replies.match_ref(step.match_id or 0), consent=step.consent, consent_by=step.consent_by,
    )


def _cover(db: Session, need: Posting) -> str:
    """`planned` when every unit of the need is promised (by the plan or the everyday
    matcher), `partial` when some is, `unmet` when none is."""
    full = need.remaining if need.remaining is not None else need.quantity
    free = available_of(db, need)
    if free <= 1e-9:
        return "planned"
    return "partial" if free < (full if full is not None else 1.0) - 1e-9 else "unmet"


def snapshot(db: Session, row: Emergency, now: float, settings: Settings) -> Snapshot:
    """Everything the board shows, read in one go."""
    if row.ended is None:
        track_progress(db, row, now)
    steps = list(db.exec(
        select(PlanStep).where(PlanStep.emergency_id == row.id, PlanStep.status != "dropped").order_by(col(PlanStep.due))
    ).all())
    critical = db.exec(
        select(Posting).where(Posting.kind == "need", col(Posting.status).in_(("open", "matched")),
                              col(Posting.category).in_(CRITICAL_CATEGORIES), Posting.community == row.community)
    ).all()
    open_critical = [
        NeedView(replies.ref("need", p.id or 0),
                 replies.label(replies.ref("need", p.id or 0), p.item, p.quantity, p.unit, p.zone, p.urgency),
                 p.category, p.urgency, _cover(db, p))
        for p in sorted(critical, key=lambda p: (URGENCY_ORDER.get(p.urgency, 2), p.created, p.id or 0))
    ]
    members = db.exec(select(Member).where(Member.community == row.community).order_by(col(Member.node_num))).all()
    safe = [display_name(m) for m in members if m.safe_at is not None and m.safe_at >= row.started]
    not_heard = [display_name(m) for m in members
                 if (m.safe_at is None or m.safe_at < row.started) and m.last_seen < row.started]
    load: dict[int, list[int]] = {}
    for s in steps:
        counts = load.setdefault(s.carrier, [0, 0])
        counts[0] += 1
        counts[1] += s.status == "done"
    views = [_step_view(db, s) for s in steps]
    return Snapshot(
        reason=row.reason, started=row.started, deadline=row.deadline, now=now, ended=row.ended,
        tz=zone_of(settings.timezone), open_critical=open_critical,
        pledged=[v for v in views if v.status == "planned"],
        delivered=sorted((v for v in views if v.status == "done"), key=lambda v: v.done_at or 0.0),
        safe=safe, not_heard=not_heard,
        volunteers=[(name_of(db, n), a, d) for n, (a, d) in sorted(load.items())],
        timeline=_timeline(db, row, steps, now),
        suggestions=[] if row.ended is not None else suggestions(db, row, settings),
    )


def _timeline(db: Session, row: Emergency, steps: list[PlanStep], now: float) -> list[tuple[float, str]]:
    events: list[tuple[float, str]] = [(row.started, f"emergency mode on: {row.reason}")]
    planned: dict[float, int] = {}
    for s in steps:
        planned[s.created] = planned.get(s.created, 0) + 1
        if s.done_at is not None:
            events.append((s.done_at, f"delivered to {replies.ref('need', s.need_id)}"))
    events += [(at, f"plan: {n} move(s) sent out") for at, n in planned.items()]
    for alert in db.exec(
        select(Alert).where(Alert.expires > row.started, Alert.created <= (row.ended or now),
                            Alert.community == row.community)
    ).all():
        events.append((alert.created, f"alert a{alert.id}: {alert.headline or alert.text}"))
    if row.ended is not None:
        events.append((row.ended, "emergency mode ended"))
    return sorted(events)


# --- renderings ------------------------------------------------------------------------------


def render_text(s: Snapshot) -> str:
    """The board for a terminal."""
    lines = [
        f"EMERGENCY: {s.reason}",
        f"started {s.at(s.started)}, window ends {s.at(s.deadline)}: {s.hours_left:.1f} h left of "
        f"{(s.deadline - s.started) / HOUR_S:g}" + (f" (ended {s.at(s.ended)})" if s.ended else ""),
        "",
        f"Open critical needs ({len(s.open_critical)}; {len(s.unmet)} not fully planned):",
        *[f"  {n.label:<40} {n.category:<8} {n.cover}" for n in s.open_critical],
        "",
        *[line for consent in CONSENT_TITLES for line in _consent_lines(s, consent)],
        f"Suggestions for the committee, same category only ({len(s.suggestions)}):",
        *[f"  {text}" for text in s.suggestions],
        "",
        f"Delivered ({len(s.delivered)}):",
        *[f"  {d.need:<6} {d.what:<24} {d.giver} -> {d.receiver} at {s.at(d.done_at or s.now)}" for d in s.delivered],
        "",
        f"Checked in SAFE ({len(s.safe)}): {', '.join(s.safe) or '-'}",
        f"Not heard from ({len(s.not_heard)}): {', '.join(s.not_heard) or '-'}",
        "Volunteers: " + (", ".join(f"{n} ({d}/{a} done)" for n, a, d in s.volunteers) or "-"),
    ]
    return "\n".join(lines) + "\n"


def _who_said_yes(p: StepView) -> str:
    if p.consent == "receiver":
        return f"yes from {p.receiver} ({p.consent_by})"
    if p.consent == "committee":
        return f"marked for {p.receiver} by {p.consent_by}"
    return "waiting for the receiver's yes"


def _consent_lines(s: Snapshot, consent: str) -> list[str]:
    moves = s.by_consent(consent)
    return [f"{CONSENT_TITLES[consent]} ({len(moves)}):",
            *[f"  {p.code:<5} {p.need:<6} {p.what:<24} {p.giver} -> {p.receiver}, carried by {p.carrier}, "
              f"by {s.at(p.due)}" + ("" if consent == "asked" else f"; {_who_said_yes(p)}") for p in moves],
            ""]


_CSS = """
.clock{font-size:2.4rem;font-weight:700;color:#b00020}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(8rem,1fr));gap:.6rem;margin:1rem 0}
.card{border:1px solid var(--rule);border-radius:6px;padding:.6rem .8rem}
.card b{display:block;font-size:1.8rem}.two{grid-template-columns:1fr 1fr}
td.unmet{color:#b00020;font-weight:700}td.partial{color:#a35c00}td.planned{color:#1b6e20}
"""
"""What the board adds to the papers' page style: the clock, the count cards, plan colours."""


def _sections(s: Snapshot) -> list[Section]:
    """The board's tables and lists, in the order the committee reads them."""
    return [
        Section("Open critical needs", ("Need", "Category", "Plan"),
                tuple((n.label, n.category, n.cover) for n in s.open_critical),
                labelled=frozenset({2}), empty="No open critical needs."),
        *(Section(title, ("Move", "Need", "What", "From", "To", "Carried by", "By", "Yes"),
                  tuple((p.code, p.need, p.what, p.giver, p.receiver, p.carrier, s.at(p.due), _who_said_yes(p))
                        for p in s.by_consent(consent)), empty="None.")
          for consent, title in CONSENT_TITLES.items()),
        Section("Suggestions for the committee (same category only, not sent)", paragraphs=tuple(s.suggestions),
                empty="None."),
        Section("Delivered", ("Need", "What", "From", "To", "At"),
                tuple((d.need, d.what, d.giver, d.receiver, s.at(d.done_at or s.now)) for d in s.delivered),
                empty="Nothing delivered yet."),
    ]


def _households(s: Snapshot) -> str:
    lists = (Section(f"{title} ({len(names)})", paragraphs=tuple(names), empty="None.", level=3)
             for title, names in (("Checked in SAFE", s.safe), ("Not heard from", s.not_heard)))
    cards = "".join(f'<div class="card">{section_html(x)}</div>' for x in lists)
    summary = Section("Households", paragraphs=(f"{len(s.safe)} checked in SAFE, {len(s.not_heard)} not heard from",))
    return f'{section_html(summary)}\n<div class="grid two">{cards}</div>'


def render_html(s: Snapshot) -> str:
    """A self-contained page, in the papers' style, that reloads itself every minute while the window is open."""
    cards = [("hours left", f"{s.hours_left:.1f}"), ("open critical needs", str(len(s.open_critical))),
             ("not fully planned", str(len(s.unmet))), ("waiting for a yes", str(len(s.by_consent("asked")))),
             ("accepted, on the way", str(len(s.pledged) - len(s.by_consent("asked")))),
             ("delivered", str(len(s.delivered))), ("checked in SAFE", str(len(s.safe))),
             ("not heard from", str(len(s.not_heard))), ("volunteers", str(len(s.volunteers)))]
    card_html = "".join(f'<div class="card"><b>{v}</b>{html.escape(k)}</div>' for k, v in cards)
    state = f"ended {s.at(s.ended)}" if s.ended else f"updated {s.at(s.now)}"
    volunteers = Section("Volunteers", ("Volunteer", "Moves", "Done"),
                         tuple((n, str(a), str(d)) for n, a, d in s.volunteers), numeric=frozenset({1, 2}),
                         empty="No volunteers assigned yet.")
    body = "\n".join([
        f'<div class="clock">{s.hours_left:.1f} h left of {(s.deadline - s.started) / HOUR_S:g}</div>',
        f'<div class="grid">{card_html}</div>',
        *(section_html(x) for x in _sections(s)),
        _households(s),
        section_html(volunteers),
    ])
    return html_page(f"Emergency: {s.reason}", f"Started {s.at(s.started)} · window ends {s.at(s.deadline)} · {state}",
                     body, css=_CSS, refresh_s=None if s.ended else REFRESH_S)


def render_report(s: Snapshot) -> str:
    """What moved, what stayed unmet, and when, for the committee's records."""
    def bullet(items: list[str]) -> str:
        return "\n".join(f"- {i}" for i in items) if items else "- none"

    return "\n".join([
        f"# Emergency report: {s.reason}",
        "",
        f"Window: {s.at(s.started)} to {s.at(s.deadline)} ({(s.deadline - s.started) / HOUR_S:g} h); "
        + (f"ended {s.at(s.ended)}." if s.ended else "still open."),
        "",
        f"## What moved ({len(s.delivered)})",
        bullet([f"{d.need}: {d.what} from {d.giver} to {d.receiver}, carried by {d.carrier}, "
                f"at {s.at(d.done_at or s.now)}" for d in s.delivered]),
        "",
        f"## Pledged but not confirmed delivered ({len(s.pledged)})",
        bullet([f"{p.code} {p.need}: {p.what} from {p.giver} to {p.receiver}, carrier {p.carrier}, "
                f"due {s.at(p.due)}; {_who_said_yes(p)}" for p in s.pledged]),
        "",
        f"## Critical needs that stayed unmet ({len(s.unmet)})",
        bullet([f"{n.label} ({n.category}, {n.cover})" for n in s.unmet]),
        "",
        f"## Households: {len(s.safe)} checked in SAFE, {len(s.not_heard)} not heard from",
        bullet([f"not heard from: {name}" for name in s.not_heard]),
        "",
        "## Volunteers",
        bullet([f"{n}: {d} of {a} moves done" for n, a, d in s.volunteers]),
        "",
        "## Timeline",
        bullet([f"{s.at(t)} {text}" for t, text in s.timeline]),
        "",
    ])

