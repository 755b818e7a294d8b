"""`meshbot doctor`'s look at the radio: reachable, firmware, region, preset, channel, clock.

The rules are pure functions of what the real `meshtastic` library downloaded from the
node (`RadioFacts`), so they are tested without a radio.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hardware.link import LinkDown, node_id
from meshbot.ops.findings import Finding, Status
from meshbot.settings import MIN_SAFE_GAP_S, Settings

SANE_YEAR = 2024
"""A clock before this year is wrong: the machine booted without an RTC or network time."""

CLOCK_BEHIND_TOLERANCE_S = 600.0

PKI_VERSION = (2, 5)
"""Firmware before 2.5 has no PKI: direct messages cannot be authenticated."""

PACING_VERSION = (2, 7)
"""Firmware 2.7 drops texts sent under 1.5 s apart: meshbot's pacing must stay above it."""

OLDEST_VERSION = (2, 0)
"""Before 2.0 the phone API differs: the `meshtastic` library cannot talk to it."""

PUBLIC_DEFAULT_KEY = bytes.fromhex("d4f1bb3a20290759f0bcffabcf4e6901")
"""The firmware's well-known channel key, shared as `AQ==` (psk index 1)."""

SIMPLE_KEY_INDEXES = range(1, 11)
"""One-byte PSKs 1..10: the public key with its last byte bumped; known to everyone."""

DEFAULT_RADIO_TIMEOUT_S = 30


@dataclass(frozen=True)
class Channel:
    index: int
    role: str  # PRIMARY | SECONDARY | DISABLED
    name: str
    psk: bytes


@dataclass(frozen=True)
class RadioFacts:
    """What the node told the library about itself during the config download."""

    where: str
    node_num: int | None = None
    firmware: str | None = None
    region: str | None = None
    modem_preset: str | None = None
    use_preset: bool = True
    channels: tuple[Channel, ...] = ()
    newest_heard: float | None = None
    """The latest `lastHeard` the radio stamped on any node (its idea of the time)."""


def radio_facts(where: str, iface: Any) -> RadioFacts:
    """Read the facts from a connected `meshtastic` interface object."""
    from meshtastic.protobuf import channel_pb2, config_pb2

    lora = iface.localNode.localConfig.lora
    lora_enums = config_pb2.Config.LoRaConfig
    channels = tuple(
        Channel(c.index, channel_pb2.Channel.Role.Name(c.role), c.settings.name, bytes(c.settings.psk))
        for c in (iface.localNode.channels or [])
    )
    heard = [n.get("lastHeard") for n in (iface.nodesByNum or {}).values()]
    stamps = [float(t) for t in heard if isinstance(t, int | float) and t > 0]
    metadata = getattr(iface, "metadata", None)
    info = getattr(iface, "myInfo", None)
    return RadioFacts(
        where=where,
        node_num=int(info.my_node_num) if info is not None else None,
        firmware=(metadata.firmware_version or None) if metadata is not None else None,
        region=lora_enums.RegionCode.Name(lora.region),
        modem_preset=lora_enums.ModemPreset.Name(lora.modem_preset),
        use_preset=bool(lora.use_preset),
        channels=channels,
        newest_heard=max(stamps) if stamps else None,
    )


def parse_version(text: str | None) -> tuple[int, int, int] | None:
    """`2.7.11.abcdef` -> (2, 7, 11); None when it does not start with a version."""
    match = re.match(r"\s*v?(\d+)\.(\d+)(?:\.(\d+))?", text or "")
    if not match:
        return None
    return int(match[1]), int(match[2]), int(match[3] or 0)


def check_firmware(version: str | None, min_gap_s: float) -> Finding:
    parsed = parse_version(version)
    if parsed is None:
        return Finding("firmware", Status.WARN, f"version unknown ({version or 'not reported'})",
                       "update the radio to firmware 2.5 or newer")
    if parsed[:2] < OLDEST_VERSION:
        return Finding("firmware", Status.FAIL, f"{version} is too old for the meshtastic library",
                       "flash firmware 2.5 or newer (flasher.meshtastic.org; prepare it while online)")
    if parsed[:2] < PKI_VERSION:
        return Finding("firmware", Status.WARN,
                       f"{version} lacks PKI: direct messages cannot be authenticated, anyone can pose as a resident",
                       "flash firmware 2.5 or newer (flasher.meshtastic.org; prepare it while online)")
    if parsed[:2] >= PACING_VERSION:
        return Finding("firmware", Status.OK,
                       f"{version}: PKI ok; it drops texts under {MIN_SAFE_GAP_S} s apart, meshbot sends {min_gap_s:g} s apart")
    return Finding("firmware", Status.OK, f"{version}: PKI ok")


def check_region(facts: RadioFacts, expected: str) -> Finding:
    region = facts.region or "UNSET"
    if region == "UNSET":
        example = expected or "EU_868"
        return Finding("region", Status.FAIL, "the radio's LoRa region is UNSET: it will not transmit",
                       f"meshtastic --set lora.region {example}   (your country's region; see `meshtastic --help`)")
    if expected and region != expected:
        return Finding("region", Status.FAIL,
                       f"the radio uses {region} but the mesh uses {expected}: it cannot hear its neighbours",
                       f"meshtastic --set lora.region {expected}   (or set region = \"{region}\" if the config is wrong)")
    return Finding("region", Status.OK, region + ("" if expected else " (region setting empty: not compared)"))


