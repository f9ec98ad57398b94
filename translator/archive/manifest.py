"""``OUT/.tarjama/manifest.jsonl``: what an archive run did, file by file.

One JSON object per line. While a run goes, the driver appends one line per
finished file (flushed and fsynced, so Ctrl-C or a crash keeps every line
written); a later line for the same output replaces an earlier one, and a
torn last line is ignored. At the end of a run the file is rewritten
atomically with one line per output, sorted by output path, so two runs that
did the same work (locally or on Ray) leave byte-identical manifests.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Mapping

from glossary.errors import OutputError
from glossary.textio import write_atomic

MANIFEST_NAME = "manifest.jsonl"
STATUS_OK = "ok"
STATUS_ERROR = "error"
ENFORCEMENT_KEYS = ("found", "native", "prefix", "post_edit", "unenforced")


@dataclass(frozen=True)
class Producer:
    """What produces an output; a change in any of it means the output is redone."""

    model: str
    model_version: str
    decoding: str  # the engine's decoding settings (beam, length penalty)
    glossary_sha256: str | None
    tool_version: str


@dataclass(frozen=True)
class ManifestRecord:
    """One manifest line: an input file and what became of it."""

    input: str  # relative to its input folder, POSIX separators
    output: str  # relative to the output folder; the record's key
    input_sha256: str | None
    output_sha256: str | None
    model: str
    model_version: str
    decoding: str
    glossary_sha256: str | None
    tool_version: str
    status: str  # "ok" or "error"
    error: str | None = None  # FILE:LINE:COL: message, for status "error"
    segments: int = 0
    enforcement: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENFORCEMENT_KEYS, 0))

    def producer(self) -> Producer:
        return Producer(self.model, self.model_version, self.decoding, self.glossary_sha256, self.tool_version)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> ManifestRecord | None:
        """The record on ``line``, or None for a torn or foreign line."""
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                return None
            enforcement = data.get("enforcement") or {}
            return cls(
                input=str(data["input"]),
                output=str(data["output"]),
                input_sha256=_optional_str(data.get("input_sha256")),
                output_sha256=_optional_str(data.get("output_sha256")),
                model=str(data["model"]),
                model_version=str(data["model_version"]),
                decoding=str(data.get("decoding", "")),
                glossary_sha256=_optional_str(data.get("glossary_sha256")),
                tool_version=str(data.get("tool_version", "")),
                status=str(data["status"]),
                error=_optional_str(data.get("error")),
                segments=int(data.get("segments", 0)),
                enforcement={key: int(enforcement.get(key, 0)) for key in ENFORCEMENT_KEYS},
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike[str]) -> str | None:
    """The file's sha256, or None when it cannot be read (missing, a folder, no permission)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def load_manifest(path: Path) -> dict[str, ManifestRecord]:
    """The latest record per output path; an absent manifest is an empty one."""
    records: dict[str, ManifestRecord] = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                record = ManifestRecord.from_json(line) if line.strip() else None
                if record is not None:
                    records[record.output] = record
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise OutputError(f"cannot read the manifest ({exc.strerror or exc})", path=str(path)) from None
    return records


def is_up_to_date(
    record: ManifestRecord | None, input_sha256: str | None, output_path: Path, producer: Producer
) -> bool:
    """True when ``record`` says this very input was translated by this producer into
    the output that is there now, byte for byte; anything else is redone."""
    if record is None or record.status != STATUS_OK or input_sha256 is None:
        return False
    if record.input_sha256 != input_sha256 or record.producer() != producer:
        return False
    return record.output_sha256 is not None and sha256_file(output_path) == record.output_sha256


class ManifestWriter:
    """Appends records as files finish; ``close`` rewrites the manifest compacted."""

    def __init__(self, path: Path, records: Mapping[str, ManifestRecord]) -> None:
        self.path = path
        self.records: dict[str, ManifestRecord] = dict(records)
        self._handle: IO[str] | None = None
        self._appended = False

    def append(self, record: ManifestRecord) -> None:
        self.records[record.output] = record
        self._appended = True
        if self._handle is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                torn = not _ends_with_newline(self.path)
                self._handle = open(self.path, "a", encoding="utf-8")
                if torn:  # a crash left a line without its newline: end it, it is ignored on load
                    self._handle.write("\n")
            except OSError as exc:
                raise OutputError(f"cannot write the manifest ({exc.strerror or exc})", path=str(self.path)) from None
        try:
            self._handle.write(record.to_json() + "\n")
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError as exc:
            raise OutputError(f"cannot write the manifest ({exc.strerror or exc})", path=str(self.path)) from None

    def close(self) -> None:
        """Rewrite the manifest, one sorted line per output (atomic); untouched if nothing was appended."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self._appended:
            write_atomic(self.path, compacted(self.records.values()))

    def abandon(self) -> None:
        """Close without compacting (interrupted run: every appended line is kept)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def compacted(records: Iterable[ManifestRecord]) -> str:
    return "".join(record.to_json() + "\n" for record in sorted(records, key=lambda r: r.output))


def _ends_with_newline(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            if handle.seek(0, os.SEEK_END) == 0:
                return True
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) == b"\n"
    except OSError:
        return True
