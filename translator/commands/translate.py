"""``tarjama translate``: Arabic text or Markdown files in, English out."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

import click

from glossary.errors import OutputError
from glossary.options import glossary_option, progress_option
from glossary.textio import DecodedText, open_for_stdout, read_text, write_atomic
from translator.commands.options import device_options, device_was_named

if TYPE_CHECKING:
    from glossary.model import Glossary
    from translator.bilingual import Provenance
    from translator.engine import Engine
    from translator.enforce import EnforcementSummary, SegmentTranslation
    from translator.models import ModelChoice
    from translator.pipeline import TranslatedDocument

SOURCE_CODE, TARGET_CODE = "ar", "en"
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
STDIN = "-"
# translator.bilingual.FORMATS, repeated so --help does not import the core module.
BILINGUAL_FORMATS = ("tsv", "md", "html", "tmx", "jsonl")


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


def bilingual_name(input_path: Path, output_format: str) -> str:
    """``NAME.ar.EXT`` (or ``NAME.EXT``) → ``NAME.ar-en.FORMAT``, e.g. ``article.ar-en.html``."""
    suffix = input_path.suffix
    stem = input_path.name[: -len(suffix)] if suffix else input_path.name
    if stem.lower().endswith(f".{SOURCE_CODE}"):
        stem = stem[: -len(SOURCE_CODE) - 1]
    return f"{stem}.{SOURCE_CODE}-{TARGET_CODE}.{output_format}"


def plan_outputs(
    inputs: list[str],
    output: str | None,
    out_dir: str | None,
    name_of: Callable[[Path], str] = output_name,
) -> list[tuple[str, Path | None]]:
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
            plan.append((name, Path(out_dir) / name_of(Path("stdin.txt")) if out_dir else None))
        else:
            folder = Path(out_dir) if out_dir else Path(name).parent
            plan.append((name, folder / name_of(Path(name))))
    seen: dict[Path, str] = {}
    for name, target in plan:
        if target is None:
            continue
        resolved = _real_path(target)
        if name != STDIN and resolved == _real_path(Path(name)):
            raise click.UsageError(f"{name}: the output would overwrite the input; pass -o or --out-dir")
        if resolved in seen:
            raise click.UsageError(f"{seen[resolved]} and {name} would both be written to {target}")
        seen[resolved] = name
    return plan


def _real_path(path: Path) -> Path:
    """The path with links resolved; unlike Path.resolve, a symlink loop is not an exception
    here (reading the input reports it as one clean error)."""
    return Path(os.path.realpath(path))


def check_output_folders(plan: list[tuple[str, Path | None]], out_dir: str | None) -> None:
    """Fail before any translation work if an output folder cannot exist.

    --out-dir may name a folder that does not exist yet (it is created when the
    outputs are written, so a refused run leaves nothing behind); its nearest
    existing ancestor must then be a folder.
    """
    if out_dir is not None:
        ancestor = Path(out_dir)
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise OutputError(f"cannot create the output folder: {ancestor} is not a folder", path=out_dir)
        return
    for _, target in plan:
        if target is not None and not target.parent.is_dir():
            raise OutputError("the output folder does not exist", path=str(target))


def create_out_dir(out_dir: str | None) -> None:
    if out_dir is None:
        return
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder ({exc.strerror or exc})", path=out_dir) from None


@click.command()
@click.argument("inputs", nargs=-1, metavar="[INPUT...|-]")
@click.option("-o", "--output", metavar="OUT", help="Output file for a single input ('-' = standard output).")
@click.option(
    "--out-dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Folder for the outputs (default: beside each input, NAME.ar.txt → NAME.en.txt).",
)
@click.option(
    "--model",
    "model_spec",
    metavar="NAME|PAIR|PATH",
    help="Installed model name, pair, Argos package (folder or .argosmodel) or converted CTranslate2 model folder.",
)
@click.option("--beam", type=click.IntRange(1, 16), default=4, show_default=True, help="Beam size.")
@device_options
@click.option("--no-cache", is_flag=True, help="Neither read nor write the translation memory.")
@progress_option
@glossary_option
@click.option("--no-glossary", is_flag=True, help="Translate without the glossary.")
@click.option(
    "--report",
    "report_path",
    metavar="FILE.json",
    help="Write the enforcement report (every term occurrence and how it was enforced) as JSON.",
)
@click.option("--strict", is_flag=True, help="Exit 1 if any term occurrence is unenforced (outputs are still written).")
@click.option(
    "--bilingual",
    "bilingual_format",
    type=click.Choice(BILINGUAL_FORMATS),
    help="Write aligned Arabic–English sentence pairs instead of the English (NAME.ar-en.FORMAT).",
)
@click.option(
    "--bilingual-out",
    metavar="PATH",
    help="Write the pairs of all inputs to PATH ('-' = standard output) and the English as usual.",
)
@click.pass_context
def translate(
    ctx: click.Context,
    inputs: tuple[str, ...],
    output: str | None,
    out_dir: str | None,
    model_spec: str | None,
    beam: int,
    device: str,
    compute_type: str,
    no_cache: bool,
    progress: bool | None,
    glossary_path: str,
    no_glossary: bool,
    report_path: str | None,
    strict: bool,
    bilingual_format: str | None,
    bilingual_out: str | None,
) -> None:
    """Translate Arabic .txt or .md files (or standard input) into English.

    Standard input goes to standard output; a file goes beside itself
    (NAME.ar.txt → NAME.en.txt) unless -o or --out-dir says otherwise.
    Markdown keeps code, links, URLs, HTML and front matter untouched.
    Paragraphs and line breaks are kept; outputs are written, atomically,
    only once every input is translated. Already translated sentences come
    from the translation memory (disable with --no-cache).

    The glossary (-g, else $TARJAMA_GLOSSARY, else ./glossary.yaml if it
    exists) is enforced: every term occurrence ends canonical or is listed on
    stderr as unenforced, after a one-line summary. --report writes every
    occurrence and how it was enforced as JSON; --strict exits 1 if any
    occurrence is unenforced.

    --bilingual FORMAT (tsv, md, html, tmx, jsonl) writes the aligned
    sentence pairs instead of the English (NAME.ar-en.FORMAT beside the
    input, or -o); add --bilingual-out PATH to write them there and keep
    the English as usual.

    --model also takes an installed converted model (OPUS-MT, NLLB-200,
    M2M-100: `tarjama model install FOLDER --name NAME`) or its folder.
    --device auto (default) runs on a CUDA GPU when there is one; --device
    cuda without one is an error.

    \b
    Example:
      tarjama translate article.ar.txt              # writes article.en.txt
      tarjama translate a.ar.md b.ar.txt --out-dir en/
      cat article.ar.txt | tarjama translate - --model ar_en.argosmodel
      tarjama translate article.ar.txt -g glossary.yaml --report report.json --strict
      tarjama translate article.ar.txt --bilingual html -o side-by-side.html
      tarjama translate article.ar.txt --bilingual tmx --bilingual-out memory.tmx
      tarjama translate article.ar.txt --model opus-mt-ar-en --device cuda
    """
    from translator.cache import TranslationCache, default_cache_dir
    from translator.enforce import summarize
    from translator.models import ModelChoice
    from translator.pipeline import SourceDocument, segment_translations, translate_documents
    from translator.progress import ProgressPrinter

    if bilingual_out is not None and bilingual_format is None:
        raise click.UsageError("--bilingual-out needs --bilingual FORMAT")
    replaces_english = bilingual_format is not None and bilingual_out is None
    plan = plan_outputs(
        list(inputs),
        output,
        out_dir,
        (lambda path: bilingual_name(path, bilingual_format)) if replaces_english and bilingual_format else output_name,
    )
    if bilingual_out is not None:
        _check_bilingual_out(bilingual_out, plan)
    check_output_folders(plan, out_dir)
    jobs = [
        Job(name, target, read_text(name), Path(name).suffix.lower() in MARKDOWN_SUFFIXES) for name, target in plan
    ]
    glossary = None if no_glossary else _load_glossary(ctx, glossary_path)
    engine = make_engine(ModelChoice(model_spec, device, compute_type, device_was_named(ctx)), beam)
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
    outcomes = [segment_translations(document, glossary) for document in translated]
    provenance = None
    if bilingual_format is not None:
        from translator import __version__
        from translator.bilingual import Provenance

        provenance = Provenance(__version__, engine.name, engine.version, glossary.digest if glossary else None)
    create_out_dir(out_dir)
    for job, document, translations in zip(jobs, translated, outcomes):
        if replaces_english and bilingual_format is not None and provenance is not None:
            text = _bilingual_text(bilingual_format, [(document, translations)], provenance)
        elif job.decoded.newline != "\n":
            text = document.text.replace("\n", job.decoded.newline)
        else:
            text = document.text
        if job.output_path is None:
            _write_stdout(text)
        else:
            write_atomic(job.output_path, text)
    if bilingual_out is not None and bilingual_format is not None and provenance is not None:
        pairs_text = _bilingual_text(bilingual_format, list(zip(translated, outcomes)), provenance)
        if bilingual_out == STDIN:
            _write_stdout(pairs_text)
        else:
            write_atomic(bilingual_out, pairs_text)
    if report_path is not None:
        write_atomic(report_path, _report_json(translated, outcomes, glossary, engine))
    all_outcomes = [translation for per_file in outcomes for translation in per_file]
    if glossary is not None:
        click.echo(summary_line(summarize(all_outcomes)), err=True)
    unenforced = unenforced_warnings(translated, outcomes)
    for warning in unenforced:
        click.echo(warning, err=True)
    if strict and unenforced:
        ctx.exit(1)


def _check_bilingual_out(bilingual_out: str, plan: list[tuple[str, Path | None]]) -> None:
    if bilingual_out == STDIN:
        if any(target is None for _, target in plan):
            raise click.UsageError("the English and --bilingual-out cannot both go to standard output")
        return
    resolved = _real_path(Path(bilingual_out))
    for name, target in plan:
        if name != STDIN and resolved == _real_path(Path(name)):
            raise click.UsageError(f"{name}: --bilingual-out would overwrite the input")
        if target is not None and resolved == _real_path(target):
            raise click.UsageError(f"{name}: --bilingual-out and the English output are both {target}")


def _bilingual_text(
    output_format: str,
    documents: Sequence[tuple[TranslatedDocument, Sequence[SegmentTranslation]]],
    provenance: Provenance,
) -> str:
    """The documents' aligned pairs; the English of each pair as it stands in the output."""
    from dataclasses import replace

    from translator.bilingual import align_pairs, render
    from translator.segment import clean_translation

    pairs = []
    for document, translations in documents:
        shown = [
            replace(translation, text=clean_translation(segment.translation, segment.segment.starts_sentence))
            for segment, translation in zip(document.segments, translations)
        ]
        offsets = [segment.segment.start for segment in document.segments]
        pairs += align_pairs(document.source.path, document.source.text, offsets, shown)
    return render(output_format, pairs, provenance)


