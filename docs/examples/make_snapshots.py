"""Regenerate the committee's sample outputs in docs/examples/ from a made-up neighbourhood.

Covers: the laptop digest (HTML), the mesh digest (the packets a committee member gets),
the monthly rep report (HTML) and the needs-mapping chart (PNG), so the committee can see
what they will get before the bot has any data.

Scenario: three communities, November 2026, seen on the morning of 28 November. Every
timestamp is fixed and the randomness seeded, so running it again gives the same pages.

    .venv/bin/python docs/examples/make_snapshots.py [OUT_DIR]
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from meshbot.papers.digest import build_digest
from meshbot.papers.digest_render import digest_document
from meshbot.papers.mesh_digest import mesh_digest
from meshbot.papers.needs_map import build_map, render
from meshbot.papers.periods import month_window, rolling, zone_of
from meshbot.papers.report_render import report_document
from meshbot.papers.reports import add_note, build_report, mark_story
from meshbot.papers.sections import to_html
from sqlmodel import select

from store import Alert, Match, Member, Posting, open_engine, session

RANDOM_SEED = 42
TZ = "UTC"
NOW = datetime(2026, 11, 28, 7, 0, tzinfo=UTC).timestamp()
MONTH = "2026-11"
HOUR_S = 3600.0
DAY_S = 86_400.0
OUT_DIR = Path(__file__).parent

COMMUNITIES = {
    "Elm Street": ("elm", "oak", "market"),
    "Riverside": ("river", "mill"),
    "Hillcrest": ("hill", "school"),
}
# (category, item, weight as an offer, weight as a need) per community: what each has plenty of.
GOODS = {
    "Elm Street": [("food", "rice", 6, 2), ("food", "bread", 4, 1), ("childcare", "babysitting", 1, 5),
                   ("power", "batteries", 1, 4), ("medical", "first aid", 3, 1), ("transport", "ride", 1, 2)],
    "Riverside": [("water", "bottled water", 1, 5), ("repair", "bike repair", 4, 1), ("tools", "drill", 3, 1),
                  ("food", "vegetables", 3, 2), ("shelter", "spare room", 1, 3), ("medical", "insulin", 0, 2)],
    "Hillcrest": [("medical", "nurse visit", 5, 1), ("education", "tutoring", 3, 1), ("clothing", "coats", 2, 4),
                  ("childcare", "after school", 2, 2), ("power", "generator", 1, 3), ("food", "soup", 2, 3)],
}
NAMES = ["Ana", "Ben", "Caro", "Dev", "Eli", "Fer", "Gus", "Hana", "Ivo", "Jo", "Kim", "Lu", "Mo", "Nia", "Omar",
         "Pia", "Quin", "Rosa", "Sam", "Tove", "Uma", "Vic", "Wen", "Xio"]


def build_sample(engine, now: float = NOW) -> None:  # type: ignore[no-untyped-def]
    """A month of a plausible neighbourhood, written straight into the store."""
    rng = random.Random(RANDOM_SEED)
    start = month_window(MONTH, zone_of(TZ)).start
    with session(engine) as db, db.begin():
        members: dict[str, list[Member]] = {}
        names = iter(NAMES)
        for n, (comm, zones) in enumerate(COMMUNITIES.items()):
            members[comm] = []
            for k in range(8):
                role = "committee" if k == 0 else "responder" if k == 1 else "resident"
                m = Member(node_num=0x10000000 + n * 0x100 + k, name=next(names, f"R{n}{k}"), zone=zones[k % len(zones)],
                           role=role, joined=True, first_seen=start - 30 * DAY_S, last_seen=now - k * HOUR_S,
                           community=comm)
                db.add(m)
                members[comm].append(m)
        db.flush()
        postings: list[Posting] = []
        for comm, goods in GOODS.items():
            people = members[comm]
            for category, item, as_offer, as_need in goods:
                for kind, weight in (("offer", as_offer), ("need", as_need)):
                    for _ in range(weight):
                        author = rng.choice(people)
                        created = start + rng.uniform(0, now - start - 2 * HOUR_S)
                        urgency = rng.choices(["normal", "high", "critical"], [6, 2, 1])[0] if kind == "need" else "normal"
                        p = Posting(kind=kind, category=category, item=item, zone=author.zone, urgency=urgency,
                                    author=author.node_num, created=created, updated=created,
                                    expires=created + 14 * DAY_S, community=comm,
                                    quantity=None, unit=None)
                        postings.append(p)
        postings.sort(key=lambda p: p.created)
        db.add_all(postings)
        db.flush()
        # Pair offers with needs of the same category and community, in posting order.
        waiting: dict[tuple[str, str], list[Posting]] = {}
        for p in postings:
            other = waiting.get((p.community, p.category), [])
            partner = next((q for q in other if q.kind != p.kind and q.author != p.author), None)
            if partner is None or rng.random() < 0.25:
                waiting.setdefault((p.community, p.category), []).append(p)
                if p.expires is not None and p.expires <= now:
                    p.status, p.updated = "expired", p.expires
                continue
            other.remove(partner)
            offer, need = (p, partner) if p.kind == "offer" else (partner, p)
            made = p.created + rng.uniform(60, 3 * HOUR_S)
            done = made + rng.uniform(2 * HOUR_S, 3 * DAY_S)
            status = "done" if done < now and rng.random() < 0.8 else "proposed"
            db.add(Match(offer_id=offer.id, need_id=need.id, created=made, status=status,
                         closed=done if status == "done" else None))
            for q in (offer, need):
                q.status, q.updated = ("done", done) if status == "done" else ("matched", made)
        alerts = [("Elm Street", "Family evicted on Oak, need a room tonight", "oak", "cancelled", 3.2),
                  ("Riverside", "Water main burst at the mill, bring containers", "mill", "expired", 1.6),
                  ("Hillcrest", "Power out on the hill, generator needed for a fridge of insulin", "hill", "active", 0.2)]
        for comm, text, zone, status, days_ago in alerts:
            raised = now - days_ago * DAY_S
            db.add(Alert(sender=members[comm][1].node_num, text=text, zone=zone, status=status,
                         created=raised, expires=raised + 12 * HOUR_S))
    with session(engine) as db, db.begin():
        add_note(db, MONTH, "Batteries run short every outage: can the council fund a shared charging station?",
                 now, community="Elm Street")
        add_note(db, MONTH, "Bottled water requests doubled since the burst main; ask the utility for a date.",
                 now, community="Riverside")
        mark_story(db, _completed(db, "tools"), "A neighbour's drill fixed three doors after the storm.", now)
        mark_story(db, _completed(db, "medical"), "Nurse visits reached two housebound elders within a day.", now)


def _completed(db, category: str) -> int:  # type: ignore[no-untyped-def]
    """The last completed match of a category: the kind of thing a rep tells the council."""
    rows = db.exec(
        select(Match).join(Posting, Posting.id == Match.offer_id)  # type: ignore[arg-type]
        .where(Match.status == "done", Posting.category == category).order_by(Match.closed)
    ).all()
    return rows[-1].id


def main(out_dir: Path = OUT_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    made = f"made {datetime.fromtimestamp(NOW, UTC):%d %b %Y} by meshbot"
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_engine(Path(tmp) / "sample.db")
        build_sample(engine)
        with session(engine) as db:
            digest = build_digest(db, rolling("week", NOW), NOW, period="week")
            packets = mesh_digest(build_digest(db, rolling("day", NOW), NOW, period="day"), TZ)
            window = month_window(MONTH, zone_of(TZ))
            report = build_report(db, window, MONTH, NOW)
            needs = build_map(db, window, NOW)
        engine.dispose()
    files = {
        "digest.html": to_html(digest_document(digest, TZ), made).encode(),
        "mesh-digest.txt": ("\n".join(packets) + "\n").encode(),
        "report.html": to_html(report_document(report, TZ), made).encode(),
        "needs-map.png": render(needs, "png", made),
    }
    written = []
    for name, data in files.items():
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT_DIR):
        print(path)
