"""Word documents (``.docx``): every paragraph a unit, run formatting and links as tags.

Parts translated: the body (tables, nested tables and text boxes included),
headers, footers, footnotes and endnotes. A paragraph's runs are merged where
their formatting is equal; the most common formatting is the paragraph's
default and every other one is a tag, as is each hyperlink (its relationship
id or anchor is kept). Fields (page numbers, TOC, dates: everything from
``w:fldChar`` begin to end, and ``w:fldSimple``), drawings, bookmarks, comment
marks, footnote references, tracked changes and content controls are kept
whole, as points. Comments (``comments.xml``) are left as they are.

For the English, right-to-left is switched off in every translated part and in
``styles.xml`` and ``numbering.xml``: ``w:bidi`` (paragraphs and sections),
``w:rtl``, ``w:cs``, ``w:rtlGutter``, ``w:bidiVisual`` are removed and
``w:lang`` says English. ``w:jc`` keeps its value: under ``w:bidi`` Word reads
left/right as start/end, so without it the same value still means the
reading start or end. Bold, italic, size and font held only in the
complex-script properties (``w:bCs``, ``w:iCs``, ``w:szCs``,
``w:rFonts/@w:cs``), which Word ignores for Latin text, are carried to
``w:b``, ``w:i``, ``w:sz`` and the Latin font slots.

Every zip member that needs no change is copied byte for byte. The zip and
its XML are read defensively: a DTD (entity bomb, external entity) in any
part, an encrypted or macro-enabled document, a zip bomb are refused.
"""
from __future__ import annotations

import copy
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence

from glossary.errors import InputDecodeError, MissingDependency
from translator.formats import FORMAT, LINK, POINT, InlineTag, Location, TranslatedUnit, Unit
from translator.formats.tags import pieces

NAME = "docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"
W = f"{{{W_NS}}}"
MAIN_PART = "word/document.xml"
CONTENT_TYPES = "[Content_Types].xml"
# Parts whose paragraphs are translated, by file name; the label shown in locations.
_TRANSLATED_PART_RE = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
# Parts where only right-to-left settings change.
_DIRECTION_ONLY_PARTS = ("word/styles.xml", "word/numbering.xml")
MACRO_CONTENT_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Uncompressed size a document may claim in all (zip bombs claim terabytes).
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
_DOCTYPE_RE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_LETTER_RE = re.compile(r"[^\W\d_]")
_SPACES_RE = re.compile(r"\s+")
# Run children that are text; any other child makes the run a point.
_TEXT_CHILDREN = {f"{W}t"}
_RUN_IGNORED = {f"{W}rPr", f"{W}lastRenderedPageBreak", f"{W}proofErr"}
# Paragraph children holding runs whose text is translated.
_HYPERLINK = f"{W}hyperlink"
# Order of w:rPr children (CT_RPr): Word refuses a document whose rPr is out of order.
_RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
    "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
    "lang", "eastAsianLayout", "specVanish", "oMath",
]
_REMOVED_DIRECTION = {f"{W}bidi", f"{W}rtl", f"{W}cs", f"{W}rtlGutter", f"{W}bidiVisual"}
ENGLISH = "en-US"


def _etree() -> Any:
    try:
        from lxml import etree
    except ImportError:  # pragma: no cover - lxml is a runtime dependency
        raise MissingDependency("Word documents need the lxml package: pip install 'lxml==6.1.3'") from None
    return etree


@dataclass
class _Paragraph:
    element: Any
    items: list[Any]  # the original content children, in order (pPr excluded)
    default_rpr: Any | None
    formats: list[Any | None] = field(default_factory=list)  # tag ref → rPr (None: no properties)
    links: list[Any] = field(default_factory=list)  # tag ref → w:hyperlink element
    points: list[list[Any]] = field(default_factory=list)  # tag ref → elements kept whole
    # ref spaces are kept apart by kind: FORMAT refs index formats, LINK links, POINT points


@dataclass
class DocxDocument:
    """An opened .docx: its units and the parsed parts they are written back into."""

    data: bytes
    infos: list[zipfile.ZipInfo]
    parts: dict[str, Any]  # member name → parsed root, for the parts that may change
    unit_list: list[Unit]
    paragraphs: list[_Paragraph]

    @property
    def units(self) -> Sequence[Unit]:
        return self.unit_list

    def write(self, translated: Sequence[TranslatedUnit]) -> bytes:
        if len(translated) != len(self.paragraphs):
            raise ValueError(f"{len(translated)} translated units for {len(self.paragraphs)} paragraphs")
        etree = _etree()
        for paragraph, unit in zip(self.paragraphs, translated):
            _write_paragraph(paragraph, unit)
        for root in self.parts.values():
            _switch_direction(root)
        output = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(self.data)) as source, zipfile.ZipFile(output, "w") as target:
            for info in self.infos:
                if info.filename in self.parts:
                    body = etree.tostring(
                        self.parts[info.filename], xml_declaration=True, encoding="UTF-8", standalone=True
                    )
                else:
                    body = source.read(info)
                target.writestr(info, body)
        return output.getvalue()


