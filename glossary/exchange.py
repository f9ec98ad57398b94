"""Glossary exchange with CAT tools and MT services: TBX-Basic, CSV and TSV.

Export turns a :class:`Glossary` into the text of another format; import reads
such a file into :class:`Entry` values (positioned in *that* file, so every
error points at the row or element to fix) and merges them into a glossary
file through the splice editor, so untouched entries keep their comments.

One glossary entry is one TBX ``conceptEntry`` (Arabic forms as terms, the
target preferred, accept admitted, avoid deprecated, type as subjectField,
note as note) or one CSV/TSV row. ``exclude``, ``inflect`` and ``case`` have
no place in either format and are not exported; ``--merge`` keeps them on
existing entries. README.md (“Exchanging the glossary”) has the full mapping.
"""
from __future__ import annotations

import bisect
import csv
import io
import os
import re
import xml.parsers.expat
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Iterator
from xml.etree import ElementTree

from glossary.english import fold_english
from glossary.errors import GlossaryError
from glossary.findings import ERROR
from glossary.model import Entry, Glossary
from glossary.normalize import normalize_arabic
from glossary.textio import decode_text, edit_lock, encode_like, read_bytes, write_atomic
from glossary.yamlio import dump_glossary, parse_document, parse_glossary, read_glossary_file, render_entry

FORMATS = ("tbx", "csv", "tsv", "yaml")
MERGE = "merge"
REPLACE = "replace"

# ---------------------------------------------------------------- shared

CSV_HEADER = ("source", "target", "accept", "avoid", "type", "note")
LIST_SEPARATOR = "|"
# A spreadsheet runs a cell that starts with one of these as a formula
# (CSV injection, OWASP): such cells get a leading apostrophe, which Excel,
# LibreOffice and Sheets show as "text, not formula". Cells that already start
# with apostrophes before such a character get one more, so that import can
# always strip exactly one and the round trip stays lossless.
_FORMULA_START_RE = re.compile("^'*[=+\\-@\t\r]")
_NEUTRALIZED_RE = re.compile("^'+[=+\\-@\t\r]")
# Excel opens a CSV as UTF-8 only when it starts with a BOM (otherwise it
# guesses the ANSI code page and Arabic becomes mojibake). TSV is read by
# scripts and MT services, where a BOM is a stray character in the first cell.
_UTF8_BOM = "\ufeff"

TBX_NAMESPACE = "urn:iso:std:iso:30042:ed-2"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_EXPAT_XML_LANG = "http://www.w3.org/XML/1998/namespace lang"
ADMITTED, PREFERRED, DEPRECATED = "admittedTerm-admn-sts", "preferredTerm-admn-sts", "deprecatedTerm-admn-sts"
_ARABIC_LETTER_RE = re.compile("[\u0621-\u064a\u0671-\u06d3]")
# Refused before parsing: an internal DTD subset or an entity declaration is
# how XXE and "billion laughs" documents work. A DOCTYPE that only names an
# external DTD (translate-toolkit's csv2tbx writes one) is allowed: expat is
# never given a handler to fetch it, so it is inert.
_UNSAFE_XML = ((r"<!ENTITY", "an entity declaration"), (r"<!DOCTYPE[^>\[]*\[", "an inline DTD"))
# Each pattern for text and for bytes: the TBX reader scans text, the XLIFF/TMX reader bytes.
_UNSAFE_XML_RES = tuple((re.compile(pattern), re.compile(pattern.encode()), what) for pattern, what in _UNSAFE_XML)


