"""``tarjama terms``: list every glossary term found in Arabic text.

Imports only the glossary side (no model stack), so it starts fast and runs
where no translation package is installed.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Iterator, Sequence

import click

from glossary.finder import find_terms
from glossary.model import Glossary
from glossary.options import format_option, glossary_option
from glossary.textio import read_text
from glossary.yamlio import load_glossary

STDIN = "-"


@dataclass(frozen=True)
class TermRow:
    """One term occurrence located in a file (offsets in characters of the decoded text)."""

    file: str
    line: int
    column: int
    start: int
    end: int
    surface: str
    source: str
    target: str


# Term finding holds a few working copies of its input (normalized text, word
# lists): on a 50 MB file, gigabytes. A term never spans a blank line, so long
# texts are searched a block of whole paragraphs at a time.
BLOCK_CHARS = 1 << 20


def paragraph_blocks(text: str, size: int = BLOCK_CHARS) -> Iterator[tuple[int, str]]:
    """``(offset, block)`` pieces of ``text``, each cut at a blank line once ``size`` is reached."""
    start = 0
    while start < len(text):
        cut = text.find("\n\n", start + size) if len(text) - start > size else -1
        if cut < 0:
            yield start, text[start:]
            return
        yield start, text[start:cut]
        start = cut


def locate_terms(text: str, shown_path: str, glossary: Glossary, block_chars: int = BLOCK_CHARS) -> list[TermRow]:
    """Every term occurrence in ``text`` with its 1-based line and column."""
    rows: list[TermRow] = []
    line = 1
    line_start = 0
    scanned = 0
    for offset, block in paragraph_blocks(text, block_chars):
        for occurrence in find_terms(block, glossary):
            start = offset + occurrence.start
            # Occurrences come sorted, so line counting walks the text once.
            newlines = text.count("\n", scanned, start)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", scanned, start) + 1
            scanned = start
            rows.append(
                TermRow(
                    file=shown_path,
                    line=line,
                    column=start - line_start + 1,
                    start=start,
                    end=offset + occurrence.end,
                    surface=occurrence.surface,
                    source=occurrence.form,
                    target=occurrence.entry.target,
                )
            )
    return rows


def count_table(rows: Sequence[TermRow], glossary: Glossary) -> list[tuple[int, str, str]]:
    """``(count, target, first source form)`` per entry found; most frequent first, ties in glossary order."""
    # A row names its entry by (matched form, target); the first such entry is the one the finder picks.
    entry_of: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(glossary.entries):
        for form in entry.sources:
            entry_of.setdefault((form, entry.target), index)
    counts = Counter(entry_of.get((row.source, row.target), -1) for row in rows)
    table: list[tuple[int, str, str]] = []
    for index in sorted(counts, key=lambda i: (-counts[i], i)):
        if index >= 0:
            entry = glossary.entries[index]
            table.append((counts[index], entry.target, entry.sources[0]))
    return table


def format_text(rows: Sequence[TermRow], glossary: Glossary) -> str:
    """Human output: one line per occurrence, then a per-entry count table."""
    lines = [
        f"{row.file}:{row.line}:{row.column}  {' '.join(row.surface.split())}  →  {row.target}" for row in rows
    ]
    table = count_table(rows, glossary)
    if lines:
        lines.append("")
    if table:
        width = max(len(target) for _, target, _ in table)
        lines.append(f"{'count':>5}  {'target':<{width}}  source")
        lines.extend(f"{count:>5}  {target:<{width}}  {source}" for count, target, source in table)
    occurrences = "occurrence" if len(rows) == 1 else "occurrences"
    entries = "entry" if len(table) == 1 else "entries"
    lines.append(f"{len(rows)} {occurrences} of {len(table)} glossary {entries}")
    return "\n".join(lines) + "\n"


def format_json(rows: Sequence[TermRow]) -> str:
    """Machine output: a JSON list of occurrences (schema in README.md, “tarjama terms”)."""
    return json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=2) + "\n"


@click.command()
@click.argument("files", nargs=-1, metavar="[FILES]...")
@glossary_option
@format_option("text", "json")
def terms(files: tuple[str, ...], glossary_path: str, output_format: str) -> None:
    """List every glossary term in Arabic text, with where it occurs.

    FILES are UTF-8 (or UTF-16 with BOM, or cp1256) text files; with none, or
    with -, read standard input. Clitics such as و ب ل and لل are part of the
    surface shown; finding terms is not a failure, so the exit code is 0.

    \b
    Example:
      tarjama terms article.ar.txt -g glossary.yaml
      cat article.ar.txt | tarjama terms --format json
    """
    glossary = load_glossary(glossary_path)
    rows: list[TermRow] = []
    for path in files or (STDIN,):
        decoded = read_text(path)
        rows.extend(locate_terms(decoded.text, "<stdin>" if path == STDIN else path, glossary))
    output = format_json(rows) if output_format == "json" else format_text(rows, glossary)
    # click.echo rewraps a stdout whose locale says ASCII, so Arabic survives LANG=C.
    click.echo(output, nl=False)
