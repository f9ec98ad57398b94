"""``tarjama glossary suggest``: candidate entries from a corpus, with proposed renderings.

Argument parsing, formatting and printing only: candidates come from
:mod:`glossary.suggest`; renderings from :mod:`translator.suggest_renderings`,
imported only when a model is used, so ``--no-model`` never loads the model stack.
"""
from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any, Sequence

import click

from glossary.errors import ModelNotInstalled
from glossary.model import Entry, Glossary
from glossary.options import format_option, glossary_option, progress_option
from glossary.suggest import (
    DEFAULT_MIN_COUNT,
    DEFAULT_TOP,
    CorpusDocument,
    Proposal,
    Suggestions,
    example_context,
    occurrence_place,
    read_corpus,
    suggest_candidates,
    without_renderings,
)
from glossary.textio import write_atomic
from glossary.yamlio import header_lines, load_glossary, render_entry

if TYPE_CHECKING:
    from translator.engine import Engine

# The target written for a candidate no model proposed a rendering for.
NO_TARGET = "TODO"


def _tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tarjama")
    except PackageNotFoundError:
        return "unknown"


def _load_optional_glossary(ctx: click.Context, glossary_path: str) -> Glossary | None:
    """The -g glossary; the default ./glossary.yaml only if it exists (else nothing is covered)."""
    source = ctx.get_parameter_source("glossary_path")
    if source == click.core.ParameterSource.DEFAULT and not os.path.exists(glossary_path):
        return None
    return load_glossary(glossary_path)


def _engine(model_spec: str | None, no_model: bool) -> Engine | None:
    """The engine for --model, else the installed ar→en one if any; None with --no-model."""
    if no_model:
        return None
    from translator.commands.translate import make_engine
    from translator.ct2_engine import DEFAULT_BEAM_SIZE

    if model_spec is not None:
        return make_engine(model_spec, DEFAULT_BEAM_SIZE)
    try:
        return make_engine(None, DEFAULT_BEAM_SIZE)
    except ModelNotInstalled:
        click.echo("tarjama: note: no ar→en model installed; listing candidates without renderings", err=True)
        return None


def _with_renderings(
    documents: Sequence[CorpusDocument], suggestions: Suggestions, engine: Engine | None, progress: bool | None
) -> list[Proposal]:
    """The candidates as proposals: with the engine's renderings (one batch), or without."""
    if engine is None:
        return without_renderings(suggestions.candidates)
    from translator.progress import ProgressPrinter
    from translator.suggest_renderings import propose_renderings

    show_progress = sys.stderr.isatty() if progress is None else progress
    printer = ProgressPrinter(sys.stderr, label="decoding") if show_progress else None
    return propose_renderings(documents, suggestions.candidates, engine, progress=printer, rivals=suggestions.runners_up)


