"""Who has an alert: the roll call the sender and the committee hear, and `alert show`.

Every radio counts, not only registered members: a neighbour who never sent `JOIN` but
whose radio ACKed a repeat, or who answered `OK a3`, has the alert as surely as a member.
The radios counted are the community's members, the radios the bot's node heard lately
(when the caller knows them), every radio sent a repeat, and every radio that answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, select

from meshbot.alerts.policy import answered
from meshbot.people.members import name_of
from store import Alert, Member
from store.models import AlertCopy

OK_KINDS = frozenset({"ok", "confirm"})


@dataclass(frozen=True)
class RollCall:
    """Node numbers by what they said; a node is in `ok`, `helping` and `safe` as it
    answered, in `radio_only` when its radio ACKed a repeat and it said nothing, and in
    `not_heard` when nothing at all came back from it."""

    ok: list[int] = field(default_factory=list)
    helping: list[int] = field(default_factory=list)
    safe: list[int] = field(default_factory=list)
    radio_only: list[int] = field(default_factory=list)
    not_heard: list[int] = field(default_factory=list)

    @property
    def have_it(self) -> int:
        """Radios known to have the alert: answered in any way, or ACKed a repeat."""
        return len(set(self.ok) | set(self.helping) | set(self.safe) | set(self.radio_only))


def radios_of(db: Session, alert: Alert, known: Iterable[int] = ()) -> set[int]:
    """Every radio the bot knows for this alert, but its sender."""
    members = db.exec(select(Member.node_num).where(Member.community == alert.community)).all()
    copies = db.exec(select(AlertCopy.node).where(AlertCopy.alert_id == alert.id)).all()
    nodes = {int(n) for n in members} | {int(n) for n in copies} | set(answered(db, alert)) | set(known)
    return nodes - {alert.sender}


def roll_call(db: Session, alert: Alert, known: Iterable[int] = ()) -> RollCall:
    """Who answered, whose radio only ACKed, and who is not heard from, over every radio."""
    got = answered(db, alert)
    out = RollCall()
    for node in sorted(radios_of(db, alert, known)):
        kinds = got.get(node, set())
        if kinds & OK_KINDS:
            out.ok.append(node)
        if "helping" in kinds:
            out.helping.append(node)
        if "safe" in kinds:
            out.safe.append(node)
        if kinds == {"delivered"}:
            out.radio_only.append(node)
        if not kinds:
            out.not_heard.append(node)
    return out


def names(db: Session, nodes: Iterable[int]) -> list[str]:
    """The name each radio's owner gave, else its node id."""
    return [name_of(db, n) for n in nodes]
