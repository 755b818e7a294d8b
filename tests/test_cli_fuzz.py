"""Hostile values for every option and argument of every `meshbot` command: no traceback, no hang.

The click command tree is walked, so a new command or option is fuzzed without being
listed here. Each value is tried twice: parsed (every command, cheap) and, unless the
command runs forever or changes the machine (the daemon, the simulator server, systemd
units, the radio checks), invoked in-process on a scratch board. pytest-timeout is the
hang guard. Paths stay inside the scratch folder: these tests may run as root.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meshbot.cli.main import main

pytestmark = pytest.mark.filterwarnings("ignore:.*(MultiCommand|protected_args).*:DeprecationWarning")

# Commands (or command options) that are only parsed: they run until stopped, talk to a radio,
# or install system files. Their values are still checked by their types.
PARSE_ONLY = {"run": None, "sim serve": None, "service install": None, "service uninstall": None,
              "service status": None, "web": None, "doctor": {"port", "host", "ble", "timeout_s"}, "demo": None}
FIXED = [
    "-1", "0", "-0", "99999999999999999999", "1" + "0" * 5000, "1e308", "-1e308", "nan", "NaN", "inf", "-inf",
    "", " ", "\u202e☃ü", "a99999999999999999999", "m99999999999999999999", "n-1", "!0x7fffffff",
    "0001-01-01", "9999-12-31T23:59:59", "2026-13-45", "0000-00", "../../../r.md", "devnull", "somedir",
    "missing/dir/r.md", "existing.txt", "x\x00y", "127.0.0.1:abc", "[::1]:99999", "=", "a=b=c",
]


def _leaves(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _leaves(sub, (*path, name))
    else:
        yield path, command


def _takes_value(param: click.Parameter) -> bool:
    return not (isinstance(param, click.Option) and (param.is_flag or param.count))


TARGETS = [(path, param.name) for path, command in _leaves(main) for param in command.params if _takes_value(param)]
TARGETS += [((), "config"), ((), "db"), ((), "assignments")]  # the global options


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def _benign(param: click.Parameter) -> str:
    if isinstance(param.type, click.Choice):
        return str(param.type.choices[0])
    if isinstance(param.type, (click.Path, click.File)):
        return "existing.txt"
    if isinstance(param.type, (click.types.IntParamType, click.types.FloatParamType)):
        return "1"
    return "1"


def _args(path: tuple[str, ...], name: str, value: str) -> list[str]:
    """The command line with `value` for the parameter `name` and something plain for other required ones."""
    if not path:  # a global option, before a harmless command
        option = next(p for p in main.params if p.name == name)
        return [f"{option.opts[-1]}={value}", "board"]
    command = _command(path)
    options: list[str] = []
    arguments: list[str] = []
    for param in command.params:
        given = value if param.name == name else (_benign(param) if param.required else None)
        if given is None or not _takes_value(param):
            continue
        if isinstance(param, click.Argument):
            arguments.append(given)
        else:
            options.append(f"{param.opts[-1]}={given}" if param.opts[-1].startswith("--") else param.opts[-1])
            if not param.opts[-1].startswith("--"):
                options.append(given)
    return [*path, *options, *(["--", *arguments] if arguments else [])]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a board, a file, a folder and a link to /dev/null; commands run in a subfolder."""
    root = tmp_path_factory.mktemp("fuzz")
    work = root / "a" / "b" / "c"
    work.mkdir(parents=True)
    (work / "existing.txt").write_text("OFFER 2kg rice @elm\n")
    (work / "somedir").mkdir()
    (work / "devnull").symlink_to(os.devnull)
    result = CliRunner().invoke(main, ["--db", str(root / "board.db"), "--create", "board"])
    assert result.exit_code == 0, result.output
    return work


def _invoke(scratch: Path, args: list[str]) -> None:
    runner = CliRunner()
    env = {"MESHBOT_PASSPHRASE": "", "MESHBOT_CONFIG": "", "MESHBOT_DB": str(scratch.parents[2] / "board.db")}
    cwd = os.getcwd()
    os.chdir(scratch)
    try:
        result = runner.invoke(main, args, env=env, input="", catch_exceptions=True)
    finally:
        os.chdir(cwd)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"meshbot {' '.join(args)!r} raised {result.exception!r}\n{result.output}")
    assert "Traceback" not in result.output, args


def _parse(args: list[str]) -> None:
    try:
        with main.make_context("meshbot", list(args)) as ctx:
            _parse_down(ctx)
    except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
        pass


def _parse_down(ctx: click.Context) -> None:
    command = ctx.command
    while isinstance(command, click.MultiCommand) and ctx.protected_args:
        name, sub, rest = command.resolve_command(ctx, [*ctx.protected_args, *ctx.args])
        assert sub is not None
        ctx = sub.make_context(name or "", rest, parent=ctx)
        command = sub


def _id(target: tuple[tuple[str, ...], str]) -> str:
    return f"{' '.join(target[0]) or 'meshbot'}:{target[1]}"


RUN_QUICKLY = ["99999999999999999999", "nan", "missing/dir/r.md"]
"""The values also run (not only parsed) in the quick profile; `-m slow` runs all of FIXED."""


def _check(target: tuple[tuple[str, ...], str], scratch: Path, values: list[str], run: list[str]) -> None:
    path, name = target
    parse_only = PARSE_ONLY.get(" ".join(path), set())
    for value in values:
        args = _args(path, name, value)
        _parse(args)
        if value in run and parse_only is not None and name not in parse_only:
            _invoke(scratch, args)


@pytest.mark.parametrize("target", TARGETS, ids=_id)
def test_every_hostile_value_is_refused_in_one_line_or_taken(target: tuple[tuple[str, ...], str], scratch: Path) -> None:
    _check(target, scratch, FIXED, RUN_QUICKLY)


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("target", TARGETS, ids=_id)
def test_every_hostile_value_runs_without_a_traceback(target: tuple[tuple[str, ...], str], scratch: Path) -> None:
    _check(target, scratch, FIXED, FIXED)


HOSTILE_TEXT = st.one_of(
    st.sampled_from(FIXED),
    st.integers().map(str),
    st.floats().map(repr),
    st.text(max_size=30).map(lambda s: s.lstrip("/")),  # relative: stays in the scratch folder
)


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("target", TARGETS, ids=_id)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=HOSTILE_TEXT)
def test_generated_hostile_values_give_no_traceback(target: tuple[tuple[str, ...], str], scratch: Path,
                                                   value: str) -> None:
    _check(target, scratch, [value], [value])
