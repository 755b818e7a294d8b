"""Settings: one TOML file, then MESHBOT_* variables, then flags; clear errors; documented."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from meshbot.settings import Settings, SettingsError
from meshbot.settings_sources import load_settings, load_settings_with_sources
from meshbot.settings_text import markdown_table, render_document, template

ROOT = Path(__file__).resolve().parents[1]
CONFIG_DOC = ROOT / "docs" / "configuration.md"


def meshbot(*args: str, home: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI as an operator runs it, with its own config and data dirs."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    clean.update(XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"), **(env or {}))
    return subprocess.run([sys.executable, "-m", "meshbot.cli.main", *args], capture_output=True, text=True,
                          env=clean, timeout=120)


@pytest.fixture(autouse=True)
def _own_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No settings file of the machine running the tests leaks in."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_file_then_environment_then_flag(tmp_path: Path) -> None:
    config = write(tmp_path / "m.toml", 'min_gap_s = 3.0\nposting_ttl_days = 7\nlog_level = "debug"\nregion = "eu_868"\n')
    env = {"MESHBOT_MIN_GAP_S": "4", "MESHBOT_LOG_LEVEL": "warning", "UNRELATED": "x"}
    loaded = load_settings_with_sources(config, env, min_gap_s=5.0, port=None)
    s = loaded.settings
    assert (s.min_gap_s, s.log_level, s.posting_ttl_days, s.region) == (5.0, "WARNING", 7.0, "EU_868")
    assert s.alert_ttl_hours == Settings.model_fields["alert_ttl_hours"].default
    assert loaded.sources["min_gap_s"] == "flag"
    assert loaded.sources["log_level"] == "env MESHBOT_LOG_LEVEL"
    assert loaded.sources["posting_ttl_days"] == f"file {config}"
    assert loaded.sources["alert_ttl_hours"] == "default"
    assert loaded.config_file == config


def test_precedence_through_the_command_line(tmp_path: Path) -> None:
    config = write(tmp_path / "m.toml", f'min_gap_s = 3.0\ndb = "{tmp_path / "file.db"}"\nalert_ttl_hours = 6\n')
    out = meshbot("--config", str(config), "--db", str(tmp_path / "flag.db"), "--set", "alert_ttl_hours=2",
                  "config", "show", "--json", home=tmp_path,
                  env={"MESHBOT_MIN_GAP_S": "4", "MESHBOT_ALERT_TTL_HOURS": "5"})
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    assert shown["config_file"] == str(config)
    assert shown["settings"]["min_gap_s"] == 4.0 and shown["sources"]["min_gap_s"] == "env MESHBOT_MIN_GAP_S"
    assert shown["settings"]["alert_ttl_hours"] == 2.0 and shown["sources"]["alert_ttl_hours"] == "flag"
    assert shown["settings"]["db"] == str(tmp_path / "flag.db") and shown["sources"]["db"] == "flag"


def test_the_config_file_is_found_by_variable_or_in_the_user_config_dir(tmp_path: Path) -> None:
    by_variable = write(tmp_path / "elsewhere.toml", "digest_hour = 9\n")
    shown = json.loads(meshbot("config", "show", "--json", home=tmp_path,
                               env={"MESHBOT_CONFIG": str(by_variable)}).stdout)
    assert shown["settings"]["digest_hour"] == 9
    default = tmp_path / "config" / "meshbot" / "meshbot.toml"
    default.parent.mkdir(parents=True)
    write(default, "digest_hour = 8\n")
    shown = json.loads(meshbot("config", "show", "--json", home=tmp_path).stdout)
    assert shown["config_file"] == str(default) and shown["settings"]["digest_hour"] == 8


def test_list_settings_come_from_the_environment_in_toml_syntax(tmp_path: Path) -> None:
    s = load_settings(None, {"MESHBOT_ALERT_REPEAT_MINUTES": "[3, 6]"}, db=":memory:")
    assert s.alert_repeat_minutes == (3.0, 6.0)
    with pytest.raises(SettingsError, match="MESHBOT_ALERT_REPEAT_MINUTES: write the value in TOML syntax"):
        load_settings(None, {"MESHBOT_ALERT_REPEAT_MINUTES": "3, 6,"}, db=":memory:")


@pytest.mark.parametrize(
    ("toml", "env", "message"),
    [
        ("min_gap_s = 1.0\n", {}, r"min_gap_s = 1.0 \(file .*\): must be at least 1.5 s"),
        ("", {"MESHBOT_MIN_GAP_S": "0.5"}, r"min_gap_s = '0.5' \(env MESHBOT_MIN_GAP_S\): must be at least 1.5 s"),
        ("min_gap = 3\n", {}, r"unknown setting 'min_gap'; did you mean 'min_gap_s'\?"),
        ("channel_index = 9\n", {}, r"channel_index = 9 .*less than or equal to 7"),
        ('region = "MARS"\n', {}, r"unknown region; use one of US, EU_433, EU_868"),
        ("posting_ttl_days = \n", {}, r"is not valid TOML"),
        ('log_level = "LOUD"\n', {}, r"use DEBUG, INFO, WARNING or ERROR"),
    ],
)
def test_bad_settings_name_the_setting_its_source_and_the_fix(
    tmp_path: Path, toml: str, env: dict[str, str], message: str
) -> None:
    config = write(tmp_path / "m.toml", toml)
    with pytest.raises(SettingsError, match=message):
        load_settings(config, env)


def test_a_missing_config_file_that_was_asked_for_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="config file not found: .*meshbot config init"):
        load_settings(tmp_path / "nope.toml", {})


def test_config_check_exits_non_zero_with_the_reason_and_no_traceback(tmp_path: Path) -> None:
    config = write(tmp_path / "m.toml", "min_gap_s = 1.0\nbogus = 2\n")
    out = meshbot("--config", str(config), "config", "check", home=tmp_path)
    assert out.returncode == 1
    assert "min_gap_s = 1.0" in out.stderr and "unknown setting 'bogus'" in out.stderr
    assert "Traceback" not in out.stderr
    both = write(tmp_path / "two.toml", 'port = "/dev/ttyUSB0"\nhost = "10.0.0.5"\n')
    out = meshbot("--config", str(both), "config", "check", home=tmp_path)
    assert out.returncode == 1 and "set only one of port, host, ble" in out.stderr
    good = write(tmp_path / "good.toml", 'port = "/dev/ttyUSB0"\nregion = "EU_868"\n')
    out = meshbot("--config", str(good), "config", "check", home=tmp_path)
    assert out.returncode == 0 and out.stdout.startswith("ok:")


def test_bad_set_flag_is_a_usage_error(tmp_path: Path) -> None:
    out = meshbot("--set", "nonsense", "config", "show", home=tmp_path)
    assert out.returncode == 2 and "write NAME=VALUE" in out.stderr
    out = meshbot("--set", "gap=3", "config", "show", home=tmp_path)
    assert out.returncode == 2 and "unknown setting 'gap'" in out.stderr


def test_config_init_writes_every_setting_and_loads_back(tmp_path: Path) -> None:
    out = meshbot("config", "init", "--set", "port=/dev/ttyACM0", "--set", "region=eu_868", home=tmp_path)
    assert out.returncode == 0, out.stderr
    path = tmp_path / "config" / "meshbot" / "meshbot.toml"
    assert out.stdout.strip() == f"wrote {path}"
    text = path.read_text(encoding="utf-8")
    assert tomllib.loads(text) == {"port": "/dev/ttyACM0", "region": "EU_868"}
    for name, field in Settings.model_fields.items():
        assert f"{name} =" in text and (field.description or "") in text
    loaded = load_settings_with_sources(path, {})
    assert loaded.settings.port == "/dev/ttyACM0" and loaded.sources["port"] == f"file {path}"
    again = meshbot("config", "init", home=tmp_path)
    assert again.returncode == 1 and "exists; use --force" in again.stderr
    assert meshbot("config", "init", "--force", home=tmp_path).returncode == 0
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {}


def test_template_uncommented_lines_parse_as_the_defaults() -> None:
    """Uncommenting any default line of the template must give a loadable file."""
    for line in template().splitlines():
        if line.startswith("# ") and " = " in line and line[2:].split(" = ")[0] in Settings.model_fields:
            name = line[2:].split(" = ")[0]
            if name == "db":
                continue
            value = tomllib.loads(line[2:])[name]
            assert Settings(db=":memory:", **{name: value}) is not None


def test_every_setting_is_documented_in_configuration_md() -> None:
    """docs/configuration.md carries the table rendered from the model.

    When this fails after adding a setting, run:
    .venv/bin/python -m meshbot.settings_text docs/configuration.md
    """
    text = CONFIG_DOC.read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"| `{name}` |" in text, f"{name} is not in docs/configuration.md"
    assert render_document(text) == text, "the settings table is stale: python -m meshbot.settings_text docs/configuration.md"
    assert markdown_table() in text
