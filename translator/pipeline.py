"""Documents in, translated documents out: segment, look up the translation
memory, translate what is missing in one go, store, reassemble.

A document is a sequence of units (:mod:`translator.formats`): a text file is
one unit, an HTML page or a Word file many, each with inline tags held aside.
The pipeline segments every unit, translates, reassembles each unit and puts
its tags back on the English; it never asks which format it has.

All segments of all documents that the cache does not know go through
:func:`translate_uncached` in ONE call, so the engine can batch across files.
That function is where glossary enforcement plugs in.
"""
from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Collection, Sequence

from glossary.finder import TermOccurrence
from translator import __version__
from translator.cache import CachedTranslation, TranslationMemory, cache_key, model_identity
from translator import enforce
from translator.enforce import METHODS, UNENFORCED, OccurrenceOutcome, SegmentTranslation, outcome_details
from translator.engine import DecodeRequest, Engine
from translator.formats import InlineTag, Location, TranslatedUnit, Unit, first_words, unit_position
from translator.formats.tags import AlignedToken, TermRendering, map_to_cleaned, place_tags
from translator.segment import (
    DEFAULT_MAX_TOKENS,
    Segment,
    SegmentedDocument,
    clean_translation,
    reassemble_with_offsets,
    segment_text,
)

if TYPE_CHECKING:
    from glossary.model import Glossary

# (segments done, segments total); called from the thread that runs the pipeline.
ProgressCallback = Callable[[int, int], None]


# Between the units of a many-unit document in ``SourceDocument.text``: a
# paragraph break, so bilingual output shows one unit per row group.
UNIT_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class SourceDocument:
    """One input: its shown path (``<stdin>`` for standard input) and its text (``\\n`` line ends).

    ``units`` None means the text is one unit (plain text, or Markdown when
    ``markdown``); otherwise ``text`` is the units' texts joined by
    :data:`UNIT_SEPARATOR` and segment offsets index into it.
    """

    path: str
    text: str
    markdown: bool = False
    units: tuple[Unit, ...] | None = None

    @classmethod
    def from_units(cls, path: str, units: Sequence[Unit]) -> SourceDocument:
        """The document a format read (:func:`translator.formats.read_document`)."""
        units = tuple(units)
        if len(units) == 1 and units[0].location == Location(1, 1) and not units[0].tags:
            return cls(path, units[0].text, units[0].markdown)
        return cls(path, UNIT_SEPARATOR.join(unit.text for unit in units), units=units)

    def source_units(self) -> tuple[Unit, ...]:
        return self.units if self.units is not None else (Unit(self.text, markdown=self.markdown, kind="file"),)

    def unit_starts(self) -> list[int]:
        """Where each unit starts in :attr:`text`."""
        starts, position = [], 0
        for unit in self.source_units():
            starts.append(position)
            position += len(unit.text) + len(UNIT_SEPARATOR)
        return starts

    def position(self, offset: int) -> tuple[str | None, int | None, int | None]:
        """(unit label, line, column) of ``text[offset]`` in the source file.

        Line-based formats give line and column (no label); formats without
        lines (DOCX) give the unit's label (``body:p12``) and no line.
        """
        if self.units is None:
            line = self.text.count("\n", 0, offset) + 1
            return None, line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        starts = self.unit_starts()
        index = max(0, bisect_right(starts, offset) - 1)
        unit = self.units[index]
        if unit.location.label is not None:
            return f"{unit.location.label} “{first_words(unit.text)}”", None, None
        unit_line, unit_column = unit_position(unit, offset - starts[index])
        return None, unit_line, unit_column

    def where(self, offset: int) -> tuple[str, int | None, int | None]:
        """(shown path, line, column) for a ``FILE:LINE:COL`` message; for formats
        without lines the path carries the label: ``report.ar.docx:body:p12 “…”``."""
        label, line, column = self.position(offset)
        return (f"{self.path}:{label}" if label else self.path), line, column


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
    # One per source unit, with the inline tags re-placed on the English.
    units: tuple[TranslatedUnit, ...] = ()

    @property
    def moved_tags(self) -> int:
        """Inline tags that could not be placed with confidence (moved, never dropped)."""
        return sum(unit.moved for unit in self.units)

    @property
    def placed_tags(self) -> int:
        """Inline tags of the source, as placed on the English (a tag cut by a sentence end counts once per sentence)."""
        return sum(len(unit.tags) for unit in self.units)


