"""Translating one file of an archive: the same function for every runner.

Each file is translated on its own (its segments form their own engine
batches), so neither the files a batch groups nor the worker that gets them
can change a byte of the output. Errors a user can cause come back as data
(an error outcome with its ``FILE:LINE:COL`` message), never as exceptions,
so one bad file does not stop the archive and Ray never retries our errors.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glossary.errors import OutputError, TarjamaError
from glossary.textio import decode_text, read_bytes, write_atomic
from translator.archive.manifest import (
    ENFORCEMENT_KEYS,
    STATUS_ERROR,
    STATUS_OK,
    ManifestRecord,
    Producer,
    sha256_bytes,
)
from translator.archive.plan import ArchiveFile

if TYPE_CHECKING:
    from glossary.model import Glossary
    from translator.archive.memory import SnapshotMemory
    from translator.engine import Engine


@dataclass(frozen=True)
class FileOutcome:
    """What became of one file; small, JSON-serializable (a Ray status row)."""

    input: str  # relative path
    output: str  # relative path in the output folder
    shown: str  # the path as the user named it
    status: str
    error: str | None = None
    input_sha256: str | None = None
    output_sha256: str | None = None
    segments: int = 0
    enforcement: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENFORCEMENT_KEYS, 0))
    # FILE:LINE:COL: warning unenforced: … lines, as `tarjama translate` prints them.
    warnings: tuple[str, ...] = ()
    # Segments translated here and not in the memory snapshot: (key, translation, details).
    new_memory: tuple[tuple[str, str, str], ...] = ()
    worker: str = ""  # which node translated it (Ray runs); not part of the manifest
    internal: bool = False  # the error is a bug in tarjama, not a problem with the file

    def record(self, producer: Producer) -> ManifestRecord:
        return ManifestRecord(
            input=self.input,
            output=self.output,
            input_sha256=self.input_sha256,
            output_sha256=self.output_sha256,
            model=producer.model,
            model_version=producer.model_version,
            decoding=producer.decoding,
            glossary_sha256=producer.glossary_sha256,
            tool_version=producer.tool_version,
            status=self.status,
            error=self.error,
            segments=self.segments,
            enforcement=dict(self.enforcement),
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> FileOutcome:
        data: dict[str, Any] = json.loads(text)
        data["warnings"] = tuple(data.get("warnings", ()))
        data["new_memory"] = tuple(tuple(item) for item in data.get("new_memory", ()))
        return cls(**data)


def translate_file(
    item: ArchiveFile,
    out_dir: Path,
    engine: Engine,
    glossary: Glossary | None,
    memory: SnapshotMemory | None,
    worker: str = "",
) -> FileOutcome:
    """Translate ``item`` into ``out_dir`` (atomically); an error is an outcome, not an exception."""
    from translator.commands.translate import unenforced_warnings
    from translator.enforce import summarize
    from translator.pipeline import SourceDocument, segment_translations, translate_documents

    input_sha256 = None
    try:
        data = read_bytes(item.source)
        input_sha256 = sha256_bytes(data)
        decoded = decode_text(data, item.shown)
        [document] = translate_documents(
            [SourceDocument(item.shown, decoded.text, item.markdown)], engine, cache=memory, glossary=glossary
        )
        text = document.text if decoded.newline == "\n" else document.text.replace("\n", decoded.newline)
        payload = text.encode("utf-8")
        target = out_dir / item.output_relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the output folder ({exc.strerror or exc})", path=str(target.parent)) from None
        write_atomic(target, payload)
    except TarjamaError as exc:
        if exc.path == item.source:
            exc.path = item.shown
        if memory is not None:
            memory.take_new()  # the file failed: its segments are not worth keeping half-done
        return FileOutcome(item.relative, item.output_relative, item.shown, STATUS_ERROR, str(exc), input_sha256, worker=worker)
    except Exception as exc:  # noqa: BLE001 - one file's bug must not stop the archive (nor make Ray retry it)
        if memory is not None:
            memory.take_new()
        summary_text = " ".join(str(exc).split()) or type(exc).__name__
        message = f"{item.shown}: internal error: {type(exc).__name__}: {summary_text}"
        return FileOutcome(
            item.relative, item.output_relative, item.shown, STATUS_ERROR, message, input_sha256, worker=worker, internal=True
        )
    translations = segment_translations(document, glossary)
    summary = summarize(translations)
    new = memory.take_new() if memory is not None else {}
    return FileOutcome(
        input=item.relative,
        output=item.output_relative,
        shown=item.shown,
        status=STATUS_OK,
        input_sha256=input_sha256,
        output_sha256=sha256_bytes(payload),
        segments=len(document.segments),
        enforcement={key: int(getattr(summary, key)) for key in ENFORCEMENT_KEYS},
        warnings=tuple(unenforced_warnings([document], [translations])),
        new_memory=tuple((key, value.translation, value.details) for key, value in sorted(new.items())),
        worker=worker,
    )


@dataclass(frozen=True)
class EngineRecipe:
    """How a worker builds its engine: plain, picklable data sent to every Ray actor.

    ``model_spec`` is resolved on the worker (a model installed on each node, or
    a package / model folder or ``.argosmodel`` file on storage every node sees).
    """

    model_spec: str | None
    beam: int
    inter_threads: int | None = None  # None: the device's default (CPU: one per core, at most 4)
    intra_threads: int = 1
    device: str = "cpu"
    compute_type: str = "auto"

    def build(self) -> Engine:
        from translator.ct2_engine import DEFAULT_MAX_BATCH_TOKENS, ArgosEngine
        from translator.device import plan_device
        from translator.models import resolve_model_files

        plan = plan_device(self.device, self.compute_type)
        return ArgosEngine(
            resolve_model_files(self.model_spec, "ar", "en"),
            beam_size=self.beam,
            device=plan.device,
            compute_type=plan.compute_type,
            inter_threads=self.inter_threads or plan.inter_threads,
            intra_threads=self.intra_threads,
            max_batch_tokens=plan.max_batch_tokens or DEFAULT_MAX_BATCH_TOKENS,
        )


def producer_of(engine: Engine, glossary: Glossary | None) -> Producer:
    """What the manifest records as the producer of this engine's outputs."""
    from translator import __version__
    from translator.pipeline import decoding_key

    return Producer(engine.name, engine.version, decoding_key(engine), glossary.digest if glossary else None, __version__)


def absolute_model_spec(spec: str | None) -> str | None:
    """A ``--model`` path made absolute (Ray workers do not share our working folder)."""
    if spec is not None and os.path.exists(spec):
        return os.path.abspath(spec)
    return spec