def make_engine(model: ModelChoice | str | None, beam: int) -> Engine:
    """The production engine for ``--model`` on ``--device``; tests replace this to inject a fake one.

    ``--device auto`` falling back to the CPU is said once on stderr, when the
    user asked for auto by name.
    """
    from translator.ct2_engine import DEFAULT_MAX_BATCH_TOKENS, ArgosEngine
    from translator.device import FALLBACK_NOTE, plan_device
    from translator.models import ModelChoice, resolve_model_files

    choice = model if isinstance(model, ModelChoice) else ModelChoice(model)
    plan = plan_device(choice.device, choice.compute_type)
    files = resolve_model_files(choice.spec, SOURCE_CODE, TARGET_CODE)
    if plan.fell_back and choice.device_explicit:
        click.echo(FALLBACK_NOTE, err=True)
    return ArgosEngine(
        files,
        beam_size=beam,
        device=plan.device,
        compute_type=plan.compute_type,
        inter_threads=plan.inter_threads,
        max_batch_tokens=plan.max_batch_tokens or DEFAULT_MAX_BATCH_TOKENS,
    )


def summary_line(summary: EnforcementSummary) -> str:
    """``glossary: 110 occurrences — 102 native, 4 prefix, 2 post-edit, 2 unenforced``."""
    noun = "occurrence" if summary.found == 1 else "occurrences"
    return (
        f"glossary: {summary.found} {noun} — {summary.native} native, {summary.prefix} prefix, "
        f"{summary.post_edit} post-edit, {summary.unenforced} unenforced"
    )