@dataclass(frozen=True)
class Conflict:
    """An imported entry whose source form the glossary already renders differently."""

    imported: Entry  # positioned in the imported file
    existing: Entry  # positioned in the glossary file
    path: str  # the imported file

    def as_text(self) -> str:
        form = next(iter(self.imported.sources))
        return (
            f"{self.path}:{self.imported.line}:{self.imported.column}: warning: '{form}' is"
            f" '{self.imported.target}' here but '{self.existing.target}' in the glossary"
            f" (line {self.existing.line}); kept the glossary's"
        )


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the new glossary text and how each imported entry fared."""

    text: str
    glossary: Glossary
    imported: int
    added: int
    merged: int
    conflicts: tuple[Conflict, ...] = ()
    removed: int = 0  # existing entries dropped by --replace

    def summary(self) -> str:
        text = (
            f"imported {self.imported} {'entry' if self.imported == 1 else 'entries'}: {self.added} added,"
            f" {self.merged} merged, {len(self.conflicts)} conflicting"
        )
        return text + (f", {self.removed} removed" if self.removed else "")


# ---------------------------------------------------------------- export


def export_glossary(glossary: Glossary, to_format: str) -> str:
    """The text of ``glossary`` in ``to_format`` (tbx, csv or tsv)."""
    if to_format == "tbx":
        return export_tbx(glossary)
    if to_format in ("csv", "tsv"):
        return export_table(glossary, "," if to_format == "csv" else "\t")
    if to_format == "yaml":
        return dump_glossary(glossary)
    raise ValueError(f"unknown exchange format {to_format!r}")


def export_bytes(glossary: Glossary, to_format: str) -> bytes:
    """Like :func:`export_glossary`, encoded for a file: UTF-8, with a BOM for CSV."""
    text = export_glossary(glossary, to_format)
    return ((_UTF8_BOM if to_format == "csv" else "") + text).encode("utf-8")


def export_tbx(glossary: Glossary) -> str:
    """TBX-Basic in the ISO 30042:2019 DCA form."""
    root = ElementTree.Element(
        "tbx", {"type": "TBX-Basic", "style": "dca", _XML_LANG: glossary.target_lang, "xmlns": TBX_NAMESPACE}
    )
    header = ElementTree.SubElement(root, "tbxHeader")
    file_desc = ElementTree.SubElement(header, "fileDesc")
    source_desc = ElementTree.SubElement(file_desc, "sourceDesc")
    described = os.path.basename(glossary.path) if glossary.path else "a tarjama glossary"
    ElementTree.SubElement(source_desc, "p").text = f"Exported by tarjama from {described}"
    body = ElementTree.SubElement(ElementTree.SubElement(root, "text"), "body")
    for number, entry in enumerate(glossary.entries, start=1):
        _check_xml_chars(entry, glossary.path)
        concept = ElementTree.SubElement(body, "conceptEntry", {"id": f"c{number}"})
        if entry.type:
            ElementTree.SubElement(concept, "descrip", {"type": "subjectField"}).text = entry.type
        if entry.note:
            ElementTree.SubElement(concept, "note").text = entry.note
        source_sec = ElementTree.SubElement(concept, "langSec", {_XML_LANG: glossary.source_lang})
        for form in entry.sources:
            term_sec = ElementTree.SubElement(source_sec, "termSec")
            ElementTree.SubElement(term_sec, "term").text = form
        target_sec = ElementTree.SubElement(concept, "langSec", {_XML_LANG: glossary.target_lang})
        renderings = [(entry.target, PREFERRED)]
        renderings += [(text, ADMITTED) for text in entry.accept]
        renderings += [(text, DEPRECATED) for text in entry.avoid]
        for text, status in renderings:
            term_sec = ElementTree.SubElement(target_sec, "termSec")
            ElementTree.SubElement(term_sec, "term").text = text
            ElementTree.SubElement(term_sec, "termNote", {"type": "administrativeStatus"}).text = status
    ElementTree.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
_XML_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _check_xml_chars(entry: Entry, path: str | None) -> None:
    texts = [*entry.sources, entry.target, *entry.accept, *entry.avoid, entry.type or "", entry.note or ""]
    for text in texts:
        bad = _XML_FORBIDDEN_RE.search(text)
        if bad:
            raise GlossaryError(
                f"cannot export to TBX: character U+{ord(bad.group()):04X} is not allowed in XML",
                path,
                entry.line or None,
                entry.column or None,
            )


def export_table(glossary: Glossary, delimiter: str) -> str:
    """CSV (``,``) or TSV (tab): two headerless columns when that says everything, else the full header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if delimiter == "," else "\n")
    if _fits_two_columns(glossary.entries):
        for entry in glossary.entries:
            writer.writerow([_neutralize(entry.sources[0]), _neutralize(entry.target)])
        return buffer.getvalue()
    writer.writerow(CSV_HEADER)
    for entry in glossary.entries:
        for key in ("sources", "accept", "avoid"):
            for item in getattr(entry, key):
                if LIST_SEPARATOR in item:
                    raise GlossaryError(
                        f"cannot export '{item}' to a table: '{LIST_SEPARATOR}' separates the items of a cell",
                        glossary.path,
                        entry.line or None,
                        entry.column or None,
                    )
        row = [
            LIST_SEPARATOR.join(entry.sources),
            entry.target,
            LIST_SEPARATOR.join(entry.accept),
            LIST_SEPARATOR.join(entry.avoid),
            entry.type or "",
            entry.note or "",
        ]
        writer.writerow([_neutralize(cell) for cell in row])
    return buffer.getvalue()


