"""Canned messages: within the firmware's limit, each one a command the bot acts on."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys

import pytest
from meshtastic.protobuf import module_config_pb2

from meshbot.ops.canned import LANGUAGES, MAX_MESSAGES, MAX_TOTAL_BYTES, SEPARATOR, CannedError, build, card
from protocol import ParseError, parse
from tests.conftest import Board

ZONES = [None, "elm", "riverside-north-2"]


def meshbot(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    return subprocess.run([sys.executable, "-m", "meshbot.cli.main", "canned", *args], capture_output=True,
                          text=True, env=env, timeout=60)


def meshtastic_cli_parser() -> argparse.ArgumentParser:
    """The real `meshtastic` CLI's configuration arguments, as it parses them."""
    from meshtastic.__main__ import addConfigArgs, addConnectionArgs

    parser = argparse.ArgumentParser(add_help=False)
    addConnectionArgs(parser)
    addConfigArgs(parser)
    return parser


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("zone", ZONES)
def test_list_fits_the_firmware(language: str, zone: str | None) -> None:
    canned = build(language, zone)
    # CannedMessageModuleConfig.messages is char[201] in the firmware: 200 bytes and a NUL.
    assert canned.size_bytes <= MAX_TOTAL_BYTES == 200
    assert len(canned.joined) <= 200  # the meshtastic CLI counts characters
    assert 0 < len(canned.messages) <= MAX_MESSAGES
    assert canned.joined.split(SEPARATOR) == canned.texts
    assert canned.texts[0] in ("SAFE", "BIEN")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_most_useful_messages_come_first_and_survive_a_long_zone(language: str) -> None:
    plain, zoned = build(language), build(language, "riverside-north-2")
    assert not plain.left_out
    assert zoned.left_out, "a long zone tag must push the least useful messages out, whole"
    assert zoned.texts == [m.text for m in zoned.messages]
    assert [m.meaning for m in zoned.messages] == [m.meaning for m in plain.messages[: len(zoned.messages)]]
    assert all(t.endswith("@riverside-north-2") for t in zoned.texts if t.split()[0] in ("NEED", "NECESITO"))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("zone", [None, "elm"])
def test_every_canned_message_is_acted_on_by_the_bot(board: Board, language: str, zone: str | None) -> None:
    for i, text in enumerate(build(language, zone).texts):
        command = parse(text)
        assert not isinstance(command, ParseError), text
        reply = board.send(0x100 + i, text)
        assert reply and len(reply.encode("utf-8")) <= 200
    needs = [p for p in board.postings() if p.kind == "need"]
    assert {p.category for p in needs} >= {"medical", "water", "food", "shelter", "power", "transport"}
    assert [p.urgency for p in needs if p.category == "medical"] == ["critical"]
    assert all(p.zone == zone for p in needs)


def test_the_printed_command_is_what_the_meshtastic_cli_accepts() -> None:
    out = meshbot("--format", "meshtastic")
    assert out.returncode == 0, out.stderr
    joined = meshbot("--format", "list").stdout.strip()
    commands = [line for line in out.stdout.splitlines() if line.startswith("meshtastic ")]
    assert commands == build().commands()
    parser = meshtastic_cli_parser()
    enable = parser.parse_args(shlex.split(commands[0])[1:])
    assert enable.set == [["canned_message.enabled", "true"]]
    assert "enabled" in module_config_pb2.ModuleConfig.CannedMessageConfig.DESCRIPTOR.fields_by_name
    load = parser.parse_args(shlex.split(commands[1])[1:])
    assert load.set_canned_message == joined == build().joined
    assert f"{len(build().texts)} canned messages, {build().size_bytes} of 200 bytes" in out.stdout


def test_handheld_port_and_zone_reach_the_command() -> None:
    out = meshbot("--zone", "oak", "--handheld-port", "/dev/ttyACM0")
    last = out.stdout.strip().splitlines()[-1]
    args = meshtastic_cli_parser().parse_args(shlex.split(last)[1:])
    assert args.port == "/dev/ttyACM0" and "NEED water @oak" in args.set_canned_message.split("|")


@pytest.mark.parametrize("language", LANGUAGES)
def test_card_lists_the_same_commands_and_they_all_parse(language: str) -> None:
    canned = build(language)
    text = card(canned, language, "BASE")
    for message in canned.messages:
        assert f"  {message.text}  " in text
    assert "(BASE)" in text
    assert max(len(line) for line in text.splitlines()) <= 60
    examples = [line.split("  ")[1] for line in text.splitlines() if line.startswith("  ")]
    for example in examples:
        assert not isinstance(parse(example.strip()), ParseError), example


def test_card_from_the_command_line() -> None:
    out = meshbot("--format", "card", "--lang", "es")
    assert out.returncode == 0 and out.stdout.startswith("AYUDA MUTUA EN LA RED")


def test_bad_zone_is_refused() -> None:
    with pytest.raises(CannedError):
        build("en", "elm|oak")
    out = meshbot("--zone", "a b")
    assert out.returncode == 1 and "short zone name" in out.stderr
