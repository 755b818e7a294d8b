"""MORE: LIST, FIND and MY answer one packet; MORE goes on from where the last one stopped.

The ids still to show are kept per node in `PageState`, one short-lived row each, so
MORE works across restarts and is the same on the simulator's clock. A page shows the
postings still open (for MY: open or matched) at the time of MORE, in the order of the
original answer. A line too long for its share of a page is shortened with `SHOW o12`,
so every entry can be read whole.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container

from sqlalchemy import bindparam, delete, insert, or_, update
from sqlalchemy import select as core_select

from meshbot.handlers.context import Context, Reply
from meshbot.handlers.refs import row_label
from meshbot.delivery.privacy import coarse
from protocol import More, replies
from store import Posting
from store.models import PageState

YOURS = "Yours"
"""The title of MY's pages: the one listing that also shows matched postings (marked *)."""
LISTED = ("open",)
LISTED_AS_YOURS = ("open", "matched")
SHOWN_MAX = 12
"""More labels never fit one packet."""
PAGE_IDS_MAX = 100
"""At most this many postings are kept for MORE (eight or more packets): past that,
narrowing the LIST (`LIST needs food @elm`) serves better than paging."""
MINUTE_S = 60.0
POSTINGS = Posting.__table__  # type: ignore[attr-defined]
PAGES = PageState.__table__  # type: ignore[attr-defined]
# Statements built once: every LIST, FIND and MORE runs them.
_OPEN_LABELS = core_select(
    POSTINGS.c.id, POSTINGS.c.kind, POSTINGS.c.item, POSTINGS.c.quantity, POSTINGS.c.unit, POSTINGS.c.zone,
    POSTINGS.c.urgency, POSTINGS.c.window, POSTINGS.c.status,
).where(
    POSTINGS.c.id.in_(bindparam("ids", expanding=True)),
    POSTINGS.c.status.in_(bindparam("statuses", expanding=True)),
    or_(POSTINGS.c.expires.is_(None), POSTINGS.c.expires > bindparam("now")),
)
_RECALL = core_select(PAGES.c.title, PAGES.c.remaining, PAGES.c.shown, PAGES.c.total).where(
    PAGES.c.node_num == bindparam("node"), PAGES.c.expires > bindparam("now"))
_FORGET = delete(PAGES).where(PAGES.c.node_num == bindparam("node"))
_KEEP = update(PAGES).where(PAGES.c.node_num == bindparam("node"))  # SET: the columns named in the parameters
_START = insert(PAGES)


def first_page(ctx: Context, title: str, ids: list[int], total: int) -> Reply:
    """The first packet of an answer; the rest is kept for MORE."""
    return _show(ctx, title, ids[:PAGE_IDS_MAX], total, shown_before=0)


def more(ctx: Context, cmd: More) -> Reply:
    """The next packet of the sender's last LIST, FIND or MY; "end of list" when none is left."""
    state = ctx.session.connection().execute(_RECALL, {"node": ctx.sender.node_num, "now": ctx.now}).first()
    ids = [int(i) for i in state.remaining.split(",") if i.isdigit()] if state else []
    if not ids:
        return Reply(replies.end_of_list(ctx.lang))
    return _show(ctx, state.title, ids, state.total, state.shown)


def _show(ctx: Context, title: str, ids: list[int], total: int, shown_before: int) -> Reply:
    wanted = ids[:SHOWN_MAX * 2]
    labels = _open_labels(ctx, wanted, LISTED_AS_YOURS if title == YOURS else LISTED)
    # A list goes to anyone who asks: zones and streets only, no door or phone (privacy.py).
    # Only the labels that fit the packet are made (the generator stops with `page`).
    text, count = replies.page(title, (labels[i]() for i in wanted if i in labels), total,
                               first=shown_before + 1, lang=ctx.lang, reachable=shown_before + len(ids))
    consumed = _consumed(ids, labels, count)
    _save(ctx, title, ids[consumed:], shown_before + count, total)
    return Reply(text)


def _open_labels(ctx: Context, ids: list[int], statuses: tuple[str, ...]) -> dict[int, Callable[[], str]]:
    """The postings among `ids` still listed, as their page lines made on demand (plain
    columns, not ORM objects: a page reads a couple of dozen rows on every LIST)."""
    if not ids:
        return {}
    rows = ctx.session.connection().execute(_OPEN_LABELS, {"ids": ids, "now": ctx.now, "statuses": statuses})
    return {row[0]: functools.partial(_line, ctx.lang, *row) for row in rows}


def _line(lang: str, posting_id: int, kind: str, *columns: object) -> str:
    """A page line: the label, zones only (privacy.py), `*` when matched, shortened to its
    share of the page with how to see it whole."""
    *fields, status = columns
    text = coarse(row_label(posting_id, kind, *fields)) + ("*" if status == "matched" else "")  # type: ignore[arg-type]
    return replies.entry(text, replies.ref(kind, posting_id), lang)


def _consumed(ids: list[int], shown: Container[int], count: int) -> int:
    """How many ids the page used up: those shown, and closed ones passed on the way."""
    seen = 0
    for index, posting_id in enumerate(ids):
        if seen == count:
            return index
        if posting_id in shown:
            seen += 1
    return len(ids)


def remember(ctx: Context, title: str, remaining: list[int], shown: int, total: int) -> None:
    """Keep what a listing of other rows (SERVICES, EVENTS) did not show yet, for MORE."""
    _save(ctx, title, remaining, shown, total)


def recall(ctx: Context) -> tuple[str, list[int], int, int] | None:
    """(title, ids not shown yet, shown so far, total) of the sender's last listing, or None."""
    state = ctx.session.connection().execute(_RECALL, {"node": ctx.sender.node_num, "now": ctx.now}).first()
    if state is None:
        return None
    return state.title, [int(i) for i in state.remaining.split(",") if i.isdigit()], state.shown, state.total


def _save(ctx: Context, title: str, remaining: list[int], shown: int, total: int) -> None:
    """Keep the ids not shown yet for MORE (plain statements: this runs on every LIST).
    Expired rows of other nodes are cleared by housekeeping (`board.expiry.expire_due`)."""
    connection = ctx.session.connection()
    node = ctx.sender.node_num
    if not remaining:
        connection.execute(_FORGET, {"node": node})
        return
    values = {"title": title, "shown": shown, "total": total, "remaining": ",".join(map(str, remaining)),
              "expires": ctx.now + ctx.settings.page_ttl_minutes * MINUTE_S}
    if not connection.execute(_KEEP, {"node": node, **values}).rowcount:
        connection.execute(_START, {"node_num": node, **values})