def _fits_two_columns(entries: tuple[Entry, ...]) -> bool:
    """Whether the DeepL/Google layout (source, target, no header) carries everything."""
    if not entries:
        return False
    if any(len(e.sources) != 1 or e.accept or e.avoid or e.type or e.note for e in entries):
        return False
    # A first row that reads like a header would be taken for one on import.
    first = entries[0]
    return _header_columns([first.sources[0], first.target]) is None


def _neutralize(cell: str) -> str:
    return "'" + cell if _FORMULA_START_RE.match(cell) else cell


def _unneutralize(cell: str) -> str:
    return cell[1:] if _NEUTRALIZED_RE.match(cell) else cell


# ---------------------------------------------------------------- import: reading files


def read_exchange(
    data: bytes, from_format: str, path: str, source_lang: str = "ar", target_lang: str = "en"
) -> list[Entry]:
    """The entries in an exchange file, each positioned (line, column) in that file."""
    if from_format == "tbx":
        return read_tbx(data, path, source_lang, target_lang)
    if from_format in ("csv", "tsv"):
        return read_table(decode_text(data, path).text, path, "," if from_format == "csv" else "\t")
    if from_format == "yaml":
        # Another tarjama glossary (`glossary suggest --format yaml`): loaded with
        # every check of the YAML loader, positions in that file.
        return list(parse_glossary(decode_text(data, path).text, path).entries)
    raise ValueError(f"unknown exchange format {from_format!r}")


@dataclass
class _Node:
    """An XML element with the position of its start tag (1-based line and column)."""

    name: str  # local name, namespace dropped: TBX 2008 has none, 2019 has one
    attributes: dict[str, str]
    line: int
    column: int
    children: list[_Node] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    def all_text(self) -> str:
        return "".join(self.text_parts) + "".join(child.all_text() for child in self.children)

    def iter(self, *names: str) -> Iterator[_Node]:
        for child in self.children:
            if child.name in names:
                yield child
            yield from child.iter(*names)

    def lang(self) -> str:
        value = self.attributes.get(_EXPAT_XML_LANG) or self.attributes.get("lang") or ""
        return value.split("-")[0].split("_")[0].lower()


