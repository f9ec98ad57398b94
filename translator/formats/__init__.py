"""Input formats behind one document interface.

A format module turns the bytes of a file into *translatable units* and writes
translated units back into a file of the same format. The pipeline
(:mod:`translator.pipeline`) works on units only; it never asks which format it
has. A new format is one new module in this package and one row in
:data:`FORMAT_MODULES`.

The model
=========

**Unit** (:class:`Unit`): one block of prose: a paragraph, heading, list item,
table cell, caption, title, an attribute value (``alt``), or, for plain text
and Markdown, the whole file. ``unit.text`` is exactly what the sentence
splitter and then the model see: no markup. The unit's inline markup (bold,
italic, links, spans, footnote references) is held aside as
:class:`InlineTag` values whose ``start``/``end`` are character offsets into
``unit.text``. A tag with ``start == end`` is a *point* (a footnote reference
after a word). ``tag.ref`` is an opaque key the format uses to rebuild the
markup (its own table of elements or run properties); ``tag.depth`` is the
nesting order in the source (0 = outermost), so tags rebuilt on the English
nest the same way where they can.

``unit.markdown`` chooses the segmentation: Markdown prose ranges
(:func:`translator.formats.markdown_prose.prose_ranges`) or lines. Formats
with inline markup give units without line breaks (whitespace collapsed), so a
sentence wrapped across source lines stays one sentence.

``unit.location`` says where a user finds the unit: ``line``/``column`` of its
first character in the source file (1-based; text, Markdown, HTML), or a
``label`` for formats without lines (DOCX: ``body:p12``, ``footer1:p1``).
Offsets inside a unit add to the column (or, in text, count lines), counted
from the last of ``unit.anchors`` (exact positions of later text nodes) at or
before them.

**Document** (:class:`Document`): what ``read(data, path)`` returns: the
``units`` in document order, and ``write(translated) -> bytes``, which takes
one :class:`TranslatedUnit` per unit, in the same order, and returns the whole
translated file. ``write`` must not touch anything it did not read as a unit:
structure, attributes, code, comments and parts are kept as they were.

**Format module**: a module with

- ``NAME: str`` (``"text"``, ``"markdown"``, ``"html"``, ``"docx"``);
- ``read(data: bytes, path: str) -> Document``; bad input raises a
  :class:`glossary.errors.TarjamaError` subclass (one line, exit 2), never
  anything else; heavy libraries are imported inside ``read``, so importing
  this package stays cheap, and a missing one raises
  :class:`glossary.errors.MissingDependency` naming the extra to install.

How translated units come back
==============================

The pipeline splits each unit into sentences, translates each sentence whole
(tags never cut a sentence into fragments), reassembles the unit's English
and returns a :class:`TranslatedUnit`: its English ``text`` and its ``tags``
re-placed on the English (:mod:`translator.formats.tags`):

1. a tag that covers a whole sentence covers its whole English;
2. a tag that covers a glossary term (the finder knows the Arabic span, and
   enforcement the canonical English) covers that term's canonical rendering:
   a bold ``كتائب حزب الله`` becomes a bold "Kataib Hezbollah";
3. otherwise the engine's attention (``DecodeRequest(return_attention=True)``)
   ties English tokens to Arabic tokens; the tag covers the English words
   aligned to the Arabic words it wrapped, when they are contiguous;
4. a tag that cannot be placed with confidence is *moved*: formatting widens
   to the whole sentence, a link attaches to the English word aligned nearest
   to where it was, a point (footnote reference) goes to the sentence end.
   No tag is ever dropped; ``TranslatedUnit.moved`` counts the moved ones.

A tag spanning two sentences comes back as one tag per sentence (same
``ref``); the format writes each as its own element or run.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import PurePath
from types import ModuleType
from typing import Protocol, Sequence

# Kinds of inline tag: they differ in where a tag goes when alignment is unsure.
FORMAT = "format"  # bold, italic, span …: widens to the sentence
LINK = "link"  # <a href>, w:hyperlink: attaches to the nearest aligned word
POINT = "point"  # footnote/endnote reference, <br>-like markers: goes to the sentence end
TAG_KINDS = (FORMAT, LINK, POINT)

# Suffix (lower case) → module in this package. Anything else is plain text.
FORMAT_MODULES: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
}
DEFAULT_FORMAT = "text"


@dataclass(frozen=True)
class InlineTag:
    """Inline markup held outside the unit's text: ``text[start:end]`` is what it wrapped."""

    start: int
    end: int  # == start for a POINT
    kind: str  # FORMAT, LINK or POINT
    ref: int  # the format's own key for what the tag is (an element, run properties)
    depth: int = 0  # nesting in the source: 0 outermost


