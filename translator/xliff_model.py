"""XLIFF 1.2 and 2.x as translation segments: what CAT tools hand to machine translation.

One place knows XLIFF's structure: which elements are units and segments,
which inline elements hold original code (kept, never translated) and which
hold text, where states live, what "translate=no" inherits. ``tarjama check``
reads segments from here (:mod:`translator.bilingual_readers`), and
``tarjama translate`` writes targets into them (:mod:`translator.formats.xliff`).

Versions come from the root element: ``<xliff version="1.2"
xmlns="urn:oasis:names:tc:xliff:document:1.2">`` or ``version="2.0"``/``"2.1"``
with the 2.0 namespace (2.1 kept it). A file whose version and namespace
disagree is refused.
"""
from __future__ import annotations

from dataclasses import dataclass

from glossary.errors import FileFormatError, SourceLanguageError
from translator.xmlspans import XmlDocument, XmlElement

XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF_20 = "urn:oasis:names:tc:xliff:document:2.0"
SDL_NS = "http://sdl.com/FileTypes/SdlXliff/1.0"

XLIFF_SUFFIXES = (".xlf", ".xliff", ".sdlxliff", ".mqxliff")

# 1.2 inline elements whose content is the original code (<bpt>&lt;b&gt;</bpt>),
# copied byte for byte, never translated.
CODE_HOLDERS_12 = frozenset({"bpt", "ept", "ph", "it"})
# 1.2 and 2.x inline elements that are empty placeholders for code.
PLACEHOLDERS = frozenset({"x", "bx", "ex", "ph", "sc", "ec", "sm", "em", "cp"})
# Elements that wrap translatable text (and keep it inside them in the target).
TEXT_WRAPPERS = frozenset({"g", "mrk", "pc"})
# 1.2 states of a target that has been reviewed; anything else present means not yet.
REVIEWED_STATES_12 = frozenset({"signed-off", "final"})
# 2.x segment states that mean "not reviewed yet" (the default, initial, included only when written).
UNREVIEWED_STATES_20 = frozenset({"initial", "translated"})
# SDLXLIFF confirmation levels (sdl:seg conf) that mean reviewed.
SDL_REVIEWED = frozenset({"ApprovedTranslation", "ApprovedSignOff"})


@dataclass(eq=False)
class XliffSegment:
    """One translatable piece: a 1.2 trans-unit (or one of its ``mrk mtype="seg"``), or a 2.x segment."""

    unit: XmlElement  # trans-unit (1.2) or unit (2.x)
    source: XmlElement  # <source>, or the <mrk mtype="seg"> inside <seg-source>
    target: XmlElement | None  # the <target> (or its matching <mrk mtype="seg">), if any
    holder: XmlElement  # where the target goes: trans-unit (1.2) or segment (2.x)
    unit_id: str | None
    segment_id: str | None  # the mrk's mid (1.2) or the segment's id (2.x), when segmented
    translate: bool
    needs_review: bool

    @property
    def label(self) -> str | None:
        """``UNIT`` or ``UNIT#SEGMENT``: what findings and notes call it."""
        if self.unit_id is None:
            return self.segment_id
        return self.unit_id if self.segment_id is None else f"{self.unit_id}#{self.segment_id}"

    def has_target_text(self) -> bool:
        return self.target is not None and bool(plain_text(self.target).strip())


@dataclass(eq=False)
class XliffFile:
    """A parsed XLIFF document: its version, its files' language elements, its segments."""

    document: XmlDocument
    version: str  # "1.2", "2.0", "2.1" …
    namespace: str  # XLIFF_12 or XLIFF_20
    segments: list[XliffSegment]

    @property
    def is_v2(self) -> bool:
        return self.namespace == XLIFF_20