class RefusedXml(Exception):
    """Unsafe XML (an inline DTD, an entity declaration, an undefined entity), with its position."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def refuse_unsafe_xml(parser: Any) -> None:
    """Make an expat ``parser`` raise :class:`RefusedXml` on DTD subsets and entities (no XXE, no expansion).

    The one place both the TBX reader and the XLIFF/TMX readers get this rule from.
    """

    def where() -> tuple[int, int]:
        return parser.CurrentLineNumber, parser.CurrentColumnNumber + 1

    def doctype(name: str, system_id: str | None, public_id: str | None, has_internal_subset: int) -> None:
        if has_internal_subset:
            raise RefusedXml("refusing XML with an inline DTD", *where())

    def entity(*args: object) -> None:
        raise RefusedXml("refusing XML with an entity declaration", *where())

    def skipped(name: str, is_parameter_entity: int) -> None:
        raise RefusedXml(f"undefined entity &{name};", *where())

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.SkippedEntityHandler = skipped
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)


def unsafe_xml_declaration(data: str | bytes) -> tuple[int, str] | None:
    """The offset and one-line reason where ``data`` declares an entity or an inline DTD; None if it does not.

    Checked before parsing, so the error points at the declaration itself;
    :func:`refuse_unsafe_xml` is the parser's own guard behind it.
    """
    for text_re, bytes_re, what in _UNSAFE_XML_RES:
        found = bytes_re.search(data) if isinstance(data, bytes) else text_re.search(data)
        if found:
            return found.start(), (
                f"refusing XML with {what} (<!DOCTYPE ... [ ] or <!ENTITY>): entities can read local files"
                " or expand without bound; remove the DOCTYPE"
            )
    return None


def parse_xml(text: str, path: str) -> _Node:
    """Parse XML text with positions; DTD subsets and entities are refused, errors are located."""
    unsafe = unsafe_xml_declaration(text)
    if unsafe is not None:
        offset, message = unsafe
        raise GlossaryError(message, path, *_line_col(text, offset))
    parser = xml.parsers.expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
    stack: list[_Node] = []
    roots: list[_Node] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        node = _Node(name.rsplit(" ", 1)[-1], attributes, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def end(name: str) -> None:
        stack.pop()

    def characters(data: str) -> None:
        if stack:
            stack[-1].text_parts.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    refuse_unsafe_xml(parser)
    try:
        parser.Parse(text.encode("utf-8"), True)
    except xml.parsers.expat.ExpatError as exc:
        message = xml.parsers.expat.ErrorString(exc.code) or "invalid XML"
        raise GlossaryError(f"malformed XML: {message}", path, exc.lineno, exc.offset + 1) from None
    except RefusedXml as exc:
        raise GlossaryError(exc.message, path, exc.line, exc.column) from None
    return roots[0]


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def read_tbx(data: bytes, path: str, source_lang: str = "ar", target_lang: str = "en") -> list[Entry]:
    """Entries from TBX-Basic: the 2019 ``tbx/conceptEntry/langSec/termSec`` form and
    the 2008 ``martif/termEntry/langSet/tig|ntig`` form."""
    root = parse_xml(decode_text(data, path).text, path)
    if root.name not in ("tbx", "martif"):
        raise GlossaryError(
            f"not a TBX file: the root element is <{root.name}>, expected <tbx> or <martif>",
            path,
            root.line,
            root.column,
        )
    return [_concept_entry(concept, path, source_lang, target_lang) for concept in root.iter("conceptEntry", "termEntry")]


@dataclass(frozen=True)
class _Term:
    text: str
    status: str | None  # PREFERRED, ADMITTED, DEPRECATED or None (unmarked)
    node: _Node


def _concept_entry(concept: _Node, path: str, source_lang: str, target_lang: str) -> Entry:
    lang_secs = [(node, _terms(node, path)) for node in concept.children if node.name in ("langSec", "langSet")]

    def is_arabic(terms: list[_Term]) -> bool:
        return bool(terms) and all(_ARABIC_LETTER_RE.search(term.text) for term in terms)

    # Language tags first; the script decides where a tool wrote wrong tags
    # (csv2tbx labels its source column "en" and its target "xx").
    source_terms = [t for node, terms in lang_secs if node.lang() == source_lang or is_arabic(terms) for t in terms]
    others = [(node, terms) for node, terms in lang_secs if not (node.lang() == source_lang or is_arabic(terms))]
    tagged = [terms for node, terms in others if node.lang() == target_lang]
    target_terms = [t for terms in tagged for t in terms] if tagged else (others[0][1] if len(others) == 1 else [])
    if not source_terms:
        raise GlossaryError(f"concept without a term in '{source_lang}' (Arabic)", path, concept.line, concept.column)
    if not target_terms:
        raise GlossaryError(f"concept without a term in '{target_lang}'", path, concept.line, concept.column)
    preferred = [t for t in target_terms if t.status == PREFERRED]
    usable = preferred or [t for t in target_terms if t.status != DEPRECATED]
    if not usable:
        first = target_terms[0].node
        raise GlossaryError("concept whose terms are all deprecated: no rendering to use", path, first.line, first.column)
    target = usable[0]
    subject = next((d for d in concept.iter("descrip") if d.attributes.get("type") == "subjectField"), None)
    notes = [text for text in (n.all_text().strip() for n in concept.iter("note")) if text]
    return Entry(
        sources=_unique(t.text for t in source_terms),
        target=target.text,
        accept=_unique(t.text for t in target_terms if t is not target and t.status != DEPRECATED and t.text != target.text),
        avoid=_unique(t.text for t in target_terms if t.status == DEPRECATED),
        type=(subject.all_text().strip() or None) if subject else None,
        note="\n".join(notes) or None,
        line=concept.line,
        column=concept.column,
    )


def _terms(lang_sec: _Node, path: str) -> list[_Term]:
    terms: list[_Term] = []
    for holder in lang_sec.iter("termSec", "tig", "ntig"):
        term_node = next(holder.iter("term"), None)
        if term_node is None:
            raise GlossaryError(f"<{holder.name}> without a <term>", path, holder.line, holder.column)
        text = term_node.all_text().strip()
        if not text:
            raise GlossaryError("empty <term>", path, term_node.line, term_node.column)
        terms.append(_Term(text, _status(holder), term_node))
    return terms


def _status(holder: _Node) -> str | None:
    for note in holder.iter("termNote"):
        kind = note.attributes.get("type")
        if kind not in ("administrativeStatus", "normativeAuthorization"):
            continue
        value = note.all_text().strip()
        # 2019: preferredTerm-admn-sts; 2008 normativeAuthorization: preferredTerm,
        # and the "official" statuses that also mean "use this one".
        if value.startswith(("preferred", "standardized", "legal", "regulated")):
            return PREFERRED
        if value.startswith("admitted"):
            return ADMITTED
        if value.startswith(("deprecated", "superseded")):
            return DEPRECATED
    return None


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def read_table(text: str, path: str, delimiter: str) -> list[Entry]:
    """Entries from CSV/TSV text: headerless ``source,target`` rows, or a header row naming the columns."""
    lines = text.split("\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    columns: tuple[str, ...] | None = None
    has_header = False
    entries: list[Entry] = []
    first_line = 1
    try:
        for row in reader:
            record = "\n".join(lines[first_line - 1 : reader.line_num])
            row_line, first_line = first_line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue  # blank lines and the all-empty rows spreadsheets leave at the end
            if columns is None:
                header = _header_columns(row)
                has_header = header is not None
                columns = header or ("source", "target")
                if has_header:
                    continue
            entries.append(_table_entry(row, columns, has_header, record, row_line, path, delimiter))
    except csv.Error as exc:
        raise GlossaryError(f"malformed {'CSV' if delimiter == ',' else 'TSV'}: {exc}", path, reader.line_num, 1) from None
    return entries


def _header_columns(row: list[str]) -> tuple[str, ...] | None:
    names = tuple(cell.strip().lower() for cell in row)
    if "source" in names and "target" in names and set(names) <= set(CSV_HEADER) and len(set(names)) == len(names):
        return names
    return None


def _table_entry(
    row: list[str], columns: tuple[str, ...], has_header: bool, record: str, line: int, path: str, delimiter: str
) -> Entry:
    positions = _cell_positions(record, delimiter, line)
    if len(row) != len(columns):
        if len(row) > len(columns):
            where = positions[len(columns)] if len(columns) < len(positions) else (line, 1)
        else:
            last = record.split("\n")[-1]
            where = (line + record.count("\n"), len(last) + 1)
        layout = ", ".join(columns)
        hint = (
            f"; for more columns start the file with the header row {delimiter.join(CSV_HEADER)}"
            if not has_header
            else ""
        )
        raise GlossaryError(f"expected {len(columns)} columns ({layout}), found {len(row)}{hint}", path, *where)
    cells = {name: _unneutralize(cell) for name, cell in zip(columns, row)}

    def items(name: str) -> tuple[str, ...]:
        return _unique([item.strip() for item in cells.get(name, "").split(LIST_SEPARATOR) if item.strip()])

    for required in ("source", "target"):
        if not cells[required].strip():
            raise GlossaryError(f"empty '{required}' cell", path, *positions[columns.index(required)])
    return Entry(
        # Headerless files are DeepL/Google glossaries: a cell is one term, '|' and all.
        sources=items("source") if has_header else (cells["source"].strip(),),
        target=cells["target"].strip(),
        accept=items("accept"),
        avoid=items("avoid"),
        type=cells.get("type", "").strip() or None,
        note=cells.get("note", "").strip() or None,
        line=line,
        column=1,
    )


def _cell_positions(record: str, delimiter: str, line: int) -> list[tuple[int, int]]:
    """(line, column) where each cell of a CSV record starts; quotes may span lines."""
    positions = [(line, 1)]
    in_quotes = False
    row_line, line_start = line, 0
    for index, char in enumerate(record):
        if char == '"':
            in_quotes = not in_quotes
        elif char == "\n":
            row_line, line_start = row_line + 1, index + 1
        elif char == delimiter and not in_quotes:
            positions.append((row_line, index + 2 - line_start))
    return positions


# ---------------------------------------------------------------- import: into a glossary


def import_exchange(import_path: str, from_format: str, glossary_path: str, mode: str = MERGE) -> ImportResult:
    """Read ``import_path`` and merge it into (or replace the terms of) the glossary file.

    The whole read-modify-write runs under the glossary's edit lock and the file
    is replaced atomically: a failed import leaves it as it was.
    """
    data = read_bytes(import_path)
    shown = "<stdin>" if import_path == "-" else import_path
    with edit_lock(glossary_path):
        original = read_glossary_file(glossary_path) if os.path.exists(glossary_path) else None
        existing_text = original.text if original else ""
        result = import_into_text(existing_text, glossary_path, data, shown, from_format, mode)
        if result.text != existing_text:
            write_atomic(glossary_path, encode_like(result.text, original))
    return result


def import_into_text(
    existing_text: str, glossary_path: str, data: bytes, import_path: str, from_format: str, mode: str = MERGE
) -> ImportResult:
    """The glossary text after importing ``data``; plain text in, plain text out."""
    existing = (
        parse_glossary(existing_text, glossary_path) if existing_text.strip() else Glossary(entries=(), path=glossary_path)
    )
    imported = read_exchange(data, from_format, import_path, existing.source_lang, existing.target_lang)
    validate_imported(imported, import_path, existing.source_lang, existing.target_lang)
    if mode == REPLACE or not existing_text.strip():
        return _replaced(existing, imported, glossary_path)
    return _merged(existing_text, existing, imported, glossary_path, import_path)


def validate_imported(entries: list[Entry], path: str, source_lang: str = "ar", target_lang: str = "en") -> None:
    """Run the YAML loader's checks and lint's errors on the imported entries alone,
    errors pointing into ``path``.

    The entries are written as canonical YAML and parsed; an error's YAML line
    is mapped back to the row or element the entry came from.
    """
    text = dump_glossary(Glossary(tuple(entries), source_lang, target_lang))
    try:
        parse_glossary(text, path)
    except GlossaryError as exc:
        # In the canonical layout an entry, and nothing else, starts with "  - ".
        starts = [number for number, line in enumerate(text.split("\n"), start=1) if line.startswith("  - ")]
        if exc.line is None or len(starts) != len(entries) or exc.line < starts[0]:
            raise GlossaryError(exc.message, path) from None

        def entry_at(yaml_line: int) -> Entry:
            return entries[bisect.bisect_right(starts, yaml_line) - 1]

        message = re.sub(r"\bat line (\d+)", lambda m: f"at line {entry_at(int(m.group(1))).line}", exc.message)
        culprit = entry_at(exc.line)
        raise GlossaryError(message, path, culprit.line, culprit.column) from None
    # What `glossary add` refuses, import refuses too: lint errors (the entries
    # still carry their positions in the imported file, so findings point there).
    from glossary.lint import lint

    for finding in lint(Glossary(tuple(entries), source_lang, target_lang, path=path)):
        if finding.severity == ERROR:
            raise GlossaryError(f"{finding.message} ({finding.rule})", path, finding.line, finding.column)


def _key(form: str) -> str:
    return normalize_arabic(form).strip()


def _replaced(existing: Glossary, imported: list[Entry], glossary_path: str) -> ImportResult:
    """The glossary's terms replaced by the imported ones (header kept), in the canonical layout."""
    owners = {_key(form) for entry in existing.entries for form in entry.sources}
    matched = sum(1 for entry in imported if any(_key(form) in owners for form in entry.sources))
    imported_forms = {_key(form) for entry in imported for form in entry.sources}
    kept = sum(1 for entry in existing.entries if any(_key(form) in imported_forms for form in entry.sources))
    glossary = Glossary(
        entries=tuple(replace(entry, line=0, column=0) for entry in imported),
        source_lang=existing.source_lang,
        target_lang=existing.target_lang,
        version=existing.version,
        path=glossary_path,
    )
    text = dump_glossary(glossary)
    return ImportResult(
        text=text,
        glossary=parse_glossary(text, glossary_path),
        imported=len(imported),
        added=len(imported) - matched,
        merged=matched,
        removed=len(existing.entries) - kept,
    )


