"""Every tunable in one typed model: defaults and help beside each field.

Loaded from a TOML file, then `MESHBOT_*` environment variables, then CLI flags
(later wins) by `meshbot.settings_sources`. Nothing reads configuration at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, field_validator

APP_NAME = "meshbot"
ENV_PREFIX = "MESHBOT_"
MIN_SAFE_GAP_S = 1.5  # firmware 2.7 drops texts sent closer than this


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "meshbot.db"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "meshbot.toml"


class SettingsError(ValueError):
    """The configuration cannot be used; the message says what to fix."""


class MatchingWords(BaseModel):
    """`[matching]` in the config: words the committee adds to the item and zone tables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    synonyms: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    categories: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    zones: dict[str, str] = Field(default_factory=dict)

    def __hash__(self) -> int:  # Settings stay hashable
        return hash((tuple(sorted(self.synonyms.items())), tuple(sorted(self.categories.items())),
                     tuple(sorted(self.zones.items()))))

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        from protocol.commands import CATEGORIES

        unknown = sorted(set(value) - set(CATEGORIES))
        if unknown:
            raise ValueError(f"unknown categories {unknown}; use one of {', '.join(CATEGORIES)}")
        return value

    @field_validator("zones")
    @classmethod
    def _plain_zones(cls, value: dict[str, str]) -> dict[str, str]:
        return {alias.strip().lstrip("@").lower(): zone.strip().lstrip("@").lower() for alias, zone in value.items()}


SETTING_NUMBER_MAX = 1_000_000
"""No duration, count or share is this large: 1e6 days still ends before the year 9999,
so no setting can push a time past what a datetime or SQLite holds."""