def read_xliff(document: XmlDocument, source_lang: str = "ar") -> XliffFile:
    """The segments of an XLIFF document; wrong versions, languages and duplicate ids are errors."""
    root = document.root
    path = document.path
    version = root.get("version") or ""
    if root.local != "xliff":
        raise FileFormatError(f"not XLIFF: the root element is <{root.local}>", path, root.line, root.column)
    namespace = root.namespace
    if version.startswith("1.") and namespace not in (XLIFF_12, ""):
        raise FileFormatError(
            f'XLIFF version="{version}" with the namespace {namespace}: a 1.x file must use {XLIFF_12}',
            path,
            root.line,
            root.column,
        )
    if version.startswith("2.") and namespace != XLIFF_20:
        raise FileFormatError(
            f'XLIFF version="{version}" with the namespace {namespace or "(none)"}: a 2.x file must use {XLIFF_20}',
            path,
            root.line,
            root.column,
        )
    if not (version.startswith("1.") or version.startswith("2.")):
        raise FileFormatError(f'unsupported XLIFF version "{version}" (1.2, 2.0 and 2.1 are read)', path, root.line, root.column)
    if version.startswith("2."):
        _require_language(root.get("srcLang"), "srcLang", root, path, source_lang)
        segments = list(_segments_20(root, path))
        namespace = XLIFF_20
    else:
        files = list(root.children("file"))
        for file_element in files:
            _require_language(file_element.get("source-language"), "source-language", file_element, path, source_lang)
        segments = [segment for file_element in files for segment in _segments_12(file_element, path)]
        namespace = XLIFF_12
    for segment in segments:
        check_codes_balanced(segment.source, path)
    return XliffFile(document, version, namespace, segments)


def _require_language(value: str | None, attribute: str, element: XmlElement, path: str, source_lang: str) -> None:
    if not value or value.replace("_", "-").split("-")[0].lower() != source_lang:
        raise SourceLanguageError(
            f'the source language is "{value or ""}" ({attribute}), not Arabic: tarjama translates {source_lang}→en',
            path,
            element.line,
            element.column,
        )


def _inherited_translate(element: XmlElement) -> bool:
    node: XmlElement | None = element
    while node is not None:
        value = node.get("translate")
        if value is not None:
            return value.strip().lower() != "no"
        node = node.parent
    return True


def _segments_12(file_element: XmlElement, path: str) -> list[XliffSegment]:
    segments: list[XliffSegment] = []
    seen: dict[str, XmlElement] = {}
    for unit in file_element.iter("trans-unit"):
        unit_id = unit.get("id")
        _refuse_duplicate(unit_id, unit, seen, path)
        source = unit.child("source")
        if source is None:
            raise FileFormatError(f'trans-unit "{unit_id}" has no <source>', path, unit.line, unit.column)
        target = unit.child("target")
        translate = _inherited_translate(unit)
        review = _needs_review_12(unit, target)
        seg_source = unit.child("seg-source")
        marks = [mark for mark in seg_source.iter("mrk") if mark.get("mtype") == "seg"] if seg_source is not None else []
        if not marks:
            segments.append(XliffSegment(unit, source, target, unit, unit_id, None, translate, review))
            continue
        target_marks = {
            mark.get("mid"): mark for mark in (target.iter("mrk") if target is not None else ()) if mark.get("mtype") == "seg"
        }
        for mark in marks:
            mid = mark.get("mid")
            segment_target = target_marks.get(mid)
            segments.append(
                XliffSegment(unit, mark, segment_target, unit, unit_id, mid, translate, _needs_review_sdl(unit, mid, review))
            )
    return segments


def _needs_review_12(unit: XmlElement, target: XmlElement | None) -> bool:
    if target is None or unit.get("approved") == "yes":
        return False
    state = target.get("state")
    return state is not None and state not in REVIEWED_STATES_12


