"""How strong one node's transmission is at another: path loss, link budget, SNR.

Covers: the received power of every (sender, receiver) pair, and what a receiver can
decode. Pure maths, no simulation clock.

Link budget, in dB::

    rx_power = tx_power + gain_tx + gain_rx - path_loss(distance, height_tx, height_rx)
    snr      = rx_power - noise_floor,   noise_floor = -174 dBm/Hz + 10*log10(BW) + 6 dB NF
    decoded  when snr >= the spreading factor's demodulation floor (Semtech SX126x:
               SF7 -7.5 dB ... SF12 -20 dB), i.e. rx_power >= sensitivity

so LONG_FAST (SF11, 250 kHz) has a sensitivity of -131.5 dBm, the figure Meshtasticator
uses. Reported SNR is capped at +15 dB and quantised to 0.25 dB as the SX126x reports it.

Two path-loss models:

* `LogDistance` (the default): `loss = edge_loss + 10 * exponent * log10(d / range_m)
  - height_gain(h_tx) - height_gain(h_rx)`, with `edge_loss` chosen so that two 1.5 m
  handhelds with 0 dBi antennas at the reference power hear each other up to exactly
  `range_m`. `height_gain(h) = 20 * log10(h / 1.5 m)` is the two-ray ground-reflection
  law (LoRa links are far beyond its breakpoint): a rooftop node at 12 m gains 18 dB.
  It is symmetric, so if A hears B then B hears A at equal power and gains.
* `Suburban3GPP`: the 3GPP suburban macro-cell formula exactly as Meshtasticator's
  `estimatePathLoss` (model 5) writes it, for reproducing its figures. With unequal
  antenna heights it is not reciprocal; Meshtasticator gives every node the same height.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from hardware.airtime import Preset

SNR_FLOOR_DB: dict[int, float] = {7: -7.5, 8: -10.0, 9: -12.5, 10: -15.0, 11: -17.5, 12: -20.0}
"""Lowest SNR each spreading factor still demodulates (Semtech SX126x datasheet)."""
SNR_CAP_DB = 15.0
NOISE_FIGURE_DB = 6.0
THERMAL_NOISE_DBM_PER_HZ = -174.0
REFERENCE_HEIGHT_M = 1.5
"""Antenna height of a handheld: `LogDistance` ranges are quoted between two of these."""
DEFAULT_TX_POWER_DBM = 22.0
"""An SX1262 at full power without an external amplifier (most handhelds)."""
MIN_DISTANCE_M = 1.0
PATH_LOSS_MODELS = ("log-distance", "3gpp-suburban", "3gpp-urban")
"""The models a scenario may name (`make_path_loss`)."""


def noise_floor_dbm(bandwidth_hz: float) -> float:
    """Thermal noise in the channel plus the receiver's noise figure."""
    return THERMAL_NOISE_DBM_PER_HZ + 10 * math.log10(bandwidth_hz) + NOISE_FIGURE_DB


def snr_floor_db(spreading_factor: int) -> float:
    return SNR_FLOOR_DB.get(spreading_factor, -20.0)


def sensitivity_dbm(preset: Preset) -> float:
    """Weakest signal `preset` still decodes: LONG_FAST -131.5 dBm, SHORT_TURBO -118.5 dBm."""
    return noise_floor_dbm(preset.bandwidth_hz) + snr_floor_db(preset.spreading_factor)


def reported_snr(snr_db: float) -> float:
    """SNR as the radio reports it: capped at +15 dB, in 0.25 dB steps."""
    return round(min(snr_db, SNR_CAP_DB) * 4) / 4


class PathLoss(Protocol):
    """Loss in dB between two antennas `distance_m` apart at the given heights."""

    def loss_db(self, distance_m: float, height_tx_m: float, height_rx_m: float) -> float: ...


def height_gain_db(height_m: float) -> float:
    """Two-ray height gain over a 1.5 m handheld antenna (negative below it)."""
    return 20 * math.log10(max(height_m, 0.1) / REFERENCE_HEIGHT_M)