def read(data: bytes, path: str) -> DocxDocument:
    """Open a .docx (raises :class:`glossary.errors.InputDecodeError` on anything it refuses)."""
    if data.startswith(OLE_SIGNATURE):
        raise InputDecodeError(
            "an encrypted (password-protected) Word document or an old binary .doc; save it as an unencrypted .docx",
            path=path,
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputDecodeError("not a Word document (not a zip archive)", path=path) from None
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if MAIN_PART not in names:
            raise InputDecodeError(f"not a Word document (no {MAIN_PART} in the zip)", path=path)
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
            raise InputDecodeError("the zip claims more than 512 MiB uncompressed (a zip bomb?)", path=path)
        if "word/vbaProject.bin" in names or MACRO_CONTENT_TYPE.encode() in _member(archive, CONTENT_TYPES, path):
            raise InputDecodeError(
                "a macro-enabled document (.docm) renamed .docx; tarjama does not open documents with macros",
                path=path,
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and _DOCTYPE_RE.search(_member(archive, info.filename, path)):
                raise InputDecodeError(
                    f"{info.filename} declares a DTD (entity expansion or an external entity); Word parts never do",
                    path=path,
                )
        parts: dict[str, Any] = {}
        for info in infos:
            name = info.filename
            if _TRANSLATED_PART_RE.match(name) or name in _DIRECTION_ONLY_PARTS:
                parts[name] = _parse(_member(archive, name, path), name, path)
    document = DocxDocument(data, infos, parts, [], [])
    for name in sorted(parts, key=_part_order):
        match = _TRANSLATED_PART_RE.match(name)
        if match:
            _collect(parts[name], "body" if match.group(1) == "document" else match.group(1), document)
    return document


def _member(archive: zipfile.ZipFile, name: str, path: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        return b""
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: an encrypted zip member; NotImplementedError: an unknown compression.
        raise InputDecodeError(f"cannot read {name} from the zip ({' '.join(str(exc).split())})", path=path) from None


def _parse(data: bytes, name: str, path: str) -> Any:
    etree = _etree()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputDecodeError(f"{name} is not well-formed XML ({' '.join(str(exc).split())})", path=path) from None


def _part_order(name: str) -> tuple[int, str]:
    """Body first, then headers, footers, footnotes, endnotes (numbered parts in number order)."""
    for rank, prefix in enumerate(("word/document", "word/header", "word/footer", "word/footnotes", "word/endnotes")):
        if name.startswith(prefix):
            number = re.sub(r"\D", "", name)
            return rank, number.zfill(6)
    return 9, name


def _collect(root: Any, label: str, document: DocxDocument) -> None:
    """Every paragraph of one part that holds prose, in document order."""
    field_depth = 0
    for number, paragraph in enumerate(root.iter(f"{W}p"), start=1):
        field_depth, built = _paragraph(paragraph, field_depth)
        if built is None:
            continue
        unit, record = built
        document.unit_list.append(
            Unit(unit[0], unit[1], Location(label=f"{label}:p{number}"), kind="paragraph")
        )
        document.paragraphs.append(record)


def _paragraph(element: Any, field_depth: int) -> tuple[int, tuple[tuple[str, tuple[InlineTag, ...]], _Paragraph] | None]:
    """A paragraph's text and tags; None when it holds no prose (or sits inside a field's result)."""
    items = [child for child in element if child.tag != f"{W}pPr"]
    # (kind, payload): ("text", (text, rPr, link)) or ("point", [elements], link)
    stream: list[tuple[str, Any, Any]] = []
    pending_field: list[Any] = []
    starts_inside_field = field_depth > 0
    for item in items:
        if item.tag == _HYPERLINK:
            for child in item:
                field_depth = _stream_item(child, item, stream, pending_field, field_depth)
        else:
            field_depth = _stream_item(item, None, stream, pending_field, field_depth)
    if pending_field:
        stream.append(("point", list(pending_field), None))
        pending_field.clear()
    text_chars = "".join(payload[0] for kind, payload, _ in stream if kind == "text")
    if starts_inside_field and field_depth > 0 or not _LETTER_RE.search(text_chars):
        return field_depth, None
    return field_depth, _build(element, items, stream)


def _stream_item(item: Any, link: Any, stream: list[tuple[str, Any, Any]], pending_field: list[Any], depth: int) -> int:
    """Add one content element to the stream; returns the complex-field depth after it."""
    if item.tag != f"{W}r":
        if depth > 0:
            pending_field.append(item)
        else:
            stream.append(("point", [item], link))
        return depth
    field_chars = [child.get(f"{W}fldCharType") for child in item.iter(f"{W}fldChar")]
    if depth > 0 or field_chars:
        pending_field.append(item)
        for kind in field_chars:
            depth += 1 if kind == "begin" else -1 if kind == "end" else 0
        depth = max(depth, 0)
        if depth == 0:
            stream.append(("point", list(pending_field), link))
            pending_field.clear()
        return depth
    rpr = item.find(f"{W}rPr")
    pieces_of_run: list[tuple[str, Any]] = []
    for child in item:
        if child.tag in _RUN_IGNORED:
            continue
        if child.tag in _TEXT_CHILDREN:
            pieces_of_run.append(("text", child.text or ""))
        else:
            pieces_of_run.append(("point", child))
    if all(kind == "text" for kind, _ in pieces_of_run):
        stream.append(("text", ("".join(value for _, value in pieces_of_run), rpr), link))
        return depth
    if not any(kind == "text" for kind, _ in pieces_of_run):
        stream.append(("point", [item], link))
        return depth
    # Text mixed with a tab, break, drawing … in one run: split it; the other
    # children are kept whole, each in a run of its own (built when writing:
    # reading changes nothing).
    for kind, value in pieces_of_run:
        if kind == "text":
            stream.append(("text", (value, rpr), link))
        else:
            stream.append(("point", [_SplitChild(item, rpr, value)], link))
    return depth


@dataclass(frozen=True)
class _SplitChild:
    """A non-text child of a run that also held text: written back in a run of its own."""

    run: Any
    rpr: Any | None
    child: Any

    def element(self) -> Any:
        new = self.run.makeelement(f"{W}r", dict(self.run.attrib))
        if self.rpr is not None:
            new.append(copy.deepcopy(self.rpr))
        new.append(self.child)
        return new


def _rpr_key(rpr: Any | None) -> bytes:
    if rpr is None:
        return b""
    etree = _etree()
    return bytes(etree.tostring(rpr, method="c14n"))


def _build(
    element: Any, items: list[Any], stream: list[tuple[str, Any, Any]]
) -> tuple[tuple[str, tuple[InlineTag, ...]], _Paragraph]:
    """Merge runs of equal formatting, collapse spaces, and hold formats, links and points as tags."""
    widths: Counter[bytes] = Counter()
    for kind, payload, _ in stream:
        if kind == "text":
            widths[_rpr_key(payload[1])] += len(payload[0].strip()) or 1
    default_key = widths.most_common(1)[0][0] if widths else b""
    default_rpr = next(
        (payload[1] for kind, payload, _ in stream if kind == "text" and _rpr_key(payload[1]) == default_key), None
    )
    record = _Paragraph(element, items, default_rpr)
    format_refs: dict[bytes, int] = {}
    link_refs: dict[int, int] = {}
    parts: list[str] = []
    length = 0
    tags: list[InlineTag] = []
    open_format: tuple[bytes, int, int] | None = None  # (rPr key, ref, start)
    open_link: tuple[int, int, Any] | None = None  # (ref, start, element)

    def close_format() -> None:
        nonlocal open_format
        if open_format is not None:
            tags.append(InlineTag(open_format[2], length, FORMAT, open_format[1], depth=1))
            open_format = None

    def close_link() -> None:
        nonlocal open_link
        if open_link is not None:
            close_format()
            tags.append(InlineTag(open_link[1], length, LINK, open_link[0], depth=0))
            open_link = None

    for kind, payload, link in stream:
        if open_link is not None and link is not open_link[2]:
            close_link()
        if link is not None and open_link is None:
            if id(link) not in link_refs:
                link_refs[id(link)] = len(record.links)
                record.links.append(link)
            open_link = (link_refs[id(link)], length, link)
        if kind == "point":
            close_format()
            record.points.append(payload)
            tags.append(InlineTag(length, length, POINT, len(record.points) - 1, depth=2))
            continue
        text, rpr = payload
        piece = _SPACES_RE.sub(" ", text)
        if piece.startswith(" ") and (not parts or parts[-1].endswith(" ")):
            piece = piece[1:]
        if not piece:
            continue
        key = _rpr_key(rpr)
        if open_format is not None and open_format[0] != key:
            close_format()
        if key != default_key and open_format is None:
            if key not in format_refs:
                format_refs[key] = len(record.formats)
                record.formats.append(rpr)
            open_format = (key, format_refs[key], length)
        parts.append(piece)
        length += len(piece)
    close_link()
    close_format()
    text = "".join(parts)
    lead = len(text) - len(text.lstrip(" "))
    stripped = text.strip(" ")
    cut = len(stripped)
    placed = sorted(
        (
            InlineTag(max(0, min(t.start - lead, cut)), max(0, min(t.end - lead, cut)), t.kind, t.ref, t.depth)
            for t in tags
        ),
        key=lambda t: (t.start, t.depth),
    )
    return (stripped, tuple(placed)), record


def _write_paragraph(paragraph: _Paragraph, unit: TranslatedUnit) -> None:
    """Replace the paragraph's content by runs of English, formats and links re-placed."""
    element = paragraph.element
    for item in paragraph.items:
        element.remove(item)
    points = sorted((t for t in unit.tags if t.kind == POINT), key=lambda t: t.start)
    spans = [t for t in unit.tags if t.kind != POINT and t.start < t.end]
    next_point = 0
    link_open: tuple[InlineTag, Any] | None = None
    text = unit.text

    def put_points(position: int) -> None:
        nonlocal next_point, link_open
        while next_point < len(points) and points[next_point].start <= position:
            for kept in paragraph.points[points[next_point].ref]:
                element.append(kept.element() if isinstance(kept, _SplitChild) else kept)
            link_open = None
            next_point += 1

    for start, end, over in pieces(len(text), [*spans, *points]):
        put_points(start)
        link = next((t for t in over if t.kind == LINK), None)
        formats = [t for t in over if t.kind == FORMAT]
        # Two formats over one stretch: the narrower (more specific) one wins.
        chosen = min(formats, key=lambda t: t.end - t.start) if formats else None
        rpr = paragraph.formats[chosen.ref] if chosen is not None else paragraph.default_rpr
        container = element
        if link is not None:
            if link_open is None or link_open[0] != link:
                original = paragraph.links[link.ref]
                link_open = (link, original.makeelement(original.tag, dict(original.attrib)))
                element.append(link_open[1])
            container = link_open[1]
        else:
            link_open = None
        container.append(_text_run(element, rpr, text[start:end]))
    put_points(len(text))
    # Tags placed on nothing (an empty translation) are kept: a link keeps its element.
    for tag in unit.tags:
        if tag.kind == LINK and tag.start >= tag.end:
            original = paragraph.links[tag.ref]
            element.append(original.makeelement(original.tag, dict(original.attrib)))


def _text_run(factory: Any, rpr: Any | None, text: str) -> Any:
    run = factory.makeelement(f"{W}r", {})
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    node = run.makeelement(f"{W}t", {})
    node.text = text
    if text != text.strip():
        node.set(f"{{{XML_NS}}}space", "preserve")
    run.append(node)
    return run


def _switch_direction(root: Any) -> None:
    """Right-to-left off, complex-script formatting carried to the Latin slots, language English."""
    for rpr in list(root.iter(f"{W}rPr")):
        _carry_complex_script(rpr)
    for element in [e for e in root.iter() if e.tag in _REMOVED_DIRECTION]:
        parent = element.getparent()
        # w:cs is also an rFonts attribute name space-wise, but as an element it is the run flag.
        if parent is not None:
            parent.remove(element)
    for lang in root.iter(f"{W}lang"):
        bidi = lang.get(f"{W}bidi")
        value = lang.get(f"{W}val") or ""
        if bidi is not None or value.lower().startswith("ar"):
            lang.set(f"{W}val", ENGLISH)
            if bidi is not None:
                del lang.attrib[f"{W}bidi"]


def _carry_complex_script(rpr: Any) -> None:
    """w:bCs → w:b, w:iCs → w:i, w:szCs → w:sz, rFonts/@w:cs → @w:ascii/@w:hAnsi, where missing."""
    for complex_name, latin_name in (("bCs", "b"), ("iCs", "i"), ("szCs", "sz")):
        complex_script = rpr.find(f"{W}{complex_name}")
        if complex_script is None or rpr.find(f"{W}{latin_name}") is not None:
            continue
        latin = rpr.makeelement(f"{W}{latin_name}", dict(complex_script.attrib))
        _insert_ordered(rpr, latin)
    fonts = rpr.find(f"{W}rFonts")
    if fonts is not None and fonts.get(f"{W}cs"):
        for slot in ("ascii", "hAnsi"):
            if fonts.get(f"{W}{slot}") is None and fonts.get(f"{W}{slot}Theme") is None:
                fonts.set(f"{W}{slot}", fonts.get(f"{W}cs"))


def _insert_ordered(rpr: Any, child: Any) -> None:
    rank = _RPR_ORDER.index(child.tag[len(W) :])
    for position, existing in enumerate(rpr):
        name = existing.tag[len(W) :] if isinstance(existing.tag, str) and existing.tag.startswith(W) else ""
        if name in _RPR_ORDER and _RPR_ORDER.index(name) > rank:
            rpr.insert(position, child)
            return
    rpr.append(child)
