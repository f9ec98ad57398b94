"""HTML pages (``.html``, ``.htm``): block-level units with inline tags held aside.

What is a unit: the text of every block (paragraph, heading, list item, table
cell, caption, ``<title>``, any element that is not inline), with the inline
elements inside it (``b``, ``i``, ``a``, ``span`` …) as tags; and the values of
``alt``, ``title``, ``aria-label``, ``<meta name="description">`` and
``og:title``/``og:description``. A ``<br>`` ends a unit.

What is left as it was: ``script``, ``style``, ``code``, ``pre``, ``svg``,
``math``, ``template``, ``textarea`` and anything under ``translate="no"`` or
class ``notranslate``; inside a sentence such an element (and an image, a
comment, a footnote reference) is a point tag, kept whole. Every other piece of
structure (element order, attributes, comments, doctype) is kept.

For the English: ``lang="ar"`` → ``en``, ``dir="rtl"`` → ``ltr``, inline
``direction: rtl`` dropped, bidi controls stripped; written as UTF-8 with its
``<meta charset>``. The input charset comes from a BOM, ``<meta charset>`` or
``http-equiv`` (windows-1256 is common on older Arabic sites), else UTF-8,
else cp1256.

Parsing is libxml2's HTML parser (lxml): it repairs unclosed tags and stray end
tags the way browsers do for the cases news pages have, and it is fast on big
pages. libxml2 stops building the tree beyond 255 levels of nesting (content
below is lost), so such a page is refused rather than half translated.
"""
from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from glossary.errors import InputDecodeError, MissingDependency
from translator.formats import FORMAT, LINK, POINT, InlineTag, Location, TranslatedUnit, Unit
from translator.formats.tags import pieces

if TYPE_CHECKING:
    from lxml import etree

NAME = "html"
# A bigger page is refused (exit 2) rather than held in memory several times over.
MAX_HTML_BYTES = 32 * 1024 * 1024

# Elements that sit inside a sentence: they become tags around their text.
INLINE_ELEMENTS = frozenset(
    "a abbr acronym b bdi bdo big cite data dfn em font i ins del label mark q s small span strike strong sub sup"
    " time tt u".split()
)
# Elements whose content is never translated (kept byte for byte).
VERBATIM_ELEMENTS = frozenset("script style code pre svg math template textarea kbd samp var noscript".split())
# Inline elements that are kept whole inside a sentence, as a point.
ATOMIC_INLINE_ELEMENTS = frozenset("img code kbd samp var svg math input wbr script style textarea iframe object".split())
TRANSLATED_ATTRIBUTES = ("alt", "title", "aria-label")
META_NAMES = frozenset({"description", "og:title", "og:description", "twitter:title", "twitter:description"})
# Left-to-right/right-to-left marks, the Arabic letter mark, embeddings,
# overrides and isolates: meaningless (or harmful) in English text.
BIDI_CONTROLS_RE = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_COLLAPSIBLE_RE = re.compile(r"[ \t\n\r\f]+")
_LETTER_RE = re.compile(r"[^\W\d_]")
_DIRECTION_RTL_RE = re.compile(r"\s*direction\s*:\s*rtl\s*(?:!important\s*)?;?", re.IGNORECASE)
# A footnote reference: a superscript or link holding only a number or mark.
_FOOTNOTE_MARK_RE = re.compile(r"^\s*[\[(]?[\d\u0660-\u0669*†‡]{1,4}[\])]?\s*$")
_META_CHARSET_RE = re.compile(
    rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.-]+)", re.IGNORECASE
)
_EXCESSIVE_DEPTH = "Excessive depth"


def _lxml() -> tuple[Any, Any]:
    try:
        import lxml.etree
        import lxml.html
    except ImportError:  # pragma: no cover - lxml is a runtime dependency
        raise MissingDependency("HTML needs the lxml package: pip install 'lxml==6.1.3'") from None
    return lxml.etree, lxml.html


