"""``tarjama translate``: Arabic text or Markdown files in, English out."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from glossary.options import glossary_option, progress_option
from glossary.textio import DecodedText, open_for_stdout, read_text, write_atomic

if TYPE_CHECKING:
    from glossary.model import Glossary

SOURCE_CODE, TARGET_CODE = "ar", "en"
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
STDIN = "-"


@dataclass(frozen=True)
class Job:
    """One input file and where its translation goes (None: standard output)."""

    input_path: str
    output_path: Path | None
    decoded: DecodedText
    markdown: bool


def output_name(input_path: Path) -> str:
    """``NAME.ar.EXT`` → ``NAME.en.EXT``; ``NAME.EXT`` → ``NAME.en.EXT``."""
    suffix = input_path.suffix
    stem = input_path.name[: -len(suffix)] if suffix else input_path.name
    if stem.lower().endswith(f".{SOURCE_CODE}"):
        stem = stem[: -len(SOURCE_CODE) - 1]
    return f"{stem}.{TARGET_CODE}{suffix}"


def plan_outputs(inputs: list[str], output: str | None, out_dir: str | None) -> list[tuple[str, Path | None]]:
    """Pair each input with its output path; raises click.UsageError on a bad combination."""
    if not inputs:
        inputs = [STDIN]
    if STDIN in inputs and len(inputs) > 1:
        raise click.UsageError("'-' (standard input) cannot be combined with other inputs")
    if output is not None and len(inputs) > 1:
        raise click.UsageError("-o/--output takes one input; use --out-dir DIR for several")
    if output is not None and out_dir is not None:
        raise click.UsageError("use either -o/--output or --out-dir, not both")
    plan: list[tuple[str, Path | None]] = []
    for name in inputs:
        if output is not None:
            plan.append((name, None if output == STDIN else Path(output)))
        elif name == STDIN:
            plan.append((name, Path(out_dir) / "stdin.en.txt" if out_dir else None))
        else:
            folder = Path(out_dir) if out_dir else Path(name).parent
            plan.append((name, folder / output_name(Path(name))))
    seen: dict[Path, str] = {}
    for name, target in plan:
        if target is None:
            continue
        resolved = target.resolve()
        if name != STDIN and resolved == Path(name).resolve():
            raise click.UsageError(f"{name}: the output would overwrite the input; pass -o or --out-dir")
        if resolved in seen:
            raise click.UsageError(f"{seen[resolved]} and {name} would both be written to {target}")
        seen[resolved] = name
    return plan


@click.command()
@click.argument("inputs", nargs=-1, metavar="[INPUT...|-]")
@click.option("-o", "--output", metavar="OUT", help="Output file for a single input ('-' = standard output).")
@click.option(
    "--out-dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Folder for the outputs (default: beside each input, NAME.ar.txt → NAME.en.txt).",
)
@click.option("--model", "model_spec", metavar="PAIR|PATH", help="Argos package: installed pair, folder or .argosmodel file.")
@click.option("--beam", type=click.IntRange(1, 16), default=4, show_default=True, help="Beam size.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the translation memory.")
@progress_option
@glossary_option
@click.option("--no-glossary", is_flag=True, help="Translate without the glossary.")
@click.pass_context
def translate(
    ctx: click.Context,
    inputs: tuple[str, ...],
    output: str | None,
    out_dir: str | None,
    model_spec: str | None,
    beam: int,
    no_cache: bool,
    progress: bool | None,
    glossary_path: str,
    no_glossary: bool,
) -> None:
    """Translate Arabic .txt or .md files (or standard input) into English.

    Standard input goes to standard output; a file goes beside itself
    (NAME.ar.txt → NAME.en.txt) unless -o or --out-dir says otherwise.
    Markdown keeps code, links, URLs, HTML and front matter untouched.
    Paragraphs and line breaks are kept; outputs are written, atomically,
    only once every input is translated. Already translated sentences come
    from the translation memory (disable with --no-cache).

    \b
    Example:
      tarjama translate article.ar.txt              # writes article.en.txt
      tarjama translate a.ar.md b.ar.txt --out-dir en/
      cat article.ar.txt | tarjama translate - --model ar_en.argosmodel
    """
    from translator.cache import TranslationCache, default_cache_dir
    from translator.ct2_engine import ArgosEngine
    from translator.packages import resolve_model
    from translator.pipeline import SourceDocument, translate_documents
    from translator.progress import ProgressPrinter

    plan = plan_outputs(list(inputs), output, out_dir)
    jobs = [
        Job(name, target, read_text(name), Path(name).suffix.lower() in MARKDOWN_SUFFIXES) for name, target in plan
    ]
    glossary = None if no_glossary else _load_glossary(ctx, glossary_path)
    engine = ArgosEngine(resolve_model(model_spec, SOURCE_CODE, TARGET_CODE), beam_size=beam)
    cache = None if no_cache else TranslationCache(default_cache_dir())
    show_progress = sys.stderr.isatty() if progress is None else progress
    try:
        translated = translate_documents(
            [SourceDocument("<stdin>" if job.input_path == STDIN else job.input_path, job.decoded.text, job.markdown) for job in jobs],
            engine,
            cache=cache,
            glossary=glossary,
            progress_callback=ProgressPrinter(sys.stderr) if show_progress else None,
        )
    finally:
        if cache is not None:
            cache.close()
            for warning in cache.warnings:
                click.echo(f"tarjama: warning: {warning}", err=True)
    for job, document in zip(jobs, translated):
        text = document.text.replace("\n", job.decoded.newline) if job.decoded.newline != "\n" else document.text
        if job.output_path is None:
            _write_stdout(text)
        else:
            write_atomic(job.output_path, text)


def _write_stdout(text: str) -> None:
    try:
        sys.stdout.flush()
        stdout = open_for_stdout()
    except (AttributeError, OSError, ValueError):  # no real file descriptor (CliRunner, some IDEs)
        click.echo(text, nl=False)
        return
    with stdout:
        stdout.write(text)


def _load_glossary(ctx: click.Context, glossary_path: str) -> Glossary | None:
    """The glossary when one was named or ./glossary.yaml exists; None otherwise."""
    source = ctx.get_parameter_source("glossary_path")
    if source == click.core.ParameterSource.DEFAULT and not os.path.exists(glossary_path):
        return None
    from glossary.yamlio import load_glossary

    return load_glossary(glossary_path)
