"""Term-consistency checking of finished translations against a glossary.

This is the core of ``tarjama check``: it pairs source and target files by
name, aligns their paragraphs, finds glossary terms in the Arabic with the
clitic-aware finder and their renderings in the English with
:mod:`glossary.english`, and returns :class:`~glossary.findings.Finding` data.
It never prints and never imports the model stack: ``check`` must start fast
in CI and in pre-commit hooks.

Rules (ids are a stable contract; see README.md, “tarjama check”):

=====================  ========  =================================================
rule                   severity  meaning
=====================  ========  =================================================
missing-translation    error     a source file has no target file (or it is empty)
orphan-translation     warning   a target file has no source file
unaligned              warning   paragraph counts differ; checked as one document
missing-term           error     a source term has no rendering in its paragraph
avoided-term           error     the target uses an ``avoid`` rendering
count-mismatch         warning   fewer renderings than source occurrences
inconsistent-rendering warning   one term or one source text rendered two ways
untranslated           warning   Arabic script left in the target
=====================  ========  =================================================
"""
from __future__ import annotations

import dataclasses
import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import compress
from typing import Collection, Iterable, NamedTuple, Sequence

from glossary.english import ACCEPT, AVOID, Rendering, RenderingIndex, fold_english
from glossary.errors import InputFileError
from glossary.finder import TermOccurrence, compile_matcher
from glossary.findings import ERROR, WARNING, Finding
from glossary.model import Entry, Glossary
from glossary.normalize import DELETED, LAM_ALEF_LIGATURES, ONE_TO_ONE, NormalizedText, normalize_with_map
from glossary.yamlio import collector_paused
from translator.bilingual_readers import BILINGUAL_SUFFIXES, BilingualFile, read_bilingual, read_if_for_us

MISSING_TRANSLATION = "missing-translation"
ORPHAN_TRANSLATION = "orphan-translation"
UNALIGNED = "unaligned"
MISSING_TERM = "missing-term"
AVOIDED_TERM = "avoided-term"
COUNT_MISMATCH = "count-mismatch"
INCONSISTENT_RENDERING = "inconsistent-rendering"
UNTRANSLATED = "untranslated"
RULES: tuple[str, ...] = (
    MISSING_TRANSLATION,
    ORPHAN_TRANSLATION,
    UNALIGNED,
    MISSING_TERM,
    AVOIDED_TERM,
    COUNT_MISMATCH,
    INCONSISTENT_RENDERING,
    UNTRANSLATED,
)

# How a segment pair was aligned: line by line (both files have the same
# paragraphs with the same number of lines each), paragraph by paragraph, or
# not at all (the whole document is one segment).
ALIGN_LINES = "lines"
ALIGN_PARAGRAPHS = "paragraphs"
ALIGN_DOCUMENT = "document"

# NAME.LANG.EXT; LANG is an ISO 639 code, optionally with a region or script
# (pt-BR, zh_Hant). NAME may itself contain dots (report.v2.ar.txt).
_LANG_NAME_RE = re.compile(r"^(?P<name>.+)\.(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\.(?P<ext>[^.]+)$")


# Arabic script left in an English target: a run of Arabic-block characters
# (letters, marks, digits, punctuation), with spaces between its words. It
# counts only if it has a letter, so a stray Arabic comma is not a finding.
_ARABIC_CHARS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC_RUN_RE = re.compile(f"[{_ARABIC_CHARS}]+(?:[ \\t\u00a0]+[{_ARABIC_CHARS}]+)*")
_ARABIC_LETTER_RE = re.compile("[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]")

# Sentence ends for the repeated-sentence comparison: . ! ? and the Arabic
# question mark, followed by a space or the end. Abbreviations split badly,
# but then the two sides rarely split into the same number of sentences and
# the comparison falls back to the whole segment.
_SENTENCE_END_RE = re.compile(r"[.!?\u061f\u06d4]+[\"'»”)]*(?=\s|$)")
# Shorter source texts ("Baghdad.") are legitimately translated in context;
# only texts of at least this many words are compared across places.
_MIN_WORDS_FOR_CONSISTENCY = 4
_QUOTE_LIMIT = 60
_TRAILING_THE_RE = re.compile(r"\bthe\s+$", re.IGNORECASE)


