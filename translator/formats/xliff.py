"""XLIFF 1.2 and 2.0/2.1 pre-translation: English targets written into a CAT tool's job.

A unit of this format is one XLIFF segment (see :mod:`translator.xliff_model`)
whose source is Arabic and whose target is missing or empty (or, with
``overwrite_targets``, any translatable one). Its inline codes become
:class:`~translator.formats.InlineTag` values:

- text wrappers (1.2 ``g``, ``mrk``; 2.x ``pc``, ``mrk``) and paired codes in
  one parent (1.2 ``bpt``/``ept``, 2.x ``sc``/``ec``) are FORMAT tags over the
  text they enclose;
- placeholders (1.2 ``x``, ``bx``, ``ex``, ``ph``, ``it``; 2.x ``ph``, ``cp``,
  isolated ``sc``/``ec``, ``sm``/``em``) are POINT tags.

The file is never re-serialized. The target is spliced into the original
bytes, so everything else (other namespaces, ``alt-trans``, ``phase-group``,
skeletons, tool extensions, attribute quoting, character references) stays
byte for byte. In the target every inline code of the source appears exactly
once, copied byte for byte from the source (so the original code inside
``bpt``/``ept``/``ph`` is identical), and codes nest as they did.

States (CAT tools show these as machine translation awaiting review):

- 1.2: ``<target state="needs-review-translation" state-qualifier="leveraged-mt">``;
  a unit's ``approved="yes"`` becomes ``"no"`` when its target is replaced;
- 2.x: ``<segment state="translated" subState="tarjama:mt">`` (2.x has no
  "needs review" state: "translated" is the state before "reviewed" and
  "final", which is what Okapi, Weblate and memoQ show as unreviewed).

SDLXLIFF: the segment's ``<sdl:seg>`` gets ``conf="Draft" origin="mt"``,
which is where Trados Studio reads a segment's status.

Each translated unit gets a note naming the glossary terms enforced and those
that were not: 1.2 ``<note from="tarjama">``, 2.x a ``<note category="tarjama">``
in the unit's ``<notes>``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from glossary.errors import FileFormatError
from translator.formats import FORMAT, POINT, InlineTag, Location, TranslatedUnit, Unit
from translator.xliff_model import (
    CODE_HOLDERS_12,
    PLACEHOLDERS,
    TEXT_WRAPPERS,
    SDL_NS,
    XLIFF_20,
    XliffFile,
    XliffSegment,
    plain_text,
    read_xliff,
)
from translator.xmlspans import XmlDocument, XmlElement, escape_attribute, escape_text, parse_xml_file

NAME = "xliff"
# translator.formats.read_document passes these keyword options to read().
READ_OPTIONS = ("overwrite_targets",)

TARGET_LANGUAGE = "en"
NOTE_FROM = "tarjama"
STATE_12 = ' state="needs-review-translation" state-qualifier="leveraged-mt"'
STATE_20 = "translated"
SUBSTATE_20 = "tarjama:mt"
# Trados Studio's own marks for an unconfirmed machine-translated segment.
SDL_CONF = "Draft"
SDL_ORIGIN = "mt"

_ARABIC_LETTER_RE = re.compile("[\u0621-\u064a\u0671-\u06d3]")
_SPACES_RE = re.compile(r"\s+")
_APPROVED_YES_RE = re.compile(rb"""(\sapproved\s*=\s*)(["'])yes\2""")


@dataclass(eq=False)
class _Code:
    """One inline code of a source: the element(s) and where its tag's text starts and ends."""

    element: XmlElement  # the wrapper, the placeholder, or the opening half of a pair
    closing: XmlElement | None  # the closing half of a bpt/ept or sc/ec pair
    parent: int | None  # index of the enclosing code, None at the top
    wrapper: bool  # encloses text: FORMAT; else POINT
    start: int = 0
    end: int = 0


@dataclass(eq=False)
class _SourceUnit:
    segment: XliffSegment
    text: str
    codes: list[_Code]


@dataclass(eq=False)
class XliffDocument:
    """An XLIFF file read for pre-translation; :meth:`write` splices the English in."""

    xliff: XliffFile
    pending: list[_SourceUnit]
    _units: tuple[Unit, ...] = field(default=())

    @property
    def units(self) -> Sequence[Unit]:
        return self._units

    def write(self, translated: Sequence[TranslatedUnit]) -> bytes:
        if len(translated) != len(self.pending):
            raise ValueError(f"{len(translated)} translated units for {len(self.pending)} XLIFF segments")
        document = self.xliff.document
        edits = _Edits(document.data)
        _set_target_language(self.xliff, edits)
        by_unit: dict[int, list[tuple[_SourceUnit, TranslatedUnit]]] = {}
        for source, english in zip(self.pending, translated):
            by_unit.setdefault(id(source.segment.unit), []).append((source, english))
        for pieces in by_unit.values():
            if self.xliff.is_v2:
                _write_unit_20(document, pieces, edits)
            else:
                _write_unit_12(document, pieces, edits)
        return document.encode(edits.apply())


def read(data: bytes, path: str, overwrite_targets: bool = False) -> XliffDocument:
    """Parse an XLIFF job; refuses unsafe XML, a non-Arabic source, duplicate ids, unbalanced codes."""
    xliff = read_xliff(parse_xml_file(data, path))
    _require_english_target(xliff, path)
    pending: list[_SourceUnit] = []
    for segment in xliff.segments:
        if not segment.translate or not _ARABIC_LETTER_RE.search(plain_text(segment.source)):
            continue
        if segment.has_target_text() and not overwrite_targets:
            continue
        text, codes = _flatten(segment.source, xliff.is_v2)
        pending.append(_SourceUnit(segment, text, codes))
    units = tuple(
        Unit(
            item.text,
            tuple(
                InlineTag(code.start, code.end if code.wrapper else code.start, FORMAT if code.wrapper else POINT, ref, _depth(item.codes, ref))
                for ref, code in enumerate(item.codes)
            ),
            _text_location(item.segment.source),
            kind="segment",
        )
        for item in pending
    )
    return XliffDocument(xliff, pending, units)


def _text_location(source: XmlElement) -> Location:
    """Where the source's text begins: just after its start tag (warnings and reports point there)."""
    tag = source.data[source.start : source.start_tag_end].decode("utf-8")
    newlines = tag.count("\n")
    if newlines:
        return Location(source.line + newlines, len(tag) - tag.rfind("\n"))
    return Location(source.line, source.column + len(tag))


def _require_english_target(xliff: XliffFile, path: str) -> None:
    root = xliff.document.root
    holders = [root] if xliff.is_v2 else list(root.children("file"))
    attribute = "trgLang" if xliff.is_v2 else "target-language"
    for holder in holders:
        value = (holder.get(attribute) or "").strip()
        if value and value.replace("_", "-").split("-")[0].lower() != TARGET_LANGUAGE:
            raise FileFormatError(
                f'the target language is "{value}" ({attribute}): tarjama translates into English',
                path,
                holder.line,
                holder.column,
            )


def _depth(codes: list[_Code], ref: int) -> int:
    depth = 0
    parent = codes[ref].parent
    while parent is not None:
        depth += 1
        parent = codes[parent].parent
    return depth


# ---------------------------------------------------------------- source → text and codes


def _flatten(source: XmlElement, v2: bool) -> tuple[str, list[_Code]]:
    """The source's text with whitespace collapsed, and its inline codes with spans into that text."""
    parts: list[str] = []
    codes: list[_Code] = []
    length = [0]
    pending_space = [False]

    def emit(text: str) -> None:
        for piece in re.split(r"(\s+)", text):
            if not piece:
                continue
            if piece.isspace():
                pending_space[0] = length[0] > 0
            else:
                if pending_space[0]:
                    parts.append(" ")
                    length[0] += 1
                    pending_space[0] = False
                parts.append(piece)
                length[0] += len(piece)

    def position() -> int:
        # A code after a space sits after that space (the space is the text's).
        if pending_space[0]:
            parts.append(" ")
            length[0] += 1
            pending_space[0] = False
        return length[0]

    def walk(element: XmlElement, parent: int | None) -> None:
        items = element.content
        pairs = _pairs(items)  # id(opening half) -> closing half
        closers = {id(closing): opener for opener, closing in pairs.items()}
        open_pairs: list[tuple[int, int]] = []  # (id(opening half), code index), innermost last
        for item in items:
            if isinstance(item, str):
                emit(item)
                continue
            enclosing = open_pairs[-1][1] if open_pairs else parent
            if id(item) in closers:
                opener = closers[id(item)]
                while open_pairs:  # pairs in one parent close in order; a crossed one closes the inner ones
                    opened, index = open_pairs.pop()
                    codes[index].end = length[0]
                    if opened == opener:
                        break
                continue
            if id(item) in pairs:
                codes.append(_Code(item, pairs[id(item)], enclosing, True, position()))
                open_pairs.append((id(item), len(codes) - 1))
                continue
            local = item.local
            if local in TEXT_WRAPPERS and not (local == "mrk" and item.get("mtype") == "seg"):
                index = len(codes)
                codes.append(_Code(item, None, enclosing, True, position()))
                walk(item, index)
                codes[index].end = length[0]
                continue
            if local in PLACEHOLDERS or local in CODE_HOLDERS_12:
                codes.append(_Code(item, None, enclosing, False, position(), 0))
                continue
            walk(item, enclosing)  # an element of another namespace: its text is text
        for _, index in open_pairs:
            codes[index].end = length[0]

    walk(source, None)
    text = "".join(parts).rstrip()
    for code in codes:
        code.start = min(code.start, len(text))
        code.end = min(max(code.end, code.start), len(text)) if code.wrapper else code.start
    return text, codes


def _pairs(items: list[str | XmlElement]) -> dict[int, XmlElement]:
    """Opening → closing halves of paired codes among these siblings (bpt/ept by rid or id, sc/ec by startRef)."""
    opened: dict[str, XmlElement] = {}
    pairs: dict[int, XmlElement] = {}
    for item in items:
        if isinstance(item, str):
            continue
        if item.local == "bpt" or (item.local == "sc" and item.get("isolated") != "yes"):
            opened[item.get("rid") or item.get("id") or ""] = item
        elif item.local == "ept" or (item.local == "ec" and item.get("isolated") != "yes"):
            key = item.get("rid") or item.get("startRef") or item.get("id") or ""
            opener = opened.pop(key, None)
            if opener is not None:
                pairs[id(opener)] = item
    return pairs


# ---------------------------------------------------------------- English + tags → target XML


def target_content(document: XmlDocument, source: _SourceUnit, english: TranslatedUnit) -> bytes:
    """The target's inner XML: the English with every source code once, nested as in the source."""
    spans = _placed_spans(source, english)
    text = english.text
    children: dict[int | None, list[int]] = {}
    for ref, code in enumerate(source.codes):
        children.setdefault(code.parent, []).append(ref)

    def render(start: int, end: int, parent: int | None) -> bytes:
        out: list[bytes] = []
        cursor = start
        for ref in sorted(children.get(parent, []), key=lambda r: (spans[r][0], spans[r][1] if source.codes[r].wrapper else -1, r)):
            code = source.codes[ref]
            code_start, code_end = spans[ref]
            # Spans never overlap (see _placed_spans); never write a stretch of text twice regardless.
            code_start = max(code_start, cursor)
            code_end = max(code_end, code_start)
            out.append(escape_text(text[cursor:code_start]).encode("utf-8"))
            element = code.element
            if not code.wrapper:
                out.append(document.slice(element.start, element.end))
                cursor = code_start
                continue
            if code.closing is not None:  # bpt … ept, sc … ec: two placeholders around the text
                out.append(document.slice(element.start, element.end))
                out.append(render(code_start, code_end, ref))
                out.append(document.slice(code.closing.start, code.closing.end))
            elif element.empty:  # <g id="1"/>: nothing to wrap, written as it was
                out.append(document.slice(element.start, element.end))
                out.append(render(code_start, code_end, ref))
            else:
                out.append(document.slice(element.start, element.start_tag_end))
                out.append(render(code_start, code_end, ref))
                out.append(document.slice(element.content_end, element.end))
            cursor = code_end
        out.append(escape_text(text[cursor:end]).encode("utf-8"))
        return b"".join(out)

    return render(0, len(text), None)


def _placed_spans(source: _SourceUnit, english: TranslatedUnit) -> list[tuple[int, int]]:
    """One span per source code on the English, nested like the source (children inside parents, siblings apart)."""
    length = len(english.text)
    found: dict[int, tuple[int, int]] = {}
    for tag in english.tags:
        if 0 <= tag.ref < len(source.codes):
            start, end = max(0, min(tag.start, length)), max(0, min(tag.end, length))
            if tag.ref in found:  # a tag cut by a sentence end: one element over both pieces
                start, end = min(start, found[tag.ref][0]), max(end, found[tag.ref][1])
            found[tag.ref] = (start, end)
    spans: list[tuple[int, int]] = []
    for ref, code in enumerate(source.codes):
        start, end = found.get(ref, (length, length))  # never dropped: an unplaced code goes to the end
        if code.parent is not None:
            parent_start, parent_end = spans[code.parent]
            start, end = min(max(start, parent_start), parent_end), min(max(end, parent_start), parent_end)
        if not code.wrapper:
            end = start
        spans.append((start, max(start, end)))
    # Siblings must not overlap: a later one starts where an earlier one ends.
    by_parent: dict[int | None, list[int]] = {}
    for ref, code in enumerate(source.codes):
        by_parent.setdefault(code.parent, []).append(ref)
    for refs in by_parent.values():
        frontier = -1  # where the furthest-reaching sibling wrapper so far ends
        for ref in sorted(refs, key=lambda r: (spans[r][0], r)):
            start, end = spans[ref]
            wrapper = source.codes[ref].wrapper
            if start < frontier:  # inside or across an earlier sibling: after it
                start = frontier
                end = max(start, end) if wrapper else start
            if wrapper:
                frontier = max(frontier, end)
            spans[ref] = (start, end)
            _shift_descendants(source.codes, spans, ref)
    return spans


def _shift_descendants(codes: list[_Code], spans: list[tuple[int, int]], parent: int) -> None:
    start, end = spans[parent]
    for ref, code in enumerate(codes):
        if code.parent == parent:
            child_start, child_end = spans[ref]
            spans[ref] = (min(max(child_start, start), end), min(max(child_end, start), end))
            _shift_descendants(codes, spans, ref)


# ---------------------------------------------------------------- splicing


class _Edits:
    """Byte replacements on the original file, applied all at once (they never overlap)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.replacements: dict[tuple[int, int], bytes] = {}

    def replace(self, start: int, end: int, new: bytes) -> None:
        key = (start, end)
        # Several insertions at one place (a target, then a note) go in the order given.
        self.replacements[key] = self.replacements.get(key, b"") + new if start == end else new

    def apply(self) -> bytes:
        out: list[bytes] = []
        cursor = 0
        for (start, end), new in sorted(self.replacements.items()):
            out.append(self.data[cursor:start])
            out.append(new)
            cursor = max(cursor, end)
        out.append(self.data[cursor:])
        return b"".join(out)


def _indent_before(element: XmlElement) -> bytes:
    """The whitespace before ``element`` in its parent (so an inserted sibling lines up)."""
    parent = element.parent
    if parent is None:
        return b""
    position = next(index for index, item in enumerate(parent.content) if item is element)
    before = parent.content[position - 1] if position > 0 else None
    if isinstance(before, str):
        if not before.strip():
            newline = before.rfind("\n")
            return before[newline:].encode("utf-8") if newline >= 0 else before.encode("utf-8")
    return b""


def _set_target_language(xliff: XliffFile, edits: _Edits) -> None:
    root = xliff.document.root
    holders = [root] if xliff.is_v2 else list(root.children("file"))
    attribute = "trgLang" if xliff.is_v2 else "target-language"
    for holder in holders:
        if (holder.get(attribute) or "").strip():
            continue
        edits.replace(holder.start, holder.start_tag_end, _with_attributes(xliff.document, holder, {attribute: TARGET_LANGUAGE}))


def _with_attributes(document: XmlDocument, element: XmlElement, values: dict[str, str | None]) -> bytes:
    """``element``'s start tag with attributes set (or removed, for None); the rest of the tag as written."""
    tag = document.slice(element.start, element.start_tag_end)
    for name, value in values.items():
        tag = re.sub(rb"""\s""" + re.escape(name.encode()) + rb"""\s*=\s*(?:"[^"]*"|'[^']*')""", b"", tag)
        if value is not None:
            closing = b"/>" if tag.endswith(b"/>") else b">"
            tag = tag[: -len(closing)].rstrip() + f' {name}="{escape_attribute(value)}"'.encode("utf-8") + closing
    return tag


def _note_text(english: Sequence[TranslatedUnit]) -> str:
    enforced: list[str] = []
    unenforced: list[str] = []
    for unit in english:
        for surface, target, method in unit.terms:
            (unenforced if method == "unenforced" else enforced).append(f"{surface} → {target}")
    parts = ["machine translation by tarjama, not reviewed"]
    parts.append("glossary terms enforced: " + ("; ".join(dict.fromkeys(enforced)) if enforced else "none"))
    if unenforced:
        parts.append("NOT enforced, check these: " + "; ".join(dict.fromkeys(unenforced)))
    return ". ".join(parts) + "."


def _write_unit_12(document: XmlDocument, pieces: list[tuple[_SourceUnit, TranslatedUnit]], edits: _Edits) -> None:
    first = pieces[0][0].segment
    unit = first.unit
    indent = _indent_before(first.source)
    segmented = first.segment_id is not None
    target = unit.child("target")
    if segmented:
        target_xml = _segmented_target_12(document, unit, target, pieces, edits)
    else:
        source, english = pieces[0]
        inner = target_content(document, source, english)
        target_xml = b"<target" + STATE_12.encode() + _lang_attribute(target) + b">" + inner + b"</target>"
    anchor: XmlElement
    if target is not None:
        if target_xml:
            edits.replace(target.start, target.end, target_xml)
        anchor = target
    else:
        anchor = unit.child("seg-source") or first.source
        edits.replace(anchor.end, anchor.end, indent + target_xml)
    note = f'<note from="{NOTE_FROM}">{escape_text(_note_text([english for _, english in pieces]))}</note>'
    edits.replace(anchor.end, anchor.end, indent + note.encode("utf-8"))
    if segmented:
        _mark_sdl_segments(document, unit, {source.segment.segment_id for source, _ in pieces}, edits)
    if unit.get("approved") == "yes":
        start_tag = document.slice(unit.start, unit.start_tag_end)
        edits.replace(unit.start, unit.start_tag_end, _APPROVED_YES_RE.sub(rb'\1\2no\2', start_tag))


def _mark_sdl_segments(document: XmlDocument, unit: XmlElement, mids: set[str | None], edits: _Edits) -> None:
    """Trados reads a segment's state from ``<sdl:seg conf=…>``, not from the target: Draft, from MT."""
    for definition in unit.iter("seg"):
        if definition.namespace == SDL_NS and definition.get("id") in mids:
            edits.replace(
                definition.start,
                definition.start_tag_end,
                _with_attributes(document, definition, {"conf": SDL_CONF, "origin": SDL_ORIGIN}),
            )


def _lang_attribute(target: XmlElement | None) -> bytes:
    lang = target.get("{http://www.w3.org/XML/1998/namespace}lang") if target is not None else None
    return f' xml:lang="{escape_attribute(lang)}"'.encode("utf-8") if lang else b""


def _segmented_target_12(
    document: XmlDocument,
    unit: XmlElement,
    target: XmlElement | None,
    pieces: list[tuple[_SourceUnit, TranslatedUnit]],
    edits: _Edits,
) -> bytes:
    """Trados-style: one ``<mrk mtype="seg" mid=…>`` per segment in the target, in seg-source order."""
    translated = {source.segment.segment_id: (source, english) for source, english in pieces}
    seg_source = unit.child("seg-source")
    assert seg_source is not None
    if target is None or target.empty:
        # Build the whole target from the seg-source's layout: its text between segments, a mrk per segment.
        out: list[bytes] = [b"<target" + STATE_12.encode() + _lang_attribute(target) + b">"]
        for item in seg_source.content:
            if isinstance(item, str):
                out.append(escape_text(item).encode("utf-8"))
            elif item.local == "mrk" and item.get("mtype") == "seg" and item.get("mid") in translated:
                source, english = translated[item.get("mid")]
                out.append(document.slice(item.start, item.start_tag_end) + target_content(document, source, english) + b"</mrk>")
            else:
                out.append(document.slice(item.start, item.end))
        out.append(b"</target>")
        return b"".join(out)
    # A target already there: fill its empty segments, append the missing ones; keep the rest byte for byte.
    present = {mark.get("mid"): mark for mark in target.iter("mrk") if mark.get("mtype") == "seg"}
    appended: list[bytes] = []
    for mid, (source, english) in translated.items():
        content = target_content(document, source, english)
        mark = present.get(mid)
        if mark is None:
            appended.append(b" " + document.slice(source.segment.source.start, source.segment.source.start_tag_end) + content + b"</mrk>")
        elif mark.empty:
            edits.replace(mark.start, mark.end, document.slice(mark.start, mark.end)[:-2].rstrip() + b">" + content + b"</mrk>")
        else:
            edits.replace(mark.start_tag_end, mark.content_end, content)
    if appended:
        edits.replace(target.content_end, target.content_end, b"".join(appended))
    edits.replace(target.start, target.start_tag_end, _with_attributes(document, target, {"state": None, "state-qualifier": None})[:-1] + STATE_12.encode() + b">")
    return b""


def _write_unit_20(document: XmlDocument, pieces: list[tuple[_SourceUnit, TranslatedUnit]], edits: _Edits) -> None:
    unit = pieces[0][0].segment.unit
    for source, english in pieces:
        segment = source.segment.holder
        inner = target_content(document, source, english)
        target = source.segment.target
        if target is not None:
            start_tag = _with_attributes(document, target, {}) if not target.empty else document.slice(target.start, target.end)[:-2].rstrip() + b">"
            edits.replace(target.start, target.end, start_tag + inner + b"</target>")
        else:
            edits.replace(source.segment.source.end, source.segment.source.end, _indent_before(source.segment.source) + b"<target>" + inner + b"</target>")
        edits.replace(segment.start, segment.start_tag_end, _with_attributes(document, segment, {"state": STATE_20, "subState": SUBSTATE_20}))
    note = f'<note category="{NOTE_FROM}">{escape_text(_note_text([english for _, english in pieces]))}</note>'.encode("utf-8")
    notes = unit.child("notes")
    if notes is not None and notes.namespace == XLIFF_20 and not notes.empty:
        edits.replace(notes.content_end, notes.content_end, note)
        return
    before = next(
        (child for child in unit.children() if child.local in ("originalData", "segment", "ignorable") and child.namespace == XLIFF_20),
        None,
    )
    if before is None:  # cannot happen: a unit has a segment
        return
    indent = _indent_before(before)
    edits.replace(before.start, before.start, b"<notes>" + note + b"</notes>" + indent)