class Settings(BaseModel):
    """meshbot's settings. Each field's description is its documentation."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _not_absurd(cls, value: object) -> object:
        """nan and inf are refused by the config; absurdly large numbers here."""
        if isinstance(value, float) and abs(value) > SETTING_NUMBER_MAX:
            raise ValueError(f"at most {SETTING_NUMBER_MAX:,} in size")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**63 - 1:
            raise ValueError("too large a number")
        return value

    db: str = Field(
        default_factory=lambda: str(default_db_path()),
        description="Database: a file path, `:memory:`, or an SQLAlchemy URL.",
        json_schema_extra={"doc_default": "~/.local/share/meshbot/meshbot.db"},
    )
    port: str | None = Field(None, description="Serial device of the radio, e.g. /dev/ttyUSB0.")
    host: str | None = Field(None, description="TCP address of the radio, HOST[:PORT].")
    ble: str | None = Field(None, description="Bluetooth address or name of the radio.")
    region: str = Field(
        "",
        description="LoRa region the radio must use, e.g. EU_868 or US; `doctor` fails on a mismatch (empty: any region but UNSET).",
    )
    private_channel: bool = Field(
        True,
        description="The bot's channel is meant to be private: `doctor` warns when it uses the public default key (AQ==) or none.",
    )
    channel_index: int = Field(0, ge=0, le=7, description="Channel the bot broadcasts alerts on.")
    min_gap_s: float = Field(
        2.0, description="Least time between two texts the bot sends (>= 1.5 s)."
    )
    reply_want_ack: bool = Field(True, description="Ask the radio to confirm direct replies.")
    modem_preset: str = Field(
        "LONG_FAST", description="The mesh's modem preset, for airtime accounting (e.g. LONG_FAST)."
    )
    airtime_budget_pct: float = Field(
        10.0, gt=0, le=100,
        description="Most of any hour the bot may spend transmitting, in percent (EU 868: 10).",
    )
    budget_reserve_pct: float = Field(
        20.0, ge=0, lt=100,
        description="Share of the airtime budget kept for alerts and direct replies, in percent.",
    )
    max_resends: int = Field(
        2, ge=0, le=2,
        description="Times a direct message is sent again (with a new packet id) after the radio's NAK or no verdict at all; the radio itself retries first.",
    )
    in_flight_per_node: int = Field(
        1, ge=1, le=4, description="Direct messages to one node that may await the radio's verdict at once."
    )
    in_flight_total: int = Field(
        2, ge=1, le=8, description="Direct messages that may await the radio's verdict at once, all nodes together."
    )
    max_gap_s: float = Field(
        60.0, gt=0,
        description="Widest gap between two texts while NAKs and timeouts say the mesh is losing packets (it narrows back to min_gap_s).",
    )
    busy_channel_pct: float = Field(
        25.0, gt=0, le=100,
        description="Channel utilisation (as the radio reports it) above which the bot slows down, alerts excepted.",
    )
    stale_notice_hours: float = Field(
        6.0, gt=0, description="Hours after which an unsent notice or digest is dropped as stale."
    )
    rate_limit_per_minute: int = Field(
        10, ge=1, description="Commands one node may send per minute before it is asked to slow down."
    )
    unauthenticated_per_minute: int = Field(
        600, ge=1,
        description="Commands per minute from all senders together whose texts prove nothing (channel "
                    "messages, DMs without PKI); a PKI-proved sender is never counted here. Above what "
                    "a channel carries, so a radio replaying its backlog after a restart is answered whole.",
    )
    repeat_window_s: float = Field(
        600.0, ge=0,
        description="A command repeated word for word within this many seconds gets the first answer again, not a second effect.",
    )
    posting_ttl_days: float = Field(
        14.0, gt=0, description="Days an offer or need stays on the board unless renewed."
    )
    alert_ttl_hours: float = Field(12.0, gt=0, description="Hours an alert stays active.")
    match_lapse_hours: float = Field(
        24.0, gt=0,
        description="Hours a proposed match waits for TAKE from either side; then it lapses and the goods go to the next need.",
    )
    match_approval: bool = Field(
        False, description="Hold automatic matches until the committee approves them (`meshbot match approve`): no DM before."
    )
    match_min_score: float = Field(
        0.6, ge=0, le=1,
        description="Matches less sure than this (0..1: same item 1, synonym or translation 0.9, typo 0.7, category only 0.3) "
        "are held for the committee (`meshbot match approve`) instead of told to both sides. Category-only matches are always held.",
    )
    matching: MatchingWords = Field(
        MatchingWords(),
        description="The committee's own words: `[matching.synonyms]` thing = [\"word\", \"phrase\"] (a new thing or more words "
        "for a known one, e.g. wheelchair = [\"silla rodante\"]), `[matching.categories]` category = [words], and "
        "`[matching.zones]` alias = zone (olmo = \"elm\"), applied wherever zones are compared or counted.",
    )
    match_share_parts: int = Field(
        3, ge=1, le=100,
        description="An offer is shared out in this many parts while several needs wait for it; also what a need without a quantity gets.",
    )
    match_aging_hours: float = Field(
        48.0, gt=0, description="After this many hours waiting, a posting is matched as if it were in the same zone."
    )
    rematch_minutes: float = Field(
        30.0, ge=0, description="How often the daemon re-matches the whole board, repairing what one-at-a-time matching missed (0: never)."
    )
    unverified_alerts_per_hour: int = Field(
        3, ge=0,
        description="Most alerts that go on air unverified (no committee confirmed them) in any hour; the "
                    "rest wait for the committee or the hour. One for the same kind and place merges instead.",
    )
    alert_confirm_minutes: float = Field(
        5.0, ge=0,
        description="A resident's ALERT waits this long for a committee member's OK, then goes out marked unverified.",
    )
    alert_repeat_minutes: tuple[float, ...] = Field(
        (10.0, 20.0, 30.0),
        description="Minutes after the first broadcast at which an alert is repeated, by DM, to nodes that have not acknowledged it.",
    )
    alert_repeat_max_dms: int = Field(
        8, ge=0,
        description="Most DMs one repeat round of an alert sends (30 s apart; each and its ACK flood the mesh); the rest wait for the next round.",
    )
    broadcast_gap_s: float = Field(
        10.0, ge=0,
        description="After a broadcast the bot sends nothing else for this long, so the next text does not collide with the flood's relays.",
    )
    alert_app_packet: bool = Field(
        True, description="Also send each alert broadcast as an ALERT_APP packet, so handhelds with a buzzer ring."
    )
    alert_repeat_airtime_share: float = Field(
        1.0, ge=0,
        description="All repeats of an alert together may take at most this share of the airtime of the alert's own broadcasts.",
    )
    alert_hop_limit: int = Field(
        0, ge=0, le=7,
        description="Hop limit of alert broadcasts (0: the radio's own); one more than the mesh's reaches a radio one link further out.",
    )
    alert_channel: int = Field(
        -1, ge=-1, le=7, description="A dedicated alert channel that alerts are also broadcast on (-1: none)."
    )
    emergency_hours: float = Field(
        12.0, gt=0, description="Length of the emergency redistribution window: the plan must be delivered within it."
    )
    emergency_reminder_hours: float = Field(
        3.0, gt=0, description="Hours between the reminders broadcast while emergency mode is on."
    )
    emergency_replan_minutes: float = Field(
        10.0, gt=0, description="Minutes between runs of the emergency planner over new offers, needs and volunteers."
    )
    page_ttl_minutes: float = Field(
        30.0, gt=0, description="Minutes MORE can go on with a node's last LIST or FIND."
    )
    note_hold_max: int = Field(
        5, ge=1, description="Notes (MSG m3 ...) held at most for one resident whose radio has not been heard; more are refused with a reply.",
    )
    note_heard_minutes: float = Field(
        15.0, ge=0,
        description="A note goes on air at once when its recipient was heard within this many minutes; else it is held until they next transmit.",
    )
    repost_window_hours: float = Field(
        24.0, ge=0, description="Hours within which the same resident posting the same item again is caught (0: never).",
    )
    repost_mode: Literal["ask", "merge"] = Field(
        "ask",
        description="A repeated posting: ask (the resident must send it again to add another) or merge (its quantity is added to the first).",
    )
    answer_channel_chatter: bool = Field(
        False,
        description="Answer channel messages that are not commands (off: only DMs get error replies).",
    )
    log_level: str = Field("INFO", description="Logging level: DEBUG, INFO, WARNING, ERROR.")
    backup_dir: str = Field(
        "", description="Folder `meshbot backup` writes to (empty: `backups` beside the database)."
    )
    backup_keep: int = Field(
        14, ge=1, description="How many backups `meshbot backup` keeps; older ones are deleted."
    )
    min_free_disk_mb: int = Field(
        200, ge=0, description="`doctor` fails when the database's disk has less free space than this, in MB."
    )
    journal_memory_texts: int = Field(
        10_000, ge=1,
        description="Received texts kept in memory while the database cannot be written (disk full); beyond this, new ones are refused and counted in the log.",
    )
    watchdog_stall_s: float = Field(
        120.0, gt=0,
        description="A daemon thread silent this long is taken as hung: meshbot logs it and exits non-zero for systemd to restart it.",
    )
    fault_injection: str = Field(
        "",
        description="For testing the watchdog only: `THREAD:die` or `THREAD:stall` (e.g. meshbot-worker:die) makes that daemon thread fail.",
    )
    community: str = Field(
        "main", min_length=1, max_length=40,
        description="Name of the community this base station serves (digests, reports and maps group by it).",
    )
    timezone: str = Field(
        "", description="IANA time zone for the digest hour and report months, e.g. Europe/Madrid (empty: the machine's)."
    )
    digest_enabled: bool = Field(True, description="Send the committee the mesh digest by DM every morning.")
    digest_hour: int = Field(
        7, ge=0, le=23, description="Local hour (0-23) after which the daily mesh digest goes to the committee."
    )
    committee_contact: str = Field(
        "", max_length=120,
        description="How residents without a radio reach the committee, printed on the board poster "
        "(e.g. 'Ask at the community centre, Tue and Sat 10-12').",
    )
    volunteer_hours_month: int = Field(
        20, ge=1, le=744, description="Hours of volunteer service in 30 days above which the digest flags a volunteer as overloaded."
    )
    key_file: str = Field(
        "",
        description="File holding the at-rest encryption key (made by `meshbot init --key-file`, mode 0600); "
        "empty: the passphrase from MESHBOT_PASSPHRASE, or asked at the terminal.",
    )
    kdf_strength: Literal["interactive", "moderate", "sensitive"] = Field(
        "moderate",
        description="Argon2id cost when `meshbot init`/`rekey` derive the key from a passphrase: "
        "interactive (64 MiB, small Pis), moderate (256 MiB), sensitive (1 GiB).",
    )
    retention_days: float = Field(
        90.0, gt=0,
        description="Days after which closed postings and their matches, ended alerts, sent texts and "
        "the words of handled messages are deleted.",
    )
    trusted_signers: tuple[str, ...] = Field(
        (),
        description="Signing keys (base64, from `meshbot keys` on the other station) whose bundles "
        "`meshbot import` accepts besides this station's own.",
    )

    council_agenda_days: int = Field(
        3, ge=0, le=60,
        description="Days before a council meeting that its agenda goes to the reps (at most 3 packets each).",
    )
    council_reminder_hours: float = Field(
        24.0, ge=0, le=24 * 14,
        description="Hours before a council meeting, and before an action item is due, that a reminder DM goes out.",
    )
    vote_days: float = Field(7.0, gt=0, le=90, description="Days a treasury proposal stays open for votes by default.")
    vote_quorum: int = Field(
        3, ge=1, le=100_000, description="Ballots (yes, no or abstain) a proposal needs for its vote to count.")
    vote_majority: float = Field(
        0.5, ge=0.5, lt=1.0,
        description="Share of yes among yes and no votes that a proposal must exceed to pass (0.5: a simple majority).",
    )
    treasury_unit: str = Field(
        "hours", min_length=1, max_length=12,
        description="What the treasury counts in: a currency the neighbourhood chooses (EUR, USD) or hours.",
    )

    @field_validator("min_gap_s")
    @classmethod
    def _gap_is_safe(cls, value: float) -> float:
        if value < MIN_SAFE_GAP_S:
            raise ValueError(f"must be at least {MIN_SAFE_GAP_S} s: the radio drops faster texts")
        return value

    @field_validator("fault_injection")
    @classmethod
    def _known_faults(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            if part.partition(":")[2] not in ("die", "stall"):
                raise ValueError(f"{part!r}: write THREAD:die or THREAD:stall, e.g. meshbot-worker:die")
        return value

    @field_validator("alert_repeat_minutes")
    @classmethod
    def _repeats_in_order(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if len(value) > 6 or any(m <= 0 for m in value) or list(value) != sorted(value):
            raise ValueError("give at most 6 positive minutes in increasing order, e.g. [10, 20, 30]")
        return value

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        region = value.strip().upper()
        if region:
            from meshtastic.protobuf import config_pb2

            known = [r for r in config_pb2.Config.LoRaConfig.RegionCode.keys() if r != "UNSET"]
            if region not in known:
                raise ValueError(f"unknown region; use one of {', '.join(known)}")
        return region

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if value:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"unknown time zone {value!r}; use a name like Europe/Madrid") from exc
        return value