# normalize_arabic without its offset map, as one str.translate: segment keys
# are computed for every paragraph and need no map back to the original.
_MATCH_KEY_TABLE: dict[int, str | None] = {
    **ONE_TO_ONE,
    **{ord(char): None for char in DELETED},
    **{ord(char): expansion for char, expansion in LAM_ALEF_LIGATURES.items()},
}


def arabic_key(text: str) -> str:
    """``text`` normalized for comparison (the rules of glossary.normalize), spaces collapsed."""
    return " ".join(text.translate(_MATCH_KEY_TABLE).split())


# ---------------------------------------------------------------- pairing


@dataclass(frozen=True)
class TranslationPair:
    """A source file and its translation."""

    source: str
    target: str


@dataclass(frozen=True)
class PairSearch:
    """The pairs found under some paths, the files that had no partner, and bilingual files."""

    pairs: tuple[TranslationPair, ...]
    findings: tuple[Finding, ...]
    bilingual: tuple[str, ...] = ()  # XLIFF, TMX, PO: source and target in one file
    # Of those, the ones found in a folder (not named): skipped if they are another language pair's.
    bilingual_found: tuple[str, ...] = ()


def find_pairs(paths: Sequence[str], source_lang: str, target_lang: str) -> PairSearch:
    """Pair ``NAME.<source_lang>.EXT`` with ``NAME.<target_lang>.EXT`` under ``paths``.

    A path is a file (either side of a pair may be named) or a folder searched
    recursively, skipping hidden folders (.git, .venv). A source without a
    target is a ``missing-translation`` error; a target without a source an
    ``orphan-translation`` warning.
    """
    candidates: list[tuple[str, str, str, str]] = []  # (path, name-with-dir, lang, ext)
    bilingual: dict[str, None] = {}
    found: dict[str, None] = {}
    for given in paths:
        if os.path.isdir(given):
            candidates.extend(_files_under(given, (source_lang, target_lang), found))
        elif os.path.exists(given):
            path = os.path.normpath(given)
            if path.lower().endswith(BILINGUAL_SUFFIXES):
                bilingual[path] = None
                continue
            parsed = _parse_name(path)
            if parsed is None or parsed[1] not in (source_lang, target_lang):
                raise InputFileError(
                    f"cannot tell the language from the file name: expected NAME.{source_lang}.EXT"
                    f" or NAME.{target_lang}.EXT",
                    path=given,
                )
            candidates.append((path, *parsed))
        else:
            raise InputFileError("no such file or folder", path=given)

    pairs: dict[str, TranslationPair] = {}
    findings: dict[str, Finding] = {}
    for path, stem, lang, ext in candidates:
        source = path if lang == source_lang else f"{stem}.{source_lang}.{ext}"
        target = path if lang == target_lang else f"{stem}.{target_lang}.{ext}"
        if os.path.isfile(source) and os.path.isfile(target):
            pairs.setdefault(source, TranslationPair(source, target))
        elif lang == source_lang:
            findings[path] = Finding(
                MISSING_TRANSLATION, ERROR, f"no translation: expected {target}", path=path
            )
        else:
            findings[path] = Finding(
                ORPHAN_TRANSLATION, WARNING, f"translation without a source: expected {source}", path=path
            )
    return PairSearch(
        pairs=tuple(pairs[key] for key in sorted(pairs)),
        findings=tuple(findings[key] for key in sorted(findings)),
        bilingual=tuple(dict.fromkeys([*bilingual, *found])),
        bilingual_found=tuple(path for path in found if path not in bilingual),
    )


def _parse_name(path: str) -> tuple[str, str, str] | None:
    folder, name = os.path.split(path)
    match = _LANG_NAME_RE.match(name)
    if match is None:
        return None
    return os.path.join(folder, match["name"]), match["lang"], match["ext"]


def _files_under(
    folder: str, langs: tuple[str, str], bilingual: dict[str, None]
) -> Iterable[tuple[str, str, str, str]]:
    for directory, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            path = os.path.normpath(os.path.join(directory, name))
            if name.lower().endswith(BILINGUAL_SUFFIXES):
                if os.path.isfile(path):
                    bilingual[path] = None
                continue
            parsed = _parse_name(path)
            if parsed is not None and parsed[1] in langs and os.path.isfile(path):
                yield (path, *parsed)


