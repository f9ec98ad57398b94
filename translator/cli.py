"""The ``tarjama`` command line: argument parsing, printing, and the one place
that maps errors to exit codes.

Exit codes: 0 clean, 1 findings (lint problems, check violations, unenforced
terms under --strict), 2 bad input or usage, 3 unexpected (a bug: please report),
130 on Ctrl-C, 143 on SIGTERM.

Subcommands are imported only when invoked, so ``tarjama check``, ``terms`` and
``glossary`` never load the model stack and start fast.
"""
from __future__ import annotations

import importlib
import os
import signal
import sys
from typing import Any, NoReturn

import click

from glossary.errors import TarjamaError
from translator import __version__

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_UNEXPECTED = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

# name -> "module:attribute"; each module must import nothing heavy at top level.
COMMANDS: dict[str, str] = {
    "translate": "translator.commands.translate:translate",
    "terms": "translator.commands.terms:terms",
    "glossary": "glossary.cli:glossary",
    "check": "translator.commands.check:check",
    "model": "translator.commands.model:model",
    "serve": "translator.commands.serve:serve",
}

ISSUE_HINT = "this is a bug in tarjama; please report it with the command you ran (TARJAMA_DEBUG=1 shows the traceback)"


class Terminated(Exception):
    """SIGTERM arrived; unwinds like Ctrl-C so temp files are cleaned up."""


class TarjamaGroup(click.Group):
    """Lazy subcommands, and the error-to-exit-code mapping for every command."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # not built yet
                return None
            raise
        command: click.Command = getattr(module, attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TarjamaError as exc:
            click.echo(f"tarjama: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (KeyboardInterrupt, click.Abort):
            click.echo("tarjama: interrupted; no partial output was written", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Terminated:
            click.echo("tarjama: terminated; no partial output was written", err=True)
            ctx.exit(EXIT_TERMINATED)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except BrokenPipeError:
            # `tarjama terms … | head`: the reader left; that is not an error.
            _silence_stdout()
            ctx.exit(EXIT_OK)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("TARJAMA_DEBUG"):
                raise
            summary = " ".join(str(exc).split()) or type(exc).__name__
            click.echo(f"tarjama: internal error: {type(exc).__name__}: {summary}; {ISSUE_HINT}", err=True)
            ctx.exit(EXIT_UNEXPECTED)


def _silence_stdout() -> None:
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), sys.stdout.fileno())


@click.group(cls=TarjamaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tarjama")
def cli() -> None:
    """Offline Arabic→English translation with an enforced, checked glossary.

    \b
    Example:
      tarjama model install ar en
      tarjama translate article.ar.txt -g glossary.yaml --report report.json
      tarjama check translations/ -g glossary.yaml
    """


def _raise_terminated(signum: int, frame: object) -> NoReturn:
    raise Terminated()


def main() -> None:
    """Console entry point: SIGTERM unwinds like Ctrl-C, then click runs."""
    signal.signal(signal.SIGTERM, _raise_terminated)
    cli(prog_name="tarjama")
