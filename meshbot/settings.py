"""Every tunable in one typed model: defaults and help beside each field.

Loaded from a TOML file, then `MESHBOT_*` environment variables, then CLI flags
(later wins). Nothing reads configuration at import time.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

APP_NAME = "meshbot"
ENV_PREFIX = "MESHBOT_"
MIN_SAFE_GAP_S = 1.5  # firmware 2.7 drops texts sent closer than this


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "meshbot.db"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "meshbot.toml"


class SettingsError(ValueError):
    """The configuration cannot be used; the message says what to fix."""


class Settings(BaseModel):
    """meshbot's settings. Each field's description is its documentation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    db: str = Field(
        default_factory=lambda: str(default_db_path()),
        description="Database: a file path, `:memory:`, or an SQLAlchemy URL.",
    )
    port: str | None = Field(None, description="Serial device of the radio, e.g. /dev/ttyUSB0.")
    host: str | None = Field(None, description="TCP address of the radio, HOST[:PORT].")
    ble: str | None = Field(None, description="Bluetooth address or name of the radio.")
    channel_index: int = Field(0, ge=0, le=7, description="Channel the bot broadcasts alerts on.")
    min_gap_s: float = Field(
        2.0, description="Least time between two texts the bot sends (>= 1.5 s)."
    )
    reply_want_ack: bool = Field(True, description="Ask the radio to confirm direct replies.")
    posting_ttl_days: float = Field(
        14.0, gt=0, description="Days an offer or need stays on the board unless renewed."
    )
    alert_ttl_hours: float = Field(12.0, gt=0, description="Hours an alert stays active.")
    answer_channel_chatter: bool = Field(
        False,
        description="Answer channel messages that are not commands (off: only DMs get error replies).",
    )
    log_level: str = Field("INFO", description="Logging level: DEBUG, INFO, WARNING, ERROR.")

    @field_validator("min_gap_s")
    @classmethod
    def _gap_is_safe(cls, value: float) -> float:
        if value < MIN_SAFE_GAP_S:
            raise ValueError(f"must be at least {MIN_SAFE_GAP_S} s: the radio drops faster texts")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level


def _from_env(environ: Mapping[str, str]) -> dict[str, str]:
    names = set(Settings.model_fields)
    found = {}
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX) and key != f"{ENV_PREFIX}CONFIG":
            name = key.removeprefix(ENV_PREFIX).lower()
            if name in names:
                found[name] = value
    return found


def load_settings(
    config: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """TOML file (if any), then MESHBOT_* variables, then non-None overrides."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config or (Path(env[f"{ENV_PREFIX}CONFIG"]) if f"{ENV_PREFIX}CONFIG" in env else None)
    if path is not None:
        try:
            values.update(tomllib.loads(Path(path).read_text(encoding="utf-8")))
        except FileNotFoundError as exc:
            raise SettingsError(f"config file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"config file {path} is not valid TOML: {exc}") from exc
    values.update(_from_env(env))
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(f"bad setting: {problems}") from exc