def translate_uncached(
    sources: list[str], engine: Engine, glossary: Glossary | None, align: Collection[int] = ()
) -> list[SegmentResult]:
    """THE SEAM: translate segments the cache did not have, parallel to ``sources``.

    Glossary enforcement happens here; its per-occurrence outcomes go into
    ``details``, which the cache stores with the text, so a cache hit restores
    them (:func:`segment_translations`) without decoding anything. The sources
    at the positions in ``align`` hold inline tags: their word alignment goes
    into ``details["alignment"]`` too (the pipeline passes ``align`` only when
    it is not empty, so a seam that ignores tags may leave the parameter out).
    """
    translations = enforce.translate_segments(sources, engine, glossary, align)
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
    cache: TranslationMemory | None = None,
    glossary: Glossary | None = None,
    progress_callback: ProgressCallback | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    translate_segments: Callable[[list[str], Engine, Glossary | None], list[SegmentResult]] = translate_uncached,
) -> list[TranslatedDocument]:
    """Translate every document; the result list is parallel to ``documents``."""
    segmented = [
        [segment_text(unit.text, markdown=unit.markdown, max_tokens=max_tokens) for unit in doc.source_units()]
        for doc in documents
    ]
    glossary_digest = glossary.digest if glossary is not None else ""
    # The tool version is part of the key: a release that changes segmentation
    # or enforcement must not be served renderings made by the old code.
    settings = f"tarjama {__version__}; {decoding_key(engine)}"

    model = model_identity(engine)

    def key_of(source: str) -> str:
        return cache_key(model, engine.version, settings, glossary_digest, source)

    all_sources = list(dict.fromkeys(seg.text for doc in segmented for unit in doc for seg in unit.segments))
    tagged = _tagged_sources(documents, segmented)
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
        align = [position for position, source in enumerate(missing) if source in tagged]
        fresh = _translate_with_progress(
            missing, engine, glossary, translate_segments, len(known), total, progress_callback, align
        )
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
    _align_missing(tagged, known, engine)
    if progress_callback is not None:
        progress_callback(total, total)
    return [_assemble(doc, seg_doc, known, from_cache) for doc, seg_doc in zip(documents, segmented)]


def _tagged_sources(documents: Sequence[SourceDocument], segmented: list[list[SegmentedDocument]]) -> set[str]:
    """Segment sources that hold an inline tag not covering the whole segment: they need alignment."""
    tagged: set[str] = set()
    for document, units in zip(documents, segmented):
        for unit, seg_doc in zip(document.source_units(), units):
            for tag in unit.tags:
                for segment in seg_doc.segments:
                    if _local(tag, segment) is not None and not (tag.start <= segment.start and tag.end >= segment.end):
                        tagged.add(segment.text)
    return tagged


def _align_missing(tagged: set[str], known: dict[str, SegmentResult], engine: Engine) -> None:
    """Alignment for tagged segments that came without one (the cache, a seam that ignores tags).

    One batched forced decode: the translation as target prefix, attention on.
    """
    wanted = [s for s in tagged if s in known and known[s].text.strip() and "alignment" not in known[s].details]
    if not wanted:
        return
    results = engine.translate(
        [DecodeRequest(source, target_prefix=known[source].text, return_attention=True) for source in wanted]
    )
    for source, result in zip(wanted, results):
        length = len(known[source].text)
        alignment = [list(token) for token in enforce.word_alignment(result) if token[0] < length]
        known[source] = SegmentResult(known[source].text, {**known[source].details, "alignment": alignment})


def _translate_with_progress(
    sources: list[str],
    engine: Engine,
    glossary: Glossary | None,
    translate_segments: Callable[[list[str], Engine, Glossary | None], list[SegmentResult]],
    already_done: int,
    total: int,
    progress_callback: ProgressCallback | None,
    align: list[int],
) -> list[SegmentResult]:
    def run() -> list[SegmentResult]:
        if align:
            return translate_segments(sources, engine, glossary, align)  # type: ignore[call-arg]
        return translate_segments(sources, engine, glossary)

    # An engine that can report progress inside its one big batch (ArgosEngine) gets a hook.
    if progress_callback is None or not hasattr(engine, "on_progress"):
        return run()
    previous = getattr(engine, "on_progress")

    def report(done: int, of: int) -> None:
        progress_callback(min(total, already_done + done), total)

    setattr(engine, "on_progress", report)
    try:
        return run()
    finally:
        setattr(engine, "on_progress", previous)


