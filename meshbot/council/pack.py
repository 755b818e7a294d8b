"""The council pack for one community: a month's meetings, agenda items, minutes, actions,
proposals with their tallies, and the treasury statement, as a bundle signed by this
station (and sealed to a recipient's key when given). It travels in the same envelope as
`meshbot export` (security/bundles.py), so `open_bundle` checks it the same way; its rows
sit under `council`, not `tables`, so importing it adds nothing to a board.
"""

from __future__ import annotations

from typing import Any

from nacl.public import PublicKey
from sqlmodel import Session, col, select

from meshbot.council.minutes import issues_between, status
from meshbot.papers.periods import Window
from meshbot.security.bundles import keys_for_export, new_payload, sign_and_seal
from meshbot.treasury.ledger import statement
from store.council import ActionItem, AgendaItem, CouncilMeeting, Proposal


def pack_contents(session: Session, community: str, window: Window, now: float) -> dict[str, Any]:
    meetings = session.exec(select(CouncilMeeting).where(CouncilMeeting.at >= window.start, CouncilMeeting.at < window.end)
                            .order_by(col(CouncilMeeting.at))).all()
    ids = [m.id for m in meetings]
    items = session.exec(select(AgendaItem).where(col(AgendaItem.meeting_id).in_(ids))).all() if ids else []
    actions = session.exec(select(ActionItem).where(col(ActionItem.meeting_id).in_(ids))).all() if ids else []
    proposals = session.exec(select(Proposal).where(Proposal.opened < window.end, Proposal.deadline >= window.start)).all()
    st = statement(session, window.start, window.end)
    return {
        "community": community, "month": window.label,
        "meetings": [{"id": m.id, "at": m.at, "host": m.host, "facilitator": m.facilitator_id, "state": m.state}
                     for m in meetings],
        "agenda": [{"meeting": i.meeting_id, "heading": i.heading, "text": i.text, "from": i.community}
                   for i in items if i.community in (None, community) or i.heading in ("warnings", "treasury")],
        "minutes": [{"meeting": m.meeting_id, "kind": m.kind, "text": m.text, "community": m.community}
                    for m in issues_between(session, window.start, window.end, community)],
        "actions": [{"id": f"c{a.id}", "text": a.text, "due": a.due, "state": status(a, now)} for a in actions],
        "proposals": [{"id": f"p{p.id}", "purpose": p.purpose, "kind": p.kind, "amount": p.amount, "every": p.every,
                       "periods": p.periods, "state": p.state, "yes": p.yes, "no": p.no, "abstain": p.abstain}
                      for p in proposals],
        "treasury": {"opening": st.opening, "in": st.money_in, "out": st.money_out, "closing": st.closing},
    }


def build_pack(session: Session, community: str, window: Window, now: float,
               recipient: PublicKey | None = None) -> bytes:
    """The signed (and, with `recipient`, sealed) pack file's bytes."""
    keys = keys_for_export(session)
    payload = new_payload(keys, now, {}, kind="council-pack", council=pack_contents(session, community, window, now))
    return sign_and_seal(keys, payload, recipient)[0]
