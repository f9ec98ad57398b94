"""``tarjama translate DIR... --out-dir OUT``: the click side of archive runs.

Parses the archive flags, calls :mod:`translator.archive` and prints; the
translate command hands over to :func:`translate_archive` when an input is a
folder. Imports nothing heavy: Ray only with ``--ray``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence, TypeVar

import click

if TYPE_CHECKING:
    from glossary.model import Glossary
    from translator.archive.plan import ArchiveFile, ArchivePlan
    from translator.archive.run import ArchiveSummary
    from translator.archive.work import FileOutcome
    from translator.models import ModelChoice

F = TypeVar("F", bound=Callable[..., Any])
ARCHIVE_FLAGS = ("include", "exclude", "fail_fast", "ray_address", "workers", "threads_per_worker", "files_per_batch")
DEFAULT_FILES_PER_BATCH = 4


def archive_options(command: F) -> F:
    """The folder-input flags of ``tarjama translate``."""
    options = [
        click.option("--include", multiple=True, metavar="GLOB", help="Folder inputs: translate only files matching GLOB (repeatable)."),
        click.option("--exclude", multiple=True, metavar="GLOB", help="Folder inputs: skip files matching GLOB (repeatable)."),
        click.option("--fail-fast", is_flag=True, help="Folder inputs: stop at the first file that fails."),
        click.option(
            "--ray",
            "ray_address",
            is_flag=False,
            flag_value="",
            default=None,
            metavar="[ADDRESS]",
            help="Folder inputs: run on Ray (no value: $RAY_ADDRESS, else a local instance; 'auto': the running cluster).",
        ),
        click.option("--workers", type=click.IntRange(1), metavar="N", help="Folder inputs: Ray actors (locally: CTranslate2 replicas)."),
        click.option("--threads-per-worker", type=click.IntRange(1), metavar="T", help="Folder inputs: CPU threads per worker (default 1)."),
        click.option(
            "--files-per-batch",
            type=click.IntRange(1),
            metavar="K",
            help=f"Folder inputs on Ray: files per batch sent to an actor (default {DEFAULT_FILES_PER_BATCH}).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def split_ray_address(inputs: tuple[str, ...], ray_address: str | None) -> tuple[tuple[str, ...], str | None]:
    """``--ray corpus/`` read the folder as the address: give it back to the inputs."""
    if ray_address and os.path.isdir(ray_address):
        return (*inputs, ray_address), ""
    return inputs, ray_address


def is_archive(inputs: tuple[str, ...]) -> bool:
    return any(name != "-" and os.path.isdir(name) for name in inputs)


def refuse_archive_flags_without_folders(values: dict[str, Any]) -> None:
    given = [name for name in ARCHIVE_FLAGS if values.get(name) not in (None, False, ())]
    if given:
        flag = "--" + given[0].replace("_address", "").replace("_", "-")
        raise click.UsageError(f"{flag} is for folder inputs (tarjama translate DIR... --out-dir OUT)")


def translate_archive(
    ctx: click.Context,
    inputs: tuple[str, ...],
    out_dir: str | None,
    model: ModelChoice,
    beam: int,
    no_cache: bool,
    progress: bool | None,
    glossary: Glossary | None,
    strict: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    fail_fast: bool,
    ray_address: str | None,
    workers: int | None,
    threads_per_worker: int | None,
    files_per_batch: int | None,
    make_engine: Callable[[ModelChoice, int], Any],
) -> None:
    """Translate folder trees into ``out_dir``; exit 2 listing failed files."""
    from translator.archive.plan import plan_archive
    from translator.archive.progress import ArchiveProgress
    from translator.archive.run import local_runner, run_archive
    from translator.archive.work import EngineRecipe, absolute_model_spec, producer_of
    from translator.cache import default_cache_dir

    folders = [name for name in inputs if os.path.isdir(name)]
    if len(folders) != len(inputs):
        raise click.UsageError("folder inputs cannot be mixed with files or '-'; give the files their own run")
    if out_dir is None:
        raise click.UsageError("folder inputs need --out-dir OUT (the tree is mirrored there)")
    plan = plan_archive(folders, out_dir, include, exclude)
    threads = threads_per_worker or 1
    cache_folder = None if no_cache else default_cache_dir()
    if ray_address is not None:
        from translator.archive.ray_runner import LOCAL, RayOptions, import_ray, ray_runner

        import_ray()  # the one-line install hint before any work
        if model.device == "cuda":
            raise click.UsageError("--ray runs on CPUs for now; drop --device cuda (or run without --ray)")
        recipe = EngineRecipe(
            absolute_model_spec(model.spec), beam, inter_threads=1, intra_threads=threads, compute_type=model.compute_type
        )
        # The driver builds the workers' engine once: the manifest's producer, and
        # what every actor checks its own engine against.
        producer = producer_of(recipe.build(), glossary)
        options = RayOptions(
            address=ray_address or os.environ.get("RAY_ADDRESS") or LOCAL,
            workers=workers,
            threads_per_worker=threads,
            files_per_batch=files_per_batch or DEFAULT_FILES_PER_BATCH,
        )
        runner = ray_runner(options, recipe.build, glossary, Path(out_dir), producer, with_memory=not no_cache)
    else:
        from translator.ct2_engine import ArgosEngine, default_inter_threads
        from translator.device import plan_device

        if workers is None and threads_per_worker is None:
            engine = make_engine(model, beam)
            # One file per CTranslate2 replica at a time (on the CPU: one per core, at most 4).
            on_cpu = plan_device(model.device, model.compute_type).device == "cpu"
            parallel_files = default_inter_threads() if isinstance(engine, ArgosEngine) and on_cpu else 1
        else:
            parallel_files = workers or 1
            engine = EngineRecipe(
                model.spec, beam, parallel_files, threads, device=model.device, compute_type=model.compute_type
            ).build()
        producer = producer_of(engine, glossary)
        runner = local_runner(engine, glossary, Path(out_dir), with_memory=not no_cache, parallel_files=parallel_files)

    show_progress = sys.stderr.isatty() if progress is None else progress
    printer: ArchiveProgress | None = None

    def on_start(to_do: Sequence[ArchiveFile]) -> None:
        nonlocal printer
        if show_progress:
            printer = ArchiveProgress(sys.stderr, len(to_do), sum(item.size for item in to_do))

    def on_outcome(outcome: FileOutcome, item: ArchiveFile) -> None:
        if printer is not None:
            printer(outcome.segments, item.size)
        for warning in outcome.warnings:
            click.echo(warning, err=True)

    summary = run_archive(
        plan, producer, runner, cache_folder, fail_fast=fail_fast, on_start=on_start, on_outcome=on_outcome
    )
    for line in summary_lines(plan, summary, glossary is not None):
        click.echo(line, err=True)
    if summary.failures:
        ctx.exit(3 if summary.internal_failures else 2)
    if strict and summary.enforcement["unenforced"]:
        ctx.exit(1)


def summary_lines(plan: ArchivePlan, summary: ArchiveSummary, with_glossary: bool) -> list[str]:
    """The closing lines: counts, glossary totals, Ray nodes, then one line per failure."""
    from translator.archive.progress import format_duration
    from translator.enforce import EnforcementSummary
    from translator.commands.translate import summary_line

    skipped = (
        f"skipped {plan.skipped_hidden} hidden, {plan.skipped_unsupported} unsupported, "
        f"{plan.skipped_excluded} excluded"
    )
    if plan.skipped_links:
        skipped += f", {plan.skipped_links} links"
    lines = [f"tarjama: warning: {warning}" for warning in summary.memory_warnings]
    lines.append(
        f"archive: {summary.files} files — {summary.translated} translated, {summary.up_to_date} up to date, "
        f"{len(summary.failures)} failed; {skipped}; {summary.segments} segments in {format_duration(summary.seconds)}"
        + (f" (first file after {summary.startup_seconds:.1f} s)" if summary.translated or summary.failures else "")
    )
    if summary.stopped_early:
        lines.append("archive: stopped at the first failure (--fail-fast); rerun to continue")
    if with_glossary:
        counts = summary.enforcement
        lines.append(
            summary_line(
                EnforcementSummary(
                    found=counts["found"],
                    native=counts["native"],
                    prefix=counts["prefix"],
                    post_edit=counts["post_edit"],
                    unenforced=counts["unenforced"],
                )
            )
        )
    nodes = {worker: count for worker, count in summary.by_worker.items() if worker}
    if nodes:
        shown = ", ".join(f"node {worker[:8]}: {count}" for worker, count in sorted(nodes.items()))
        lines.append(f"ray: {sum(nodes.values())} files on {len(nodes)} node{'s' if len(nodes) != 1 else ''} ({shown})")
    lines += [f"tarjama: error: {failure.error}" for failure in sorted(summary.failures, key=lambda f: f.output)]
    return lines
