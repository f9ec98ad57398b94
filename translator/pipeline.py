"""Documents in, translated documents out: segment, look up the translation
memory, translate what is missing in one go, store, reassemble.

All segments of all documents that the cache does not know go through
:func:`translate_uncached` in ONE call, so the engine can batch across files.
That function is where glossary enforcement plugs in.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence

from glossary.finder import TermOccurrence
from translator import __version__
from translator.cache import CachedTranslation, TranslationCache, cache_key, model_identity
from translator import enforce
from translator.enforce import METHODS, UNENFORCED, OccurrenceOutcome, SegmentTranslation, outcome_details
from translator.engine import Engine
from translator.segment import DEFAULT_MAX_TOKENS, Segment, SegmentedDocument, reassemble, segment_text

if TYPE_CHECKING:
    from glossary.model import Glossary

# (segments done, segments total); called from the thread that runs the pipeline.
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class SourceDocument:
    """One input: its shown path (``<stdin>`` for standard input) and its text (``\\n`` line ends)."""

    path: str
    text: str
    markdown: bool = False


@dataclass(frozen=True)
class SegmentResult:
    """What the seam returns for one source segment."""

    text: str
    # JSON-serializable details (enforcement outcomes); stored in the cache with the text.
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TranslatedSegment:
    """A segment of a source file and its translation."""

    segment: Segment  # offsets into the source document's text
    translation: str
    details: dict[str, Any]
    cached: bool

    def position(self, source_text: str) -> tuple[int, int]:
        """1-based (line, column) of the segment's start in its source text."""
        start = self.segment.start
        line = source_text.count("\n", 0, start) + 1
        return line, start - (source_text.rfind("\n", 0, start) + 1) + 1


@dataclass(frozen=True)
class TranslatedDocument:
    """A source document with its segment translations and the reassembled text."""

    source: SourceDocument
    text: str
    segments: tuple[TranslatedSegment, ...]


def translate_uncached(sources: list[str], engine: Engine, glossary: Glossary | None) -> list[SegmentResult]:
    """THE SEAM: translate segments the cache did not have, parallel to ``sources``.

    Glossary enforcement happens here; its per-occurrence outcomes go into
    ``details``, which the cache stores with the text, so a cache hit restores
    them (:func:`segment_translations`) without decoding anything.
    """
    translations = enforce.translate_segments(sources, engine, glossary)
    return [SegmentResult(text=t.text, details=outcome_details(t)) for t in translations]


def segment_translations(document: TranslatedDocument, glossary: Glossary | None) -> list[SegmentTranslation]:
    """The enforcement outcomes of a document's segments, fresh or from the cache.

    Inverse of :func:`translator.enforce.outcome_details`. Entry indexes are
    safe to trust: the glossary digest is part of the cache key, so cached
    details always come from this very glossary.
    """
    return [_restore(segment, glossary) for segment in document.segments]


def _restore(segment: TranslatedSegment, glossary: Glossary | None) -> SegmentTranslation:
    details = segment.details
    decodes = details.get("decodes", 1)
    outcomes: list[OccurrenceOutcome] = []
    entries = glossary.entries if glossary is not None else ()
    for stored in details.get("outcomes", ()):
        try:
            entry_index = int(stored["entry"])
            if not 0 <= entry_index < len(entries):
                continue
            occurrence = TermOccurrence(
                entry_index=entry_index,
                entry=entries[entry_index],
                start=int(stored["start"]),
                end=int(stored["end"]),
                surface=str(stored["surface"]),
                term_start=int(stored["term_start"]),
                form=str(stored["form"]),
            )
            method = str(stored["method"])
        except (KeyError, TypeError, ValueError):
            continue  # a details blob from an older tarjama: treat as not reported
        outcomes.append(OccurrenceOutcome(occurrence, method if method in METHODS else UNENFORCED))
    return SegmentTranslation(
        source=segment.segment.text,
        text=segment.translation,
        outcomes=tuple(outcomes),
        decodes=decodes if isinstance(decodes, int) else 1,
    )


