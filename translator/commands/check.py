"""``tarjama check``: the term-consistency gate for CI and pre-commit.

Imports only the glossary side and :mod:`translator.check`: no model stack,
so it starts in a fraction of a second.
"""
from __future__ import annotations

import json
import click

from glossary.findings import ERROR, Finding
from glossary.model import Glossary
from glossary.options import format_option, glossary_option
from glossary.yamlio import load_glossary
from translator import __version__
from translator.bilingual_readers import BILINGUAL_SUFFIXES
from translator.check import CheckResult, TranslationPair, check_files, check_paths

_SEVERITY_COLORS = {"error": "red", "warning": "yellow"}


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATHS]...")
@glossary_option
@click.option("--source", "source_path", metavar="FILE", help="Check one explicit pair: the source file.")
@click.option("--target", "target_path", metavar="FILE", help="Check one explicit pair: the translation.")
@format_option("text", "json", "github")
@click.option("--strict-counts", is_flag=True, help="Make count-mismatch an error instead of a warning.")
@click.option("--warnings-as-errors", is_flag=True, help="Exit 1 on warnings too.")
@click.pass_context
def check(
    ctx: click.Context,
    paths: tuple[str, ...],
    glossary_path: str,
    source_path: str | None,
    target_path: str | None,
    output_format: str,
    strict_counts: bool,
    warnings_as_errors: bool,
) -> None:
    """Check translations against the glossary: missing, avoided and inconsistent terms.

    PATHS are files or folders (searched recursively; default: the current
    folder). NAME.ar.EXT is paired with NAME.en.EXT (the glossary's languages);
    either side may be named. Bilingual files (XLIFF .xlf .xliff .sdlxliff
    .mqxliff, TMX, PO) are checked unit by unit. Exit 0 when clean, 1 on
    findings, 2 on bad input.

    \b
    Example:
      tarjama check translations/ -g glossary.yaml
      tarjama check --source a.ar.txt --target a.en.txt --format json
      tarjama check docs/ --format github --warnings-as-errors
      tarjama check job.xlf memory.tmx strings.po -g glossary.yaml
    """
    if (source_path is None) != (target_path is None):
        raise click.UsageError("--source and --target go together")
    if source_path is not None and paths:
        raise click.UsageError("give either PATHS or --source/--target, not both")
    if any(path is not None and path.lower().endswith(BILINGUAL_SUFFIXES) for path in (source_path, target_path)):
        raise click.UsageError("an XLIFF, TMX or PO file holds both sides: give it as a PATH, not --source/--target")
    glossary = load_glossary(glossary_path)
    if source_path is not None and target_path is not None:
        result = check_files([TranslationPair(source_path, target_path)], glossary, strict_counts)
    else:
        result = check_paths(list(paths) or ["."], glossary, strict_counts)

    if output_format == "json":
        click.echo(json.dumps(report_json(result, glossary, glossary_path), ensure_ascii=False, indent=2))
    elif output_format == "github":
        for finding in result.findings:
            click.echo(github_line(finding))
        click.echo(summary_line(result))
    else:
        for finding in result.findings:
            click.echo(_colored(finding))
        click.echo(summary_line(result))

    failing = result.errors > 0 or (warnings_as_errors and result.warnings > 0)
    if failing:
        ctx.exit(1)


def report_json(result: CheckResult, glossary: Glossary, glossary_path: str) -> dict[str, object]:
    """The ``--format json`` document (schema in README.md, “tarjama check”; keys are stable)."""
    return {
        "tool": "tarjama",
        "version": __version__,
        "glossary": {"path": glossary_path, "digest": glossary.digest},
        "summary": {
            "errors": result.errors,
            "warnings": result.warnings,
            "files_with_findings": result.files_with_findings,
            "pairs_checked": result.pairs_checked,
        },
        "findings": [finding.as_dict() for finding in result.findings],
    }


def summary_line(result: CheckResult) -> str:
    """``2 errors, 1 warning in 3 files (5 pairs checked)``."""
    return (
        f"{_plural(result.errors, 'error')}, {_plural(result.warnings, 'warning')}"
        f" in {_plural(result.files_with_findings, 'file')}"
        f" ({_plural(result.pairs_checked, 'pair')} checked)"
    )


def github_line(finding: Finding) -> str:
    """A GitHub Actions workflow command that annotates the file and line."""
    command = "error" if finding.severity == ERROR else "warning"
    properties = [f"file={_escape_property(finding.path or '')}"]
    if finding.line is not None:
        properties.append(f"line={finding.line}")
        if finding.column is not None:
            properties.append(f"col={finding.column}")
    return f"::{command} {','.join(properties)}::{_escape_data(f'{finding.rule}: {finding.message}')}"


def _escape_data(value: str) -> str:
    # The escapes GitHub's runner decodes in a workflow command's message.
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _colored(finding: Finding) -> str:
    # click.echo drops the colour codes when stdout is not a terminal.
    location = click.style(finding.location(), bold=True)
    severity = click.style(finding.severity, fg=_SEVERITY_COLORS.get(finding.severity), bold=True)
    return f"{location}: {severity} {finding.rule}: {finding.message}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
