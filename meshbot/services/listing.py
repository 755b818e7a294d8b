"""SERVICES and EVENTS: the coming sessions, one packet at a time (MORE goes on).

The same page shape as LIST (`Services 7d (9): s3 Bike repair sat 10:00 @elm; ...`);
the session ids not yet shown wait in the node's page state under the listing's own
title, so MORE knows to page sessions, not postings.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshbot.handlers import paging
from meshbot.handlers.context import Context, Reply
from meshbot.services.notices import values
from meshbot.services.pods import plan
from meshbot.services.roster import has_room, roster
from meshbot.services.schedule import upcoming, zone
from protocol import replies
from protocol.catalogue import render
from store.services import EVENT_KINDS, SERVICE_KINDS, Service, ServiceSession

LISTINGS = {"Services": (SERVICE_KINDS, 7, "svc.none"), "Events": (EVENT_KINDS, 14, "svc.none_events")}
"""Page title -> the kinds it lists, how many days ahead, and the answer when there are none."""
_TITLE_IDS = {"Services": "title.services", "Events": "title.events"}


def first(ctx: Context, title: str) -> Reply:
    kinds, days, none = LISTINGS[title]
    tz = zone(ctx.settings.timezone)
    plan(ctx.session, ctx.now, tz)
    ids = [s.id for s, _ in upcoming(ctx.session, ctx.now, days, kinds) if s.id is not None]
    if not ids:
        return Reply(render(none, ctx.lang))
    return _page(ctx, title, ids, len(ids), 0)


def more(ctx: Context) -> Reply | None:
    """The next page of the sender's last SERVICES or EVENTS; None when their last listing was another."""
    state = paging.recall(ctx)
    if state is None or state[0] not in LISTINGS:
        return None
    title, ids, shown, total = state
    return _page(ctx, title, ids, total, shown)


def _page(ctx: Context, title: str, ids: list[int], total: int, shown_before: int) -> Reply:
    text, count = replies.page(render(_TITLE_IDS[title], ctx.lang), _lines(ctx, title, ids), total,
                               first=shown_before + 1, lang=ctx.lang)
    paging.remember(ctx, title, ids[count:], shown_before + count, total)
    return Reply(text)


def _lines(ctx: Context, title: str, ids: list[int]) -> Iterator[str]:
    tz = zone(ctx.settings.timezone)
    for session_id in ids:
        session = ctx.session.get(ServiceSession, session_id)
        service = ctx.session.get(Service, session.service_id) if session is not None else None
        if session is None or service is None:
            continue
        full = not has_room(service, roster(ctx.session, session))
        yield render("svc.line_full" if full else "svc.line", ctx.lang,
                     **values(session, service, tz, ctx.lang, with_date=title == "Events"))