@click.command("suggest")
@click.argument("paths", nargs=-1, required=True, metavar="PATHS...")
@glossary_option
@click.option("--top", type=click.IntRange(min=1), default=DEFAULT_TOP, show_default=True, help="List this many candidates.")
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=DEFAULT_MIN_COUNT,
    show_default=True,
    help="Only candidates occurring at least this often (at the default, names opening with a head noun such as كتائب or هيئة are listed from one occurrence).",
)
@click.option("--model", "model_spec", metavar="PAIR|PATH", help="Argos package for renderings (default: the installed ar→en one).")
@click.option("--no-model", is_flag=True, help="No renderings; never loads the model stack.")
@format_option("text", "json", "yaml")
@click.option("-o", "--output", "output_path", metavar="FILE", help="Write here (atomically) instead of stdout.")
@progress_option
@click.pass_context
def suggest_command(
    ctx: click.Context,
    paths: tuple[str, ...],
    glossary_path: str,
    top: int,
    min_count: int,
    model_spec: str | None,
    no_model: bool,
    output_format: str,
    output_path: str | None,
    progress: bool | None,
) -> None:
    """List names and terms in Arabic PATHS (files, folders) that the glossary lacks, best first.

    Clitic forms and spelling variants are one candidate. With a model, each
    candidate gets the renderings the model produces for it, with counts;
    one rendered several ways is marked INCONSISTENT and ranked up. yaml
    output is a glossary to review and then import with
    `tarjama glossary import FILE --merge`.

    \b
    Example:
      tarjama glossary suggest articles/ -g glossary.yaml --no-model
      tarjama glossary suggest article.ar.txt --model ar-en --format yaml -o candidates.yaml
      tarjama glossary import candidates.yaml --merge
    """
    if model_spec is not None and no_model:
        raise click.UsageError("--model and --no-model exclude each other")
    glossary = _load_optional_glossary(ctx, glossary_path)
    documents = read_corpus(paths)
    # At the default --min-count, a name a head noun opens (كتائب حزب الله) is
    # listed from its first occurrence; an explicit --min-count applies to all.
    headed_once = ctx.get_parameter_source("min_count") == click.core.ParameterSource.DEFAULT
    suggestions = suggest_candidates(documents, glossary, top=top, min_count=min_count, headed_once=headed_once)
    engine = _engine(model_spec, no_model) if suggestions.candidates else None
    proposals = _with_renderings(documents, suggestions, engine, progress)
    model = {"name": engine.name, "version": engine.version} if engine is not None else None
    if not proposals:
        click.echo(
            f"tarjama: no candidates in {_plural(len(documents), 'document')} ({suggestions.words} words,"
            f" --min-count {min_count})",
            err=True,
        )
    if output_format == "json":
        output = format_json(proposals, documents, suggestions, glossary, model, top, min_count, headed_once)
    elif output_format == "yaml":
        output = format_yaml(proposals, documents, glossary, model)
    else:
        output = format_text(proposals, documents, suggestions, glossary, model) if proposals else ""
    if output_path is not None and output_path != "-":
        write_atomic(output_path, output)
        click.echo(f"wrote {_plural(len(proposals), 'candidate')} to {output_path}", err=True)
    elif output:
        click.echo(output, nl=False)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _counted(items: Sequence[tuple[str, int]]) -> str:
    return "; ".join(f"{text} ×{count}" for text, count in items)


def _example(documents: Sequence[CorpusDocument], proposal: Proposal) -> dict[str, Any]:
    occurrence = proposal.candidate.occurrences[0]
    document = documents[occurrence.document]
    line, column, label = occurrence_place(document, occurrence)
    example: dict[str, Any] = {"file": document.path, "line": line, "column": column}
    if label is not None:
        example["label"] = label
    example["context"] = example_context(document, occurrence)
    return example


def _where(example: dict[str, Any]) -> str:
    """``FILE:LINE:COL`` (or ``FILE:LABEL`` for a document part without lines)."""
    if example["line"] is None:
        return f"{example['file']}:{example.get('label', '')}"
    return f"{example['file']}:{example['line']}:{example['column']}"


def _provenance(glossary: Glossary | None, model: dict[str, str] | None) -> str:
    glossary_text = f"{glossary.path} ({glossary.digest[:12]})" if glossary is not None else "none"
    model_text = f"{model['name']} {model['version']}" if model else "none"
    return f"glossary: {glossary_text}; model: {model_text}"


def format_text(
    proposals: Sequence[Proposal],
    documents: Sequence[CorpusDocument],
    suggestions: Suggestions,
    glossary: Glossary | None,
    model: dict[str, str] | None,
) -> str:
    """Human output: one block per candidate (README, “tarjama glossary suggest”)."""
    lines: list[str] = []
    for rank, proposal in enumerate(proposals, start=1):
        candidate = proposal.candidate
        flag = "  INCONSISTENT" if proposal.inconsistent else ""
        target = f" → {proposal.target}" if proposal.target else ""
        lines.append(
            f"{rank:>3}. {candidate.source}{target}  (score {proposal.score:.2f}, {_plural(candidate.count, 'occurrence')},"
            f" {_plural(candidate.documents, 'document')}){flag}"
        )
        lines.append(f"     forms: {_counted(candidate.forms)}")
        if proposal.renderings is not None:
            lines.append(f"     renderings: {_counted(proposal.renderings) or '(none aligned)'}")
        example = _example(documents, proposal)
        lines.append(f"     e.g. {_where(example)}: {example['context']}")
    lines.append(
        f"{_plural(len(proposals), 'candidate')} from {suggestions.words} words in"
        f" {_plural(len(documents), 'document')} ({_provenance(glossary, model)})"
    )
    return "\n".join(lines) + "\n"


