"""The bot's airtime budget: at most a share of any sliding hour spent transmitting.

Every transmission is a `Transmission` row, so the window survives a restart. Alerts
and direct replies may use the whole budget; notices and digests stop short of it,
leaving a reserve for what cannot wait.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from hardware.airtime import text_time_on_air
from meshbot.delivery.outbox import Priority
from store import Transmission

WINDOW_S = 3600.0


@dataclass(frozen=True)
class AirtimeBudget:
    """`share` of every hour for urgent texts; `share * (1 - reserve)` for the rest."""

    share: float = 0.10
    reserve: float = 0.20
    preset: str = "LONG_FAST"

    def cost(self, text: str, direct: bool = True) -> float:
        """Seconds on air of one text packet on our preset.

        A direct message may travel PKI-encrypted (12 bytes more); counting it so
        keeps the estimate on the safe side of the budget.
        """
        return text_time_on_air(text, self.preset, pki=direct)

    def limit_s(self, priority: int) -> float:
        full = self.share * WINDOW_S
        return full if priority <= Priority.REPLY else full * (1.0 - self.reserve)

    def wait_s(self, session: Session, now: float, cost: float, priority: int) -> float:
        """0 when `cost` seconds fit the window now, else how long until they will."""
        limit = self.limit_s(priority)
        rows = session.exec(
            select(Transmission.time, Transmission.airtime_s)
            .where(Transmission.time > now - WINDOW_S)
            .order_by(Transmission.time)  # type: ignore[arg-type]
        ).all()
        used = sum(airtime for _, airtime in rows)
        if used + cost <= limit:
            return 0.0
        if cost > limit:
            return WINDOW_S  # can never fit: the caller should have split it
        for time, airtime in rows:  # the oldest leave the window first
            used -= airtime
            if used + cost <= limit:
                return time + WINDOW_S - now
        return WINDOW_S

    @staticmethod
    def used_s(session: Session, now: float) -> float:
        total = session.exec(
            select(func.coalesce(func.sum(Transmission.airtime_s), 0.0)).where(
                Transmission.time > now - WINDOW_S
            )
        ).one()
        return float(total)