@dataclass(frozen=True)
class Location:
    """Where a unit starts in its source file."""

    line: int | None = None  # 1-based; None for formats without lines (DOCX)
    column: int | None = None  # 1-based, in characters
    label: str | None = None  # e.g. ``body:p12`` (DOCX); None for line-based formats


@dataclass(frozen=True)
class Unit:
    """One block of prose to translate, its inline tags held aside."""

    text: str
    tags: tuple[InlineTag, ...] = ()
    location: Location = field(default_factory=lambda: Location(1, 1))
    markdown: bool = False  # segment as Markdown prose (else: lines)
    # What the unit is in its document ("paragraph", "heading", "cell", "attribute" …),
    # for reports and bilingual rows; the pipeline treats every kind alike.
    kind: str = "paragraph"
    # Exact source positions inside the unit, (offset in text, line, column), in
    # offset order: markup between text nodes moves columns (HTML), so a
    # position is counted from the last anchor at or before it.
    anchors: tuple[tuple[int, int, int], ...] = ()


@dataclass(frozen=True)
class TranslatedUnit:
    """A unit's English: text with its tags re-placed on it."""

    text: str
    tags: tuple[InlineTag, ...] = ()
    moved: int = 0  # tags that could not be placed with confidence (see the module doc)


class Document(Protocol):
    """A read file: its units in document order, and how to write their English back."""

    @property
    def units(self) -> Sequence[Unit]:
        """The translatable units, in document order."""
        ...

    def write(self, translated: Sequence[TranslatedUnit]) -> bytes:
        """The whole translated file; ``translated`` is parallel to :attr:`units`."""
        ...


def format_name(path: str) -> str:
    """The format of ``path`` by its suffix (``-``, standard input, is text)."""
    return FORMAT_MODULES.get(PurePath(path).suffix.lower(), DEFAULT_FORMAT)


def format_module(name: str) -> ModuleType:
    """The module implementing format ``name`` (imported on first use)."""
    return importlib.import_module(f"translator.formats.{name}")


def read_document(data: bytes, path: str, shown: str | None = None) -> Document:
    """Read ``data`` as the format ``path``'s suffix names; errors name ``shown`` (default ``path``)."""
    document: Document = format_module(format_name(path)).read(data, shown or path)
    return document


def unit_position(unit: Unit, offset: int) -> tuple[int | None, int | None]:
    """1-based (line, column) in the source file of ``unit.text[offset]``."""
    line, column = unit.location.line, unit.location.column
    if line is None:
        return None, None
    base = 0
    for anchor_offset, anchor_line, anchor_column in unit.anchors:
        if anchor_offset > offset:
            break
        base, line, column = anchor_offset, anchor_line, anchor_column
    if base:
        return line, (column or 1) + offset - base
    newlines = unit.text.count("\n", 0, offset)
    if newlines:
        return line + newlines, offset - unit.text.rfind("\n", 0, offset)
    return line, (column or 1) + offset


def first_words(text: str, count: int = 6) -> str:
    """The first words of a unit, to show with a label location (``body:p12 “…”``)."""
    words = text.split()
    shown = " ".join(words[:count])
    return shown + ("…" if len(words) > count else "")
