"""Putting a sentence's inline tags back on its English.

The rules, in order (the package docstring of :mod:`translator.formats` is the
contract): whole sentence → whole English; a glossary term → its canonical
rendering; otherwise the English words the engine's attention aligns to the
wrapped Arabic words, when they form one contiguous stretch; otherwise the tag
is *moved*: formatting widens to the sentence, a link attaches to the nearest
aligned word, a point goes to the sentence end. A tag is never dropped.

Everything here is plain data in, plain data out: offsets, spans, tags.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from glossary.english import find_renderings
from translator.formats import FORMAT, LINK, POINT, InlineTag

Span = tuple[int, int]
# One aligned token: (target start, target end, source start, source end), the
# target span in the raw translation, the source span in the segment's source.
AlignedToken = tuple[int, int, int, int]

_WORD_RE = re.compile(r"\S+")
_LETTER_OR_DIGIT_RE = re.compile(r"[^\W_]")
# English words aligned elsewhere that may sit inside a placed tag without
# making it unsure (a tag over an Arabic noun phrase often takes "the", "of").
_FUNCTION_WORDS = frozenset("the a an of and in on at to for by with from".split())
# A tag inside the attention stretch of another source word is still "contiguous"
# if at most this share of its English words belong to other source words.
_MAX_FOREIGN_SHARE = 0.34


@dataclass(frozen=True)
class TermRendering:
    """A glossary occurrence in a segment: its source span and its canonical English."""

    source_start: int
    source_end: int
    target: str


@dataclass(frozen=True)
class Placement:
    """Tags placed on one segment's English (offsets into that English)."""

    tags: tuple[InlineTag, ...]
    moved: int


def place_tags(
    source: str,
    tags: Sequence[InlineTag],
    translation: str,
    alignment: Sequence[AlignedToken],
    terms: Sequence[TermRendering] = (),
) -> Placement:
    """Place ``tags`` (offsets into ``source``) on ``translation``.

    ``alignment`` is in ``translation``'s offsets; ``terms`` are the glossary
    occurrences of the segment whose canonical rendering is in ``translation``.
    """
    words = [(m.start(), m.end()) for m in _WORD_RE.finditer(translation)]
    whole = _content_span(translation)
    source_content = _content_span(source)
    placed: list[InlineTag] = []
    moved = 0
    rendering_spans = _term_spans(translation, terms)
    for tag in tags:
        span: Span | None
        if tag.kind == POINT:
            span = _point_after(tag.start, source, translation, alignment, whole)
            if span is None:
                moved += 1
                span = (whole[1], whole[1])
        elif _covers(tag, source_content):
            span = whole
        else:
            span = _term_span(tag, terms, rendering_spans)
            if span is None:
                span = _aligned_span(tag, translation, words, alignment)
            if span is None:
                moved += 1
                span = whole if tag.kind == FORMAT else _nearest_word(tag, words, alignment, whole)
        placed.append(InlineTag(span[0], span[1], tag.kind, tag.ref, tag.depth))
    return Placement(tuple(placed), moved)


def _content_span(text: str) -> Span:
    """The text without surrounding whitespace (where a whole-sentence tag goes)."""
    start = len(text) - len(text.lstrip())
    return start, max(start, len(text.rstrip()))


def _covers(tag: InlineTag, content: Span) -> bool:
    return tag.start <= content[0] and tag.end >= content[1]


def _term_spans(translation: str, terms: Sequence[TermRendering]) -> list[Span | None]:
    """The English span of each term: its k-th canonical rendering for its k-th occurrence."""
    seen: dict[str, int] = {}
    spans: list[Span | None] = []
    for term in terms:
        matches = find_renderings(translation, (term.target,))
        k = seen.get(term.target, 0)
        seen[term.target] = k + 1
        spans.append((matches[k].start, matches[k].end) if k < len(matches) else None)
    return spans


def _term_span(tag: InlineTag, terms: Sequence[TermRendering], spans: Sequence[Span | None]) -> Span | None:
    """A tag that wrapped exactly a glossary term (with its clitics) wraps the canonical English."""
    for term, span in zip(terms, spans):
        if span is not None and tag.start <= term.source_start + 2 and tag.end >= term.source_end - 1:
            inside = term.source_start - 2 <= tag.start and tag.end <= term.source_end + 1
            if inside:
                return span
    return None