def _merged(
    existing_text: str, existing: Glossary, imported: list[Entry], glossary_path: str, import_path: str
) -> ImportResult:
    """Merge through the splice editor: only touched entries' lines change.

    Entries that match an existing one (by source form, else by target) and
    bring something new go through ``add_term`` one by one; new entries are
    appended in one splice after the first, since an ``add_term`` per entry
    re-parses and re-lints the whole file each time (quadratic: minutes for a
    termbase of a few thousand entries).
    """
    # Imported late: the editor pulls in lint, which export and the readers do not need.
    from glossary.edit import add_term

    form_owner = {_key(form): entry for entry in existing.entries for form in entry.sources}
    target_owner = {fold_english(entry.target): entry for entry in reversed(existing.entries)}
    text = existing_text
    new_entries: list[Entry] = []
    merged = 0
    conflicts: list[Conflict] = []
    for entry in imported:
        owners = [form_owner[_key(form)] for form in entry.sources if _key(form) in form_owner]
        clash = next((o for o in owners if fold_english(o.target) != fold_english(entry.target)), None)
        if clash is not None:
            conflicts.append(Conflict(entry, clash, import_path))
            continue
        owner = owners[0] if owners else target_owner.get(fold_english(entry.target))
        if owner is None:
            new_entries.append(entry)
            continue
        merged += 1
        if _brings_news(owner, entry):
            # The glossary's own type and note win; the editor refuses to overwrite them.
            kind = None if owner.type else entry.type
            note = None if owner.note else entry.note
            text = _add_with_editor(add_term, text, glossary_path, entry, kind, note, import_path)
    if new_entries:
        text = _append(add_term, text, glossary_path, new_entries, import_path)
    return ImportResult(
        text=text,
        glossary=parse_glossary(text, glossary_path),
        imported=len(imported),
        added=len(new_entries),
        merged=merged,
        conflicts=tuple(conflicts),
    )


