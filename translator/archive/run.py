"""One archive run: decide what to redo, run it (locally or on Ray), record it.

The driver is the only writer of the manifest and of the translation memory;
runners only yield :class:`~translator.archive.work.FileOutcome` values, in
any order. What is recorded is recorded as soon as each file finishes, so an
interrupted run keeps everything done and the next one continues from there.
"""
from __future__ import annotations

import itertools
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from glossary.errors import OutputError
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
    on_start: Callable[[Sequence[ArchiveFile]], None] | None = None,
    on_outcome: Callable[[FileOutcome, ArchiveFile], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ArchiveSummary:
    """Translate what ``plan`` still needs; the manifest records every finished file.

    ``on_start`` is called with the files to do (before any work), ``on_outcome``
    after each one is recorded.
    """
    from translator.cache import TranslationCache

    started = clock()
    summary = ArchiveSummary(files=len(plan.files))
    to_do, summary.up_to_date = files_to_do(plan, producer)
    if on_start is not None:
        on_start(to_do)
    by_output = {item.output_relative: item for item in to_do}
    if to_do:
        try:
            plan.state_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the output folder ({exc.strerror or exc})", path=str(plan.out_dir)) from None
    writer = ManifestWriter(plan.state_dir / MANIFEST_NAME, load_manifest(plan.state_dir / MANIFEST_NAME))
    snapshot, warning = (None, None)
    if cache_folder is not None and to_do:
        snapshot, warning = take_snapshot(cache_folder, plan.state_dir)
    if warning:
        summary.memory_warnings.append(warning)
    memory = TranslationCache(cache_folder) if cache_folder is not None else None
    try:
        outcomes = runner(to_do, str(snapshot.resolve()) if snapshot else None) if to_do else iter(())
        try:
            for outcome in outcomes:
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
        finally:
            # Ends the runner now (a Ray runner shuts down the Ray it started), not at garbage collection.
            close = getattr(outcomes, "close", None)
            if close is not None:
                close()
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


def local_runner(
    engine: Engine, glossary: Glossary | None, out_dir: Path, with_memory: bool = True, parallel_files: int = 1
) -> Runner:
    """Translate the files in this process with one engine, ``parallel_files`` at a time.

    Several files at once keep several CTranslate2 replicas busy (``inter_threads``):
    one file's few sentences fill one batch, so file after file would leave all
    replicas but one idle. CTranslate2 releases the GIL while it decodes.
    """

    def run(files: Sequence[ArchiveFile], snapshot: str | None) -> Iterator[FileOutcome]:
        if parallel_files <= 1:
            memory = SnapshotMemory(snapshot) if with_memory else None
            try:
                for item in files:
                    yield translate_file(item, out_dir, engine, glossary, memory)
            finally:
                if memory is not None:
                    memory.close()
            return
        yield from _run_in_threads(files, snapshot, engine, glossary, out_dir, with_memory, parallel_files)

    return run


def _run_in_threads(
    files: Sequence[ArchiveFile],
    snapshot: str | None,
    engine: Engine,
    glossary: Glossary | None,
    out_dir: Path,
    with_memory: bool,
    parallel_files: int,
) -> Iterator[FileOutcome]:
    import threading
    from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

    local = threading.local()  # one snapshot connection per thread (sqlite3 connections are per thread)
    memories: list[SnapshotMemory] = []

    def work(item: ArchiveFile) -> FileOutcome:
        if with_memory and not hasattr(local, "memory"):
            local.memory = SnapshotMemory(snapshot)
            memories.append(local.memory)
        return translate_file(item, out_dir, engine, glossary, getattr(local, "memory", None))

    pending = iter(files)
    executor = ThreadPoolExecutor(max_workers=parallel_files, thread_name_prefix="tarjama-archive")
    in_flight: set[Future[FileOutcome]] = set()
    try:
        # A bounded window: millions of files are never all queued at once.
        for item in itertools.islice(pending, 2 * parallel_files):
            in_flight.add(executor.submit(work, item))
        while in_flight:
            done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
                for item in itertools.islice(pending, 1):
                    in_flight.add(executor.submit(work, item))
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        for memory in memories:
            memory.close()
