"""Cut a document into sentence segments, and put translations back together.

A document becomes plain data: the segments (each with its ``(start, end)``
offsets into the source) and the verbatim "glue" around them, so that
``glue[0] + t[0] + glue[1] + … + t[n-1] + glue[n]`` rebuilds the document with
its paragraphs, line breaks and (in Markdown) markup exactly where they were.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from translator.formats.markdown_prose import prose_ranges

# Sentence-final punctuation, Arabic and Latin: . ! ? ؟ (Arabic question mark),
# ؛ (Arabic semicolon, often ends a clause-sentence in news prose), … (ellipsis).
_TERMINATORS = ".!?؟؛…"
# A terminator run, then closing quotes/brackets that belong to the same
# sentence, then the whitespace that separates it from the next one. Requiring
# whitespace keeps 3.5, 11.4.2020 and كوفيد-19.5 whole.
_BOUNDARY_RE = re.compile(r"[.!?؟؛…]+[\"'”’»)\]}]*(?=\s)")
# Clause punctuation for splitting over-long sentences: Arabic comma, semicolons, comma.
_CLAUSE_RE = re.compile(r"[،;,؛](?=\s)")
_LETTER_RE = re.compile(r"[^\W\d_]")
_INLINE_SPACE_RE = re.compile(r"[ \t\u00a0]+")

# Words that end in "." without ending the sentence. English titles and Latin
# abbreviations; Arabic single-letter abbreviations: د. (دكتور, doctor),
# أ. (أستاذ, professor), م. (مهندس, engineer), ص. (صفحة, page), ج. (جزء, volume),
# ق.م (قبل الميلاد, BC).
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs etc e.g i.e u.s u.k u.n gen col lt sgt capt maj no fig vol pp inc ltd co"
    " a.m p.m jan feb mar apr jun jul aug sep sept oct nov dec"
    " د أ م ص ج ق.م".split()
)
# م. and هـ. right after a number are era marks (ميلادي/هجري: "عام 2017 م."),
# which usually do end the sentence.
_ERA_MARKS = frozenset({"م", "هـ", "ه"})
DEFAULT_MAX_TOKENS = 150

# The model sometimes copies Arabic punctuation through; English wants these.
_ARABIC_PUNCTUATION = str.maketrans({"،": ",", "؛": ";", "؟": "?", "٪": "%"})


@dataclass(frozen=True)
class Segment:
    """One unit to translate: ``text == source[start:end]``."""

    start: int
    end: int
    text: str
    # False for the second and later pieces of a sentence cut at a comma, and
    # for prose that continues after inline markup: those are not capitalized.
    starts_sentence: bool = True


@dataclass(frozen=True)
class SegmentedDocument:
    """A source text as segments plus the verbatim glue around them."""

    source: str
    segments: tuple[Segment, ...]
    glue: tuple[str, ...]  # len(glue) == len(segments) + 1


def count_words(text: str) -> int:
    """The default token estimate: whitespace-separated words."""
    return len(text.split())


def segment_text(
    text: str,
    markdown: bool = False,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    count_tokens: Callable[[str], int] = count_words,
) -> SegmentedDocument:
    """Split ``text`` (line ends already ``\\n``) into sentence segments.

    Lines always end a segment; in Markdown only prose is segmented. No segment
    is longer than ``max_tokens`` as measured by ``count_tokens``.
    """
    ranges = prose_ranges(text) if markdown else _line_ranges(text)
    segments: list[Segment] = []
    for start, end in ranges:
        continues = markdown and _continues_inline(text, start)
        for index, segment in enumerate(_sentences(text, start, end, max_tokens, count_tokens)):
            if index == 0 and continues:
                segment = Segment(segment.start, segment.end, segment.text, starts_sentence=False)
            segments.append(segment)
    glue = []
    cursor = 0
    for segment in segments:
        glue.append(text[cursor : segment.start])
        cursor = segment.end
    glue.append(text[cursor:])
    return SegmentedDocument(source=text, segments=tuple(segments), glue=tuple(glue))


def reassemble(document: SegmentedDocument, translations: Sequence[str]) -> str:
    """Glue and translations back together, with clean seams.

    Arabic punctuation the model copied is mapped to English, runs of spaces are
    collapsed, a sentence's first letter is capitalized; glue that holds a line
    break or markup is kept exactly.
    """
    return reassemble_with_offsets(document, translations)[0]


def reassemble_with_offsets(document: SegmentedDocument, translations: Sequence[str]) -> tuple[str, list[int]]:
    """:func:`reassemble`, and where each segment's cleaned translation starts in the result."""
    if len(translations) != len(document.segments):
        raise ValueError(f"{len(translations)} translations for {len(document.segments)} segments")
    parts = [document.glue[0]]
    length = len(parts[0])
    offsets: list[int] = []
    last = len(document.segments) - 1
    for index, (segment, translation) in enumerate(zip(document.segments, translations)):
        cleaned = clean_translation(translation, segment.starts_sentence)
        glue = document.glue[index + 1]
        if index < last and _INLINE_SPACE_RE.fullmatch(glue):
            # Two sentences of one line: one space between them, and none more
            # after a segment the model rendered as nothing.
            glue = "" if not cleaned and parts[-1][-1:] in (" ", "\t", "\n", "") else " "
        offsets.append(length)
        parts.append(cleaned)
        parts.append(glue)
        length += len(cleaned) + len(glue)
    return "".join(parts), offsets


