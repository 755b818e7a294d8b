"""Airtime bookkeeping of one radio: its duty cycle over the last hour, and how busy the
channel sounds to it.

Covers: the firmware's `AirTime` class, with its two figures —

* TX airtime over a sliding hour, against the region's duty-cycle limit (EU 868: 10 %,
  360 s an hour). `hold_s` says how long a transmission must wait so that the last hour,
  this transmission included, stays within the limit: the simulator holds packets back
  rather than breaking the law. (The firmware itself refuses to queue its own packets over
  the limit and reports DUTY_CYCLE_LIMIT to the client; a hold is the kinder model of a
  sender that tries again later.)
* channel utilisation: the share of the last minute (6 periods of 10 s, as
  CHANNEL_UTILIZATION_PERIODS) the radio was receiving or transmitting. It sizes the
  contention window of the node's own packets (busier channel, longer waits).
* air_util_tx: the share of the last hour (60 periods of a minute, as `utilizationTX`)
  the radio transmitted. Both are what the node reports to its client in its device
  metrics (`hardware.sim.telemetry`).
"""

from __future__ import annotations

from collections import deque

HOUR_S = 3600.0
UTIL_PERIOD_S = 10.0
UTIL_PERIODS = 6
TX_UTIL_PERIOD_S = 60.0
TX_UTIL_PERIODS = 60


class TxWindow:
    """Transmissions of the last `window_s` seconds, and the limit they must stay under."""

    def __init__(self, duty_cycle: float = 1.0, window_s: float = HOUR_S) -> None:
        if not 0 < duty_cycle <= 1:
            raise ValueError("duty_cycle is a fraction in (0, 1]")
        self.duty_cycle = duty_cycle
        self.window_s = window_s
        self.limit_s = duty_cycle * window_s
        self._sent: deque[tuple[float, float]] = deque()  # (start, duration)
        self._used = 0.0
        self.peak_s = 0.0
        """Most airtime seen in any window ending at a transmission start."""

    def _expire(self, now: float) -> None:
        horizon = now - self.window_s
        sent = self._sent
        while sent and sent[0][0] <= horizon:
            self._used -= sent.popleft()[1]
        if not sent:
            self._used = 0.0  # no float drift once the window empties

    def used_s(self, now: float) -> float:
        """Seconds transmitted in (now - window, now]."""
        self._expire(now)
        return self._used

    def hold_s(self, now: float, duration_s: float) -> float:
        """0 when `duration_s` more fits the limit now, else seconds until it does."""
        if self.duty_cycle >= 1:
            return 0.0
        self._expire(now)
        excess = self._used + duration_s - self.limit_s
        if excess <= 1e-9:
            return 0.0
        freed = 0.0
        for start, duration in self._sent:
            freed += duration
            if freed >= excess - 1e-9:
                return max(start + self.window_s - now, 0.0) + 1e-6
        return self.window_s  # longer than the whole budget: wait a full window

    def add(self, now: float, duration_s: float) -> None:
        self._expire(now)
        self._sent.append((now, duration_s))
        self._used += duration_s
        self.peak_s = max(self.peak_s, self._used)


class ChannelUtilisation:
    """Busy seconds logged in the last `periods` periods of `period_s`: the firmware's ring.

    As `AirTime::logAirtime`, a packet's whole airtime counts in the period it ended in;
    a period is cleared when the clock enters it again.
    """

    def __init__(self, period_s: float = UTIL_PERIOD_S, periods: int = UTIL_PERIODS) -> None:
        self.period_s = period_s
        self.periods = periods
        self._busy = [0.0] * periods
        self._period = [-1] * periods
        self.total_busy_s = 0.0

    def add(self, now: float, busy_s: float) -> None:
        period = int(now // self.period_s)
        slot = period % self.periods
        if self._period[slot] != period:
            self._period[slot] = period
            self._busy[slot] = 0.0
        self._busy[slot] += busy_s
        self.total_busy_s += busy_s

    def percent(self, now: float) -> float:
        """Share of the window the channel was busy, 0..100 (the last minute by default)."""
        period = int(now // self.period_s)
        busy = sum(b for b, p in zip(self._busy, self._period) if period - p < self.periods)
        return min(100.0, 100.0 * busy / (self.periods * self.period_s))


def tx_utilisation() -> ChannelUtilisation:
    """The ring behind air_util_tx: seconds transmitted per minute over the last hour."""
    return ChannelUtilisation(TX_UTIL_PERIOD_S, TX_UTIL_PERIODS)