# ---------------------------------------------------------------- documents


@dataclass(frozen=True)
class PairText:
    """A pair's paths and decoded texts (newlines already unified to ``\\n``)."""

    source_path: str
    source_text: str
    target_path: str
    target_text: str


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found, and how much it looked at."""

    findings: tuple[Finding, ...]
    pairs_checked: int

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == WARNING)

    @property
    def files_with_findings(self) -> int:
        return len({finding.path for finding in self.findings})


class _Document:
    """A text with its line starts, for 1-based line:column of any offset.

    Offsets are in the decoded text, whose lines are the original file's lines
    (read_text turns CRLF and CR into one ``\\n`` each and drops the BOM), so
    line:column are the ones an editor shows.
    """

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def paragraphs(self) -> list[list[tuple[int, int]]]:
        """Non-blank lines as ``(start, end)`` spans, grouped into blank-line-separated paragraphs."""
        paragraphs: list[list[tuple[int, int]]] = []
        current: list[tuple[int, int]] = []
        for number, start in enumerate(self.line_starts):
            end = self.line_starts[number + 1] - 1 if number + 1 < len(self.line_starts) else len(self.text)
            if self.text[start:end].strip():
                current.append(_strip_span(self.text, start, end))
            elif current:
                paragraphs.append(current)
                current = []
        if current:
            paragraphs.append(current)
        return paragraphs


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def align(source: _Document, target: _Document) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """Segments of both documents that translate each other, and how they were found.

    Lines when both have the same paragraphs with the same line counts (finest,
    so findings point at the exact line); else paragraphs when the paragraph
    counts agree; else the whole documents.
    """
    source_paragraphs = source.paragraphs()
    target_paragraphs = target.paragraphs()
    if [len(p) for p in source_paragraphs] == [len(p) for p in target_paragraphs]:
        return (
            ALIGN_LINES,
            [line for p in source_paragraphs for line in p],
            [line for p in target_paragraphs for line in p],
        )
    if len(source_paragraphs) == len(target_paragraphs) and len(source_paragraphs) > 1:
        return (
            ALIGN_PARAGRAPHS,
            [(p[0][0], p[-1][1]) for p in source_paragraphs],
            [(p[0][0], p[-1][1]) for p in target_paragraphs],
        )
    return ALIGN_DOCUMENT, [(0, len(source.text))], [(0, len(target.text))]


# ---------------------------------------------------------------- checking


@dataclass
class _Use:
    """Where an accepted form of an entry was used (for the cross-file consistency rule)."""

    path: str
    line: int
    column: int
    shown: str


@dataclass
class _SegmentRecord:
    """An aligned source text and its translation, for the repeated-text rule.

    Only where it is and what its renderings are: most source texts occur
    once, and their translation's comparison key and positions are never
    needed, so :func:`_segment_inconsistencies` computes them only for texts
    seen twice.
    """

    source: _Document
    source_start: int
    target: _Document
    target_start: int
    target_end: int
    renderings: list[Rendering]

    def target_key(self) -> str:
        return _masked_key(self.target.text, self.target_start, self.target_end, self.renderings)


@dataclass
class _Collected:
    findings: list[Finding] = field(default_factory=list)
    # entry index -> folded accept form -> its first use
    accept_uses: dict[int, dict[str, _Use]] = field(default_factory=dict)
    # normalized source text -> its translations, in order
    segments: dict[str, list[_SegmentRecord]] = field(default_factory=dict)


def check_paths(paths: Sequence[str], glossary: Glossary, strict_counts: bool = False) -> CheckResult:
    """Find pairs and bilingual files under ``paths`` and check them all (``tarjama check PATHS…``)."""
    search = find_pairs(paths, glossary.source_lang, glossary.target_lang)
    result = check_files(search.pairs, glossary, strict_counts, search.bilingual, frozenset(search.bilingual_found))
    return CheckResult(_sorted(list(search.findings) + list(result.findings)), result.pairs_checked)


def check_files(
    pairs: Sequence[TranslationPair],
    glossary: Glossary,
    strict_counts: bool = False,
    bilingual_paths: Sequence[str] = (),
    found_in_folders: Collection[str] = frozenset(),
) -> CheckResult:
    """Read and check explicit pairs (``tarjama check --source S --target T``) and bilingual files.

    Each unit of a bilingual file (XLIFF, TMX, PO) counts as one pair checked.
    """
    from translator.formats.checking import read_for_check, relocate

    read = {path: read_for_check(path) for pair in pairs for path in (pair.source, pair.target)}
    texts = [PairText(pair.source, read[pair.source].text, pair.target, read[pair.target].text) for pair in pairs]
    source_lang, target_lang = glossary.source_lang, glossary.target_lang
    read_files = [
        read_if_for_us(path, source_lang, target_lang) if path in found_in_folders else read_bilingual(path, source_lang, target_lang)
        for path in bilingual_paths
    ]
    bilingual = [file for file in read_files if file is not None]
    findings = check_texts(texts, glossary, strict_counts, bilingual)
    # HTML and DOCX are checked as their units: point findings back into the files.
    findings = relocate(findings, read, {pair.target: pair.source for pair in pairs})
    units = sum(1 for file in bilingual for unit in file.units if unit.source.strip())
    return CheckResult(tuple(findings), len(texts) + units)


def check_texts(
    pairs: Sequence[PairText],
    glossary: Glossary,
    strict_counts: bool = False,
    bilingual: Sequence[BilingualFile] = (),
) -> list[Finding]:
    """Every finding in ``pairs`` and in the units of ``bilingual`` files, including those that need several to see."""
    with collector_paused():
        # A function call, not a block: its frame, and with it the rendering
        # index and every segment record, is freed before the collector
        # resumes, so the collection that follows does not scan them all.
        return _check_all(pairs, glossary, strict_counts, bilingual)


def _check_all(
    pairs: Sequence[PairText], glossary: Glossary, strict_counts: bool, bilingual: Sequence[BilingualFile]
) -> list[Finding]:
    index = RenderingIndex(glossary)
    collected = _Collected()
    for pair in pairs:
        _check_pair(pair, glossary, index, strict_counts, collected)
    for file in bilingual:
        _check_units(file, glossary, index, strict_counts, collected)
    collected.findings.extend(_accept_inconsistencies(collected.accept_uses, glossary))
    collected.findings.extend(_segment_inconsistencies(collected.segments))
    findings = collected.findings
    if bilingual:
        findings = _label_units(findings, bilingual)
    return list(_sorted(findings))


def _check_pair(
    pair: PairText, glossary: Glossary, index: RenderingIndex, strict_counts: bool, collected: _Collected
) -> None:
    source = _Document(pair.source_path, pair.source_text)
    target = _Document(pair.target_path, pair.target_text)
    out = collected.findings
    if not pair.source_text.strip():
        return
    if not pair.target_text.strip():
        out.append(Finding(MISSING_TRANSLATION, ERROR, "the translation is empty", pair.target_path))
        return
    if _ARABIC_LETTER_RE.search(pair.target_text) and arabic_key(pair.source_text) == arabic_key(pair.target_text):
        # One finding, not one per line and per term: nothing was translated.
        out.append(
            Finding(UNTRANSLATED, ERROR, f"the translation is a copy of its source {pair.source_path}", pair.target_path, 1, 1)
        )
        return

    out.extend(_untranslated(target))
    mode, source_segments, target_segments = align(source, target)
    if mode == ALIGN_DOCUMENT:
        out.append(
            Finding(
                UNALIGNED,
                WARNING,
                f"{pair.source_path} has {len(source.paragraphs())} paragraphs and this file"
                f" {len(target.paragraphs())}: terms were checked over the whole document,"
                " so missing terms have no line",
                pair.target_path,
            )
        )

    _check_segments(source, target, mode, source_segments, target_segments, glossary, index, strict_counts, collected)


def _check_segments(
    source: _Document,
    target: _Document,
    mode: str,
    source_segments: list[tuple[int, int]],
    target_segments: list[tuple[int, int]],
    glossary: Glossary,
    index: RenderingIndex,
    strict_counts: bool,
    collected: _Collected,
) -> None:
    """The term rules over aligned segments: missing, avoided, miscounted terms; records for consistency."""
    out = collected.findings
    # Normalized once: the finder matches on it and the repeated-text rule keys on it.
    normalized_source = normalize_with_map(source.text)
    occurrences = compile_matcher(glossary).find_normalized(normalized_source)
    segment_starts = [span[0] for span in source_segments]
    by_segment: list[list[TermOccurrence]] = [[] for _ in source_segments]
    for occurrence in occurrences:
        slot = bisect_right(segment_starts, occurrence.term_start) - 1
        if slot >= 0:
            by_segment[slot].append(occurrence)

    count_severity = ERROR if strict_counts else WARNING
    for (source_start, source_end), (target_start, target_end), segment_terms in zip(
        source_segments, target_segments, by_segment
    ):
        terms_here: dict[int, list[TermOccurrence]] = {}
        for occurrence in segment_terms:
            terms_here.setdefault(occurrence.entry_index, []).append(occurrence)
        renderings = index.find(target.text, target_start, target_end, present=terms_here)
        out.extend(_avoided(renderings, terms_here, target, glossary))
        located = mode != ALIGN_DOCUMENT
        target_line, target_column = target.position(target_start)
        renderings_by_entry: dict[int, list[Rendering]] = {}
        for rendering in renderings:
            renderings_by_entry.setdefault(rendering.entry_index, []).append(rendering)
        for entry_index, terms in terms_here.items():
            entry = glossary.entries[entry_index]
            rendered = renderings_by_entry.get(entry_index, [])  # avoided ones included
            if not rendered:
                out.append(
                    Finding(
                        MISSING_TERM,
                        ERROR,
                        f'"{terms[0].surface}" (source {_source_where(source, terms[0], located)}) is not rendered:'
                        f' expected "{entry.target}"' + _accepted_note(entry),
                        target.path,
                        target_line if located else None,
                        target_column if located else None,
                        entry.target,
                    )
                )
            elif len(rendered) < len(terms):
                out.append(
                    Finding(
                        COUNT_MISMATCH,
                        count_severity,
                        f'"{terms[0].form}" occurs {len(terms)} times in the source'
                        f' (from {_source_where(source, terms[0], located)})'
                        f' but is rendered {len(rendered)} {_times(len(rendered))}'
                        f' ("{entry.target}"{" or an accepted form" if entry.accept else ""})',
                        target.path,
                        target_line if located else None,
                        target_column if located else None,
                        entry.target,
                    )
                )
            for rendering in rendered:
                if rendering.kind == ACCEPT:
                    uses = collected.accept_uses.setdefault(entry_index, {})
                    folded = fold_english(rendering.phrase)
                    if folded not in uses:  # the first use of each form is the one reported
                        line, column = target.position(rendering.start)
                        uses[folded] = _Use(target.path, line, column, target.text[rendering.start : rendering.end])
        if located:
            _record_segments(
                collected.segments,
                source,
                normalized_source,
                target,
                (source_start, source_end),
                (target_start, target_end),
                renderings,
            )


# Between the units of a bilingual file laid end to end: a line break, so an
# Arabic run or a sentence never continues into the next unit, and a "|", so
# the term finder (which reads line breaks as spaces) never matches a term
# across two units.
_UNIT_SEPARATOR = "\n|\n"
_LETTER_RE = re.compile(r"[^\W\d_]")


class _UnitsDocument(_Document):
    """One side of a bilingual file's units, laid end to end; every offset is at its unit's LINE:COL."""

    def __init__(self, path: str, texts: list[str], positions: list[tuple[int, int]]) -> None:
        self.path = path
        self.text = _UNIT_SEPARATOR.join(texts)
        self.line_starts = []
        self.spans: list[tuple[int, int]] = []
        cursor = 0
        for text in texts:
            self.spans.append(_strip_span(self.text, cursor, cursor + len(text)))
            cursor += len(text) + len(_UNIT_SEPARATOR)
        self.unit_starts = [start for start, _ in self.spans]
        self.positions = positions

    def position(self, offset: int) -> tuple[int, int]:
        return self.positions[max(bisect_right(self.unit_starts, offset) - 1, 0)]


def _check_units(
    file: BilingualFile, glossary: Glossary, index: RenderingIndex, strict_counts: bool, collected: _Collected
) -> None:
    """The rules of a file pair, applied to each unit of a bilingual file (its units are its lines)."""
    out = collected.findings
    sources: list[str] = []
    targets: list[str] = []
    positions: list[tuple[int, int]] = []
    for unit in file.units:
        if not unit.source.strip():
            continue
        if unit.target is None or not unit.target.strip():
            if _LETTER_RE.search(unit.source):
                out.append(Finding(MISSING_TRANSLATION, ERROR, "the unit has no translation", file.path, unit.line, unit.column))
            continue
        if _ARABIC_LETTER_RE.search(unit.target) and arabic_key(unit.source) == arabic_key(unit.target):
            out.append(
                Finding(UNTRANSLATED, ERROR, "the translation is a copy of its source", file.path, unit.line, unit.column)
            )
            continue
        sources.append(unit.source.replace(_UNIT_SEPARATOR, " "))
        targets.append(unit.target.replace(_UNIT_SEPARATOR, " "))
        positions.append((unit.line, unit.column))
    if not sources:
        return
    source = _UnitsDocument(file.path, sources, positions)
    target = _UnitsDocument(file.path, targets, positions)
    out.extend(_untranslated(target))
    _check_segments(source, target, ALIGN_LINES, source.spans, target.spans, glossary, index, strict_counts, collected)


def _label_units(findings: list[Finding], bilingual: Sequence[BilingualFile]) -> list[Finding]:
    """Findings in bilingual files name their unit and say whether it still needs review."""
    units = {(file.path, unit.line, unit.column): unit for file in bilingual for unit in file.units}
    labelled: list[Finding] = []
    for finding in findings:
        unit = units.get((finding.path or "", finding.line or 0, finding.column or 0))
        if unit is None:
            labelled.append(finding)
            continue
        labels = [f"unit {unit.unit_id}"] if unit.unit_id is not None else []
        if unit.needs_review:
            labels.append("needs review")
        message = f"{', '.join(labels)}: {finding.message}" if labels else finding.message
        labelled.append(dataclasses.replace(finding, message=message, unit=unit.unit_id, needs_review=unit.needs_review))
    return labelled


def _source_where(source: _Document, first: TermOccurrence, located: bool) -> str:
    """Where a term is in the source: line:column, with the file when segments have no lines."""
    line, column = source.position(first.start)
    return f"{line}:{column}" if located else f"{source.path}:{line}:{column}"


def _avoided(
    renderings: list[Rendering], terms_here: dict[int, list[TermOccurrence]], target: _Document, glossary: Glossary
) -> list[Finding]:
    findings: list[Finding] = []
    for rendering in renderings:
        if rendering.kind != AVOID:
            continue
        entry = glossary.entries[rendering.entry_index]
        line, column = target.position(rendering.start)
        shown = target.text[rendering.start : rendering.end]
        findings.append(
            Finding(
                AVOIDED_TERM,
                ERROR,
                f'"{shown}" is an avoided rendering of "{entry.sources[0]}": use "{entry.target}"',
                target.path,
                line,
                column,
                entry.target,
            )
        )
    return findings


def _untranslated(target: _Document) -> list[Finding]:
    findings: list[Finding] = []
    for match in _ARABIC_RUN_RE.finditer(target.text):
        if not _ARABIC_LETTER_RE.search(match.group()):
            continue
        line, column = target.position(match.start())
        findings.append(
            Finding(UNTRANSLATED, WARNING, f'Arabic text left untranslated: "{_quote(match.group())}"', target.path, line, column)
        )
    return findings


def _record_segments(
    records: dict[str, list[_SegmentRecord]],
    source: _Document,
    normalized_source: NormalizedText,
    target: _Document,
    source_span: tuple[int, int],
    target_span: tuple[int, int],
    renderings: list[Rendering],
) -> None:
    """Remember aligned texts (sentences when both sides split alike) for the repeated-text rule."""
    source_sentences = _sentences(source.text, *source_span)
    # Split the target only when the source has sentences to pair with.
    target_sentences = _sentences(target.text, *target_span) if len(source_sentences) >= 2 else []
    if len(source_sentences) < 2 or len(source_sentences) != len(target_sentences):
        source_sentences, target_sentences = [source_span], [target_span]
    normalized = normalized_source.text
    from_original = normalized_source.from_original
    for (s_start, s_end), (t_start, t_end) in zip(source_sentences, target_sentences):
        # arabic_key(source.text[s_start:s_end]), read off the text the finder normalized.
        source_key = " ".join(normalized[from_original(s_start) : from_original(s_end)].split())
        if source_key.count(" ") + 1 < _MIN_WORDS_FOR_CONSISTENCY:
            continue
        records.setdefault(source_key, []).append(_SegmentRecord(source, s_start, target, t_start, t_end, renderings))


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_END_RE.finditer(text, start, end):
        spans.append(_strip_span(text, cursor, match.end()))
        cursor = match.end()
    if text[cursor:end].strip():
        spans.append(_strip_span(text, cursor, end))
    return spans


def _masked_key(text: str, start: int, end: int, renderings: list[Rendering]) -> str:
    """The translation as a comparison key, glossary renderings replaced by their entry.

    Differences in glossary terms have their own rules; this one is about the
    rest of the wording.
    """
    pieces: list[str] = []
    cursor = start
    for rendering in renderings:
        if rendering.start < start or rendering.end > end or rendering.start < cursor:
            continue
        # "the Qayyarah air base" and "Qayyarah base" differ only in glossary forms.
        pieces.append(_TRAILING_THE_RE.sub("", text[cursor : rendering.start]))
        pieces.append(f" \x00{rendering.entry_index}\x00")
        cursor = rendering.end
    pieces.append(text[cursor:end])
    return fold_english("".join(pieces))


def _accept_inconsistencies(accept_uses: dict[int, dict[str, _Use]], glossary: Glossary) -> list[Finding]:
    findings: list[Finding] = []
    for entry_index, uses in accept_uses.items():
        if len(uses) < 2:
            continue
        entry = glossary.entries[entry_index]
        ordered = list(uses.values())
        for number, use in enumerate(ordered):
            other = ordered[1] if number == 0 else ordered[0]
            findings.append(
                Finding(
                    INCONSISTENT_RENDERING,
                    WARNING,
                    f'"{entry.sources[0]}" is rendered "{use.shown}" here but "{other.shown}" at'
                    f' {other.path}:{other.line}:{other.column}; prefer "{entry.target}"',
                    use.path,
                    use.line,
                    use.column,
                    entry.target,
                )
            )
    return findings


def _segment_inconsistencies(segments: dict[str, list[_SegmentRecord]]) -> list[Finding]:
    findings: list[Finding] = []
    for records in segments.values():
        if len(records) < 2:
            continue
        target_keys = [record.target_key() for record in records]
        if len(set(target_keys)) < 2:
            continue
        for record, target_key in zip(records, target_keys):
            other = next(r for r, key in zip(records, target_keys) if key != target_key)
            source_line, source_column = record.source.position(record.source_start)
            line, column = record.target.position(record.target_start)
            other_line, other_column = other.target.position(other.target_start)
            findings.append(
                Finding(
                    INCONSISTENT_RENDERING,
                    WARNING,
                    f"the same source text ({record.source.path}:{source_line}:{source_column}) is translated"
                    f" differently at {other.target.path}:{other_line}:{other_column}",
                    record.target.path,
                    line,
                    column,
                )
            )
    return findings


def _accepted_note(entry: Entry) -> str:
    if not entry.accept:
        return ""
    return " (or " + ", ".join(f'"{value}"' for value in entry.accept) + ")"


def _times(count: int) -> str:
    return "time" if count == 1 else "times"


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _QUOTE_LIMIT else flat[: _QUOTE_LIMIT - 1] + "…"


_RULE_ORDER = {rule: number for number, rule in enumerate(RULES)}


def _sorted(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Findings in file, line, column order: stable output for diffs and golden tests."""
    return tuple(
        sorted(
            findings,
            key=lambda f: (f.path or "", f.line or 0, f.column or 0, _RULE_ORDER.get(f.rule, 99), f.message),
        )
    )
