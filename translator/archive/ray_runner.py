"""The archive job as a Ray Data pipeline: the ONLY module that imports ``ray``.

    rows (one per file: ``from_items``, or ``read_json`` of a plan file for big archives)
      → map_batches(ArchiveTranslator, compute=ActorPoolStrategy(size=N), num_cpus=T)
      → small status rows, consumed by the driver as they stream in.

Each actor holds one engine (CTranslate2 ``inter_threads=1, intra_threads=T``),
reads the memory snapshot, writes its outputs atomically and returns one
status row per file; the driver writes the manifest and the memory. Errors in
our code become error rows, so Ray's retries (a crashed actor is restarted
and its batch redone) only ever replay whole, idempotent files.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from glossary.errors import MissingDependency
from translator.archive.manifest import Producer
from translator.archive.plan import ArchiveFile
from translator.archive.work import FileOutcome, producer_of, translate_file

if TYPE_CHECKING:
    from glossary.model import Glossary
    from translator.archive.run import Runner
    from translator.engine import Engine

INSTALL_HINT = "--ray needs Ray, which is not installed; install it with: pip install 'tarjama[ray]'"
# Above this many files the rows are written to OUT/.tarjama/plan.jsonl and
# read back with read_json (by Ray's read tasks) instead of living in the driver.
FROM_ITEMS_LIMIT = 10_000
PLAN_NAME = "plan.jsonl"
LOCAL = "local"


@dataclass(frozen=True)
class RayOptions:
    """How to run on Ray: where, how many actors, their threads, files per batch."""

    address: str = LOCAL  # "local": start one here; "auto", "ray://…", "HOST:PORT": an existing cluster
    workers: int | None = None  # None: the cluster's CPUs / threads_per_worker, less one, at least 1
    threads_per_worker: int = 1
    files_per_batch: int = 4
    from_items_limit: int = FROM_ITEMS_LIMIT


def import_ray() -> Any:
    """``ray`` and ``ray.data``, or the one-line error saying how to install them."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise MissingDependency(INSTALL_HINT) from None
    return ray


def connect(ray: Any, address: str, actor_cpus: int | None = None) -> bool:
    """Join (or start) Ray; True when this call started the connection (so it ends it).

    A local instance gets at least ``actor_cpus + 1`` logical CPUs: the actor
    pool must leave one for Ray's own tasks, or the job hangs on a small machine.
    """
    quiet_ray_data(ray)
    if ray.is_initialized():
        return False
    # Set here, at the point of use: no telemetry from an offline tool.
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    arguments: dict[str, Any] = {"log_to_driver": False, "configure_logging": False}
    if address == LOCAL:
        cpus = os.cpu_count() or 1
        if actor_cpus is not None:
            cpus = max(cpus, actor_cpus + 1)
        arguments.update(address=LOCAL, include_dashboard=False, num_cpus=cpus)
    else:
        arguments.update(address=address)
    ray.init(**arguments)
    return True


def quiet_ray_data(ray: Any) -> None:
    """No progress bars, banners or Ray's own warnings: tarjama prints its own
    progress and summary (Ray's errors still surface, as exceptions)."""
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.enable_operator_progress_bars = False
    context.print_on_execution_start = False
    context.enable_auto_log_stats = False
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)


def default_workers(ray: Any, threads_per_worker: int) -> int:
    """As many actors as the cluster's CPUs hold, less one: an actor pool that takes
    every CPU starves Ray's own read tasks (and hangs a 2-core machine)."""
    cpus = int(ray.cluster_resources().get("CPU", 1))
    return max(1, cpus // threads_per_worker - 1)


class ArchiveTranslator:
    """The callable class of ``map_batches``: one engine per actor, one status row per file."""

    def __init__(
        self,
        engine_factory: Callable[[], Engine],
        glossary: Glossary | None,
        out_dir: str,
        snapshot: str | None,
        with_memory: bool,
        expected: Producer,
    ) -> None:
        import ray

        from translator.archive.memory import SnapshotMemory

        self.node = str(ray.get_runtime_context().get_node_id())
        self.glossary = glossary
        self.out_dir = Path(out_dir)
        self.memory = SnapshotMemory(snapshot) if with_memory else None
        self.engine: Engine | None = None
        self.engine_error: str | None = None
        try:
            self.engine = engine_factory()
        except Exception as exc:  # noqa: BLE001 - reported on every row, never retried
            self.engine_error = " ".join(str(exc).split()) or type(exc).__name__
        if self.engine is not None:
            mine = producer_of(self.engine, glossary)
            if mine != expected:
                # Another model, version or compute type on this node than on the
                # driver: its outputs would not be what the manifest says. Refuse
                # rather than mix them.
                self.engine_error = (
                    f"this node's model is {mine.model} {mine.model_version} ({mine.decoding}), "
                    f"the driver's is {expected.model} {expected.model_version} ({expected.decoding})"
                )
                self.engine = None

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        outcomes = []
        for row in _rows(batch):
            item = ArchiveFile(**row)
            if self.engine is None:
                outcome = FileOutcome(
                    item.relative, item.output_relative, item.shown, "error",
                    f"{item.shown}: the worker has no engine: {self.engine_error}", worker=self.node,
                )
            else:
                outcome = translate_file(item, self.out_dir, self.engine, self.glossary, self.memory, worker=self.node)
            outcomes.append(outcome)
        return {"output": [o.output for o in outcomes], "outcome": [o.to_json() for o in outcomes]}


def _rows(batch: dict[str, Any]) -> Iterator[dict[str, Any]]:
    columns = list(batch)
    count = len(batch[columns[0]]) if columns else 0
    for index in range(count):
        row = {name: batch[name][index] for name in columns}
        row["size"] = int(row["size"])
        yield {name: (value if name == "size" else str(value)) for name, value in row.items()}


def ray_runner(
    options: RayOptions,
    engine_factory: Callable[[], Engine],
    glossary: Glossary | None,
    out_dir: Path,
    expected: Producer,
    with_memory: bool = True,
) -> Runner:
    """A runner (see :mod:`translator.archive.run`) that runs the files as a Ray Data job."""
    ray = import_ray()

    def run(files: Sequence[ArchiveFile], snapshot: str | None) -> Iterator[FileOutcome]:
        actor_cpus = options.workers * options.threads_per_worker if options.workers else None
        started_here = connect(ray, options.address, actor_cpus)
        try:
            workers = options.workers or default_workers(ray, options.threads_per_worker)
            rows = [asdict(item) for item in files]
            # About one block per batch, and at least one per actor so none idles.
            batches = min(len(rows), max(-(-len(rows) // options.files_per_batch), workers))
            if len(rows) <= options.from_items_limit:
                dataset = ray.data.from_items(rows, override_num_blocks=batches)
            else:
                plan_file = out_dir / ".tarjama" / PLAN_NAME
                from glossary.textio import write_atomic

                write_atomic(plan_file, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
                dataset = ray.data.read_json(str(plan_file.resolve()), lines=True, override_num_blocks=batches)
            translated = dataset.map_batches(
                ArchiveTranslator,
                batch_size=options.files_per_batch,
                batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=workers),
                num_cpus=options.threads_per_worker,
                fn_constructor_kwargs={
                    "engine_factory": engine_factory,
                    "glossary": glossary,
                    "out_dir": str(out_dir.resolve()),
                    "snapshot": snapshot,
                    "with_memory": with_memory,
                    "expected": expected,
                },
            )
            for row in translated.iter_rows():
                yield FileOutcome.from_json(str(row["outcome"]))
        finally:
            if started_here:
                ray.shutdown()

    return run
