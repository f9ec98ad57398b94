"""One archive run: decide what to redo, run it (locally or on Ray), record it.

The driver is the only writer of the manifest and of the translation memory;
runners only yield :class:`~translator.archive.work.FileOutcome` values, in
any order. What is recorded is recorded as soon as each file finishes, so an
interrupted run keeps everything done and the next one continues from there.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from translator.archive.manifest import (
    ENFORCEMENT_KEYS,
    MANIFEST_NAME,
    STATUS_ERROR,
    ManifestWriter,
    Producer,
    is_up_to_date,
    load_manifest,
    sha256_file,
)
from translator.archive.memory import SnapshotMemory, remove_snapshot, take_snapshot
from translator.archive.plan import ArchiveFile, ArchivePlan
from translator.archive.work import FileOutcome, translate_file
from translator.cache import CachedTranslation

if TYPE_CHECKING:
    from glossary.model import Glossary
    from translator.engine import Engine

# Runs the work for ``files`` with the memory snapshot (None: no memory) and
# yields one outcome per file, in any order.
Runner = Callable[[Sequence[ArchiveFile], "str | None"], Iterator[FileOutcome]]


@dataclass
class ArchiveSummary:
    """What a run did, for the closing lines on stderr (and benchmarks)."""

    files: int = 0  # supported files in the plan
    up_to_date: int = 0  # skipped: output present and matching the manifest
    translated: int = 0
    segments: int = 0
    enforcement: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENFORCEMENT_KEYS, 0))
    failures: list[FileOutcome] = field(default_factory=list)
    warnings: int = 0
    by_worker: Counter[str] = field(default_factory=Counter)
    stopped_early: bool = False  # --fail-fast stopped it
    startup_seconds: float = 0.0  # run start to the first finished file
    seconds: float = 0.0
    memory_warnings: list[str] = field(default_factory=list)

    @property
    def internal_failures(self) -> int:
        return sum(1 for failure in self.failures if failure.internal)


def files_to_do(plan: ArchivePlan, producer: Producer) -> tuple[list[ArchiveFile], int]:
    """The files whose output is missing, changed, corrupted or made by another
    model/glossary/setting; and how many are up to date."""
    records = load_manifest(plan.state_dir / MANIFEST_NAME)
    to_do = []
    for item in plan.files:
        record = records.get(item.output_relative)
        if not is_up_to_date(record, sha256_file(item.source), plan.out_dir / item.output_relative, producer):
            to_do.append(item)
    return to_do, len(plan.files) - len(to_do)


def run_archive(
    plan: ArchivePlan,
    producer: Producer,
    runner: Runner,
    cache_folder: Path | None,
    fail_fast: bool = False,
    on_outcome: Callable[[FileOutcome, ArchiveFile], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ArchiveSummary:
    """Translate what ``plan`` still needs; the manifest records every finished file."""
    from translator.cache import TranslationCache

    started = clock()
    summary = ArchiveSummary(files=len(plan.files))
    to_do, summary.up_to_date = files_to_do(plan, producer)
    by_output = {item.output_relative: item for item in to_do}
    writer = ManifestWriter(plan.state_dir / MANIFEST_NAME, load_manifest(plan.state_dir / MANIFEST_NAME))
    snapshot, warning = (None, None)
    if cache_folder is not None and to_do:
        snapshot, warning = take_snapshot(cache_folder, plan.state_dir)
    if warning:
        summary.memory_warnings.append(warning)
    memory = TranslationCache(cache_folder) if cache_folder is not None else None
    try:
        if to_do:
            for outcome in runner(to_do, str(snapshot.resolve()) if snapshot else None):
                if summary.translated + len(summary.failures) == 0:
                    summary.startup_seconds = clock() - started
                writer.append(outcome.record(producer))
                if memory is not None and outcome.new_memory:
                    memory.put_many(
                        {key: CachedTranslation(text, details) for key, text, details in outcome.new_memory}, replace=False
                    )
                _count(summary, outcome)
                if on_outcome is not None:
                    on_outcome(outcome, by_output[outcome.output])
                if fail_fast and outcome.status == STATUS_ERROR:
                    summary.stopped_early = True
                    break
        writer.close()
    except BaseException:
        writer.abandon()  # every appended line stays; the next run compacts
        raise
    finally:
        remove_snapshot(snapshot)
        if memory is not None:
            memory.close()
            summary.memory_warnings += memory.warnings
    summary.seconds = clock() - started
    return summary


def _count(summary: ArchiveSummary, outcome: FileOutcome) -> None:
    summary.by_worker[outcome.worker] += 1
    if outcome.status == STATUS_ERROR:
        summary.failures.append(outcome)
        return
    summary.translated += 1
    summary.segments += outcome.segments
    summary.warnings += len(outcome.warnings)
    for key in ENFORCEMENT_KEYS:
        summary.enforcement[key] += outcome.enforcement.get(key, 0)


def local_runner(engine: Engine, glossary: Glossary | None, out_dir: Path, with_memory: bool = True) -> Runner:
    """Translate the files one after the other in this process, with one engine."""

    def run(files: Sequence[ArchiveFile], snapshot: str | None) -> Iterator[FileOutcome]:
        memory = SnapshotMemory(snapshot) if with_memory else None
        try:
            for item in files:
                yield translate_file(item, out_dir, engine, glossary, memory)
        finally:
            if memory is not None:
                memory.close()

    return run
