"""Short ids residents type back (`o12`, `n7`, `a3`, or a bare `12`) -> rows."""

from __future__ import annotations

from sqlmodel import Session

from protocol import replies
from store import Alert, Posting

_KIND_BY_PREFIX = {"o": "offer", "n": "need"}


def find_posting(session: Session, ref: str) -> Posting | None:
    """The posting a ref names, or None (also for an alert ref or a kind mismatch)."""
    prefix, digits = (ref[0], ref[1:]) if ref[:1].isalpha() else ("", ref)
    if not digits.isdigit() or (prefix and prefix not in _KIND_BY_PREFIX):
        return None
    posting = session.get(Posting, int(digits))
    if posting is None or (prefix and posting.kind != _KIND_BY_PREFIX[prefix]):
        return None
    return posting


def find_alert(session: Session, ref: str) -> Alert | None:
    if ref[:1] != "a" or not ref[1:].isdigit():
        return None
    return session.get(Alert, int(ref[1:]))


def posting_ref(posting: Posting) -> str:
    assert posting.id is not None, "a posting gets its id when flushed"
    return replies.ref(posting.kind, posting.id)


def posting_label(posting: Posting) -> str:
    assert posting.id is not None, "a posting gets its id when flushed"
    return row_label(posting.id, posting.kind, posting.item, posting.quantity, posting.unit,
                     posting.zone, posting.urgency, posting.window)


def row_label(posting_id: int, kind: str, item: str, quantity: float | None, unit: str | None,
              zone: str | None, urgency: str, window: str | None = None) -> str:
    """`posting_label` from plain columns (listings read rows, not objects)."""
    return replies.label(replies.ref(kind, posting_id), item, quantity, unit, zone, urgency, window)
