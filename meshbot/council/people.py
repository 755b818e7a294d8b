"""The council's communities and people: reps, committee members, trained facilitators.

A rep with a radio is known by node number, so their handheld may add agenda items
(the gate asks `is_rep`) and gets the agenda and reminders.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from store.council import CouncilCommunity, CouncilPerson


class CouncilError(ValueError):
    """A council command that cannot be done; the message says why, in one line."""


def add_community(session: Session, name: str, now: float, hosts: bool = True) -> CouncilCommunity:
    name = name.strip().lower()
    if not name:
        raise CouncilError("a community needs a name")
    row = session.get(CouncilCommunity, name) or CouncilCommunity(name=name, added=now)
    row.hosts = hosts
    session.add(row)
    return row


def communities(session: Session) -> list[CouncilCommunity]:
    return list(session.exec(select(CouncilCommunity).order_by(col(CouncilCommunity.added), col(CouncilCommunity.name))).all())


def add_person(session: Session, name: str, community: str, now: float, *, node_num: int | None = None,
               rep: bool = False, trained: bool = False) -> CouncilPerson:
    community = community.strip().lower()
    if session.get(CouncilCommunity, community) is None:
        raise CouncilError(f"no community {community!r}: add it first (meshbot council community add)")
    if not name.strip():
        raise CouncilError("a person needs a name")
    if rep:  # one rep a community: the one before steps down
        for old in session.exec(select(CouncilPerson).where(CouncilPerson.community == community,
                                                            col(CouncilPerson.rep).is_(True))).all():
            old.rep = False
            session.add(old)
    person = CouncilPerson(name=name.strip(), community=community, node_num=node_num, rep=rep,
                           trained=trained, trained_on=now if trained else None, added=now)
    session.add(person)
    session.flush()
    return person


def person(session: Session, person_id: int) -> CouncilPerson:
    found = session.get(CouncilPerson, person_id)
    if found is None:
        raise CouncilError(f"no council person #{person_id} (meshbot council people lists them)")
    return found


def mark_trained(session: Session, person_id: int, now: float, trained: bool = True) -> CouncilPerson:
    found = person(session, person_id)
    found.trained = trained
    found.trained_on = now if trained else None
    session.add(found)
    return found


def people(session: Session) -> list[CouncilPerson]:
    return list(session.exec(select(CouncilPerson).order_by(col(CouncilPerson.id))).all())


def reps(session: Session) -> list[CouncilPerson]:
    return list(session.exec(select(CouncilPerson).where(col(CouncilPerson.rep).is_(True))
                             .order_by(col(CouncilPerson.community))).all())


def by_node(session: Session, node_num: int) -> CouncilPerson | None:
    """The council person a radio belongs to (the rep first, if several rows name it)."""
    return session.exec(select(CouncilPerson).where(CouncilPerson.node_num == node_num)
                        .order_by(col(CouncilPerson.rep).desc(), col(CouncilPerson.id))).first()


def is_rep(session: Session, node_num: int) -> bool:
    found = by_node(session, node_num)
    return found is not None and found.rep
