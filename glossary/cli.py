"""``tarjama glossary``: edit, list, show, lint and format the glossary file.

Only argument parsing and printing live here; the work is in glossary.yamlio,
glossary.edit and glossary.lint. Nothing heavy is imported (no model stack).
"""
from __future__ import annotations

import json
import os
from typing import Any

import click

from glossary.edit import (
    ADDED,
    MERGED,
    add_term,
    find_entry,
    find_entry_by_rendering,
    format_glossary,
    not_found_error,
    remove_term,
)
from glossary.errors import GlossaryError
from glossary.findings import ERROR, WARNING, Finding
from glossary.lint import lint
from glossary.model import Entry, Glossary
from glossary.options import format_option, glossary_option
from glossary.textio import DecodedText, edit_lock, encode_like, read_bytes, read_text, write_atomic
from glossary.yamlio import load_glossary, parse_glossary, read_glossary_file

EXIT_FINDINGS = 1


def _tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tarjama")
    except PackageNotFoundError:
        return "unknown"


def _read_for_edit(path: str) -> DecodedText | None:
    if not os.path.exists(path):
        return None
    return read_text(path)


def _entry_label(entry: Entry) -> str:
    return "; ".join(entry.sources)


@click.group()
def glossary() -> None:
    """Edit, list, lint and format the glossary YAML file.

    \b
    Example:
      tarjama glossary add "الحشد الشعبي" "Popular Mobilization Forces" --accept PMF
      tarjama glossary list --format tsv
      tarjama glossary lint
    """


@glossary.command()
@click.argument("source")
@click.argument("target")
@click.option("--accept", multiple=True, metavar="TEXT", help="Another rendering check accepts (repeatable).")
@click.option("--avoid", multiple=True, metavar="TEXT", help="A rendering that is wrong (repeatable).")
@click.option("--type", "term_type", metavar="TEXT", help="Free-text type, e.g. organization, person, place.")
@click.option("--note", metavar="TEXT", help="A note for translators.")
@glossary_option
def add(
    source: str,
    target: str,
    accept: tuple[str, ...],
    avoid: tuple[str, ...],
    term_type: str | None,
    note: str | None,
    glossary_path: str,
) -> None:
    """Add SOURCE (Arabic) with its canonical English TARGET.

    If an entry already has TARGET, SOURCE becomes another source form of it;
    if SOURCE is already there with TARGET, new --accept/--avoid values are
    merged in. Creates the file if it does not exist. Only the touched
    entry's lines change; comments elsewhere are kept.

    \b
    Example:
      tarjama glossary add "الحشد الشعبي" "Popular Mobilization Forces" \\
          --accept PMF --avoid "Popular Mobilisation Units" --type organization
    """
    with edit_lock(glossary_path):
        original = _read_for_edit(glossary_path)
        new_text, outcome = add_term(
            original.text if original else "",
            glossary_path,
            source,
            target,
            accept=accept,
            avoid=avoid,
            type=term_type,
            note=note,
        )
        if outcome in (ADDED, MERGED):
            write_atomic(glossary_path, encode_like(new_text, original))
    click.echo(f"{outcome}: {source.strip()} → {target.strip()} ({glossary_path})")


@glossary.command()
@click.argument("term")
@glossary_option
def remove(term: str, glossary_path: str) -> None:
    """Remove TERM, given as an Arabic source form or as the English target.

    A source form of an entry with several forms removes just that form;
    otherwise the whole entry goes.

    \b
    Example:
      tarjama glossary remove "داعش"
      tarjama glossary remove "Islamic State group"
    """
    with edit_lock(glossary_path):
        original = read_glossary_file(glossary_path)
        text = original.text
        found = find_entry(parse_glossary(text, glossary_path), term)
        new_text = remove_term(text, glossary_path, term)
        write_atomic(glossary_path, encode_like(new_text, original))
    assert found is not None  # remove_term raised otherwise
    if found.form is not None and len(found.entry.sources) > 1:
        click.echo(f"removed source form: {found.form} → {found.entry.target} ({glossary_path})")
    else:
        click.echo(f"removed: {_entry_label(found.entry)} → {found.entry.target} ({glossary_path})")


def _entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "sources": list(entry.sources),
        "target": entry.target,
        "accept": list(entry.accept),
        "avoid": list(entry.avoid),
        "exclude": list(entry.exclude),
        "type": entry.type,
        "note": entry.note,
        "inflect": entry.inflect,
        "case": entry.case,
        "line": entry.line,
    }


def _produced_by(loaded: Glossary) -> dict[str, Any]:
    return {
        "tarjama_version": _tool_version(),
        "glossary": loaded.path,
        "glossary_digest": loaded.digest,
        "source_lang": loaded.source_lang,
        "target_lang": loaded.target_lang,
    }


def _tsv_cell(value: str) -> str:
    return " ".join(value.split())