@dataclass
class _Run:
    """The inline content of one block between two block children: one unit's worth."""

    parent: Any  # the block element
    lead_owner: Any  # the element whose .text (== parent) or .tail starts the run
    children: list[Any] = field(default_factory=list)  # parent's children inside the run
    raw: list[str] = field(default_factory=list)  # the run's text nodes as in the source
    events: list[tuple[str, Any]] = field(default_factory=list)  # ("text", s) ("open", el) ("close", el) ("point", el)


@dataclass(frozen=True)
class _TextUnit:
    run: _Run
    elements: tuple[Any, ...]  # InlineTag.ref → element


@dataclass(frozen=True)
class _AttributeUnit:
    element: Any
    attribute: str


@dataclass
class HtmlDocument:
    """A parsed page: its units, and the tree they are written back into."""

    tree: Any
    encoding: str
    unit_list: list[Unit]
    targets: list[_TextUnit | _AttributeUnit]
    verbatim: set[Any]
    # libxml2 adds an HTML 4 doctype to a page that had none: write it only if the page had one.
    doctype: bool = True
    lines: _SourceLines | None = None

    @property
    def units(self) -> Sequence[Unit]:
        return self.unit_list

    def write(self, translated: Sequence[TranslatedUnit]) -> bytes:
        if len(translated) != len(self.targets):
            raise ValueError(f"{len(translated)} translated units for {len(self.targets)} units")
        etree, html = _lxml()
        for target, unit in zip(self.targets, translated):
            text = BIDI_CONTROLS_RE.sub("", unit.text)
            if isinstance(target, _AttributeUnit):
                target.element.set(target.attribute, text)
            else:
                _write_run(target, text, unit.tags)
        root = self.tree.getroot()
        _switch_direction(root, self.verbatim)
        _declare_utf8(root)
        _override_stylesheet_direction(root)
        if self.doctype:
            data: bytes = html.tostring(self.tree, encoding="utf-8", method="html")
        else:
            before = [node for node in root.itersiblings(preceding=True)][::-1]
            after = list(root.itersiblings())
            data = b"".join(html.tostring(node, encoding="utf-8", method="html") for node in [*before, root, *after])
        return data if data.endswith(b"\n") else data + b"\n"


def read(data: bytes, path: str) -> HtmlDocument:
    """Parse a page (raises :class:`glossary.errors.InputDecodeError` on what cannot be read)."""
    if len(data) > MAX_HTML_BYTES:
        raise InputDecodeError(
            f"HTML page of {len(data) / 2**20:.1f} MiB; tarjama translates pages up to {MAX_HTML_BYTES // 2**20} MiB",
            path=path,
        )
    text, encoding = _decode(data, path)
    etree, html = _lxml()
    parser = html.HTMLParser(remove_comments=False, remove_pis=False, no_network=True, remove_blank_text=False)
    if not text.strip():
        text = "<html></html>"
    try:
        root = html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputDecodeError(f"not an HTML page ({' '.join(str(exc).split())})", path=path) from None
    for entry in parser.error_log:
        if _EXCESSIVE_DEPTH in entry.message:
            raise InputDecodeError(
                "markup nested more than 255 levels deep (a broken or hostile page)", path, entry.line or None
            )
    tree = root.getroottree()
    return _collect(tree, text, encoding)