def decoding_key(engine: Engine) -> str:
    """The engine's decoding settings as a string (``ArgosEngine.settings``), for cache keys."""
    settings = getattr(engine, "settings", None)
    key = getattr(settings, "key", None)
    return str(key()) if callable(key) else ""


def translate_documents(
    documents: Sequence[SourceDocument],
    engine: Engine,
    cache: TranslationCache | None = None,
    glossary: Glossary | None = None,
    progress_callback: ProgressCallback | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    translate_segments: Callable[[list[str], Engine, Glossary | None], list[SegmentResult]] = translate_uncached,
) -> list[TranslatedDocument]:
    """Translate every document; the result list is parallel to ``documents``."""
    segmented = [segment_text(doc.text, markdown=doc.markdown, max_tokens=max_tokens) for doc in documents]
    glossary_digest = glossary.digest if glossary is not None else ""
    # The tool version is part of the key: a release that changes segmentation
    # or enforcement must not be served renderings made by the old code.
    settings = f"tarjama {__version__}; {decoding_key(engine)}"

    model = model_identity(engine)

    def key_of(source: str) -> str:
        return cache_key(model, engine.version, settings, glossary_digest, source)

    all_sources = list(dict.fromkeys(seg.text for doc in segmented for seg in doc.segments))
    keys = {source: key_of(source) for source in all_sources}
    cached = cache.get_many(keys.values()) if cache is not None else {}
    known: dict[str, SegmentResult] = {}
    for source, key in keys.items():
        if key in cached:
            known[source] = SegmentResult(cached[key].translation, _parse_details(cached[key].details))
    from_cache = set(known)
    missing = [source for source in all_sources if source not in known]
    total = len(all_sources)
    if progress_callback is not None:
        progress_callback(len(known), total)
    if missing:
        fresh = _translate_with_progress(missing, engine, glossary, translate_segments, len(known), total, progress_callback)
        if len(fresh) != len(missing):
            raise RuntimeError(f"the engine returned {len(fresh)} translations for {len(missing)} segments")
        known.update(zip(missing, fresh))
        if cache is not None:
            cache.put_many(
                {
                    keys[source]: CachedTranslation(result.text, json.dumps(result.details, ensure_ascii=False))
                    for source, result in zip(missing, fresh)
                }
            )
    if progress_callback is not None:
        progress_callback(total, total)
    return [_assemble(doc, seg_doc, known, from_cache) for doc, seg_doc in zip(documents, segmented)]


def _translate_with_progress(
    sources: list[str],
    engine: Engine,
    glossary: Glossary | None,
    translate_segments: Callable[[list[str], Engine, Glossary | None], list[SegmentResult]],
    already_done: int,
    total: int,
    progress_callback: ProgressCallback | None,
) -> list[SegmentResult]:
    # An engine that can report progress inside its one big batch (ArgosEngine) gets a hook.
    if progress_callback is None or not hasattr(engine, "on_progress"):
        return translate_segments(sources, engine, glossary)
    previous = getattr(engine, "on_progress")

    def report(done: int, of: int) -> None:
        progress_callback(min(total, already_done + done), total)

    setattr(engine, "on_progress", report)
    try:
        return translate_segments(sources, engine, glossary)
    finally:
        setattr(engine, "on_progress", previous)


def _assemble(
    document: SourceDocument,
    segmented: SegmentedDocument,
    known: dict[str, SegmentResult],
    from_cache: set[str],
) -> TranslatedDocument:
    results = [known[segment.text] for segment in segmented.segments]
    segments = tuple(
        TranslatedSegment(segment, result.text, result.details, segment.text in from_cache)
        for segment, result in zip(segmented.segments, results)
    )
    text = reassemble(segmented, [result.text for result in results])
    return TranslatedDocument(source=document, text=text, segments=segments)


def _parse_details(details: str) -> dict[str, Any]:
    try:
        parsed = json.loads(details)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
