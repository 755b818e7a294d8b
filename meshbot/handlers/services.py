"""SERVICES, EVENTS, SIGNUP s3, RSVP e2, VOLUNTEER s3 driver, CANT s3 and DONE s3.

Each answers in one packet; what it changes for others (a place opened for the first
in line, the next household asked to host, the committee told a volunteer dropped out)
goes out as notices in the same transaction.
"""

from __future__ import annotations

from meshbot.delivery.outbox import Outgoing
from meshbot.handlers.context import Context, Reply
from meshbot.people.membership import COMMITTEE_ROLES
from meshbot.services import listing, signups
from meshbot.services.notices import find_session, name_of_node, notice, role_word, values
from meshbot.services.schedule import zone
from protocol import Cant, Done, Events, More, Rsvp, Services, Signup, Volunteer
from protocol.catalogue import render
from sqlmodel import col, select
from store import Member
from store.services import Service, ServiceSession


def services(ctx: Context, cmd: Services) -> Reply:
    return listing.first(ctx, "Services")


def events(ctx: Context, cmd: Events) -> Reply:
    return listing.first(ctx, "Events")


def more(ctx: Context, cmd: More) -> Reply | None:
    return listing.more(ctx)


def _session(ctx: Context, ref: str) -> tuple[ServiceSession, Service] | Reply:
    found = find_session(ctx.session, ref)
    if found is None or found[0].status != "scheduled" or found[1].status != "active" or found[0].ends <= ctx.now:
        return Reply(render("svc.not_found", ctx.lang, id=ref))
    return found


def signup(ctx: Context, cmd: Signup | Rsvp) -> Reply:
    found = _session(ctx, cmd.ref)
    if isinstance(found, Reply):
        return found
    session, service = found
    tz = zone(ctx.settings.timezone)
    said = values(session, service, tz, ctx.lang, with_date=cmd.ref.startswith("e"))
    place = signups.sign_up(ctx.session, session, service, ctx.sender.node_num, ctx.now)
    if place.state == "already":
        return Reply(render("svc.already", ctx.lang, id=said["id"]))
    if place.state == "waiting":
        return Reply(render("svc.waiting", ctx.lang, id=said["id"], count=place.position))
    kind = "svc.rsvp" if cmd.ref.startswith("e") else "svc.booked"
    if service.bring:
        return Reply(render(kind, ctx.lang, what=service.bring, **said))
    return Reply(render(f"{kind}_plain", ctx.lang, **said))


def volunteer(ctx: Context, cmd: Volunteer) -> Reply:
    found = _session(ctx, cmd.ref)
    if isinstance(found, Reply):
        return found
    session, service = found
    tz = zone(ctx.settings.timezone)
    if cmd.role == "host" and service.pod and session.host is None:
        session.host = ctx.sender.node_num  # nobody could host: the volunteer takes the turn
        ctx.session.add(session)
    signups.volunteer(ctx.session, session, ctx.sender.node_num, cmd.role, ctx.now)
    return Reply(render("svc.volunteered", ctx.lang, role=role_word(cmd.role, ctx.lang),
                        **values(session, service, tz, ctx.lang)))


def cant(ctx: Context, cmd: Cant) -> Reply:
    found = _session(ctx, cmd.ref)
    if isinstance(found, Reply):
        return found
    session, service = found
    tz = zone(ctx.settings.timezone)
    dropped = signups.cant(ctx.session, session, service, ctx.sender.node_num, ctx.now, tz)
    if not dropped.anything:
        return Reply(render("svc.not_on", ctx.lang, id=cmd.ref))
    notices: list[Outgoing] = []
    if dropped.promoted is not None:
        notices.append(notice(ctx.session, dropped.promoted, "svc.place_open", session, service, tz))
    if dropped.new_host is not None:
        notices.append(notice(ctx.session, dropped.new_host, "svc.host_turn", session, service, tz))
    elif dropped.was_host and service.pod:
        notices += [notice(ctx.session, n, "svc.no_host", session, service, tz) for n in _committee(ctx)]
    who = name_of_node(ctx.session, ctx.sender.node_num)
    for role in dropped.helper_roles:
        for node in _committee(ctx):
            notices.append(notice(ctx.session, node, "svc.helper_dropped", session, service, tz,
                                  who=who, role=role))
    return Reply(render("svc.dropped", ctx.lang, id=cmd.ref), notices=tuple(notices))


def attend(ctx: Context, cmd: Done) -> Reply:
    found = find_session(ctx.session, cmd.ref)
    if found is None or found[1].status != "active":
        return Reply(render("svc.not_found", ctx.lang, id=cmd.ref))
    if not signups.attend(ctx.session, found[0], ctx.sender.node_num, ctx.now):
        return Reply(render("svc.too_early", ctx.lang, id=cmd.ref))
    return Reply(render("svc.attended", ctx.lang, id=cmd.ref))


def _committee(ctx: Context) -> list[int]:
    return list(ctx.session.exec(select(Member.node_num).where(col(Member.role).in_(COMMITTEE_ROLES))
                                 .order_by(col(Member.node_num))).all())


