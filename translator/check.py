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

import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import compress
from typing import Iterable, NamedTuple, Sequence

from glossary.english import HYPHENS, find_renderings, fold_english, pattern_source
from glossary.errors import InputFileError
from glossary.finder import TermOccurrence, compile_matcher
from glossary.findings import ERROR, WARNING, Finding
from glossary.model import CASE_EXACT, Entry, Glossary
from glossary.normalize import DELETED, LAM_ALEF_LIGATURES, ONE_TO_ONE, NormalizedText, normalize_with_map
from glossary.yamlio import collector_paused

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

# Kinds of rendering an entry lists, in the order they are tried.
TARGET = "target"
ACCEPT = "accept"
AVOID = "avoid"

# An English word, for the cheap pre-filter that picks which entries are worth
# a regex search in a paragraph (a 10,000-entry glossary must not cost 10,000
# searches per paragraph).
_ENGLISH_WORD_RE = re.compile(r"\w+")
_MATCHED_TEXT = re.Match.group  # Match.group as a function, for map()
# A phrase of plain words and single spaces (most renderings): split without a regex per word.
_PLAIN_PHRASE_RE = re.compile(r"\w+(?: \w+)*")
_WORD_CHAR_RE = re.compile(r"\w")

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
# Longer all-capitals phrases are names written in capitals, not abbreviations.
_ACRONYM_MAX_LETTERS = 5


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
    """The pairs found under some paths, and the files that had no partner."""

    pairs: tuple[TranslationPair, ...]
    findings: tuple[Finding, ...]


def find_pairs(paths: Sequence[str], source_lang: str, target_lang: str) -> PairSearch:
    """Pair ``NAME.<source_lang>.EXT`` with ``NAME.<target_lang>.EXT`` under ``paths``.

    A path is a file (either side of a pair may be named) or a folder searched
    recursively, skipping hidden folders (.git, .venv). A source without a
    target is a ``missing-translation`` error; a target without a source an
    ``orphan-translation`` warning.
    """
    candidates: list[tuple[str, str, str, str]] = []  # (path, name-with-dir, lang, ext)
    for given in paths:
        if os.path.isdir(given):
            candidates.extend(_files_under(given, (source_lang, target_lang)))
        elif os.path.exists(given):
            path = os.path.normpath(given)
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
    )


def _parse_name(path: str) -> tuple[str, str, str] | None:
    folder, name = os.path.split(path)
    match = _LANG_NAME_RE.match(name)
    if match is None:
        return None
    return os.path.join(folder, match["name"]), match["lang"], match["ext"]


def _files_under(folder: str, langs: tuple[str, str]) -> Iterable[tuple[str, str, str, str]]:
    for directory, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            path = os.path.normpath(os.path.join(directory, name))
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


# ---------------------------------------------------------------- rendering index


class _Rendering(NamedTuple):
    """One rendering found in a target: span in the document, entry, kind.

    A named tuple, not a dataclass: a 10 MB check makes tens of thousands,
    and a tuple is several times cheaper to create.
    """

    start: int
    end: int
    entry_index: int
    kind: str  # TARGET, ACCEPT or AVOID
    phrase: str  # as written in the glossary


def is_acronym(phrase: str) -> bool:
    """An all-capitals abbreviation (IS, US, U.S., PMF): matched case-exactly in every entry.

    Matched case-insensitively, "IS" and "US" would be found in every English
    paragraph ("it is", "told us"), and a missing term would never be reported.
    """
    if not phrase.isupper():
        # A lower-case letter, or no cased letter at all: no acronym (and the
        # common case costs one C call, not a loop; this runs per rendering).
        return False
    letters = [char for char in phrase if char.isalpha()]
    return 0 < len(letters) <= _ACRONYM_MAX_LETTERS and all(char.isupper() for char in letters)


@dataclass(frozen=True)
class _Phrase:
    """One rendering, pre-split into words for the word-level matcher."""

    entry_index: int
    kind: str
    text: str  # as written in the glossary
    words: tuple[str, ...]  # lower-cased unless case_exact
    gaps: tuple[re.Pattern[str], ...]  # what may stand between word k and k+1
    suffix: re.Pattern[str] | None  # trailing punctuation, as in "U.S."
    case_exact: bool


