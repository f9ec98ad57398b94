"""Texts in, enforced translations and their glossary report out: the server's
core, with no HTTP in it (``app.py`` is one client of it, tests are another).

Each call runs the same pipeline as ``tarjama translate``
(:func:`translator.pipeline.translate_documents`: segment, translation memory,
find, ban, verify, repair, post-edit) through a :class:`CoalescingEngine`, so
calls made at the same time from several threads share engine batches.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Sequence

from glossary.errors import TarjamaError
from translator import __version__
from translator.enforce import UNENFORCED, SegmentTranslation
from translator.serve.coalesce import CoalescingEngine

if TYPE_CHECKING:
    from glossary.model import Glossary
    from translator.cache import TranslationCache
    from translator.engine import Engine

LOG = logging.getLogger("tarjama.serve")

# Arabic letters (the base block and presentation forms) against Latin ones, for /detect.
ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
LANGUAGE_NAMES = {"ar": "Arabic", "en": "English"}


@dataclass(frozen=True)
class Detection:
    """``/detect``'s answer for one language: a confidence from 0 to 100."""

    language: str
    confidence: float


@dataclass(frozen=True)
class ReportedOccurrence:
    """One glossary term occurrence in one request text, offsets into that text."""

    source: str  # the surface as written in the text
    start: int
    end: int
    target: str
    method: str
    entry_source: str
    entry_type: str | None
    note: str | None
    avoid: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "target": self.target,
            "method": self.method,
            "entry": {"source": self.entry_source, "type": self.entry_type, "note": self.note, "avoid": list(self.avoid)},
        }


@dataclass(frozen=True)
class TextTranslation:
    """One request text's English and its term occurrences."""

    text: str
    occurrences: tuple[ReportedOccurrence, ...] = ()

    @property
    def unenforced(self) -> tuple[ReportedOccurrence, ...]:
        return tuple(o for o in self.occurrences if o.method == UNENFORCED)


@dataclass(frozen=True)
class PlacedOccurrence:
    """An occurrence in a document, with its line and column in the source file."""

    occurrence: ReportedOccurrence  # offsets into the document's unit text
    line: int | None
    column: int | None


@dataclass(frozen=True)
class FileTranslation:
    """One document's English file and its term occurrences."""

    data: bytes
    occurrences: tuple[PlacedOccurrence, ...]

    @property
    def unenforced_count(self) -> int:
        return sum(1 for placed in self.occurrences if placed.occurrence.method == UNENFORCED)


@dataclass(frozen=True)
class Translations:
    """The texts of one request, translated with one glossary (None: without)."""

    texts: tuple[TextTranslation, ...]
    glossary_digest: str | None


def detect_language(text: str) -> list[Detection]:
    """Arabic or English by the share of letters of each script, best first.

    The server translates only Arabic, so telling Arabic from the rest is the
    whole job; text without letters is reported as Arabic with confidence 0.
    """
    arabic = latin = 0
    for char in text:
        code = ord(char)
        if any(low <= code <= high for low, high in ARABIC_RANGES) and char.isalpha():
            arabic += 1
        elif char.isascii() and char.isalpha():
            latin += 1
    letters = arabic + latin
    if not letters:
        return [Detection("ar", 0.0), Detection("en", 0.0)]
    ar, en = round(100.0 * arabic / letters, 1), round(100.0 * latin / letters, 1)
    ranked = [Detection("ar", ar), Detection("en", en)]
    return sorted(ranked, key=lambda d: -d.confidence)


class GlossarySource(Protocol):
    """Where a service gets the glossary for each request."""

    last_error: str | None
    reloads: int
    watched: bool

    def current(self) -> Glossary: ...


class FixedGlossary:
    """A glossary given in code (tests): never reloaded."""

    watched = False

    def __init__(self, glossary: Glossary) -> None:
        self._glossary = glossary
        self.last_error: str | None = None
        self.reloads = 0

    def current(self) -> Glossary:
        return self._glossary


class GlossaryWatcher:
    """The server's glossary file, reloaded when it changes.

    Before each request :meth:`current` compares the file's (mtime, size,
    inode) with the loaded one; a change is parsed in full and swapped in at
    once, so a request sees the old glossary or the new one, never a mix. An
    invalid edit keeps the last good glossary; its one-line error is logged and
    kept for ``/health`` (without the file's path).
    """

    watched = True

    def __init__(self, path: str, glossary: Glossary) -> None:
        self.path = path
        self._glossary = glossary
        self._stamp = self._stat()
        self._lock = threading.Lock()
        self.last_error: str | None = None
        self.reloads = 0

    def current(self) -> Glossary:
        stamp = self._stat()
        if stamp == self._stamp:
            return self._glossary
        with self._lock:
            if stamp != self._stamp:
                self._reload(stamp)
        return self._glossary

    def _reload(self, stamp: tuple[int, int, int] | None) -> None:
        from glossary.yamlio import load_glossary

        self._stamp = stamp
        try:
            glossary = load_glossary(self.path)
        except TarjamaError as exc:
            self.last_error = without_path(exc)
            LOG.error("tarjama: error: %s (keeping the last good glossary)", exc)
            return
        self._glossary = glossary
        self.last_error = None
        self.reloads += 1
        LOG.info("tarjama: glossary reloaded, digest %s", glossary.digest[:12])

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size, info.st_ino


