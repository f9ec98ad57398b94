"""Safe XML parsing that remembers where every element is, in lines and in bytes.

XLIFF, TMX and (through them) every CAT tool's export are read here. Two
needs shape it:

- ``check`` reports ``FILE:LINE:COL`` of a unit, so every element carries the
  line and column (1-based, in characters) of its start tag;
- ``translate`` must leave everything it does not translate byte for byte as
  it was (other namespaces, skeletons, tool extensions, attribute quoting,
  character references), so it never re-serializes a tree: it splices new
  bytes between the byte offsets recorded here.

The parser is the standard library's expat, so reading a CAT file needs no
extra package. Documents that declare entities or carry an inline DTD are
refused before parsing (no XXE, no "billion laughs"); a DOCTYPE that only
names an external DTD (old XLIFF 1.1 and many TMX files have one) is inert:
expat is never given a handler to fetch it.
"""
from __future__ import annotations

import codecs
import re
import xml.parsers.expat
from dataclasses import dataclass, field
from typing import Iterator, Union

from glossary.errors import FileFormatError
from glossary.exchange import RefusedXml, refuse_unsafe_xml, unsafe_xml_declaration
from glossary.textio import decode_text

XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"

# A start tag from its "<" to its ">": attribute values may hold ">" inside quotes.
_START_TAG_RE = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")


Content = Union[str, "XmlElement"]


@dataclass(eq=False)
class XmlElement:
    """An element: its name, attributes, where it is, and its mixed content in order."""

    name: str  # "{namespace}local" or "local"
    local: str  # the name without its namespace
    attributes: dict[str, str]  # names as "{namespace}local" or "local"
    line: int  # of the start tag, 1-based
    column: int  # of the start tag's "<", 1-based, in characters
    start: int  # byte offset of "<" in XmlDocument.data
    data: bytes = field(repr=False, default=b"")  # the document's bytes, for start_tag_end
    end: int = 0  # byte offset just after the end tag (== start_tag_end for <empty/>)
    content_end: int = 0  # byte offset of the end tag's "<" (== start_tag_end for <empty/>)
    content: list[Content] = field(default_factory=list)
    parent: XmlElement | None = None
    self_closing: bool = False

    @property
    def start_tag_end(self) -> int:
        """Byte offset just after the start tag's ">" (found on demand: ``check`` never needs it)."""
        if self.self_closing:
            return self.end
        tag = _START_TAG_RE.match(self.data, self.start)
        if tag is None:  # expat accepted the tag, so the pattern matches it
            raise ValueError(f"no start tag at byte {self.start}")
        return tag.end()

    @property
    def namespace(self) -> str:
        return self.name[1:].split("}", 1)[0] if self.name.startswith("{") else ""

    @property
    def empty(self) -> bool:
        """Written ``<x/>``: nothing can be spliced between its tags."""
        return self.self_closing

    def children(self, *locals_: str) -> Iterator[XmlElement]:
        """Child elements (of these local names, if given), in order."""
        for item in self.content:
            if isinstance(item, XmlElement) and (not locals_ or item.local in locals_):
                yield item

    def child(self, local: str) -> XmlElement | None:
        return next(self.children(local), None)

    def iter(self, *locals_: str) -> Iterator[XmlElement]:
        """Descendants (of these local names, if given), in document order."""
        # An explicit stack, not nested generators: a 10,000-unit file is walked several times.
        stack = [iter(self.content)]
        while stack:
            for item in stack[-1]:
                if isinstance(item, XmlElement):
                    if not locals_ or item.local in locals_:
                        yield item
                    if item.content:
                        stack.append(iter(item.content))
                        break
            else:
                stack.pop()

    def text(self) -> str:
        """All character data inside, at any depth."""
        return "".join(item if isinstance(item, str) else item.text() for item in self.content)

    def get(self, attribute: str, default: str | None = None) -> str | None:
        return self.attributes.get(attribute, default)


@dataclass
class XmlDocument:
    """A parsed file: the UTF-8 bytes the offsets index, and how to encode them back."""

    path: str
    data: bytes  # UTF-8, no BOM
    root: XmlElement
    encoding: str  # how the file was stored: "utf-8", "utf-8-sig", "utf-16-le", "utf-16-be"
    newline: str  # the file's dominant line end

    def encode(self, data: bytes) -> bytes:
        """UTF-8 ``data`` (this document, spliced) in the file's own encoding, BOM included."""
        if self.encoding == "utf-8":
            return data
        text = data.decode("utf-8")
        if self.encoding == "utf-8-sig":
            return codecs.BOM_UTF8 + data
        bom = codecs.BOM_UTF16_LE if self.encoding == "utf-16-le" else codecs.BOM_UTF16_BE
        return bom + text.encode(self.encoding)

    def slice(self, start: int, end: int) -> bytes:
        return self.data[start:end]