@dataclass(frozen=True)
class LogDistance:
    """Log-distance path loss, pinned so handhelds hear each other up to `range_m`."""

    range_m: float
    edge_loss_db: float
    """Loss at `range_m` between two reference antennas: tx power - sensitivity."""
    exponent: float = 3.0

    def __post_init__(self) -> None:
        if self.range_m <= 0:
            raise ValueError("range_m must be positive")
        if self.exponent <= 0:
            raise ValueError("the path-loss exponent must be positive")

    @classmethod
    def calibrated(
        cls, range_m: float, preset: Preset, exponent: float = 3.0, tx_power_dbm: float = DEFAULT_TX_POWER_DBM
    ) -> LogDistance:
        """The model in which two reference handhelds at `tx_power_dbm` reach exactly `range_m`."""
        return cls(range_m, tx_power_dbm - sensitivity_dbm(preset), exponent)

    def loss_db(self, distance_m: float, height_tx_m: float, height_rx_m: float) -> float:
        d = max(distance_m, MIN_DISTANCE_M)
        return (
            self.edge_loss_db
            + 10 * self.exponent * math.log10(d / self.range_m)
            - height_gain_db(height_tx_m)
            - height_gain_db(height_rx_m)
        )


@dataclass(frozen=True)
class Suburban3GPP:
    """3GPP suburban macro-cell loss as Meshtasticator's `estimatePathLoss` model 5 (C = 0)."""

    frequency_hz: float = 915e6
    urban: bool = False
    """Meshtasticator's model 6 (metropolitan): 3 dB more."""

    def loss_db(self, distance_m: float, height_tx_m: float, height_rx_m: float) -> float:
        d = max(distance_m, MIN_DISTANCE_M)
        c = 3.0 if self.urban else 0.0
        return (
            (44.9 - 6.55 * math.log10(height_rx_m)) * (math.log10(d) - 3.0)
            + 45.5
            + (35.46 - 1.1 * height_tx_m) * (math.log10(self.frequency_hz) - 6.0)
            - 13.82 * math.log10(height_tx_m)
            + 0.7 * height_tx_m
            + c
        )


@dataclass(frozen=True)
class Antenna:
    """What a node's radio puts into the link budget."""

    tx_power_dbm: float = DEFAULT_TX_POWER_DBM
    gain_dbi: float = 0.0
    height_m: float = REFERENCE_HEIGHT_M


def rx_power_dbm(model: PathLoss, distance_m: float, tx: Antenna, rx: Antenna) -> float:
    """Received power at `rx` of a transmission from `tx`."""
    return tx.tx_power_dbm + tx.gain_dbi + rx.gain_dbi - model.loss_db(distance_m, tx.height_m, rx.height_m)


def make_path_loss(
    name: str,
    *,
    range_m: float,
    exponent: float,
    tx_power_dbm: float,
    preset: Preset,
    frequency_hz: float,
) -> PathLoss:
    """A path-loss model by its scenario name."""
    if name == "log-distance":
        return LogDistance.calibrated(range_m, preset, exponent, tx_power_dbm)
    if name == "3gpp-suburban":
        return Suburban3GPP(frequency_hz)
    if name == "3gpp-urban":
        return Suburban3GPP(frequency_hz, urban=True)
    raise ValueError(f"path loss model must be one of {', '.join(PATH_LOSS_MODELS)}, got {name!r}")


def max_range_m(model: PathLoss, preset: Preset, tx: Antenna, rx: Antenna, limit_m: float = 1e6) -> float:
    """Largest distance at which `rx` still decodes `tx` (bisection; loss grows with distance)."""
    floor = sensitivity_dbm(preset)
    lo, hi = MIN_DISTANCE_M, limit_m
    if rx_power_dbm(model, lo, tx, rx) < floor:
        return 0.0
    if rx_power_dbm(model, hi, tx, rx) >= floor:
        return hi
    for _ in range(60):
        mid = (lo + hi) / 2
        if rx_power_dbm(model, mid, tx, rx) >= floor:
            lo = mid
        else:
            hi = mid
    return lo
