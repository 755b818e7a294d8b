"""Where settings come from, in order: the TOML file, then `MESHBOT_*` environment
variables, then CLI flags (later wins); each value's source is kept, so an error names
the file or variable to fix. The fields themselves are `meshbot.settings`.
"""

from __future__ import annotations

import difflib
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from meshbot.settings import ENV_PREFIX, Settings, SettingsError, default_config_path


def _is_scalar(annotation: Any) -> bool:
    """str/int/float/bool (or Optional of one): an env value passes as the raw string."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    return annotation in (str, int, float, bool) or typing.get_origin(annotation) is typing.Literal


def _env_value(name: str, key: str, raw: str) -> Any:
    """A list, table or tuple setting is written in TOML syntax: MESHBOT_X='[4, 8]'."""
    if _is_scalar(Settings.model_fields[name].annotation):
        return raw
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except (tomllib.TOMLDecodeError, ValueError) as exc:  # ValueError: an integer of 5,000 digits
        raise SettingsError(f"{key}: write the value in TOML syntax, e.g. [4, 8, 16] ({exc})") from exc


def _from_env(environ: Mapping[str, str]) -> dict[str, tuple[str, Any]]:
    """Setting name -> (variable name, value) for every MESHBOT_* variable naming a setting."""
    names = set(Settings.model_fields)
    found = {}
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX) and key != f"{ENV_PREFIX}CONFIG":
            name = key.removeprefix(ENV_PREFIX).lower()
            if name in names:
                found[name] = (key, _env_value(name, key, value))
    return found


def parse_assignment(text: str) -> tuple[str, Any]:
    """`name=value` from a `--set` flag; lists and tables in TOML syntax, like env values."""
    name, sep, raw = text.partition("=")
    name = name.strip().lower().replace("-", "_")
    if not sep or not name:
        raise SettingsError(f"--set {text!r}: write NAME=VALUE, e.g. --set min_gap_s=3")
    if name not in Settings.model_fields:
        raise SettingsError(_unknown(name, f"--set {name}"))
    return name, _env_value(name, f"--set {name}", raw.strip())


def config_path(config: Path | None, environ: Mapping[str, str]) -> tuple[Path, bool]:
    """The config file to read and whether it was asked for (a missing asked-for file is an error)."""
    if config is not None:
        return Path(config), True
    if environ.get(f"{ENV_PREFIX}CONFIG"):
        return Path(environ[f"{ENV_PREFIX}CONFIG"]), True
    return default_config_path(), False


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from exc
    except ValueError as exc:  # an integer of thousands of digits
        raise SettingsError(f"config file {path} holds a number too long to read: {str(exc)[:80]}") from exc
    except UnicodeDecodeError as exc:
        raise SettingsError(f"config file {path} is not UTF-8 text") from exc
    except OSError as exc:
        raise SettingsError(f"cannot read config file {path}: {exc.strerror or exc}") from exc


def _unknown(name: str, where: str) -> str:
    close = difflib.get_close_matches(name, list(Settings.model_fields), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "; `meshbot config show` lists them all"
    return f"{where}: unknown setting {name!r}{hint}"


@dataclass(frozen=True)
class LoadedSettings:
    """Settings plus where each value came from, for `meshbot config show`."""

    settings: Settings
    sources: dict[str, str]
    """Setting name -> `default`, `file PATH`, `env MESHBOT_X` or `flag`."""
    config_file: Path | None
    """The file that was read (None: no file)."""


def load_settings_with_sources(
    config: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> LoadedSettings:
    """TOML file, then MESHBOT_* variables, then non-None overrides; later wins.

    The file is `config`, else `$MESHBOT_CONFIG`, else the default path in the user
    config dir if it exists. Raises SettingsError naming the setting, its source and the fix.
    """
    env = os.environ if environ is None else environ
    path, asked = config_path(config, env)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    read: Path | None = None
    if asked or path.is_file():
        if asked and not path.exists():
            raise SettingsError(f"config file not found: {path} (create one with `meshbot config init`)")
        read = path
        for name, value in _read_toml(path).items():
            values[name] = value
            sources[name] = f"file {path}"
    for name, (key, value) in _from_env(env).items():
        values[name] = value
        sources[name] = f"env {key}"
    for name, value in overrides.items():
        if value is not None:
            values[name] = value
            sources[name] = "flag"
    settings = build_settings(values, sources)
    for name in Settings.model_fields:
        sources.setdefault(name, "default")
    return LoadedSettings(settings, sources, read)


def build_settings(values: Mapping[str, Any], sources: Mapping[str, str] | None = None) -> Settings:
    """Settings from plain values; SettingsError naming each bad setting and its source."""
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise SettingsError(_explain(exc, sources or dict.fromkeys(values, "flag"))) from exc


def _explain(exc: ValidationError, sources: Mapping[str, str]) -> str:
    """One line per problem: which setting, from where, what is wrong."""
    lines = []
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else "?"
        where = sources.get(name, "default")
        if err["type"] == "extra_forbidden":
            lines.append(_unknown(name, where))
            continue
        message = err["msg"].removeprefix("Value error, ")
        shown = repr(err.get("input"))
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        lines.append(f"{name} = {shown} ({where}): {message}")
    return "bad setting: " + "\n".join(lines) if len(lines) == 1 else "bad settings:\n" + "\n".join(lines)


def load_settings(
    config: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """TOML file (if any), then MESHBOT_* variables, then non-None overrides."""
    return load_settings_with_sources(config, environ, **overrides).settings