def parse_xml_file(data: bytes, path: str) -> XmlDocument:
    """Parse ``data`` with positions; unsafe or malformed XML is a one-line :class:`FileFormatError`."""
    decoded = decode_text(data, path)  # UTF-8 ± BOM, UTF-16 with BOM; cp1256 is refused below
    if decoded.encoding == "cp1256":
        raise FileFormatError("XML in a legacy Arabic encoding (windows-1256): save it as UTF-8 or UTF-16", path, 1, 1)
    if decoded.encoding == "utf-8":
        body = data
    else:
        # Offsets index UTF-8 bytes whatever the file's encoding; the declaration
        # (encoding="UTF-16") is overridden for expat and restored on write.
        text = data.decode("utf-8-sig" if decoded.encoding == "utf-8-sig" else decoded.encoding)
        if text.startswith("\ufeff"):
            text = text[1:]
        body = text.encode("utf-8")
    unsafe = unsafe_xml_declaration(body)
    if unsafe is not None:
        offset, message = unsafe
        raise FileFormatError(message, path, *byte_position(body, offset))
    return XmlDocument(path, body, _parse(body, path), decoded.encoding, decoded.newline)


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset into UTF-8 ``data``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[line_start:offset].decode("utf-8", "replace")) + 1


def _qualified(expat_name: str) -> str:
    # namespace_separator=" ": expat gives "uri local" for a namespaced name.
    if " " in expat_name:
        uri, local = expat_name.split(" ", 1)
        return f"{{{uri}}}{local}"
    return expat_name


def _parse(body: bytes, path: str) -> XmlElement:
    parser = xml.parsers.expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
    parser.buffer_text = True
    stack: list[XmlElement] = []
    roots: list[XmlElement] = []
    qualified: dict[str, str] = {}  # expat name -> "{uri}local", computed once per name
    locals_: dict[str, str] = {}

    def name_of(expat_name: str) -> str:
        known = qualified.get(expat_name)
        if known is None:
            known = qualified[expat_name] = _qualified(expat_name)
            locals_[expat_name] = expat_name.rsplit(" ", 1)[-1]
        return known

    def start(name: str, attributes: dict[str, str]) -> None:
        parent = stack[-1] if stack else None
        element = XmlElement(
            name_of(name),
            locals_[name],
            {name_of(key): value for key, value in attributes.items()} if attributes else {},
            parser.CurrentLineNumber,
            parser.CurrentColumnNumber + 1,
            parser.CurrentByteIndex,
            body,
            parent=parent,
        )
        (parent.content if parent is not None else roots).append(element)
        stack.append(element)

    def end(name: str) -> None:
        element = stack.pop()
        offset = parser.CurrentByteIndex
        # expat reports <x/>'s end just after the tag, a real end tag at its "<";
        # only an element with no content can be the former.
        if not element.content and body[offset - 2 : offset] == b"/>" and not body.startswith(b"</", offset - 2):
            element.self_closing = True
            element.end = element.content_end = offset
        else:
            element.content_end = offset
            element.end = body.index(b">", offset) + 1

    def characters(data: str) -> None:
        if stack:
            content = stack[-1].content
            if content and isinstance(content[-1], str):
                content[-1] += data
            else:
                content.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    refuse_unsafe_xml(parser)
    try:
        parser.Parse(body, True)
    except xml.parsers.expat.ExpatError as exc:
        message = xml.parsers.expat.ErrorString(exc.code) or "invalid XML"
        raise FileFormatError(f"malformed XML: {message}", path, exc.lineno, exc.offset + 1) from None
    except RefusedXml as exc:
        raise FileFormatError(exc.message, path, exc.line, exc.column) from None
    return roots[0]


def escape_text(text: str) -> str:
    """Character data for XML 1.0: ``& < >`` escaped, characters XML forbids dropped."""
    text = _FORBIDDEN_XML_CHARS_RE.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(text: str) -> str:
    return escape_text(text).replace('"', "&quot;")


# XML 1.0 allows TAB, LF, CR and U+0020 up; not the other C0 controls or U+FFFE/U+FFFF.
_FORBIDDEN_XML_CHARS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
