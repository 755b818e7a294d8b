"""Listings: as many postings as fit one packet, with `+N more` and how to go on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .catalogue import render
from .packing import REPLY_LIMIT, fit, utf8_len

ENTRY_SHARE_BYTES = 60
"""The most a listing line takes before it is shortened with a `SHOW o12` hint: with the
head and the `+N more` tail, a page always holds at least two whole lines."""
_TITLE_IDS = {"Board": "title.board", "Offers": "title.offers", "Needs": "title.needs", "Yours": "title.yours"}


def title_of(title: str, lang: str = "en") -> str:
    """`Board`, `Offers`, `Needs`, `Yours` in the reader's language; a FIND query as it is."""
    return render(_TITLE_IDS[title], lang) if title in _TITLE_IDS else title


def entry(line: str, short_id: str, lang: str = "en") -> str:
    """A listing line as a page shows it: whole, or shortened with how to see it whole."""
    if utf8_len(line) <= ENTRY_SHARE_BYTES:
        return line
    hint = render("page.see_whole", lang, id=short_id)
    return f"{fit(line, ENTRY_SHARE_BYTES - utf8_len(hint) - 1)} {hint}"


def listing(title: str, labels: Sequence[str], total: int, lang: str = "en") -> str:
    """As many postings as fit one packet, best first, with `+N more` for the rest."""
    return page(title, labels, total, lang=lang, more_hint=False)[0]


def page(
    title: str,
    labels: Iterable[str],
    total: int,
    first: int = 1,
    lang: str = "en",
    more_hint: bool = True,
    reachable: int | None = None,
) -> tuple[str, int]:
    """One packet of a listing and how many labels it shows.

    `first` is the position of the first label in the whole answer (1 for a new LIST):
    the first page reads `Board (31): ...`, later ones `Board 6-11/31: ...`. With
    `more_hint` the tail names MORE (`+20 more (MORE)`), the command that goes on.
    `labels` is read only as far as the packet fills, so it may be a generator. A label
    too long for its share of a page should come shortened (`entry`); one that still
    overflows the packet is cut. `reachable` is how far MORE can go (the ids it keeps):
    past it, the tail says how to narrow the listing instead.
    """
    title = fit(title_of(title, lang), 44)
    if total == 0:
        return render("page.none", lang, title=title), 0
    shown: list[str] = []
    for candidate in labels:
        text = _page_text(title, [*shown, candidate], total, first, lang, more_hint, reachable)
        if utf8_len(text) > REPLY_LIMIT:
            if not shown:  # one label longer than a packet: cut it
                return fit(text), 1
            break
        shown.append(candidate)
    return fit(_page_text(title, shown, total, first, lang, more_hint, reachable)), len(shown)


def _page_text(title: str, shown: list[str], total: int, first: int, lang: str, hint: bool,
               reachable: int | None = None) -> str:
    last = first + len(shown) - 1
    if first == 1:
        head = render("page.head_first", lang, title=title, total=total)
    else:
        head = render("page.head_next", lang, title=title, first=first, last=last, total=total)
    more = total - last
    message = "page.more" if hint else "page.more_plain"
    if hint and reachable is not None and last >= reachable:
        message = "page.more_narrow"
    tail = render(message, lang, count=more) if more > 0 else ""
    return head + "; ".join(shown) + tail


def show_entry(line: str, short_id: str, own: bool, lang: str = "en") -> str:
    """SHOW o12: the posting whole, over one or two packets, and the next step."""
    return render("show.own_entry" if own else "show.entry", lang, entry=line, id=short_id)