class _RenderingIndex:
    """Every entry's renderings, found in English text word by word.

    This is :func:`glossary.english.find_renderings` (the reference; a test
    checks they agree) rebuilt for a whole glossary at once: that function
    compiles one regex per phrase set, and compiling 10,000 entries' regexes
    costs seconds, while a dict from first word to phrases costs nothing.
    Same rules: case-insensitive unless ``case: exact`` (or an acronym), any
    apostrophe for an apostrophe, any dash or a space for a hyphen, an
    optional leading "the", whole words only, not right after a hyphen.
    """

    def __init__(self, glossary: Glossary) -> None:
        self.by_first_word: dict[str, list[_Phrase]] = {}
        # Phrases the word matcher cannot take (they begin with punctuation):
        # entry index -> (phrases, kinds, case_exact), searched with find_renderings.
        self.fallback: list[tuple[int, tuple[str, ...], tuple[str, ...], bool]] = []
        for index, entry in enumerate(glossary.entries):
            seen: set[str] = set()
            for kind, values in ((TARGET, (entry.target,)), (ACCEPT, entry.accept), (AVOID, entry.avoid)):
                for value in values:
                    if not value.strip() or value in seen:
                        continue
                    seen.add(value)
                    exact = entry.case == CASE_EXACT or is_acronym(value)
                    phrase = _split_phrase(index, kind, value, exact)
                    if phrase is None:
                        self.fallback.append((index, (value,), (kind,), exact))
                    else:
                        self.by_first_word.setdefault(phrase.words[0].lower(), []).append(phrase)
        for phrases in self.by_first_word.values():
            # Longest first, as find_renderings orders its alternatives.
            phrases.sort(key=lambda phrase: -len(phrase.text))

    def find(self, text: str, start: int, end: int) -> list[_Rendering]:
        """Renderings in ``text[start:end]``: leftmost-longest, overlaps across entries resolved.

        The longest match wins, within an entry (avoid "Al-Taji Camp" over a
        target inside it) and across entries ("Hizbollah Brigades" is one
        avoided rendering, not also "Hizbollah"). Two entries sharing one
        phrase (target of one, accept of another) both keep it.
        """
        # One C-level scan and maps: most words begin no rendering, and a set
        # lookup over them is all they cost.
        words = list(_ENGLISH_WORD_RE.finditer(text, start, end))
        lowered = list(map(str.lower, map(_MATCHED_TEXT, words)))
        by_first_word = self.by_first_word
        hits = list(compress(range(len(lowered)), map(by_first_word.__contains__, lowered)))
        found: list[tuple[int, int, int, _Phrase]] = []
        for position in hits:
            phrases = by_first_word[lowered[position]]
            word_start = words[position].start()
            if word_start > 0 and text[word_start - 1] in HYPHENS:
                continue
            for phrase in phrases:
                match_end = _match_at(phrase, text, words, lowered, position, end)
                if match_end is not None:
                    found.append((word_start, match_end, len(phrase.text), phrase))
        for entry_index, values, kinds, exact in self.fallback:
            for match in find_renderings(text[start:end], values, exact):
                value = values[match.phrase_index]
                fallback = _Phrase(entry_index, kinds[match.phrase_index], value, (), (), None, exact)
                found.append((start + match.start, start + match.end, len(value), fallback))
        found.sort(key=lambda item: (item[0], -(item[1] - item[0]), -item[2], item[3].entry_index))
        kept: list[_Rendering] = []
        frontier = -1
        for match_start, match_end, _, phrase in found:
            if kept and (match_start, match_end) == (kept[-1].start, kept[-1].end):
                if all(k.entry_index != phrase.entry_index for k in kept if (k.start, k.end) == (match_start, match_end)):
                    kept.append(_Rendering(match_start, match_end, phrase.entry_index, phrase.kind, phrase.text))
            elif match_start >= frontier:
                kept.append(_Rendering(match_start, match_end, phrase.entry_index, phrase.kind, phrase.text))
                frontier = match_end
        return kept


_LEADING_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)
_GAP_PATTERNS: dict[str, re.Pattern[str]] = {}


def _gap_pattern(gap: str) -> re.Pattern[str]:
    """The text a phrase's non-word stretch may match (the rules of glossary.english)."""
    cached = _GAP_PATTERNS.get(gap)
    if cached is None:
        cached = _GAP_PATTERNS[gap] = re.compile(pattern_source(gap))
    return cached


def _split_phrase(entry_index: int, kind: str, value: str, case_exact: bool) -> _Phrase | None:
    core = _LEADING_THE_RE.sub("", value.strip())
    if _PLAIN_PHRASE_RE.fullmatch(core):
        # The general path below gives the same result; this one is cheaper,
        # and a 10,000-entry glossary has tens of thousands of phrases.
        plain_words = core.split(" ")
        return _Phrase(
            entry_index,
            kind,
            value,
            tuple(plain_words) if case_exact else tuple(word.lower() for word in plain_words),
            (_gap_pattern(" "),) * (len(plain_words) - 1),
            None,
            case_exact,
        )
    words = list(_ENGLISH_WORD_RE.finditer(core))
    if not words or words[0].start() > 0:
        return None
    gaps = tuple(_gap_pattern(core[a.end() : b.start()]) for a, b in zip(words, words[1:]))
    tail = core[words[-1].end() :]
    texts = tuple(word.group() if case_exact else word.group().lower() for word in words)
    return _Phrase(entry_index, kind, value, texts, gaps, _gap_pattern(tail) if tail else None, case_exact)