def check_preset(facts: RadioFacts, expected: str) -> Finding:
    if not facts.use_preset:
        return Finding("preset", Status.WARN,
                       "custom modem settings (no preset): every node must match them by hand",
                       f"meshtastic --set lora.use_preset true --set lora.modem_preset {expected or 'LONG_FAST'}")
    preset = facts.modem_preset or "LONG_FAST"
    if expected and preset != expected.upper():
        return Finding("preset", Status.WARN,
                       f"the radio uses {preset} but modem_preset is {expected}: airtime accounting will be wrong",
                       f"set modem_preset = \"{preset}\" in the config (or change the radio to {expected})")
    return Finding("preset", Status.OK, preset)


def _key_kind(psk: bytes) -> str | None:
    """None for a private key, else why the key is not private."""
    if len(psk) == 0 or psk == b"\x00":
        return "no encryption at all"
    if len(psk) == 1 and psk[0] in SIMPLE_KEY_INDEXES:
        return "the public default key (AQ==)" if psk[0] == 1 else f"a well-known simple key (index {psk[0]})"
    if psk == PUBLIC_DEFAULT_KEY:
        return "the public default key (AQ==)"
    return None


def check_channel(facts: RadioFacts, index: int, private: bool) -> list[Finding]:
    by_index = {c.index: c for c in facts.channels}
    channel = by_index.get(index)
    if channel is None or channel.role == "DISABLED":
        return [Finding("channel", Status.FAIL,
                        f"channel {index} (channel_index) is disabled on the radio: alerts would go nowhere",
                        "set channel_index to an enabled channel (`meshtastic --info` lists them)")]
    label = f"channel {index} ({channel.name or 'default name'})"
    weakness = _key_kind(channel.psk)
    if weakness is None:
        return [Finding("channel", Status.OK, f"{label}: private key")]
    if not private:
        return [Finding("channel", Status.OK, f"{label}: {weakness}, and private_channel is false")]
    return [Finding("channel", Status.WARN,
                    f"{label} uses {weakness}: anyone with a Meshtastic radio can read the broadcasts",
                    f"meshtastic --ch-index {index} --ch-set psk random, then share it with `meshtastic --qr` "
                    "(or set private_channel = false if the channel is public on purpose)")]


def check_clock(now: float, radio_time: float | None) -> Finding:
    when = dt.datetime.fromtimestamp(now, dt.UTC)
    from_radio = f"sudo date -s @{int(radio_time)}  (the time the radio last heard a node)" if radio_time else ""
    if when.year < SANE_YEAR:
        fix = "; ".join(x for x in (
            from_radio,
            "or set it by hand: sudo date -s 'YYYY-MM-DD HH:MM'",
            "then keep it: sudo apt install fake-hwclock (restores the last time at boot), "
            "or fit an RTC module or a GPS",
        ) if x)
        return Finding("clock", Status.FAIL,
                       f"the clock says {when:%Y-%m-%d}: this machine has no battery clock (RTC) and booted "
                       "without network time, as a Raspberry Pi does after a power cut",
                       fix)
    if radio_time is not None and now + CLOCK_BEHIND_TOLERANCE_S < radio_time:
        behind = (radio_time - now) / 60
        return Finding("clock", Status.WARN,
                       f"the clock is at least {behind:.0f} min behind the radio's "
                       "(fake-hwclock restores the time saved before the power went out)",
                       from_radio)
    return Finding("clock", Status.OK, f"{when:%Y-%m-%d %H:%M} UTC")


def radio_where(settings: Settings) -> str | None:
    if settings.port:
        return f"serial {settings.port}"
    if settings.host:
        return f"tcp {settings.host}"
    if settings.ble:
        return f"ble {settings.ble}"
    return None


def _serial_precheck(port: str) -> Finding | None:
    path = Path(port)
    if not path.exists():
        return Finding("radio", Status.FAIL, f"no device at {port}",
                       "plug the radio in with a data USB cable; `ls /dev/serial/by-id/` lists the radios present")
    if not os.access(path, os.R_OK | os.W_OK):
        return Finding("radio", Status.FAIL, f"no permission to open {port}",
                       "sudo usermod -aG dialout $USER, then log out and in (the service gets dialout from its unit)")
    return None


def connect_radio(settings: Settings, timeout_s: float) -> tuple[Finding, RadioFacts | None]:
    """Connect through the real library, read the facts, close."""
    where = radio_where(settings)
    if where is None:
        return Finding("radio", Status.FAIL, "no radio configured",
                       "set port = \"/dev/ttyUSB0\" (or host / ble) in the config file, or pass --port"), None
    if settings.port:
        problem = _serial_precheck(settings.port)
        if problem is not None:
            return problem, None
    from hardware.meshtastic_link import MeshtasticLink

    try:
        link = MeshtasticLink(port=settings.port, host=settings.host, ble=settings.ble,
                              config_timeout_s=max(1, int(timeout_s)), connect_timeout_s=timeout_s)
    except ValueError as exc:
        return Finding("radio", Status.FAIL, f"bad radio address: {exc}", "check port / host / ble"), None
    try:
        link.connect()
        facts = radio_facts(link.where, link.interface)
    except LinkDown as exc:
        return Finding("radio", Status.FAIL, f"not reachable: {exc}",
                       "check the cable or address; only one program may use the radio at a time: "
                       "stop the others (sudo systemctl stop meshbot, the meshtastic CLI, a phone on Bluetooth)"), None
    finally:
        link.close()
    who = f" as {node_id(facts.node_num)}" if facts.node_num is not None else ""
    return Finding("radio", Status.OK, f"reachable over {facts.where}{who}"), facts
