"""``tarjama glossary export`` and ``tarjama glossary import``: TBX-Basic, CSV, TSV.

Only argument parsing and printing; the formats live in :mod:`glossary.exchange`.
"""
from __future__ import annotations

import os

import click

from glossary.exchange import FORMATS, MERGE, REPLACE, export_bytes, import_exchange
from glossary.options import glossary_option
from glossary.textio import write_atomic
from glossary.yamlio import load_glossary

_SUFFIX_FORMATS = {".tbx": "tbx", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".yaml": "yaml", ".yml": "yaml"}


def _format_for(chosen: str | None, path: str | None, option: str) -> str:
    """The ``--to``/``--from`` value, else the one the file name's suffix names."""
    if chosen:
        return chosen
    guessed = _SUFFIX_FORMATS.get(os.path.splitext(path or "")[1].lower())
    if guessed is None:
        raise click.UsageError(f"missing {option} {'|'.join(FORMATS)} (the file name does not say which)")
    return guessed


@click.command("export")
@glossary_option
@click.option(
    "--to",
    "to_format",
    type=click.Choice(FORMATS),
    help="tbx (TBX-Basic 2019), csv (UTF-8 with BOM, for Excel), tsv or yaml. Default: from -o's suffix.",
)
@click.option("-o", "--output", "output_path", metavar="OUT", help="Write here (atomically) instead of stdout.")
def export_command(glossary_path: str, to_format: str | None, output_path: str | None) -> None:
    """Write the glossary as TBX-Basic, CSV or TSV for CAT tools and MT services.

    CSV/TSV are the two headerless columns (source, target) that DeepL and
    Google accept when every entry is one source form and a target; otherwise
    a header row source,target,accept,avoid,type,note with lists joined by |.

    \b
    Example:
      tarjama glossary export --to tbx -o glossary.tbx
      tarjama glossary export --to csv > deepl-glossary.csv
    """
    to_format = _format_for(to_format, output_path, "--to")
    glossary = load_glossary(glossary_path)
    data = export_bytes(glossary, to_format)
    if output_path is None or output_path == "-":
        click.echo(data, nl=False)  # bytes go to the binary stream: no locale re-encoding
        return
    write_atomic(output_path, data)
    count = len(glossary.entries)
    click.echo(f"exported {count} {'entry' if count == 1 else 'entries'} to {output_path}", err=True)


@click.command("import")
@click.argument("import_path", metavar="FILE")
@click.option(
    "--from",
    "from_format",
    type=click.Choice(FORMATS),
    help="tbx (TBX-Basic 2019 or 2008/martif), csv, tsv or yaml (a tarjama glossary). Default: from FILE's suffix.",
)
@glossary_option
@click.option(
    "--merge/--replace",
    "merge",
    default=True,
    show_default=True,
    help="--merge adds new entries and keeps the glossary's on conflict; --replace swaps all terms for FILE's.",
)
def import_command(import_path: str, from_format: str | None, glossary_path: str, merge: bool) -> None:
    """Import terms from a TBX, CSV, TSV or tarjama YAML file into the glossary.

    Validated like the YAML file itself (errors point at FILE:LINE:COL, exit 2);
    the glossary is rewritten atomically under its edit lock. A source form the
    glossary already renders differently is a conflict: --merge keeps the
    glossary's entry and prints a warning.

    \b
    Example:
      tarjama glossary import termbase.tbx --from tbx
      tarjama glossary import deepl-glossary.csv --from csv --replace
    """
    from_format = _format_for(from_format, import_path, "--from")
    result = import_exchange(import_path, from_format, glossary_path, MERGE if merge else REPLACE)
    for conflict in result.conflicts:
        click.echo(conflict.as_text(), err=True)
    click.echo(result.summary())