def without_path(exc: TarjamaError) -> str:
    """``LINE:COL: message``: an error fit for a response, which never shows a path."""
    message = " ".join(exc.message.split())
    if exc.line is None:
        return message
    where = f"{exc.line}:{exc.column}" if exc.column is not None else str(exc.line)
    return f"{where}: {message}"


class TranslationService:
    """Translate request texts with the server's engine, memory and glossary.

    Thread-safe: each thread gets its own translation-memory connection
    (SQLite connections stay in their thread) and engine calls go through the
    coalescer.
    """

    def __init__(
        self,
        engine: Engine,
        glossary: GlossarySource | None = None,
        cache_dir: Path | None = None,
        coalescer: CoalescingEngine | None = None,
    ) -> None:
        self.engine = coalescer if coalescer is not None else CoalescingEngine(engine)
        self.model = f"{engine.name} {engine.version}"
        self.glossary = glossary
        self.cache_dir = cache_dir
        self._local = threading.local()
        self._caches: list[TranslationCache] = []
        self._caches_lock = threading.Lock()

    def current_glossary(self) -> Glossary | None:
        return self.glossary.current() if self.glossary is not None else None

    def translate(self, texts: Sequence[str], use_glossary: bool = True) -> Translations:
        """Translate ``texts`` (one result each, in order), enforcing the glossary unless told not to."""
        from translator.pipeline import SourceDocument, segment_translations, translate_documents

        glossary = self.current_glossary() if use_glossary else None
        crlf = ["\r\n" in text for text in texts]
        documents = [
            SourceDocument(f"q[{i}]", text.replace("\r\n", "\n").replace("\r", "\n"))
            for i, text in enumerate(texts)
        ]
        translated = translate_documents(documents, self.engine, cache=self._cache(), glossary=glossary)
        results = []
        for document, windows in zip(translated, crlf):
            outcomes = segment_translations(document, glossary)
            offsets = [segment.segment.start for segment in document.segments]
            text = document.text.replace("\n", "\r\n") if windows else document.text
            results.append(TextTranslation(text, _occurrences(outcomes, offsets)))
        return Translations(tuple(results), glossary.digest if glossary is not None else None)

    def translate_files(
        self, files: Sequence[tuple[bytes, str]], use_glossary: bool = True
    ) -> tuple[list[FileTranslation], str | None]:
        """Translate whole files of any format ``tarjama translate`` reads
        (:mod:`translator.formats`, chosen by each name's suffix), markup kept.

        Returns the English files and the digest of the glossary used. A file
        the format refuses raises its :class:`TarjamaError`.
        """
        from translator.formats import read_document
        from translator.pipeline import SourceDocument, segment_translations, translate_documents

        glossary = self.current_glossary() if use_glossary else None
        documents = [read_document(data, name) for data, name in files]
        sources = [SourceDocument.from_units(name, document.units) for document, (_, name) in zip(documents, files)]
        translated = translate_documents(sources, self.engine, cache=self._cache(), glossary=glossary)
        results = []
        for document, source, english in zip(documents, sources, translated):
            outcomes = segment_translations(english, glossary)
            offsets = [segment.segment.start for segment in english.segments]
            placed = []
            for occurrence in _occurrences(outcomes, offsets):
                _, line, column = source.position(occurrence.start)
                placed.append(PlacedOccurrence(occurrence, line, column))
            results.append(FileTranslation(document.write(english.units), tuple(placed)))
        return results, glossary.digest if glossary is not None else None

    def close(self) -> None:
        """Stop the coalescer and close every thread's memory connection."""
        self.engine.close()
        with self._caches_lock:
            for cache in self._caches:
                cache.close()
                for warning in cache.warnings:
                    LOG.warning("tarjama: warning: %s", warning)
            self._caches.clear()

    def _cache(self) -> TranslationCache | None:
        if self.cache_dir is None:
            return None
        cache: TranslationCache | None = getattr(self._local, "cache", None)
        if cache is None:
            from translator.cache import TranslationCache

            cache = TranslationCache(self.cache_dir)
            self._local.cache = cache
            with self._caches_lock:
                self._caches.append(cache)
        return cache


def _occurrences(outcomes: Sequence[SegmentTranslation], offsets: Sequence[int]) -> tuple[ReportedOccurrence, ...]:
    found = []
    for offset, translation in zip(offsets, outcomes):
        for outcome in translation.outcomes:
            occurrence, entry = outcome.occurrence, outcome.occurrence.entry
            found.append(
                ReportedOccurrence(
                    source=occurrence.surface,
                    start=offset + occurrence.start,
                    end=offset + occurrence.end,
                    target=entry.target,
                    method=outcome.method,
                    entry_source=entry.sources[0],
                    entry_type=entry.type,
                    note=entry.note,
                    avoid=entry.avoid,
                )
            )
    return tuple(found)


def tool_version() -> str:
    return f"tarjama {__version__}"