def _decode(data: bytes, path: str) -> tuple[str, str]:
    """The page as text and the encoding it was in: BOM, then meta charset, then UTF-8, then cp1256."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8", data[3:]
    elif data.startswith(codecs.BOM_UTF16_LE):
        encoding, body = "utf-16-le", data[2:]
    elif data.startswith(codecs.BOM_UTF16_BE):
        encoding, body = "utf-16-be", data[2:]
    else:
        body = data
        declared = _META_CHARSET_RE.search(data[:8192])
        encoding = "utf-8"
        if declared:
            try:
                encoding = codecs.lookup(declared.group(1).decode("ascii")).name
            except LookupError:
                encoding = "utf-8"
        if encoding == "utf-8":
            try:
                return body.decode("utf-8").replace("\x00", ""), "utf-8"
            except UnicodeDecodeError:
                encoding = "cp1256"  # undeclared and not UTF-8: older Arabic sites are windows-1256
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        before = body[: exc.start]
        line = before.count(b"\n") + 1
        raise InputDecodeError(f"invalid {encoding} byte 0x{body[exc.start]:02x}", path, line) from None
    # NUL is not allowed in HTML; browsers drop it.
    return text.replace("\x00", ""), encoding


def _is_element(node: Any) -> bool:
    return isinstance(node.tag, str)


def _local_name(node: Any) -> str:
    tag = node.tag
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _is_verbatim(node: Any) -> bool:
    if not _is_element(node):
        return False
    if _local_name(node) in VERBATIM_ELEMENTS:
        return True
    if (node.get("translate") or "").strip().lower() == "no":
        return True
    return "notranslate" in (node.get("class") or "").split()


def _collect(tree: Any, source: str, encoding: str) -> HtmlDocument:
    """Every unit of the page, in document order (iteratively: pages nest deep)."""
    root = tree.getroot()
    verbatim: set[Any] = set()
    blocky: set[Any] = set()  # elements with a block (or break) element below them
    for element in reversed(list(root.iter())):
        if not _is_element(element):
            continue
        if _is_verbatim(element):
            verbatim.add(element)
        for child in element:
            if _is_element(child) and (child in blocky or _local_name(child) not in INLINE_ELEMENTS):
                if not (_local_name(child) in ATOMIC_INLINE_ELEMENTS or child in verbatim and _inline_verbatim(child)):
                    blocky.add(element)
                    break
    lines = _SourceLines(source)
    document = HtmlDocument(tree, encoding, [], [], verbatim, _has_doctype(source), lines)
    # Attribute and text units in document order: an element's attributes before its text.
    stack: list[Any] = [root]
    while stack:
        container = stack.pop()
        if container in verbatim:
            continue
        _attribute_units(container, document, verbatim, blocky)
        runs, blocks = _runs(container, blocky, verbatim)
        for run in runs:
            _add_run(run, document, lines)
        stack.extend(reversed(blocks))
    return document


def _inline_verbatim(element: Any) -> bool:
    """A verbatim element that sits inside a sentence (``<code>`` in prose, a notranslate span)."""
    return _local_name(element) in INLINE_ELEMENTS or _local_name(element) in ATOMIC_INLINE_ELEMENTS


def _runs(container: Any, blocky: set[Any], verbatim: set[Any]) -> tuple[list[_Run], list[Any]]:
    """The container's inline runs (split at block children) and its block children."""
    runs: list[_Run] = []
    blocks: list[Any] = []
    run = _Run(container, container)
    _add_text(run, container.text)
    for child in container:
        kind = _kind(child, blocky, verbatim)
        if kind == "block":
            runs.append(run)
            if _is_element(child):
                blocks.append(child)
            run = _Run(container, child)
        else:
            run.children.append(child)
            if kind == "point":
                run.events.append(("point", child))
            else:
                _add_inline(run, child, blocky, verbatim)
        _add_text(run, child.tail)
    runs.append(run)
    return runs, blocks


def _kind(node: Any, blocky: set[Any], verbatim: set[Any]) -> str:
    """``inline`` (a tag), ``point`` (kept whole inside the sentence) or ``block`` (ends the run)."""
    if not _is_element(node):
        return "point"  # a comment or processing instruction inside a sentence
    name = _local_name(node)
    if node in verbatim:
        return "point" if _inline_verbatim(node) else "block"
    if name in ATOMIC_INLINE_ELEMENTS:
        return "point"
    if name not in INLINE_ELEMENTS or node in blocky:
        return "block"
    text = node.text_content()
    if not text.strip() or (name in ("sup", "a") and _FOOTNOTE_MARK_RE.match(text)):
        return "point"  # an empty anchor, a footnote reference
    return "inline"


