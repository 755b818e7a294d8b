"""Match replies: proposals with a claim code, acceptance, lapses and refusals."""

from __future__ import annotations

from collections.abc import Sequence

from .catalogue import render
from .labels import at_zone, figure
from .packing import REPLY_LIMIT, utf8_len


def match_proposed(code: str, who: str, zone: str | None, what: str, your_id: str, giving: bool,
                   hours: float, lang: str = "en") -> str:
    """To one side of a proposed match: the other side, the goods, and how to accept or refuse."""
    message = "match.proposed_giving" if giving else "match.proposed_getting"
    return render(message, lang, code=code, who=who, at=at_zone(zone), what=what, your_id=your_id, hours=figure(hours))


def matches_for_poster(your_id: str, entries: Sequence[str], hours: float, lang: str = "en") -> str:
    """To a resident whose new posting was matched with several at once: `m3 Ben @oak 3kg; ...`."""
    empty = utf8_len(render("match.several", lang, your_id=your_id, entries="", hours=figure(hours)))
    shown: list[str] = []
    for candidate in entries:
        more = render("match.several_more", lang, count=len(entries) - len(shown) - 1)
        if empty + utf8_len("; ".join([*shown, candidate]) + more) > REPLY_LIMIT:
            break
        shown.append(candidate)
    rest = len(entries) - len(shown)
    tail = render("match.several_more", lang, count=rest) if rest else ""
    return render("match.several", lang, your_id=your_id, entries="; ".join(shown) + tail, hours=figure(hours))


def match_accepted(code: str, what: str, who: str, zone: str | None, lang: str = "en") -> str:
    """To the side that sent TAKE <code>: the match stands; whom to meet."""
    return render("match.accepted", lang, code=code, what=what, who=who, at=at_zone(zone))


def match_lapsed(code: str, your_id: str, hours: float, lang: str = "en") -> str:
    """To each side of a match nobody accepted in time."""
    return render("match.lapsed", lang, code=code, your_id=your_id, hours=figure(hours))


