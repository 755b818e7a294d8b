"""LoRa time on air for Meshtastic's modem presets: pure maths, no radio, no clock.

Covers: Semtech AN1200.13 ("LoRa Modem Designer's Guide") time-on-air formula, the
Meshtastic modem preset table, and the bytes a Meshtastic text message puts on the air.

The formula (explicit header H=0, CRC on, DE=1 when low-data-rate optimisation is on)::

    T_sym      = 2**SF / BW
    T_preamble = (n_preamble + 4.25) * T_sym
    n_payload  = 8 + max(ceil((8*PL - 4*SF + 28 + 16*CRC - 20*H) / (4*(SF - 2*DE))) * CR, 0)
    T_air      = T_preamble + n_payload * T_sym

where CR is the coding-rate denominator (5..8 for 4/5..4/8) and PL the PHY payload in bytes.

Presets (non-wide, sub-GHz) are transcribed from the firmware's `modemPresetToParams()`
in `src/mesh/MeshRadio.h`; the preamble is 16 symbols (`preambleLength` in
`RadioInterface.h`); low-data-rate optimisation is on when a symbol lasts 16 ms or more,
which is what RadioLib does automatically (LONG_MODERATE and LONG_SLOW).

Over-the-air bytes of a text message (`text_packet_bytes`). The firmware itself computes a
packet's airtime as `pb_encode(Data) + sizeof(PacketHeader)` (RadioInterface::getPacketTime):

* 16 bytes: the unencrypted radio header `PacketHeader` (to 4, from 4, id 4, flags 1,
  channel hash 1, next_hop 1, relay_node 1; `MESHTASTIC_HEADER_LENGTH`).
* 2 bytes: `Data.portnum` (tag 0x08 + varint 1 for TEXT_MESSAGE_APP).
* 1 + 1 or 2 bytes: `Data.payload` tag 0x12 and its length varint (2 bytes from 128 up).
* 2 bytes: `Data.bitfield` (tag 0x48 + one varint byte), which `Router::perhapsEncode`
  always sets on packets a node originates (ok_to_mqtt / want_response bits).
* Channel encryption is AES-CTR and adds nothing. A PKI-encrypted direct message adds
  12 bytes (8-byte auth tag + 4-byte extra nonce, `MESHTASTIC_PKC_OVERHEAD`).

The firmware refuses (TOO_LARGE) a packet whose header + Data exceeds 255 bytes, so with
the bitfield the longest text one packet carries is 232 bytes (`MAX_TEXT_BYTES`), one less
than `DATA_PAYLOAD_LEN`, and a PKI direct message carries at most 220 (the firmware
answers TOO_LARGE rather than falling back). The DESIGN's 200-byte replies fit both.

So a 200-byte text is 223 bytes on air and a 40-byte one 62 (the test suite checks these
against the `meshtastic` protobufs). On LONG_FAST that gives 1.911 s and 0.723 s, close
to the DESIGN's "about 1.9 s" and "about 0.7 s".
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from meshtastic.protobuf import mesh_pb2, portnums_pb2

MESHTASTIC_HEADER_LENGTH = 16
"""Bytes of the unencrypted radio header in front of every Meshtastic packet."""
MAX_LORA_PAYLOAD_LEN = 255
"""Largest PHY payload an SX12xx sends."""
DATA_PAYLOAD_LEN = 233
"""Largest `Data.payload` (the text bytes) the firmware accepts."""
MAX_TEXT_BYTES = 232
"""Longest text the firmware sends in one packet once it adds the Data bitfield."""
PKI_OVERHEAD = 12
"""Extra bytes of a PKI-encrypted direct message (auth tag + extra nonce)."""
PREAMBLE_SYMBOLS = 16
"""Meshtastic's preamble length, in symbols (LoRa's default is 8)."""
LDRO_SYMBOL_TIME_S = 0.016
"""Symbol time from which low-data-rate optimisation is switched on."""

_BITFIELD = 0
"""`Data.bitfield` as firmware sets it on what it originates (present even when 0)."""


@dataclass(frozen=True)
class Preset:
    """One Meshtastic modem preset: LoRa bandwidth, spreading factor and coding rate."""

    name: str
    bandwidth_hz: float
    spreading_factor: int
    coding_rate: int
    """Denominator of the coding rate: 5 means 4/5, 8 means 4/8."""
    preamble_symbols: int = PREAMBLE_SYMBOLS

    @property
    def symbol_time(self) -> float:
        """Seconds per LoRa symbol."""
        return (2**self.spreading_factor) / self.bandwidth_hz

    @property
    def low_data_rate_optimize(self) -> bool:
        """Whether the radio uses low-data-rate optimisation (symbols of 16 ms or more)."""
        return self.symbol_time >= LDRO_SYMBOL_TIME_S


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("SHORT_TURBO", 500_000, 7, 5),
        Preset("SHORT_FAST", 250_000, 7, 5),
        Preset("SHORT_SLOW", 250_000, 8, 5),
        Preset("MEDIUM_FAST", 250_000, 9, 5),
        Preset("MEDIUM_SLOW", 250_000, 10, 5),
        Preset("LONG_TURBO", 500_000, 11, 8),
        Preset("LONG_FAST", 250_000, 11, 5),
        Preset("LONG_MODERATE", 125_000, 11, 8),
        Preset("LONG_SLOW", 125_000, 12, 8),
    )
}


def _squash(name: str) -> str:
    return "".join(ch for ch in name.upper() if ch.isalnum())


def get_preset(preset: str | Preset) -> Preset:
    """A Preset from its name (`LONG_FAST`, `LongFast`, `long-fast`) or itself; KeyError otherwise."""
    if isinstance(preset, Preset):
        return preset
    wanted = _squash(preset)
    for p in PRESETS.values():
        if _squash(p.name) == wanted:
            return p
    raise KeyError(f"unknown modem preset {preset!r}; known: {', '.join(PRESETS)}")


def lora_time_on_air(
    payload_bytes: int,
    *,
    spreading_factor: int,
    bandwidth_hz: float,
    coding_rate: int = 5,
    preamble_symbols: int = PREAMBLE_SYMBOLS,
    explicit_header: bool = True,
    crc: bool = True,
    low_data_rate_optimize: bool | None = None,
) -> float:
    """Seconds on air of one LoRa frame with a PHY payload of `payload_bytes` (AN1200.13).

    `low_data_rate_optimize=None` applies the 16 ms symbol-time rule.
    """
    if payload_bytes < 0:
        raise ValueError("payload_bytes must not be negative")
    if not 5 <= coding_rate <= 8:
        raise ValueError("coding_rate is the denominator of 4/5..4/8: 5..8")
    sf = spreading_factor
    t_sym = (2**sf) / bandwidth_hz
    if low_data_rate_optimize is None:
        low_data_rate_optimize = t_sym >= LDRO_SYMBOL_TIME_S
    de = 1 if low_data_rate_optimize else 0
    h = 0 if explicit_header else 1
    numerator = 8 * payload_bytes - 4 * sf + 28 + (16 if crc else 0) - 20 * h
    n_payload = 8 + max(math.ceil(numerator / (4 * (sf - 2 * de))) * coding_rate, 0)
    return (preamble_symbols + 4.25) * t_sym + n_payload * t_sym


def time_on_air(phy_payload_bytes: int, preset: str | Preset = "LONG_FAST") -> float:
    """Seconds on air of a frame of `phy_payload_bytes` (header included) on a preset."""
    p = get_preset(preset)
    return lora_time_on_air(
        phy_payload_bytes,
        spreading_factor=p.spreading_factor,
        bandwidth_hz=p.bandwidth_hz,
        coding_rate=p.coding_rate,
        preamble_symbols=p.preamble_symbols,
        low_data_rate_optimize=p.low_data_rate_optimize,
    )


@functools.lru_cache(maxsize=512)
def _text_data_bytes(text_payload_bytes: int) -> int:
    """The encoded `Data` of a text the firmware sends: its port, the text, and the
    bitfield it sets on every packet it originates, measured by the protobuf itself."""
    data = mesh_pb2.Data(
        portnum=portnums_pb2.PortNum.TEXT_MESSAGE_APP, payload=bytes(text_payload_bytes), bitfield=_BITFIELD
    )
    return data.ByteSize()


def text_packet_bytes(text_payload_bytes: int, *, pki: bool = False) -> int:
    """PHY payload bytes of a text message whose UTF-8 text is `text_payload_bytes` long.

    Raises ValueError above DATA_PAYLOAD_LEN. `pki=True` for a PKI-encrypted direct message.
    """
    n = text_payload_bytes
    if not 0 <= n <= DATA_PAYLOAD_LEN:
        raise ValueError(f"text payload must be 0..{DATA_PAYLOAD_LEN} bytes, got {n}")
    return MESHTASTIC_HEADER_LENGTH + _text_data_bytes(n) + (PKI_OVERHEAD if pki else 0)


def text_time_on_air(text: str | bytes, preset: str | Preset = "LONG_FAST", *, pki: bool = False) -> float:
    """Seconds on air of one text message (str is measured as UTF-8)."""
    payload = text.encode("utf-8") if isinstance(text, str) else text
    return time_on_air(text_packet_bytes(len(payload), pki=pki), preset)


@dataclass(frozen=True)
class Region:
    """A LoRa region: its band, how much of an hour one transmitter may use, and the power cap.

    From the firmware's `regions[]` table (`src/mesh/RadioInterface.cpp`). `duty_cycle_percent`
    below 100 is a legal limit per transmitter over any hour (EU 868: 10 %).
    """

    name: str
    freq_start_mhz: float
    freq_end_mhz: float
    duty_cycle_percent: float
    power_limit_dbm: float

    @property
    def frequency_hz(self) -> float:
        """Middle of the band: what path-loss models take as the carrier."""
        return (self.freq_start_mhz + self.freq_end_mhz) / 2 * 1e6

    @property
    def duty_cycle(self) -> float:
        """The duty-cycle limit as a fraction (1.0: no limit)."""
        return self.duty_cycle_percent / 100


REGIONS: dict[str, Region] = {
    r.name: r
    for r in (
        Region("US", 902.0, 928.0, 100, 30),
        Region("EU_433", 433.0, 434.0, 10, 10),
        Region("EU_868", 869.4, 869.65, 10, 27),
        Region("CN", 470.0, 510.0, 100, 19),
        Region("JP", 920.5, 923.5, 100, 13),
        Region("ANZ", 915.0, 928.0, 100, 30),
        Region("ANZ_433", 433.05, 434.79, 100, 14),
        Region("RU", 868.7, 869.2, 100, 20),
        Region("KR", 920.0, 923.0, 100, 23),
        Region("TW", 920.0, 925.0, 100, 27),
        Region("IN", 865.0, 867.0, 100, 30),
        Region("NZ_865", 864.0, 868.0, 100, 36),
        Region("TH", 920.0, 925.0, 100, 16),
        Region("UA_433", 433.0, 434.7, 10, 10),
        Region("UA_868", 868.0, 868.6, 1, 14),
        Region("MY_433", 433.0, 435.0, 100, 20),
        Region("MY_919", 919.0, 924.0, 100, 27),
        Region("SG_923", 917.0, 925.0, 100, 20),
        Region("BR_902", 902.0, 907.5, 100, 30),
    )
}


def get_region(region: str | Region) -> Region:
    """A Region from its firmware name (`EU_868`, `eu868`) or itself; KeyError otherwise."""
    if isinstance(region, Region):
        return region
    wanted = _squash(region)
    for r in REGIONS.values():
        if _squash(r.name) == wanted:
            return r
    raise KeyError(f"unknown region {region!r}; known: {', '.join(REGIONS)}")