def format_json(
    proposals: Sequence[Proposal],
    documents: Sequence[CorpusDocument],
    suggestions: Suggestions,
    glossary: Glossary | None,
    model: dict[str, str] | None,
    top: int,
    min_count: int,
    headed_once: bool = False,
) -> str:
    """Machine output (schema in README.md, “tarjama glossary suggest”)."""
    payload = {
        "tool": "tarjama",
        "tool_version": _tool_version(),
        "glossary": glossary.path if glossary is not None else None,
        "glossary_digest": glossary.digest if glossary is not None else None,
        "model": model,
        "documents": list(suggestions.documents),
        "words": suggestions.words,
        "top": top,
        "min_count": min_count,
        "headed_once": headed_once,
        "candidates": [
            {
                "rank": rank,
                "source": proposal.candidate.source,
                "key": proposal.candidate.key,
                "words": proposal.candidate.words,
                "score": proposal.score,
                "count": proposal.candidate.count,
                "documents": proposal.candidate.documents,
                "cued": proposal.candidate.cued,
                "association": proposal.candidate.association,
                "forms": [{"form": form, "count": count} for form, count in proposal.candidate.forms],
                "renderings": (
                    [{"text": text, "count": count} for text, count in proposal.renderings]
                    if proposal.renderings is not None
                    else None
                ),
                "inconsistent": proposal.inconsistent,
                "example": _example(documents, proposal),
            }
            for rank, proposal in enumerate(proposals, start=1)
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def format_yaml(
    proposals: Sequence[Proposal],
    documents: Sequence[CorpusDocument],
    glossary: Glossary | None,
    model: dict[str, str] | None,
) -> str:
    """A tarjama glossary of the candidates, the evidence in a comment above each entry."""
    header = Glossary(
        entries=(),
        source_lang=glossary.source_lang if glossary is not None else "ar",
        target_lang=glossary.target_lang if glossary is not None else "en",
    )
    lines = [
        f"# Candidate entries from tarjama {_tool_version()} glossary suggest ({_provenance(glossary, model)}).",
        "# Review each entry (fix or drop it; targets TODO have no proposed rendering), then run:",
        "#   tarjama glossary import THIS-FILE --merge",
        *header_lines(header),
    ]
    if not proposals:
        lines.append("terms: []")
        return "\n".join(lines) + "\n"
    lines.append("terms:")
    for rank, proposal in enumerate(proposals, start=1):
        candidate = proposal.candidate
        example = _example(documents, proposal)
        evidence = [
            f"rank {rank}: score {proposal.score:.2f}, {_plural(candidate.count, 'occurrence')} in"
            f" {_plural(candidate.documents, 'document')}",
            f"forms: {_counted(candidate.forms)}",
        ]
        if proposal.renderings is not None:
            flag = " (INCONSISTENT: the model renders it several ways)" if proposal.inconsistent else ""
            evidence.append(f"renderings: {_counted(proposal.renderings) or '(none aligned)'}{flag}")
        evidence.append(f"e.g. {_where(example)}: {example['context']}")
        lines.append("")
        lines.extend("  # " + " ".join(line.split()) for line in evidence)
        entry = Entry(sources=(candidate.source,), target=proposal.target or NO_TARGET)
        lines.extend(render_entry(entry, 2, 4))
    return "\n".join(lines) + "\n"