def unenforced_warnings(
    documents: Sequence[TranslatedDocument], outcomes: Sequence[Sequence[SegmentTranslation]]
) -> list[str]:
    """``FILE:LINE:COL: warning unenforced: SURFACE → TARGET``, one per unenforced occurrence."""
    from glossary.findings import WARNING, Finding
    from translator.enforce import UNENFORCED
    from translator.report import line_and_column

    warnings = []
    for document, translations in zip(documents, outcomes):
        for segment, translation in zip(document.segments, translations):
            for outcome in translation.outcomes:
                if outcome.method != UNENFORCED:
                    continue
                occurrence = outcome.occurrence
                line, column = line_and_column(document.source.text, segment.segment.start + occurrence.start)
                finding = Finding(
                    rule=UNENFORCED,
                    severity=WARNING,
                    message=f"{occurrence.surface} → {occurrence.entry.target}",
                    path=document.source.path,
                    line=line,
                    column=column,
                    entry_target=occurrence.entry.target,
                )
                warnings.append(finding.as_text())
    return warnings


def _report_json(
    documents: Sequence[TranslatedDocument],
    outcomes: Sequence[Sequence[SegmentTranslation]],
    glossary: Glossary | None,
    engine: Engine,
) -> str:
    import json

    from translator.report import ReportedFile, build_report

    files = [
        ReportedFile(
            path=document.source.path,
            text=document.source.text,
            segment_offsets=[segment.segment.start for segment in document.segments],
            translations=translations,
        )
        for document, translations in zip(documents, outcomes)
    ]
    report = build_report(files, glossary, engine.name, engine.version)
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


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
