"""When a node may key up: the firmware's contention windows and retransmission timeout.

Covers: `RadioInterface::getTxDelayMsec`, `getTxDelayMsecWeighted` and
`getRetransmissionMsec` (firmware 2.x), as pure functions of a seeded RNG.

* A slot is 2.5 symbols of channel-activity detection (NUM_SYM_CAD = 2, plus half a
  symbol, since RadioLib 6.3) plus 7.6 ms of propagation, TX/RX turnaround and MAC
  processing, in whole milliseconds (`computeSlotTimeMsec`): 28 ms on LONG_FAST.
* A node's own packet waits `random(0, 2**CW)` slots, CW growing with the channel
  utilisation it hears from CW_MIN (3) at 0 % to CW_MAX (8) at 100 %.
* A rebroadcast waits by the SNR it heard the packet at: CW = map(snr, -20..10 dB, 3..8).
  A far node (low SNR) gets a small window and goes first, so floods spread outwards
  fast; near nodes wait longer and usually hear someone else rebroadcast first, which
  cancels theirs. Clients add `2 * CW_MAX` slots so routers always go before them;
  routers draw from `random(0, 2 * CW)` slots.
* The retransmission timeout leaves room for the packet, a flood back and processing:
  `2 * airtime + (2**CW + 2 * CW_MAX + 2**((CW_MIN + CW_MAX) // 2)) slots + 4.5 s`.
"""

from __future__ import annotations

import random

from hardware.airtime import Preset, time_on_air

CW_MIN = 3
CW_MAX = 8
SNR_MIN_DB = -20
SNR_MAX_DB = 10
SLOT_OVERHEAD_MS = 7.6
"""Propagation (0.2 ms) + TX/RX turnaround (0.4 ms) + MAC processing (7 ms)."""
CAD_SYMBOLS = 2.5
"""max(2.25, NUM_SYM_CAD + 0.5) with NUM_SYM_CAD = 2 (firmware 2.3 and later)."""
PROCESSING_TIME_S = 4.5


def slot_time(preset: Preset) -> float:
    """Seconds of one contention slot on `preset` (the firmware keeps whole milliseconds)."""
    return int(CAD_SYMBOLS * preset.symbol_time * 1000 + SLOT_OVERHEAD_MS) / 1000


def _arduino_map(x: float, in_min: int, in_max: int, out_min: int, out_max: int) -> int:
    """Arduino's integer `map()`: x is truncated to an integer first."""
    return (int(x) - in_min) * (out_max - out_min) // (in_max - in_min) + out_min


def cw_for_utilisation(utilisation_percent: float) -> int:
    return max(CW_MIN, min(CW_MAX, _arduino_map(utilisation_percent, 0, 100, CW_MIN, CW_MAX)))


def cw_for_snr(snr_db: float) -> int:
    return max(CW_MIN, min(CW_MAX, _arduino_map(snr_db, SNR_MIN_DB, SNR_MAX_DB, CW_MIN, CW_MAX)))


def own_tx_delay(rng: random.Random, preset: Preset, utilisation_percent: float = 0.0) -> float:
    """Wait before sending a packet this node originates (or after a busy channel check)."""
    return rng.randrange(2 ** cw_for_utilisation(utilisation_percent)) * slot_time(preset)


def rebroadcast_delay(rng: random.Random, preset: Preset, snr_db: float, router: bool = False) -> float:
    """Wait before rebroadcasting a packet heard at `snr_db`."""
    cw = cw_for_snr(snr_db)
    if router:
        return rng.randrange(2 * cw) * slot_time(preset)
    return (2 * CW_MAX + rng.randrange(2**cw)) * slot_time(preset)


def retransmission_timeout(preset: Preset, phy_bytes: int, utilisation_percent: float = 0.0) -> float:
    """Seconds a sender waits for an ack before trying a reliable packet again."""
    cw = cw_for_utilisation(utilisation_percent)
    slots = 2**cw + 2 * CW_MAX + 2 ** ((CW_MAX + CW_MIN) // 2)
    return 2 * time_on_air(phy_bytes, preset) + slots * slot_time(preset) + PROCESSING_TIME_S