def _aligned_span(
    tag: InlineTag, translation: str, words: list[Span], alignment: Sequence[AlignedToken]
) -> Span | None:
    """The contiguous English words aligned to the tag's Arabic, or None when unsure."""
    if not alignment or tag.start >= tag.end:
        return None
    inside = [(t_start, t_end) for t_start, t_end, s_start, s_end in alignment if s_start < tag.end and s_end > tag.start]
    inside = [(s, e) for s, e in inside if _LETTER_OR_DIGIT_RE.search(translation, s, e)]
    if not inside:
        return None
    first_word = _word_index(words, min(s for s, _ in inside))
    last_word = _word_index(words, max(e for _, e in inside) - 1)
    if first_word is None or last_word is None:
        return None
    own = {_word_index(words, s) for s, _ in inside}
    foreign = [
        i
        for i in range(first_word, last_word + 1)
        if i not in own and translation[words[i][0] : words[i][1]].strip(".,;:!?\"'”“").lower() not in _FUNCTION_WORDS
    ]
    if len(foreign) > _MAX_FOREIGN_SHARE * (last_word - first_word + 1):
        return None
    start, end = words[first_word][0], words[last_word][1]
    # Trailing sentence punctuation stays outside the tag, as it was in the source.
    while end > start and translation[end - 1] in ".,;:!?؟،":
        end -= 1
    return (start, end) if start < end else None


def _word_index(words: list[Span], position: int) -> int | None:
    for index, (start, end) in enumerate(words):
        if start <= position < end:
            return index
    return None


def _nearest_word(tag: InlineTag, words: list[Span], alignment: Sequence[AlignedToken], whole: Span) -> Span:
    """The English word aligned to the Arabic token nearest the tag (links when unsure)."""
    if alignment and words:
        nearest = min(alignment, key=lambda token: (abs(token[2] - tag.start), token[0]))
        index = _word_index(words, nearest[0])
        if index is not None:
            return words[index]
    return whole


def _point_after(
    position: int, source: str, translation: str, alignment: Sequence[AlignedToken], whole: Span
) -> Span | None:
    """A point tag right after the English of the source word before it; None: unsure."""
    if position >= len(source.rstrip()):
        return (whole[1], whole[1])
    if position <= len(source) - len(source.lstrip()):
        return (whole[0], whole[0])  # before the first word: before the English
    before = [token for token in alignment if token[3] <= position]
    if not before:
        return None
    source_end = max(token[3] for token in before)
    ends = [token[1] for token in alignment if token[3] == source_end]
    words = [(m.start(), m.end()) for m in _WORD_RE.finditer(translation)]
    index = _word_index(words, max(ends) - 1)
    if index is None:
        return None
    end = words[index][1]
    while end > words[index][0] and translation[end - 1] in ".,;:!?":
        end -= 1
    return (end, end)


def pieces(length: int, tags: Sequence[InlineTag]) -> list[tuple[int, int, tuple[InlineTag, ...]]]:
    """``[0, length)`` cut where any tag starts or ends: each piece with the tags over it.

    A format that needs properly nested markup (HTML) opens and closes elements
    between consecutive pieces; one that needs flat runs (DOCX) writes one run
    per piece. Tags are listed outermost first (by ``depth``, then span).
    """
    cuts = {0, length}
    for tag in tags:
        cuts.add(max(0, min(length, tag.start)))
        cuts.add(max(0, min(length, tag.end)))
    ordered = sorted(cuts)
    order = sorted(range(len(tags)), key=lambda i: (tags[i].depth, tags[i].start, -tags[i].end, i))
    result = []
    for start, end in zip(ordered, ordered[1:]):
        over = tuple(tags[i] for i in order if tags[i].start <= start and tags[i].end >= end and tags[i].start < tags[i].end)
        result.append((start, end, over))
    return result


def map_to_cleaned(raw: str, cleaned: str, tags: Sequence[InlineTag]) -> tuple[InlineTag, ...]:
    """Tags on ``raw`` moved onto ``cleaned``, its words joined by single spaces.

    :func:`translator.segment.clean_translation` maps characters one to one and
    collapses whitespace, so word k of ``raw`` is word k of ``cleaned``.
    """
    raw_words = [(m.start(), m.end()) for m in _WORD_RE.finditer(raw)]
    clean_words = [(m.start(), m.end()) for m in _WORD_RE.finditer(cleaned)]
    if len(raw_words) != len(clean_words):
        # Not the clean-up we know: keep every tag, over the whole English.
        return tuple(InlineTag(0, len(cleaned), t.kind, t.ref, t.depth) for t in tags)

    def start_of(position: int) -> int:
        for (r_start, r_end), (c_start, _) in zip(raw_words, clean_words):
            if position < r_end:
                return c_start + max(0, position - r_start)
        return len(cleaned)

    def end_of(position: int) -> int:
        for (r_start, r_end), (c_start, c_end) in reversed(list(zip(raw_words, clean_words))):
            if position > r_start:
                return min(c_end, c_start + position - r_start)
        return 0

    mapped = []
    for tag in tags:
        start = start_of(tag.start)
        end = start if tag.start == tag.end else max(start, end_of(tag.end))
        mapped.append(InlineTag(start, end, tag.kind, tag.ref, tag.depth))
    return tuple(mapped)


__all__ = [
    "AlignedToken",
    "LINK",
    "Placement",
    "TermRendering",
    "map_to_cleaned",
    "pieces",
    "place_tags",
]