def _needs_review_sdl(unit: XmlElement, mid: str | None, default: bool) -> bool:
    """Trados keeps each segment's confirmation level in ``<sdl:seg-defs><sdl:seg id=MID conf=…>``."""
    for definition in unit.iter("seg"):
        if definition.namespace == SDL_NS and definition.get("id") == mid:
            conf = definition.get("conf")
            # No level (tarjama leaves sdl:seg-defs alone): the target's state says it.
            return default if conf is None else conf not in SDL_REVIEWED
    return default


def _segments_20(root: XmlElement, path: str) -> list[XliffSegment]:
    segments: list[XliffSegment] = []
    for file_element in root.children("file"):
        seen: dict[str, XmlElement] = {}
        for unit in file_element.iter("unit"):
            if unit.namespace != XLIFF_20:
                continue
            unit_id = unit.get("id")
            _refuse_duplicate(unit_id, unit, seen, path)
            translate = _inherited_translate(unit)
            pieces = list(unit.children("segment"))
            for segment in pieces:
                source = segment.child("source")
                if source is None:
                    raise FileFormatError(f'unit "{unit_id}" has a <segment> without <source>', path, segment.line, segment.column)
                target = segment.child("target")
                state = segment.get("state")
                review = target is not None and state is not None and state in UNREVIEWED_STATES_20
                segment_id = segment.get("id") if len(pieces) > 1 else None
                segments.append(XliffSegment(unit, source, target, segment, unit_id, segment_id, translate, review))
    return segments


def _refuse_duplicate(unit_id: str | None, unit: XmlElement, seen: dict[str, XmlElement], path: str) -> None:
    if unit_id is None:
        raise FileFormatError(f"<{unit.local}> without an id", path, unit.line, unit.column)
    first = seen.get(unit_id)
    if first is not None:
        raise FileFormatError(
            f'duplicate unit id "{unit_id}" (first at line {first.line}, column {first.column})', path, unit.line, unit.column
        )
    seen[unit_id] = unit


def plain_text(element: XmlElement) -> str:
    """The translatable text of a source or target: code held in bpt/ept/ph/it left out."""
    parts: list[str] = []
    _collect_text(element, parts)
    return "".join(parts)


def _collect_text(element: XmlElement, parts: list[str]) -> None:
    for item in element.content:
        if isinstance(item, str):
            parts.append(item)
        elif item.local == "cp" and item.namespace == XLIFF_20:
            code = item.get("hex") or ""
            try:
                parts.append(chr(int(code, 16)))
            except (ValueError, OverflowError):
                pass
        elif item.local in CODE_HOLDERS_12 and item.namespace != XLIFF_20:
            continue
        elif item.local in PLACEHOLDERS:
            continue
        else:
            _collect_text(item, parts)


def inline_codes(element: XmlElement) -> list[XmlElement]:
    """The inline code elements of a source or target, in document order, nested ones included."""
    return [item for item in element.iter() if item.local in PLACEHOLDERS | TEXT_WRAPPERS | CODE_HOLDERS_12]


def check_codes_balanced(element: XmlElement, path: str) -> None:
    """Paired codes must pair: 1.2 ``bpt``/``ept`` (by rid, else id), 2.x ``sc``/``ec`` (by startRef)."""
    opened: dict[str, XmlElement] = {}
    for code in element.iter():
        if code.local == "bpt" or (code.local == "sc" and code.get("isolated") != "yes"):
            key = code.get("rid") or code.get("id") or ""
            opened[key] = code
        elif code.local == "ept" or (code.local == "ec" and code.get("isolated") != "yes"):
            key = code.get("rid") or code.get("startRef") or code.get("id") or ""
            if opened.pop(key, None) is None:
                raise FileFormatError(
                    f'unbalanced inline code: <{code.local}> closes "{key}", which no <{"bpt" if code.local == "ept" else "sc"}> opened',
                    path,
                    code.line,
                    code.column,
                )
    for key, code in opened.items():
        raise FileFormatError(
            f'unbalanced inline code: <{code.local}> "{key}" is never closed', path, code.line, code.column
        )
