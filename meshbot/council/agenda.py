"""The council's agenda: items from reps' handhelds (AGENDA) or the laptop, filed under the
council's headings; the mesh-compact agenda (at most 3 packets) and the meeting's paper
(Markdown or HTML, by the papers' section renderer).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from meshbot.council.meetings import next_meeting
from meshbot.papers.sections import Document, Section
from protocol.catalogue import PACKET_BYTES, render, shorten, utf8_len
from protocol.commands import HEADINGS
from store.council import AgendaItem, CouncilMeeting, CouncilPerson

MAX_PACKETS = 3
ITEM_BYTES = 64
"""The most one item takes in the mesh agenda: the paper has the whole text."""
HEADING_TITLES = {"updates": "Updates, needs, concerns and ideas", "aid": "Mutual aid across communities",
                  "treasury": "Treasury use", "plans": "Trainings, gardening days and exercises",
                  "warnings": "Warnings and security risks", "other": "Other"}


def add_item(session: Session, text: str, heading: str, now: float, *, author: str,
             author_node: int | None = None, community: str | None = None) -> AgendaItem:
    """On the next planned meeting, or waiting for one (`meeting_id` None)."""
    if heading not in HEADINGS:
        raise ValueError(f"unknown heading {heading!r}; use one of {', '.join(HEADINGS)}")
    upcoming = next_meeting(session, now)
    item = AgendaItem(meeting_id=upcoming.id if upcoming else None, heading=heading, text=" ".join(text.split()),
                      author=author, author_node=author_node, community=community, created=now)
    session.add(item)
    session.flush()
    return item


def items_of(session: Session, meeting_id: int) -> list[AgendaItem]:
    """A meeting's items in heading order, then as they came."""
    rows = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(col(AgendaItem.id))).all()
    return sorted(rows, key=lambda i: HEADINGS.index(i.heading) if i.heading in HEADINGS else len(HEADINGS))


def facilitator_name(session: Session, meeting: CouncilMeeting, lang: str) -> str:
    person = session.get(CouncilPerson, meeting.facilitator_id) if meeting.facilitator_id else None
    return person.name if person is not None else render("council.nobody", lang)


def mesh_agenda(session: Session, meeting: CouncilMeeting, when: str, lang: str = "en") -> list[str]:
    """The agenda in at most `MAX_PACKETS` texts of one packet each: the head, then items
    `1 aid: ...; 2 ...`, each cut to `ITEM_BYTES`; what does not fit is counted at the end."""
    head = render("council.agenda_head", lang, when=when, community=meeting.host,
                  who=facilitator_name(session, meeting, lang))
    entries = [shorten(f"{n} {render(f'council.heading.{i.heading}', lang)}: {i.text}", ITEM_BYTES)
               for n, i in enumerate(items_of(session, meeting.id or 0), 1)]
    bodies: list[list[str]] = [[]]

    def packet(i: int, extra: str = "") -> str:
        i = i % len(bodies)
        words = [*bodies[i], extra] if extra else bodies[i]
        return (head if i == 0 else "") + "; ".join(words)

    for entry in entries:
        if utf8_len(packet(-1, entry)) <= PACKET_BYTES:
            bodies[-1].append(entry)
        elif len(bodies) < MAX_PACKETS:
            bodies.append([entry])
        else:
            break
    placed = sum(map(len, bodies))
    if placed < len(entries):  # say how many wait at the meeting, in the last packet
        while bodies[-1] and utf8_len(packet(-1, render("council.agenda_more", lang, count=len(entries) - placed))) > PACKET_BYTES:
            bodies[-1].pop()
            placed -= 1
        bodies[-1].append(render("council.agenda_more", lang, count=len(entries) - placed))
    return [packet(i) for i in range(len(bodies)) if bodies[i] or i == 0]


def paper(session: Session, meeting: CouncilMeeting, when: str) -> Document:
    """The meeting's agenda as a document: one section per heading that has items."""
    items = items_of(session, meeting.id or 0)
    sections = tuple(
        Section(title=HEADING_TITLES[heading], headers=("#", "Item", "From"),
                rows=tuple((str(n), i.text, f"{i.author}" + (f" ({i.community})" if i.community else ""))
                           for n, i in enumerate(items, 1) if i.heading == heading))
        for heading in HEADINGS if any(i.heading == heading for i in items))
    subtitle = f"{when}, hosted by {meeting.host}, facilitated by {facilitator_name(session, meeting, 'en')}"
    return Document(title=f"Council agenda, meeting {meeting.id}", subtitle=subtitle,
                    sections=sections or (Section(title="Agenda", empty="No items yet."),))
