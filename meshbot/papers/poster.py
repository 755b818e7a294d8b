"""The board poster: an A4 page in large type for the wall of a community centre or a
trusted home, for residents without a radio. Open needs and offers by category with
their ids, services and events of the next two weeks, and how to answer without a
radio. Through the same HTML renderer as every other paper (sections.py); the browser's
print (print CSS, A4) makes the paper. Places are zones only (privacy.coarse); no names.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from meshbot.board.views import board
from meshbot.delivery.privacy import coarse
from meshbot.papers.sections import Section, html_page, section_html
from meshbot.services.notices import session_ref, when_text
from meshbot.services.schedule import upcoming
from store.services import EVENT_KINDS, SERVICE_KINDS

POSTER_CSS = """
@page { size: A4; margin: 12mm; }
body { font-size: 15pt; }
h1 { font-size: 30pt; } h2 { font-size: 20pt; border-bottom: 2px solid #000; }
td, th { padding: 3pt 6pt; }
.how p { font-size: 16pt; }
"""
LISTED_MAX = 24


def postings_section(rows: list[dict[str, object]], kind: str, title: str) -> Section:
    chosen = sorted((r for r in rows if r["kind"] == kind and r["status"] == "open"),
                    key=lambda r: (str(r["category"]), str(r["id"])))[:LISTED_MAX]
    table = tuple((str(r["category"]), str(r["id"]), coarse(str(r["item"])), str(r["zone"] or "")) for r in chosen)
    return Section(title, ("Category", "Id", "What", "Zone"), table, strong=frozenset({1}),
                   empty=f"No open {kind}s right now.")


def sessions_section(db: Session, now: float, tz: tzinfo) -> Section:
    rows = tuple((session_ref(s, svc), svc.name, when_text(s.starts, tz, "en", True),
                  coarse(svc.place or ""), svc.bring or "")
                 for s, svc in upcoming(db, now, 14, SERVICE_KINDS + EVENT_KINDS))
    return Section("Services and events, next two weeks", ("Id", "What", "When", "Where", "Bring"), rows,
                   strong=frozenset({0}), empty="Nothing scheduled yet.")


def how_to_answer(contact: str) -> str:
    lines = [
        "No radio? Tell a neighbour with one, or the committee, the id and what you want:",
        "\u201cTAKE o12\u201d takes offer o12 \u00b7 \u201cSIGNUP s3\u201d a place at session s3 \u00b7 "
        "\u201cRSVP e2\u201d you come to event e2 \u00b7 \u201cNEED blankets @elm\u201d asks for something.",
        f"The committee: {contact}" if contact else "The committee can be found through any member with a radio.",
    ]
    body = "".join(f"<p>{_esc(line)}</p>" for line in lines)
    return f'<section class="how"><h2>How to answer without a radio</h2>{body}</section>'


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def poster_html(engine: Engine, db: Session, now: float, tz: tzinfo, community: str, contact: str) -> str:
    rows = board(engine)
    sections = (postings_section(rows, "need", "Needs"), postings_section(rows, "offer", "Offers"),
                sessions_section(db, now, tz))
    body = "\n".join(section_html(s) for s in sections) + "\n" + how_to_answer(contact)
    printed = datetime.fromtimestamp(now, tz).strftime("%a %d %b %Y %H:%M")
    return html_page(f"Neighbourhood board \u2014 {community}", f"Printed {printed}", body, css=POSTER_CSS)