@glossary.command(name="list")
@format_option("text", "json", "tsv")
@glossary_option
def list_terms(output_format: str, glossary_path: str) -> None:
    """List the glossary's entries.

    text: "SOURCE; SOURCE → TARGET" per entry. tsv: a header row, then
    source, target, accept, avoid, type, note (lists joined with "; ").
    json: the entries with tarjama's version and the glossary digest.

    \b
    Example:
      tarjama glossary list
      tarjama glossary list --format tsv > glossary.tsv
    """
    loaded = load_glossary(glossary_path)
    if output_format == "json":
        payload = _produced_by(loaded) | {"entries": [_entry_json(entry) for entry in loaded.entries]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif output_format == "tsv":
        click.echo("source\ttarget\taccept\tavoid\ttype\tnote")
        for entry in loaded.entries:
            cells = [
                "; ".join(entry.sources),
                entry.target,
                "; ".join(entry.accept),
                "; ".join(entry.avoid),
                entry.type or "",
                entry.note or "",
            ]
            click.echo("\t".join(_tsv_cell(cell) for cell in cells))
    else:
        for entry in loaded.entries:
            click.echo(f"{_entry_label(entry)} → {entry.target}")


@glossary.command()
@click.argument("term")
@format_option("text", "json")
@glossary_option
def show(term: str, output_format: str, glossary_path: str) -> None:
    """Show the entry for TERM (an Arabic source form, the English target, or an accept/avoid rendering).

    \b
    Example:
      tarjama glossary show "الحشد الشعبي"
      tarjama glossary show "Hezbollah" --format json
      tarjama glossary show PMF
    """
    loaded = load_glossary(glossary_path)
    found = find_entry(loaded, term)
    if found is not None:
        entry = found.entry
    else:
        by_rendering = find_entry_by_rendering(loaded, term)
        if by_rendering is None:
            raise not_found_error(loaded, term, glossary_path)
        entry, kind = by_rendering
        if output_format != "json":
            click.echo(f"'{term}' is an {'accepted' if kind == 'accept' else 'avoided'} rendering of:")
    if output_format == "json":
        click.echo(json.dumps(_produced_by(loaded) | {"entry": _entry_json(entry)}, ensure_ascii=False, indent=2))
        return
    rows = [("source", "; ".join(entry.sources)), ("target", entry.target)]
    rows += [(key, "; ".join(getattr(entry, key))) for key in ("accept", "avoid", "exclude") if getattr(entry, key)]
    rows += [(key, getattr(entry, key)) for key in ("type", "note") if getattr(entry, key)]
    if entry.inflect:
        rows.append(("inflect", "true"))
    if entry.case != "insensitive":
        rows.append(("case", entry.case))
    rows.append(("defined", f"{glossary_path}:{entry.line}:{entry.column}"))
    for key, value in rows:
        click.echo(f"{key + ':':<9}{value}")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@glossary.command(name="lint")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--warnings-as-errors", is_flag=True, help="Exit 1 on warnings too.")
@format_option("text", "json")
@glossary_option
@click.pass_context
def lint_command(
    ctx: click.Context, files: tuple[str, ...], warnings_as_errors: bool, output_format: str, glossary_path: str
) -> None:
    """Lint FILES (default: the -g glossary) and print findings.

    A file that does not load is one `invalid-glossary` error. Exit status:
    0 clean (warnings allowed), 1 if any error (or any warning with
    --warnings-as-errors), 2 if a file is missing or unreadable.

    \b
    Example:
      tarjama glossary lint
      tarjama glossary lint seeds/glossary.yaml other.yaml --warnings-as-errors
    """
    findings: list[Finding] = []
    paths = list(files) or [glossary_path]
    for path in paths:
        try:
            findings += lint(load_glossary(path))
        except GlossaryError as exc:
            if exc.message.startswith("no such file"):
                raise
            findings.append(Finding("invalid-glossary", ERROR, exc.message, exc.path, exc.line, exc.column))
    errors = sum(1 for finding in findings if finding.severity == ERROR)
    warnings = sum(1 for finding in findings if finding.severity == WARNING)
    if output_format == "json":
        payload = {
            "tarjama_version": _tool_version(),
            "files": paths,
            "errors": errors,
            "warnings": warnings,
            "findings": [finding.as_dict() for finding in findings],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            click.echo(finding.as_text())
        click.echo(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {_plural(len(paths), 'file')}")
    if errors or (warnings_as_errors and warnings):
        ctx.exit(EXIT_FINDINGS)


@glossary.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a file is not in canonical form.")
@glossary_option
@click.pass_context
def fmt(ctx: click.Context, files: tuple[str, ...], check: bool, glossary_path: str) -> None:
    """Rewrite FILES (default: the -g glossary) in the canonical layout.

    Canonical: keys in a fixed order, entries in file order, short lists as
    [a, b], UTF-8 with LF line ends. Comments are kept (comments inside an
    entry move just above it).

    \b
    Example:
      tarjama glossary fmt
      tarjama glossary fmt --check    # in CI: exit 1 and print "would reformat FILE"
    """
    unformatted = 0
    for path in list(files) or [glossary_path]:
        with edit_lock(path):
            current = read_bytes(path) if os.path.exists(path) else None
            canonical = format_glossary(read_glossary_file(path).text, path).encode("utf-8")
            if current == canonical:
                continue
            unformatted += 1
            if check:
                click.echo(f"would reformat {path}")
            else:
                write_atomic(path, canonical)
                click.echo(f"reformatted {path}")
    if check and unformatted:
        ctx.exit(EXIT_FINDINGS)


from glossary.exchange_cli import export_command, import_command  # noqa: E402 - the group must exist first
glossary.add_command(export_command); glossary.add_command(import_command)  # noqa: E702
from glossary.suggest_cli import suggest_command  # noqa: E402
glossary.add_command(suggest_command)
