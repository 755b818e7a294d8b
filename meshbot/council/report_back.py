"""The rep's report-back: what arose in council this month (from the minutes) and the
treasury's monthly statement, as sections the monthly report prints after its own."""

from __future__ import annotations

from sqlmodel import Session

from meshbot.council.minutes import issues_between
from meshbot.papers.periods import Window
from meshbot.papers.sections import Section
from meshbot.treasury.ledger import statement

KIND_WORDS = {"decision": "Decision", "issue": "Issue", "warning": "Warning"}


def council_sections(db: Session, window: Window, unit: str, community: str | None = None) -> tuple[Section, ...]:
    arose = issues_between(db, window.start, window.end, community)
    issues = Section(
        "What issues arose in council", ("Kind", "What", "Community"),
        tuple((KIND_WORDS.get(m.kind, m.kind), m.text, m.community or "all") for m in arose),
        empty="The council met on nothing this month, or its minutes are not written yet.",
        note="From the council's minutes this month: decisions, issues raised and warnings passed on.",
    )
    st = statement(db, window.start, window.end)
    treasury = Section(
        f"Treasury statement ({unit})", ("", "Amount"),
        (("Opening balance", f"{st.opening:g}"), ("In", f"{st.money_in:g}"), ("Out", f"{st.money_out:g}"),
         ("Closing balance", f"{st.closing:g}")),
        numeric=frozenset({1}), strong=frozenset({3}),
        paragraphs=tuple(f"{e.kind} {e.amount:g}: {e.memo}" for e in st.rows),
        note="Contributions in; grants, stipends and spending out, each on the day it counts.",
    )
    return issues, treasury
