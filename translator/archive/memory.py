"""The translation memory during an archive run: one snapshot read, one writer.

At the start of a run the driver copies the memory (SQLite backup API) to
``OUT/.tarjama/memory-snapshot.sqlite3``. Every worker, local or a Ray actor on
any node, reads that snapshot (read-only, immutable: no locks on a shared
file system) and collects the segments it translates; the driver adds them to
the real memory with ``INSERT OR IGNORE``, so a retried batch cannot duplicate
or change anything. Because every worker sees the same memory, which worker
translates a file cannot change its output.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Iterable, Mapping

from translator.cache import CACHE_FILE_NAME, CachedTranslation

SNAPSHOT_NAME = "memory-snapshot.sqlite3"


def take_snapshot(cache_folder: Path, state_dir: Path) -> tuple[Path | None, str | None]:
    """Copy the memory in ``cache_folder`` into ``state_dir``; (snapshot path, warning).

    No memory yet means no snapshot (None, None): every segment is new. Any
    trouble is a warning and the run goes on without reading the memory.
    """
    live = cache_folder / CACHE_FILE_NAME
    if not live.exists():
        return None, None
    snapshot = state_dir / SNAPSHOT_NAME
    partial = state_dir / f".{SNAPSHOT_NAME}.partial"
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        source = sqlite3.connect(f"{live.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
        os.replace(partial, snapshot)
    except (sqlite3.Error, OSError) as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        return None, f"{live}: cannot snapshot the translation memory ({exc}); translating without reading it"
    return snapshot, None


def remove_snapshot(snapshot: Path | None) -> None:
    if snapshot is not None:
        with contextlib.suppress(OSError):
            snapshot.unlink()


class SnapshotMemory:
    """A :class:`~translator.cache.TranslationMemory` that reads a snapshot and
    keeps what is put into it in :attr:`new` (for the driver to store)."""

    def __init__(self, snapshot: str | None) -> None:
        self.snapshot = snapshot
        self.new: dict[str, CachedTranslation] = {}
        self._connection: sqlite3.Connection | None = None

    def get_many(self, keys: Iterable[str]) -> dict[str, CachedTranslation]:
        wanted = list(dict.fromkeys(keys))
        connection = self._connect()
        found: dict[str, CachedTranslation] = {}
        if connection is None:
            return found
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                rows = connection.execute(
                    f"SELECT key, translation, details FROM translations WHERE key IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
                for key, translation, details in rows:
                    found[key] = CachedTranslation(translation, details)
        except sqlite3.Error:
            return {}  # an unreadable snapshot is a slower run, never a failed one
        return found

    def put_many(self, items: Mapping[str, CachedTranslation]) -> None:
        self.new.update(items)

    def take_new(self) -> dict[str, CachedTranslation]:
        new, self.new = self.new, {}
        return new

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
            self._connection = None

    def _connect(self) -> sqlite3.Connection | None:
        if self.snapshot is None:
            return None
        if self._connection is None:
            try:
                # immutable=1: nobody writes the snapshot, so SQLite takes no locks
                # (locks are unreliable on the network file systems clusters share).
                self._connection = sqlite3.connect(f"{Path(self.snapshot).resolve().as_uri()}?mode=ro&immutable=1", uri=True)
            except sqlite3.Error:
                self.snapshot = None
                return None
        return self._connection