def clean_translation(translation: str, starts_sentence: bool = True) -> str:
    """One segment's translation, tidied for reassembly."""
    cleaned = " ".join(translation.translate(_ARABIC_PUNCTUATION).split())
    if starts_sentence and cleaned[:1].islower():
        cleaned = cleaned[0].upper() + cleaned[1:]
    return cleaned


def _line_ranges(text: str) -> list[tuple[int, int]]:
    ranges = []
    position = 0
    for line in text.split("\n"):
        ranges.append((position, position + len(line)))
        position += len(line) + 1
    return ranges


def _continues_inline(text: str, start: int) -> bool:
    """Prose that follows inline markup on the same line (after a code span, a link)."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if before.rstrip(" \t").endswith("|"):  # a table cell starts afresh
        return False
    return bool(before.strip()) and not re.fullmatch(r"[ \t>]*(?:#{1,6}|[-*+]|\d{1,9}[.)])?[ \t]*(?:\[[ xX]\][ \t]+)?", before)


def _sentences(
    text: str, start: int, end: int, max_tokens: int, count_tokens: Callable[[str], int]
) -> list[Segment]:
    """Sentence segments of ``text[start:end]`` (one line of prose)."""
    pieces: list[tuple[int, int]] = []
    cursor = start
    for boundary in _BOUNDARY_RE.finditer(text, start, end):
        if _is_abbreviation(text, cursor, boundary.start(), boundary.end(), end):
            continue
        pieces.append((cursor, boundary.end()))
        cursor = boundary.end()
    pieces.append((cursor, end))
    segments: list[Segment] = []
    for piece_start, piece_end in pieces:
        for index, (s, e) in enumerate(_split_long(text, piece_start, piece_end, max_tokens, count_tokens)):
            s, e = _strip(text, s, e)
            if s < e and _LETTER_RE.search(text, s, e):
                segments.append(Segment(s, e, text[s:e], starts_sentence=index == 0))
    return segments


def _is_abbreviation(text: str, sentence_start: int, mark_start: int, mark_end: int, line_end: int) -> bool:
    if text[mark_start:mark_end] != ".":
        return False
    word_start = mark_start
    while word_start > sentence_start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:mark_start].lstrip("(\"'«“").lower()
    if not word or mark_end >= line_end or not text[mark_end:line_end].strip():
        return False
    if word in _ERA_MARKS and _previous_word(text, sentence_start, word_start).isdigit():
        return False
    if word in ABBREVIATIONS:
        return True
    # A lone capital initial: "J. Smith", "George W. Bush".
    return len(word) == 1 and text[word_start:mark_start].isupper()


def _previous_word(text: str, sentence_start: int, word_start: int) -> str:
    words = text[sentence_start:word_start].split()
    return words[-1] if words else ""


def _split_long(
    text: str, start: int, end: int, max_tokens: int, count_tokens: Callable[[str], int]
) -> list[tuple[int, int]]:
    """Cut an over-long sentence at clause punctuation, else between words."""
    if count_tokens(text[start:end]) <= max_tokens:
        return [(start, end)]
    cuts = [m.end() for m in _CLAUSE_RE.finditer(text, start, end)]
    points = cuts + [end]
    chunks: list[tuple[int, int]] = []
    chunk_start, last_fit, index = start, None, 0
    while index < len(points):
        cut = points[index]
        if count_tokens(text[chunk_start:cut]) <= max_tokens:
            last_fit, index = cut, index + 1
        elif last_fit is not None:  # close the chunk at the last clause that fit, retry this one
            chunks.append((chunk_start, last_fit))
            chunk_start, last_fit = last_fit, None
        else:  # one clause alone is too long: cut it between words
            chunks.extend(_split_words(text, chunk_start, cut, max_tokens, count_tokens))
            chunk_start, index = cut, index + 1
    if chunk_start < end:
        chunks.append((chunk_start, end))
    return chunks


def _split_words(
    text: str, start: int, end: int, max_tokens: int, count_tokens: Callable[[str], int]
) -> list[tuple[int, int]]:
    chunks: list[tuple[int, int]] = []
    chunk_start = start
    previous = start
    for match in re.finditer(r"\S+", text[start:end]):
        word_end = start + match.end()
        if count_tokens(text[chunk_start:word_end]) > max_tokens and previous > chunk_start:
            chunks.append((chunk_start, previous))
            chunk_start = previous
        previous = word_end
    chunks.append((chunk_start, end))
    return chunks


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
