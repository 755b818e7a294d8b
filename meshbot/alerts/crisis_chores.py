"""The daemon's minute-by-minute housekeeping for a crisis: alert rounds, then emergency mode.

Each runs behind its own guard, so a failing one neither stops the daemon nor the other.
They share a module only because the daemon needs one answer after both: whether
emergency mode is on, in which case routine digests wait.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.engine import Engine

from hardware.link import LinkDown, RadioLink
from meshbot.alerts import emergency
from meshbot.alerts import rounds as alert_rounds
from meshbot.settings import Settings

log = logging.getLogger(__name__)


def _guarded(name: str, job: Callable[[], object]) -> object | None:
    """Run one chore; an exception is logged and the chore is tried again next round."""
    try:
        return job()
    except Exception:  # a chore must not stop the daemon: logged, tried again next round
        log.exception("%s housekeeping failed; it is tried again at the next round", name)
        return None


def crisis_chores(engine: Engine, settings: Settings, link: RadioLink, now: float) -> bool:
    """Alert windows and repeat rounds, then emergency mode; never raises into the daemon.

    Returns whether emergency mode is on, so digests can wait.
    """
    try:
        known = alert_rounds.recent_nodes(link.nodes(), now, link.my_node_num)
    except LinkDown:
        known = {}  # the radio is away: repeats go to the members we know
    _guarded("alerts", lambda: alert_rounds.tick(engine, settings, now, known))
    return bool(_guarded("emergency", lambda: emergency.tick(engine, settings, now)))