def _brings_news(owner: Entry, entry: Entry) -> bool:
    """Whether merging ``entry`` into ``owner`` would change it (as the editor merges)."""
    forms = {_key(form) for form in owner.sources}
    renderings = {fold_english(text) for text in (*owner.accept, *owner.avoid)}
    return (
        any(_key(form) not in forms for form in entry.sources)
        or any(fold_english(text) not in renderings for text in (*entry.accept, *entry.avoid))
        or bool(entry.type and not owner.type)
        or bool(entry.note and not owner.note)
    )


def _add_with_editor(
    add_term: Callable[..., tuple[str, str]],
    text: str,
    glossary_path: str,
    entry: Entry,
    kind: str | None,
    note: str | None,
    import_path: str,
) -> str:
    try:
        text, _ = add_term(text, glossary_path, entry.sources[0], entry.target, entry.accept, entry.avoid, kind, note)
        for form in entry.sources[1:]:
            text, _ = add_term(text, glossary_path, form, entry.target)
    except GlossaryError as exc:
        raise GlossaryError(f"cannot import this entry: {exc.message}", import_path, entry.line, entry.column) from None
    return text


def _append(
    add_term: Callable[..., tuple[str, str]], text: str, glossary_path: str, entries: list[Entry], import_path: str
) -> str:
    """``entries`` appended to ``terms``: the first by the editor (which knows every
    layout, empty and flow lists included), the rest spliced in right after it,
    indented like it."""
    first = entries[0]
    text = _add_with_editor(add_term, text, glossary_path, first, first.type, first.note, import_path)
    last = parse_document(text, glossary_path).entries[-1]
    line_start = text.rfind("\n", 0, last.start) + 1
    dash_indent = last.start - line_start
    key_indent = last.node.start_mark.column
    cut = text.find("\n", last.content_end)
    cut = len(text) if cut < 0 else cut + 1
    before = text[:cut] if text[:cut].endswith("\n") else text[:cut] + "\n"
    starts = [(text.count("\n", 0, line_start) + 1, first)]
    rendered: list[str] = []
    for entry in entries[1:]:
        starts.append((before.count("\n") + len(rendered) + 1, entry))
        rendered += render_entry(entry, dash_indent, key_indent)
    new_text = before + "".join(line + "\n" for line in rendered) + text[cut:]
    try:
        parse_glossary(new_text, glossary_path)
    except GlossaryError as exc:
        culprit = next((entry for line, entry in reversed(starts) if exc.line is not None and line <= exc.line), None)
        if culprit is None:
            raise
        raise GlossaryError(
            f"cannot import this entry: {exc.message}", import_path, culprit.line, culprit.column
        ) from None
    return new_text