def _add_inline(run: _Run, element: Any, blocky: set[Any], verbatim: set[Any]) -> None:
    """An inline element's content as events (with an explicit stack: pages nest deep)."""
    run.events.append(("open", element))
    _add_text(run, element.text)
    stack = [(element, iter(element))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            run.events.append(("close", node))
            if stack:  # the outermost element's tail belongs to the caller's run
                _add_text(run, node.tail)
            continue
        if _kind(child, blocky, verbatim) == "inline":
            run.events.append(("open", child))
            _add_text(run, child.text)
            stack.append((child, iter(child)))
        else:  # inside a non-block inline element everything else is kept whole
            run.events.append(("point", child))
            _add_text(run, child.tail)


def _add_text(run: _Run, text: str | None) -> None:
    if text:
        run.raw.append(text)
        run.events.append(("text", text))


def _add_run(run: _Run, document: HtmlDocument, lines: _SourceLines) -> None:
    """Turn a run's events into a unit: collapsed text, tags with offsets."""
    parts: list[str] = []
    length = 0
    elements: list[Any] = []
    tags: list[InlineTag] = []
    open_tags: list[tuple[int, int]] = []  # (element index, start)
    texts: list[tuple[int, str]] = []  # (unit offset, raw text node) for the anchors
    for event, value in run.events:
        if event == "text":
            piece = _COLLAPSIBLE_RE.sub(" ", BIDI_CONTROLS_RE.sub("", value))
            if piece.startswith(" ") and (not parts or parts[-1].endswith(" ")):
                piece = piece[1:]
            if piece:
                texts.append((length + (1 if piece.startswith(" ") else 0), value))
                parts.append(piece)
                length += len(piece)
        elif event == "open":
            elements.append(value)
            open_tags.append((len(elements) - 1, length))
        elif event == "close":
            index, start = open_tags.pop()
            element = elements[index]
            kind = LINK if _local_name(element) == "a" and element.get("href") is not None else FORMAT
            tags.append(InlineTag(start, length, kind, index, depth=len(open_tags)))
        else:
            elements.append(value)
            tags.append(InlineTag(length, length, POINT, len(elements) - 1, depth=len(open_tags)))
    text = "".join(parts)
    if not _LETTER_RE.search(text):
        return
    stripped = text.rstrip(" ")
    cut = len(stripped)
    tags = [InlineTag(min(t.start, cut), min(t.end, cut), t.kind, t.ref, t.depth) for t in tags]
    tags.sort(key=lambda t: (t.start, t.depth))
    line = _source_line(run)
    anchors = lines.anchors(line, texts)
    location = Location(anchors[0][1], anchors[0][2]) if anchors and anchors[0][0] == 0 else Location(line, 1)
    document.unit_list.append(
        Unit(stripped, tuple(tags), location, kind=_local_name(run.parent) or "block", anchors=tuple(anchors))
    )
    document.targets.append(_TextUnit(run, tuple(elements)))


def _source_line(run: _Run) -> int | None:
    owner = run.lead_owner
    line = getattr(owner, "sourceline", None)
    if owner is not run.parent and run.children:
        line = getattr(run.children[0], "sourceline", None) or line
    return line if isinstance(line, int) else None


class _SourceLines:
    """The decoded page, to find where text nodes are (lxml gives elements a line, no column)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", source)]

    def anchors(self, line: int | None, texts: list[tuple[int, str]]) -> list[tuple[int, int, int]]:
        """(unit offset, line, column) of each text node found in the source, searching on from ``line``.

        A node written with entities (``&amp;``) is not found verbatim and gets no anchor.
        """
        if line is None or not 1 <= line <= len(self.line_starts):
            return []
        cursor = self.line_starts[line - 1]
        found: list[tuple[int, int, int]] = []
        for offset, raw in texts:
            chunk = BIDI_CONTROLS_RE.sub("", raw).strip()[:40]
            if not chunk:
                continue
            position = self.source.find(chunk, cursor, cursor + 100_000)
            if position < 0:
                continue
            number = bisect_right(self.line_starts, position)
            found.append((offset, number, position - self.line_starts[number - 1] + 1))
            cursor = position + len(chunk)
        return found


def _has_doctype(source: str) -> bool:
    return bool(re.match(r"(?:\s|<!--.*?-->)*<!doctype", source[:4096], re.IGNORECASE | re.DOTALL))


def _attribute_units(element: Any, document: HtmlDocument, verbatim: set[Any], blocky: set[Any]) -> None:
    """The translatable attributes of ``element`` and of its inline and point descendants.

    Attributes of block descendants are collected when the walk reaches them.
    """
    for node in _attribute_holders(element, verbatim, blocky):
        name = _local_name(node)
        if name == "meta":
            key = (node.get("name") or node.get("property") or "").strip().lower()
            if key in META_NAMES and node.get("content"):
                _add_attribute(document, node, "content")
            continue
        for attribute in TRANSLATED_ATTRIBUTES:
            if node.get(attribute):
                _add_attribute(document, node, attribute)


def _attribute_holders(element: Any, verbatim: set[Any], blocky: set[Any]) -> list[Any]:
    holders = [element]
    stack = [child for child in reversed(element) if _is_element(child)]
    while stack:
        node = stack.pop()
        if node in verbatim or node in blocky:
            continue  # kept as is, or a block of its own (the walk reaches it)
        if _local_name(node) in INLINE_ELEMENTS or _local_name(node) in ATOMIC_INLINE_ELEMENTS:
            holders.append(node)
            stack.extend(child for child in reversed(node) if _is_element(child))
    return holders


def _add_attribute(document: HtmlDocument, element: Any, attribute: str) -> None:
    value = " ".join(BIDI_CONTROLS_RE.sub("", element.get(attribute)).split())
    if not _LETTER_RE.search(value):
        return
    line = element.sourceline if isinstance(element.sourceline, int) else None
    # Where the value stands: the attribute on the element's line (or the next few).
    location = Location(line, 1)
    anchors = document.lines.anchors(line, [(0, element.get(attribute))]) if document.lines else []
    if anchors:
        location = Location(anchors[0][1], anchors[0][2])
    document.unit_list.append(Unit(value, (), location, kind="attribute"))
    document.targets.append(_AttributeUnit(element, attribute))


def _write_run(target: _TextUnit, text: str, tags: Sequence[InlineTag]) -> None:
    """Replace the run's text nodes and inline elements by the English and its re-placed tags."""
    run = target.run
    raw = "".join(run.raw)
    lead_space = raw[: len(raw) - len(raw.lstrip())]
    trail_space = raw[len(raw.rstrip()) :]
    parent = run.parent
    for child in run.children:
        parent.remove(child)
    holder = parent.makeelement("div", {})
    _emit(holder, lead_space + text + trail_space, _shifted(tags, len(lead_space)), target.elements)
    if run.lead_owner is parent:
        parent.text = holder.text
        position = 0
    else:
        run.lead_owner.tail = holder.text
        position = parent.index(run.lead_owner) + 1
    for offset, child in enumerate(list(holder)):
        parent.insert(position + offset, child)


def _shifted(tags: Sequence[InlineTag], by: int) -> list[InlineTag]:
    return [InlineTag(t.start + by, t.end + by, t.kind, t.ref, t.depth) for t in tags]


def _emit(holder: Any, text: str, tags: Sequence[InlineTag], elements: Sequence[Any]) -> None:
    """Write ``text`` into ``holder`` with ``tags`` as properly nested elements."""
    points = sorted((t for t in tags if t.kind == POINT), key=lambda t: t.start)
    spans = [t for t in tags if t.kind != POINT]
    # A formatting tag placed on nothing (the English of its sentence was empty)
    # is written empty where it was: kept, never dropped.
    empties = [t for t in spans if t.start >= t.end]
    spans = [t for t in spans if t.start < t.end]
    stack: list[tuple[InlineTag, Any]] = []
    next_point = 0

    def current() -> Any:
        return stack[-1][1] if stack else holder

    def put_points(position: int) -> None:
        nonlocal next_point
        while next_point < len(points) and points[next_point].start <= position:
            original = elements[points[next_point].ref]
            original.tail = None
            current().append(original)
            next_point += 1
        for tag in [t for t in empties if t.start <= position]:
            current().append(_shallow_copy(elements[tag.ref]))
            empties.remove(tag)

    for start, end, over in pieces(len(text), [*spans, *points]):
        common = 0
        while common < len(stack) and common < len(over) and stack[common][0] == over[common]:
            common += 1
        del stack[common:]
        put_points(start)
        for tag in over[common:]:
            copy = _shallow_copy(elements[tag.ref])
            current().append(copy)
            stack.append((tag, copy))
        _append_text(current(), text[start:end])
    del stack[:]
    put_points(len(text))


def _shallow_copy(element: Any) -> Any:
    return element.makeelement(element.tag, dict(element.attrib))


def _append_text(container: Any, text: str) -> None:
    if not text:
        return
    if len(container):
        last = container[-1]
        last.tail = (last.tail or "") + text
    else:
        container.text = (container.text or "") + text


def _switch_direction(root: Any, verbatim: set[Any]) -> None:
    """lang ar → en, dir rtl → ltr, inline direction: rtl dropped; not inside verbatim elements."""
    stack = [root]
    while stack:
        element = stack.pop()
        if not _is_element(element) or element in verbatim:
            continue
        for attribute in ("lang", "{http://www.w3.org/XML/1998/namespace}lang", "xml:lang"):
            value = element.get(attribute)
            if value is not None and value.strip().lower().split("-")[0] == "ar":
                element.set(attribute, "en")
        if (element.get("dir") or "").strip().lower() == "rtl":
            element.set("dir", "ltr")
        style = element.get("style")
        if style is not None and _DIRECTION_RTL_RE.search(style):
            cleaned = _DIRECTION_RTL_RE.sub("", style).strip()
            if cleaned:
                element.set("style", cleaned)
            else:
                del element.attrib["style"]
        stack.extend(element)


def _declare_utf8(root: Any) -> None:
    """The page's charset declaration says UTF-8 (added at the top of <head> if there was none)."""
    declared = False
    for meta in root.iter("meta"):
        if meta.get("charset") is not None:
            meta.set("charset", "utf-8")
            declared = True
        elif (meta.get("http-equiv") or "").strip().lower() == "content-type":
            # libxml2's serializer drops an http-equiv Content-Type meta (it would
            # write its own only with an encoding it chose): say it with charset.
            for name in list(meta.attrib):
                del meta.attrib[name]
            meta.set("charset", "utf-8")
            declared = True
    if declared:
        return
    head = root.find("head")
    if head is None:
        head = root.makeelement("head", {})
        root.insert(0, head)
    meta = root.makeelement("meta", {"charset": "utf-8"})
    meta.tail = head.text
    head.text = None
    head.insert(0, meta)


# Appended to <head> when the page's own stylesheet sets right-to-left (the
# stylesheet itself is kept byte for byte): the English reads left to right,
# except what is still marked rtl (translate="no" parts).
LTR_OVERRIDE_CSS = (
    "/* tarjama: the English reads left to right */"
    ' *:not([dir="rtl"], [dir="rtl"] *) { direction: ltr !important; }'
)
_CSS_RTL_RE = re.compile(r"direction\s*:\s*rtl", re.IGNORECASE)


def _override_stylesheet_direction(root: Any) -> None:
    if not any(_CSS_RTL_RE.search(style.text or "") for style in root.iter("style")):
        return
    head = root.find("head")
    if head is None:
        return
    style = root.makeelement("style", {"data-tarjama": "ltr"})
    style.text = LTR_OVERRIDE_CSS
    style.tail = "\n"
    head.append(style)
