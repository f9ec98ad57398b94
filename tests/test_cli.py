"""The CLI as a whole: every command documents itself, and errors map to exit codes in one place."""
from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from glossary.errors import GlossaryError
from translator import cli as cli_module
from translator.cli import COMMANDS, cli


def _command_paths() -> list[tuple[str, ...]]:
    """Every command and subcommand, as the argument list that reaches it."""
    paths: list[tuple[str, ...]] = []
    context = click.Context(cli)
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        assert command is not None, f"{name} is registered but cannot be imported"
        paths.append((name,))
        if isinstance(command, click.Group):
            for sub in command.list_commands(context):
                paths.append((name, sub))
    return paths


COMMAND_PATHS = _command_paths()


def test_every_registered_command_is_listed() -> None:
    assert {path[0] for path in COMMAND_PATHS} == set(COMMANDS)


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"tarjama {' '.join(path)}" in result.output


def test_root_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"], catch_exceptions=False)
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.output or f"  {name}\n" in result.output


def _failing_command(exc: BaseException) -> click.Command:
    @click.command("boom")
    def boom() -> None:
        raise exc

    return boom


@pytest.mark.parametrize(
    ("exc", "exit_code", "message"),
    [
        (GlossaryError("unknown key 'targt'", "g.yaml", 3, 5), 2, "tarjama: error: g.yaml:3:5: unknown key 'targt'\n"),
        (KeyboardInterrupt(), 130, "tarjama: interrupted; no partial output was written\n"),
        (cli_module.Terminated(), 143, "tarjama: terminated; no partial output was written\n"),
    ],
    ids=["user-error", "ctrl-c", "sigterm"],
)
def test_errors_map_to_exit_codes_in_one_place(
    monkeypatch: pytest.MonkeyPatch, exc: BaseException, exit_code: int, message: str
) -> None:
    monkeypatch.setattr(cli_module.TarjamaGroup, "get_command", lambda self, ctx, name: _failing_command(exc))
    result = CliRunner().invoke(cli, ["boom"], catch_exceptions=False)
    assert result.exit_code == exit_code
    assert result.stderr == message


def test_unexpected_error_is_one_line_exit_3_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TARJAMA_DEBUG", raising=False)
    monkeypatch.setattr(
        cli_module.TarjamaGroup, "get_command", lambda self, ctx, name: _failing_command(ValueError("bad\nthing"))
    )
    result = CliRunner().invoke(cli, ["boom"], catch_exceptions=False)
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("tarjama: internal error: ValueError: bad thing; this is a bug in tarjama")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["check", "terms", "glossary"])
def test_light_commands_do_not_load_the_model_stack(command: str) -> None:
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from translator.cli import cli\n"
        f"CliRunner().invoke(cli, [{command!r}, '--help'])\n"
        "heavy = sorted(m for m in ('ctranslate2', 'sentencepiece', 'argostranslate', 'torch', 'stanza', 'spacy')"
        " if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert completed.stdout.strip() == ""