def _assemble(
    document: SourceDocument,
    segmented: list[SegmentedDocument],
    known: dict[str, SegmentResult],
    from_cache: set[str],
) -> TranslatedDocument:
    segments: list[TranslatedSegment] = []
    units: list[TranslatedUnit] = []
    for unit, start, seg_doc in zip(document.source_units(), document.unit_starts(), segmented):
        results = [known[segment.text] for segment in seg_doc.segments]
        segments += [
            TranslatedSegment(_shifted(segment, start), result.text, result.details, segment.text in from_cache)
            for segment, result in zip(seg_doc.segments, results)
        ]
        units.append(_translated_unit(unit, seg_doc, results))
    text = UNIT_SEPARATOR.join(unit.text for unit in units) if document.units is not None else units[0].text
    return TranslatedDocument(source=document, text=text, segments=tuple(segments), units=tuple(units))


def _shifted(segment: Segment, by: int) -> Segment:
    return segment if not by else Segment(segment.start + by, segment.end + by, segment.text, segment.starts_sentence)


def _local(tag: InlineTag, segment: Segment) -> InlineTag | None:
    """``tag`` clipped to ``segment``, in the segment's offsets; None if they do not meet."""
    if tag.start == tag.end:
        inside = segment.start <= tag.start <= segment.end
    else:
        inside = tag.start < segment.end and tag.end > segment.start
    if not inside:
        return None
    start, end = max(tag.start, segment.start), min(tag.end, segment.end)
    return InlineTag(start - segment.start, end - segment.start, tag.kind, tag.ref, tag.depth)


def _translated_unit(unit: Unit, seg_doc: SegmentedDocument, results: list[SegmentResult]) -> TranslatedUnit:
    """The unit's English, its tags placed sentence by sentence (:mod:`translator.formats.tags`)."""
    text, offsets = reassemble_with_offsets(seg_doc, [result.text for result in results])
    terms = tuple(
        (str(stored.get("surface", "")), str(stored.get("target", "")), str(stored.get("method", "")))
        for result in results
        for stored in result.details.get("outcomes", ())
        if isinstance(stored, dict)
    )
    if not unit.tags:
        return TranslatedUnit(text, terms=terms)
    segments = seg_doc.segments
    placed: list[InlineTag] = []
    moved = 0
    for tag in unit.tags:
        met = False
        for index, (segment, result) in enumerate(zip(segments, results)):
            local = _local(tag, segment)
            if local is None:
                continue
            met = True
            cleaned = clean_translation(result.text, segment.starts_sentence)
            placement = place_tags(segment.text, [local], result.text, _alignment(result), _terms(result))
            moved += placement.moved
            for mapped in map_to_cleaned(result.text, cleaned, placement.tags):
                shift = offsets[index]
                placed.append(InlineTag(mapped.start + shift, mapped.end + shift, mapped.kind, mapped.ref, mapped.depth))
        if not met:  # wholly in the verbatim glue between sentences (numbers, punctuation)
            placed.append(_in_glue(tag, seg_doc, offsets, results, len(text)))
    return TranslatedUnit(text, tuple(placed), moved, terms)


def _in_glue(
    tag: InlineTag, seg_doc: SegmentedDocument, offsets: list[int], results: list[SegmentResult], length: int
) -> InlineTag:
    """A tag over glue keeps its place in the glue (glue is copied verbatim)."""
    source_end, output_end = 0, 0
    for segment, offset, result in zip(seg_doc.segments, offsets, results):
        if segment.start >= tag.end and segment.start > tag.start:
            break
        source_end = segment.end
        output_end = offset + len(clean_translation(result.text, segment.starts_sentence))
    start = min(length, output_end + max(0, tag.start - source_end))
    end = min(length, output_end + max(0, tag.end - source_end))
    return InlineTag(start, max(start, end), tag.kind, tag.ref, tag.depth)


def _alignment(result: SegmentResult) -> list[AlignedToken]:
    tokens = []
    for token in result.details.get("alignment", ()):
        try:
            t_start, t_end, s_start, s_end = (int(value) for value in token)
        except (TypeError, ValueError):
            return []  # not what this version stores: place tags without alignment
        tokens.append((t_start, t_end, s_start, s_end))
    return tokens


def _terms(result: SegmentResult) -> list[TermRendering]:
    """The segment's enforced glossary occurrences, from the enforcement details."""
    terms = []
    for stored in result.details.get("outcomes", ()):
        try:
            if stored["method"] == enforce.UNENFORCED:
                continue
            terms.append(TermRendering(int(stored["start"]), int(stored["end"]), str(stored["target"])))
        except (KeyError, TypeError, ValueError):
            continue
    return terms


def _parse_details(details: str) -> dict[str, Any]:
    try:
        parsed = json.loads(details)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
