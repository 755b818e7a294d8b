"""Members: every node we hear from gets a row; JOIN adds a name and a zone."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, col, select

from hardware.link import node_id
from store import Member
from store.models import DEFAULT_COMMUNITY

LAST_SEEN_RESOLUTION_S = 60.0  # "last heard" to the minute: no row update per message


def touch_member(
    session: Session, node_num: int, now: float, short_name: str | None, community: str = DEFAULT_COMMUNITY
) -> Member:
    """The sender's row, created on first contact and stamped with when we last heard them."""
    return touch_members(session, {node_num: short_name}, now, community)[node_num]


def touch_members(
    session: Session, short_names: Mapping[int, str | None], now: float, community: str = DEFAULT_COMMUNITY
) -> dict[int, Member]:
    """`touch_member` for every sender of a burst at once: one read, and one write for the new ones."""
    found = session.exec(select(Member).where(col(Member.node_num).in_(short_names))).all()
    members = {member.node_num: member for member in found}
    for node_num, short_name in short_names.items():
        member = members.get(node_num)
        if member is None:
            members[node_num] = member = Member(
                node_num=node_num, short_name=short_name, community=community, first_seen=now, last_seen=now)
            session.add(member)
            continue
        if now - member.last_seen >= LAST_SEEN_RESOLUTION_S:
            member.last_seen = now
        if short_name and member.short_name != short_name:
            member.short_name = short_name
    return members


RADIO_DEFAULT_NAME_DIGITS = 4
"""A radio never given a name shows the last 4 hex digits of its node id (the firmware's default)."""


def spoken_name(member: Member) -> str:
    """What a resident is called to others: the name given at JOIN, else the radio's short
    name, else the name the radio shows by default. Never a bare node id."""
    return member.name or member.short_name or node_id(member.node_num)[-RADIO_DEFAULT_NAME_DIGITS:]


def names_by_id(session: Session) -> dict[str, str]:
    """Node id -> what its owner is called, for the committee's outputs (the mesh keeps ids)."""
    return {node_id(m.node_num): spoken_name(m) for m in session.exec(select(Member)).all()}


def display_name(member: Member) -> str:
    """`spoken_name` with the node id after it, so the node can also be found in the app."""
    return f"{spoken_name(member)} {node_id(member.node_num)}"


def name_of(session: Session, node_num: int) -> str:
    """display_name for a node that may never have written to us."""
    member = session.get(Member, node_num)
    if member is None:
        ident = node_id(node_num)
        return f"{ident[-RADIO_DEFAULT_NAME_DIGITS:]} {ident}"
    return display_name(member)
