"""Click options shared by several commands, defined once.

The glossary path is resolved here, at the CLI boundary: ``-g/--glossary``,
else ``$TARJAMA_GLOSSARY``, else ``./glossary.yaml``.
"""
from __future__ import annotations

from typing import Callable, TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])

DEFAULT_GLOSSARY = "glossary.yaml"


def glossary_option(func: F) -> F:
    """``-g/--glossary PATH`` (env ``TARJAMA_GLOSSARY``, default ``./glossary.yaml``)."""
    return click.option(
        "-g",
        "--glossary",
        "glossary_path",
        metavar="PATH",
        envvar="TARJAMA_GLOSSARY",
        default=DEFAULT_GLOSSARY,
        show_default=True,
        help="Glossary YAML file (env TARJAMA_GLOSSARY).",
    )(func)


def format_option(*choices: str, default: str = "text") -> Callable[[F], F]:
    """``--format`` restricted to ``choices``."""

    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(list(choices)),
            default=default,
            show_default=True,
            help="Output format (json is stable and documented in the README).",
        )(func)

    return decorate


def progress_option(func: F) -> F:
    """``--progress/--no-progress``: progress on stderr, default only on a TTY."""
    return click.option(
        "--progress/--no-progress",
        "progress",
        default=None,
        help="Show progress on stderr (default: only when stderr is a terminal).",
    )(func)