def _match_at(
    phrase: _Phrase, text: str, words: list[re.Match[str]], lowered: list[str], position: int, end: int
) -> int | None:
    """End offset of ``phrase`` matched from word ``position`` on, or None."""
    count = len(phrase.words)
    stop = position + count
    if stop > len(words):
        return None
    # The words first, compared all at once (most candidates fail here), then the gaps between them.
    if phrase.case_exact:
        if tuple(word.group() for word in words[position:stop]) != phrase.words:
            return None
    elif tuple(lowered[position:stop]) != phrase.words:
        return None
    for offset in range(1, count):
        gap = phrase.gaps[offset - 1].fullmatch(text, words[position + offset - 1].end(), words[position + offset].start())
        if gap is None:
            return None
    match_end = words[position + count - 1].end()
    if phrase.suffix is not None:
        tail = phrase.suffix.match(text, match_end, end)
        if tail is None:
            return None
        match_end = tail.end()
        if match_end < len(text) and _WORD_CHAR_RE.match(text, match_end):
            return None
    return match_end


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
    renderings: list[_Rendering]

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
    """Find pairs under ``paths`` and check them all (``tarjama check PATHS…``)."""
    search = find_pairs(paths, glossary.source_lang, glossary.target_lang)
    result = check_files(search.pairs, glossary, strict_counts)
    return CheckResult(_sorted(list(search.findings) + list(result.findings)), result.pairs_checked)


def check_files(pairs: Sequence[TranslationPair], glossary: Glossary, strict_counts: bool = False) -> CheckResult:
    """Read and check explicit pairs (``tarjama check --source S --target T``)."""
    from translator.formats.checking import read_for_check, relocate

    read = {path: read_for_check(path) for pair in pairs for path in (pair.source, pair.target)}
    texts = [PairText(pair.source, read[pair.source].text, pair.target, read[pair.target].text) for pair in pairs]
    findings = check_texts(texts, glossary, strict_counts)
    # HTML and DOCX are checked as their units: point findings back into the files.
    findings = relocate(findings, read, {pair.target: pair.source for pair in pairs})
    return CheckResult(tuple(findings), len(texts))


def check_texts(pairs: Sequence[PairText], glossary: Glossary, strict_counts: bool = False) -> list[Finding]:
    """Every finding in ``pairs``, including those that need several pairs to see."""
    with collector_paused():
        # A function call, not a block: its frame, and with it the rendering
        # index and every segment record, is freed before the collector
        # resumes, so the collection that follows does not scan them all.
        return _check_all(pairs, glossary, strict_counts)


def _check_all(pairs: Sequence[PairText], glossary: Glossary, strict_counts: bool) -> list[Finding]:
    index = _RenderingIndex(glossary)
    collected = _Collected()
    for pair in pairs:
        _check_pair(pair, glossary, index, strict_counts, collected)
    collected.findings.extend(_accept_inconsistencies(collected.accept_uses, glossary))
    collected.findings.extend(_segment_inconsistencies(collected.segments))
    return list(_sorted(collected.findings))


def _check_pair(
    pair: PairText, glossary: Glossary, index: _RenderingIndex, strict_counts: bool, collected: _Collected
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

    # Normalized once: the finder matches on it and the repeated-text rule keys on it.
    normalized_source = normalize_with_map(pair.source_text)
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
        renderings = index.find(pair.target_text, target_start, target_end)
        terms_here: dict[int, list[TermOccurrence]] = {}
        for occurrence in segment_terms:
            terms_here.setdefault(occurrence.entry_index, []).append(occurrence)
        out.extend(_avoided(renderings, terms_here, target, glossary))
        located = mode != ALIGN_DOCUMENT
        target_line, target_column = target.position(target_start)
        renderings_by_entry: dict[int, list[_Rendering]] = {}
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
                        pair.target_path,
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
                        pair.target_path,
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
                        uses[folded] = _Use(
                            pair.target_path, line, column, pair.target_text[rendering.start : rendering.end]
                        )
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


def _source_where(source: _Document, first: TermOccurrence, located: bool) -> str:
    """Where a term is in the source: line:column, with the file when segments have no lines."""
    line, column = source.position(first.start)
    return f"{line}:{column}" if located else f"{source.path}:{line}:{column}"


def _avoided(
    renderings: list[_Rendering], terms_here: dict[int, list[TermOccurrence]], target: _Document, glossary: Glossary
) -> list[Finding]:
    findings: list[Finding] = []
    for rendering in renderings:
        if rendering.kind != AVOID:
            continue
        # The same words may be an accepted rendering of another term that is
        # in the source here; then they are not a mistake.
        shared = any(
            other.start == rendering.start
            and other.end == rendering.end
            and other.kind != AVOID
            and other.entry_index in terms_here
            for other in renderings
        )
        if shared:
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
    renderings: list[_Rendering],
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


def _masked_key(text: str, start: int, end: int, renderings: list[_Rendering]) -> str:
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
