"""How strong a simulated transmission is at a given distance: a deliberately simple model.

Covers: the range graph (who hears whom) and the rxSnr / rxRssi a receiver reports.

Model: a node hears another when their distance is at most `range_m`. Between them the
log-distance path-loss law holds with exponent `exponent` (3.0: suburban clutter), and it
is pinned so that at exactly `range_m` the SNR equals the demodulation floor of the
preset's spreading factor (Semtech SX126x datasheet: SF7 -7.5 dB ... SF12 -20 dB)::

    snr(d)  = floor(SF) + 10 * exponent * log10(range_m / max(d, 1 m)), capped at +15 dB
    rssi(d) = noise floor + snr(d), noise floor = -174 dBm/Hz + 10*log10(BW) + 6 dB NF

SNR is reported in 0.25 dB steps as the SX126x does. This is enough for transcripts and for
a later SNR-weighted contention window; collisions and capture are not modelled here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SNR_FLOOR_DB: dict[int, float] = {7: -7.5, 8: -10.0, 9: -12.5, 10: -15.0, 11: -17.5, 12: -20.0}
"""Lowest SNR each spreading factor still demodulates."""
SNR_CAP_DB = 15.0
NOISE_FIGURE_DB = 6.0
THERMAL_NOISE_DBM_PER_HZ = -174.0


@dataclass(frozen=True)
class RangeModel:
    """Disc range plus a log-distance SNR curve pinned to the preset's floor at the edge."""

    range_m: float
    spreading_factor: int
    bandwidth_hz: float
    exponent: float = 3.0

    def __post_init__(self) -> None:
        if self.range_m <= 0:
            raise ValueError("range_m must be positive")

    def in_range(self, distance_m: float) -> bool:
        return distance_m <= self.range_m

    @property
    def noise_floor_dbm(self) -> float:
        return THERMAL_NOISE_DBM_PER_HZ + 10 * math.log10(self.bandwidth_hz) + NOISE_FIGURE_DB

    def snr_db(self, distance_m: float) -> float:
        """SNR at `distance_m`, quantised to 0.25 dB and capped at +15 dB."""
        floor = SNR_FLOOR_DB.get(self.spreading_factor, -20.0)
        snr = floor + 10 * self.exponent * math.log10(self.range_m / max(distance_m, 1.0))
        return round(min(snr, SNR_CAP_DB) * 4) / 4

    def rssi_dbm(self, distance_m: float) -> int:
        return round(self.noise_floor_dbm + self.snr_db(distance_m))
