"""`meshbot doctor`: check what a base station needs, and say how to fix each problem.

Each check gives one `Finding`: ok, warn (works, but something is wrong or unsafe),
fail (meshbot cannot do its job: the command exits non-zero) or skip (could not be
checked because an earlier check failed). The radio checks read what the real
`meshtastic` library downloaded from the node; the rules themselves are pure functions
of those facts, so they are tested without a radio.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from hardware.link import LinkDown, node_id
from meshbot.inbound.held_status import note_path, read_note
from meshbot.settings import MIN_SAFE_GAP_S, Settings
from store import database_url

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
DISK_WARN_FACTOR = 5
DEFAULT_RADIO_TIMEOUT_S = 30


class Status(enum.StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class Finding:
    """One check's verdict, in words an operator can act on."""

    check: str
    status: Status
    message: str
    fix: str = ""

    def line(self) -> str:
        fix = f" Fix: {self.fix}" if self.fix and self.status in (Status.WARN, Status.FAIL) else ""
        return f"{self.status.value.upper():<4}  {self.check:<9} {self.message}{fix}"


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


# -- radio facts ------------------------------------------------------------------------


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


# -- the rules ----------------------------------------------------------------------------


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


def _existing_parent(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def check_database(db: str) -> list[Finding]:
    """Writable, WAL on, and sound; a database that does not exist yet only needs a writable folder."""
    url = database_url(db)
    if url == "sqlite://":
        return [Finding("database", Status.WARN, "in memory: the board is lost when meshbot stops",
                        "set db to a file, e.g. db = \"/var/lib/meshbot/meshbot.db\""),
                Finding("wal", Status.SKIP, "not a file")]
    if not url.startswith("sqlite:///"):
        return _check_server_database(url)
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        parent = _existing_parent(path.parent)
        if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
            return [Finding("database", Status.FAIL, f"{path} does not exist: `meshbot run` will not start",
                            "check db; for a new board: `meshbot init` (encrypted) or `meshbot --create db upgrade`"),
                    Finding("wal", Status.SKIP, "no database yet")]
        return [Finding("database", Status.FAIL, f"cannot create {path}: {parent} is not a writable folder",
                        f"point db at a writable place, or: sudo chown $USER {parent}"),
                Finding("wal", Status.SKIP, "no database")]
    try:
        conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    except sqlite3.Error as exc:
        return [Finding("database", Status.FAIL, f"cannot open {path}: {exc}", "check the path and its owner"),
                Finding("wal", Status.SKIP, "database not open")]
    try:
        return _probe_sqlite(conn, path)
    finally:
        conn.close()


def _probe_sqlite(conn: sqlite3.Connection, path: Path) -> list[Finding]:
    owner_fix = f"sudo chown -R meshbot: {path.parent}   (the user meshbot runs as must own the folder)"
    try:
        problems = [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        return [Finding("database", Status.FAIL, f"{path} is not a database: {exc}",
                        "restore the newest backup: meshbot restore FILE"),
                Finding("wal", Status.SKIP, "database unreadable")]
    if problems != ["ok"]:
        return [Finding("database", Status.FAIL, f"{path} is damaged: {'; '.join(problems[:3])}",
                        "restore the newest backup: meshbot restore FILE"),
                Finding("wal", Status.SKIP, "database damaged")]
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE meshbot_doctor_probe (x)")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if "locked" in str(exc) or "busy" in str(exc):
            writable = Finding("database", Status.WARN, f"{path} is busy: another process holds the write lock",
                               "if the meshbot service is running this is expected")
        else:
            return [Finding("database", Status.FAIL, f"{path} is not writable: {exc}", owner_fix),
                    Finding("wal", Status.SKIP, "database not writable")]
    else:
        writable = Finding("database", Status.OK, f"{path} writable")
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode != "wal":
        wal = Finding("wal", Status.FAIL, f"WAL cannot be turned on (journal mode {mode}): a crash may lose the board",
                      "keep the database on a local disk (not a network share or FAT stick)")
    else:
        wal = Finding("wal", Status.OK, "WAL on")
    return [writable, wal]


def _check_server_database(url: str) -> list[Finding]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    kind = url.split("://")[0]
    try:
        engine = create_engine(url, pool_pre_ping=True)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except (SQLAlchemyError, ImportError) as exc:
        return [Finding("database", Status.FAIL, f"{kind} database not reachable: {exc}".splitlines()[0],
                        "check the URL, the server and the driver"),
                Finding("wal", Status.SKIP, f"{kind}: not SQLite")]
    return [Finding("database", Status.OK, f"{kind} database reachable"),
            Finding("wal", Status.SKIP, f"{kind}: not SQLite")]


def check_disk(db: str, min_free_mb: int) -> Finding:
    url = database_url(db)
    if not url.startswith("sqlite:///"):
        return Finding("disk", Status.SKIP, "database not on this machine's disk")
    folder = _existing_parent(Path(url.removeprefix("sqlite:///")).parent)
    free_mb = shutil.disk_usage(folder).free / 1_000_000
    text = f"{free_mb:,.0f} MB free on {folder}"
    if free_mb < min_free_mb:
        return Finding("disk", Status.FAIL, f"only {text} (min_free_disk_mb is {min_free_mb})",
                       "free space: old backups, `sudo journalctl --vacuum-size=50M`, `sudo apt clean`")
    if free_mb < min_free_mb * DISK_WARN_FACTOR:
        return Finding("disk", Status.WARN, f"{text}: running low",
                       "free space: old backups, `sudo journalctl --vacuum-size=50M`, `sudo apt clean`")
    return Finding("disk", Status.OK, text)


def check_held(db: str, environ: Mapping[str, str], now: float) -> Finding:
    """Received texts a running daemon holds in memory because the database refuses writes."""
    if not database_url(db).startswith("sqlite:///"):
        return Finding("held", Status.SKIP, "database not on this machine's disk")
    note = read_note(note_path(database_url(db).removeprefix("sqlite:///"), environ))
    if note is None:
        return Finding("held", Status.OK, "no received text waiting in memory")
    refused = f"; {note.dropped} refused, the memory queue being full" if note.dropped else ""
    return Finding("held", Status.FAIL,
                   f"meshbot (pid {note.pid}) cannot write the database for {now - note.since:.0f} s ({note.error}): "
                   f"holding {note.held} received text(s) in memory, sending paused{refused}",
                   "free space on the database's disk; meshbot writes them down and answers by itself")


KEY_FILE_SETTINGS = ("key_file",)
"""Settings that may name the at-rest encryption key file (present once encryption exists)."""
PASSPHRASE_VARIABLE = "MESHBOT_PASSPHRASE"


def check_key(settings: Settings, environ: Mapping[str, str]) -> Finding:
    if environ.get(PASSPHRASE_VARIABLE):
        return Finding("key", Status.OK, f"passphrase given in {PASSPHRASE_VARIABLE}")
    for name in KEY_FILE_SETTINGS:
        value = getattr(settings, name, None) if name in Settings.model_fields else None
        if not value:
            continue
        path = Path(str(value)).expanduser()
        if not path.is_file():
            return Finding("key", Status.FAIL, f"key file {path} ({name}) is missing: the board cannot be read",
                           "put the key file back from its safe copy, or fix the key_file setting")
        if path.stat().st_mode & 0o077:
            return Finding("key", Status.WARN, f"key file {path} is readable by other users",
                           f"chmod 600 {path}")
        return Finding("key", Status.OK, f"key file {path}")
    return Finding("key", Status.WARN,
                   "encryption at rest not configured: whoever takes this machine can read the board",
                   "set up an encryption key (docs/security.md)")


# -- running them -----------------------------------------------------------------------


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


def run_checks(
    settings: Settings,
    *,
    environ: Mapping[str, str],
    clock: Callable[[], float],
    radio_timeout_s: float = DEFAULT_RADIO_TIMEOUT_S,
    skip_radio: bool = False,
) -> list[Finding]:
    """Every check, in the order an operator fixes things."""
    findings: list[Finding] = []
    facts: RadioFacts | None = None
    radio_checks = ("firmware", "region", "preset", "channel")
    if skip_radio:
        findings += [Finding(name, Status.SKIP, "radio not checked (--no-radio)") for name in ("radio", *radio_checks)]
    else:
        reach, facts = connect_radio(settings, radio_timeout_s)
        findings.append(reach)
        if facts is None:
            findings += [Finding(name, Status.SKIP, "radio not reachable") for name in radio_checks]
        else:
            findings.append(check_firmware(facts.firmware, settings.min_gap_s))
            findings.append(check_region(facts, settings.region))
            findings.append(check_preset(facts, settings.modem_preset))
            findings += check_channel(facts, settings.channel_index, settings.private_channel)
    findings.append(check_clock(clock(), facts.newest_heard if facts else None))
    findings += check_database(settings.db)
    from meshbot.ops.doctor_board import check_schema  # it builds on this module's Finding

    findings.append(check_schema(settings.db))
    findings.append(check_disk(settings.db, settings.min_free_disk_mb))
    findings.append(check_held(settings.db, environ, clock()))
    findings.append(check_key(settings, environ))
    return findings


def blocking(findings: list[Finding]) -> list[Finding]:
    """The findings that stop meshbot from running properly."""
    return [f for f in findings if f.status is Status.FAIL]


def as_dict(finding: Finding) -> dict[str, str]:
    data = asdict(finding)
    data["status"] = finding.status.value
    return data
