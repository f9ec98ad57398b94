"""Translation memory: segments already translated are never decoded again.

One SQLite file shared by every run: WAL mode so readers never block the
writer, and a busy timeout so two runs writing at once wait for each other
instead of failing. A key covers everything that changes a translation (model,
version, decoding settings, glossary digest, source text), so a stale hit is
impossible. The cache is an optimization: any trouble with it (corrupt file,
read-only folder, lock held too long) becomes a warning, never a failed run.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

CACHE_FILE_NAME = "translations.sqlite3"
_BUSY_TIMEOUT_MS = 30_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    translation TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
)
"""


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$TARJAMA_CACHE``, else ``$XDG_CACHE_HOME/tarjama``, else ``~/.cache/tarjama``."""
    env = os.environ if environ is None else environ
    if env.get("TARJAMA_CACHE"):
        return Path(env["TARJAMA_CACHE"])
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "tarjama"
    return Path.home() / ".cache" / "tarjama"


def model_identity(engine: object) -> str:
    """What identifies the model in a key: ``LAYOUT:NAME:FINGERPRINT`` for the CTranslate2
    engine (``ArgosEngine.identity``), so two models installed under one name, or one
    folder read as two layouts, never share entries; the plain name for other engines."""
    identity = getattr(engine, "identity", None)
    return identity if isinstance(identity, str) else str(getattr(engine, "name", ""))


def cache_key(model: str, engine_version: str, settings: str, glossary_digest: str | None, source: str) -> str:
    """sha256 over everything that determines a segment's translation (``model``: :func:`model_identity`)."""
    digest = hashlib.sha256()
    for part in (model, engine_version, settings, glossary_digest or "", source):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")  # separator: ("ab", "c") must not equal ("a", "bc")
    return digest.hexdigest()


@dataclass(frozen=True)
class CachedTranslation:
    """A stored translation and its JSON details (enforcement outcomes)."""

    translation: str
    details: str = "{}"


@dataclass
class TranslationCache:
    """The SQLite translation memory in ``folder`` (created on first use)."""

    folder: Path
    hits: int = 0
    misses: int = 0
    stores: int = 0
    # Problems met on the way (corrupt file rebuilt, cache unusable); the CLI prints them.
    warnings: list[str] = field(default_factory=list)
    _connection: sqlite3.Connection | None = field(default=None, repr=False)
    _disabled: bool = field(default=False, repr=False)

    @property
    def path(self) -> Path:
        return self.folder / CACHE_FILE_NAME

    def get_many(self, keys: Iterable[str]) -> dict[str, CachedTranslation]:
        """The cached translations for those ``keys`` that have one."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, CachedTranslation] = {}
        connection = self._connect()
        if connection is not None:
            try:
                for chunk_start in range(0, len(wanted), 500):
                    chunk = wanted[chunk_start : chunk_start + 500]
                    marks = ",".join("?" * len(chunk))
                    rows = connection.execute(
                        f"SELECT key, translation, details FROM translations WHERE key IN ({marks})", chunk
                    )
                    for key, translation, details in rows:
                        found[key] = CachedTranslation(translation, details)
            except sqlite3.DatabaseError as exc:
                self._give_up(f"cannot read the translation cache ({exc}); translating without it")
                found = {}
        self.hits += len(found)
        self.misses += len(wanted) - len(found)
        return found

    def put_many(self, items: Mapping[str, CachedTranslation]) -> None:
        """Store translations; a concurrent writer makes this wait, not fail."""
        connection = self._connect()
        if connection is None or not items:
            return
        try:
            with connection:
                connection.executemany(
                    "INSERT OR REPLACE INTO translations (key, translation, details) VALUES (?, ?, ?)",
                    [(key, value.translation, value.details) for key, value in items.items()],
                )
            self.stores += len(items)
        except sqlite3.DatabaseError as exc:
            self._give_up(f"cannot write the translation cache ({exc}); this run's translations were not stored")

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
            self._connection = None

    def _connect(self) -> sqlite3.Connection | None:
        if self._disabled:
            return None
        if self._connection is not None:
            return self._connection
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._give_up(f"cannot create the cache folder {self.folder} ({exc.strerror or exc}); translating without it")
            return None
        try:
            self._connection = self._open_waiting()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):
                # Locked for too long, or cannot be opened: never delete a
                # database another run may be using; just go without it.
                self._give_up(f"the translation cache is unavailable ({exc}); translating without it")
                return None
            # Not a database (truncated, overwritten): the memory is only a speed-up, start afresh.
            self.warnings.append(f"{self.path}: the translation cache was corrupt ({exc}); rebuilt it empty")
            self._remove_files()
            try:
                self._connection = self._open()
            except sqlite3.DatabaseError as again:
                self._give_up(f"cannot rebuild the translation cache ({again}); translating without it")
                return None
        return self._connection

    def _open_waiting(self) -> sqlite3.Connection:
        # Switching a new database to WAL needs an exclusive lock, and SQLite
        # answers "database is locked" at once, without its busy handler, when
        # two runs create the cache at the same moment: retry for a while.
        deadline = time.monotonic() + _BUSY_TIMEOUT_MS / 1000
        delay = 0.01
        while True:
            try:
                return self._open()
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute(_SCHEMA)
            connection.execute("SELECT count(*) FROM translations LIMIT 1").fetchone()
        except sqlite3.DatabaseError:
            connection.close()
            raise
        # isolation_level=None above keeps the PRAGMAs out of a transaction;
        # writes then use "with connection" transactions.
        connection.isolation_level = "DEFERRED"
        return connection

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def _give_up(self, warning: str) -> None:
        self.warnings.append(f"{self.path}: {warning}")
        self.close()
        self._disabled = True
