"""Source/target pairs out of bilingual files: XLIFF, TMX and PO, for ``tarjama check``.

A CAT tool's export holds the Arabic and the English side by side; ``check``
applies the same rules to each unit that it applies to a pair of files. Each
reader gives :class:`BilingualUnit` data: the Arabic source, the English
target (``None`` when there is none), where the unit is (the file's
LINE:COL of the unit's start), its id, and whether it still needs review.

- XLIFF 1.2 and 2.x (``.xlf .xliff .sdlxliff .mqxliff``): one unit per
  trans-unit / 2.x segment, one per ``mrk mtype="seg"`` in Trados-style
  ``seg-source``; ``translate="no"`` units are left out. The located element
  is the trans-unit (1.2), the ``mrk`` (segmented 1.2), the ``segment`` (2.x).
- TMX (``.tmx``): one unit per ``tu`` with an Arabic and an English ``tuv``.
- PO (``.po``): one unit per ``msgid``/``msgstr`` (the header and obsolete
  ``#~`` entries left out); a plural entry gives two units: ``msgid`` →
  ``msgstr[0]`` and ``msgid_plural`` → each further ``msgstr[N]``.

No third-party library: XML goes through :mod:`translator.xmlspans` (expat,
entities refused), PO through the small reader below.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from glossary.errors import FileFormatError, SourceLanguageError
from glossary.textio import decode_text, read_bytes
from translator.xliff_model import XLIFF_SUFFIXES, plain_text, read_xliff
from translator.xmlspans import XML_LANG, XmlElement, parse_xml_file

TMX_SUFFIXES = (".tmx",)
PO_SUFFIXES = (".po",)
BILINGUAL_SUFFIXES = XLIFF_SUFFIXES + TMX_SUFFIXES + PO_SUFFIXES

# TMX inline elements holding original code, not text.
_TMX_CODE = frozenset({"bpt", "ept", "ph", "it", "ut"})


@dataclass(frozen=True)
class BilingualUnit:
    """One source text and its translation, as stored in a bilingual file."""

    source: str
    target: str | None  # None: the unit has no target at all
    line: int  # where the unit starts in the file, 1-based
    column: int  # 1-based, in characters
    unit_id: str | None  # XLIFF id (UNIT#SEGMENT when segmented), TMX tuid, PO msgctxt
    needs_review: bool  # the file says nobody has reviewed this translation yet


@dataclass(frozen=True)
class BilingualFile:
    """A bilingual file's units, in file order."""

    path: str
    units: tuple[BilingualUnit, ...]


def is_bilingual(path: str) -> bool:
    """Whether ``check`` reads ``path`` as a bilingual file (by its suffix)."""
    return path.lower().endswith(BILINGUAL_SUFFIXES)


def read_bilingual(path: str, source_lang: str = "ar", target_lang: str = "en") -> BilingualFile:
    """Read a bilingual file's units; bad or unsafe files are a :class:`FileFormatError`."""
    data = read_bytes(path)
    lowered = path.lower()
    if lowered.endswith(XLIFF_SUFFIXES):
        units = _xliff_units(data, path, source_lang)
    elif lowered.endswith(TMX_SUFFIXES):
        units = _tmx_units(data, path, source_lang, target_lang)
    elif lowered.endswith(PO_SUFFIXES):
        units = read_po(decode_text(data, path).text, path)
    else:
        raise ValueError(f"not a bilingual file: {path}")
    return BilingualFile(path, tuple(units))


def read_if_for_us(path: str, source_lang: str = "ar", target_lang: str = "en") -> BilingualFile | None:
    """:func:`read_bilingual` for a file found in a folder: None if it is another language pair's.

    A repository holds other projects' localization files (a French PO of
    English msgids, an English→German XLIFF); ``check`` on the folder must not
    fail on them. An XLIFF or TMX whose declared source language is not
    ``source_lang``, a PO whose ``Language`` header is not ``target_lang`` or
    none of whose msgids has an Arabic letter, is skipped. Malformed or unsafe
    files are still errors.
    """
    try:
        read = read_bilingual(path, source_lang, target_lang)
    except SourceLanguageError:
        return None
    if path.lower().endswith(PO_SUFFIXES):
        language = _po_language(read_bytes(path), path)
        if language and _primary(language) != target_lang:
            return None
        if not any(_ARABIC_LETTER_RE.search(unit.source) for unit in read.units):
            return None
    return read


_ARABIC_LETTER_RE = re.compile("[\u0621-\u064a\u0671-\u06d3]")
_PO_LANGUAGE_RE = re.compile(r'^"Language:\s*([^\\"]*)', re.MULTILINE)


def _po_language(data: bytes, path: str) -> str | None:
    match = _PO_LANGUAGE_RE.search(decode_text(data, path).text)
    return match.group(1).strip() if match else None


def _xliff_units(data: bytes, path: str, source_lang: str) -> list[BilingualUnit]:
    xliff = read_xliff(parse_xml_file(data, path), source_lang)
    units = []
    for segment in xliff.segments:
        if not segment.translate:
            continue
        located = segment.source if segment.segment_id is not None and not xliff.is_v2 else segment.holder
        units.append(
            BilingualUnit(
                plain_text(segment.source),
                plain_text(segment.target) if segment.target is not None else None,
                located.line,
                located.column,
                segment.label,
                segment.needs_review,
            )
        )
    return units


def _primary(lang: str | None) -> str:
    return (lang or "").replace("_", "-").split("-")[0].lower()


def _tmx_units(data: bytes, path: str, source_lang: str, target_lang: str) -> list[BilingualUnit]:
    root = parse_xml_file(data, path).root
    if root.local != "tmx":
        raise FileFormatError(f"not TMX: the root element is <{root.local}>", path, root.line, root.column)
    header = root.child("header")
    srclang = header.get("srclang") if header is not None else None
    where = header if header is not None else root
    if srclang is None or (srclang.lower() != "*all*" and _primary(srclang) != source_lang):
        raise SourceLanguageError(
            f'the TMX source language is "{srclang or ""}" (srclang), not Arabic: tarjama checks {source_lang}→{target_lang}',
            path,
            where.line,
            where.column,
        )
    body = root.child("body")
    units: list[BilingualUnit] = []
    for tu in body.children("tu") if body is not None else ():
        sides: dict[str, str] = {}
        for tuv in tu.children("tuv"):
            lang = _primary(tuv.get(XML_LANG) or tuv.get("lang"))
            seg = tuv.child("seg")
            if lang in (source_lang, target_lang) and lang not in sides and seg is not None:
                sides[lang] = _tmx_text(seg)
        if source_lang in sides:
            units.append(BilingualUnit(sides[source_lang], sides.get(target_lang), tu.line, tu.column, tu.get("tuid"), False))
    return units


def _tmx_text(element: XmlElement) -> str:
    parts: list[str] = []
    for item in element.content:
        if isinstance(item, str):
            parts.append(item)
        elif item.local not in _TMX_CODE:
            parts.append(_tmx_text(item))
    return "".join(parts)


# ---------------------------------------------------------------- PO

_PO_KEYWORD_RE = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]+"(.*)"[ \t]*$')
_PO_CONTINUATION_RE = re.compile(r'"(.*)"[ \t]*$')
_PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_PO_ESCAPE_RE = re.compile(r'\\(.)')


@dataclass
class _PoEntry:
    line: int
    fuzzy: bool
    fields: dict[str, list[str]]
    positions: dict[str, int]  # field -> line


def read_po(text: str, path: str) -> list[BilingualUnit]:
    """The units of a PO file's text (``\\n`` line ends); a line PO does not allow is an error."""
    entries: list[_PoEntry] = []
    current: _PoEntry | None = None
    flags_pending = False
    last_field: str | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            current, last_field, flags_pending = None, None, False
            continue
        if line.startswith("#"):
            if line.startswith("#~"):
                current, last_field = None, None  # obsolete entries are not checked
                continue
            if line.startswith("#,") and "fuzzy" in (flag.strip() for flag in line[2:].split(",")):
                flags_pending = True
            last_field = None
            continue
        keyword = _PO_KEYWORD_RE.match(line)
        if keyword:
            name = keyword.group(1)
            # msgctxt starts an entry; so does msgid, unless it follows that entry's msgctxt.
            if current is None or name == "msgctxt" or (name == "msgid" and "msgid" in current.fields):
                current = _PoEntry(number, flags_pending, {}, {})
                entries.append(current)
                flags_pending = False
            if name in current.fields:
                raise FileFormatError(f"{name} given twice in one entry", path, number, raw.find(name) + 1)
            current.fields[name] = [_unescape(keyword.group(3), path, number)]
            current.positions[name] = number
            last_field = name
            continue
        continuation = _PO_CONTINUATION_RE.match(line)
        if continuation and current is not None and last_field is not None:
            current.fields[last_field].append(_unescape(continuation.group(1), path, number))
            continue
        raise FileFormatError(
            f"not a PO line: {line[:40]!r} (expected msgid, msgstr, a quoted continuation or a # comment)",
            path,
            number,
            len(raw) - len(raw.lstrip()) + 1,
        )
    units: list[BilingualUnit] = []
    for entry in entries:
        fields = {name: "".join(parts) for name, parts in entry.fields.items()}
        if "msgid" not in fields:
            raise FileFormatError("PO entry without msgid", path, entry.line, 1)
        if not any(name.startswith("msgstr") for name in fields):
            raise FileFormatError("PO entry has no msgstr", path, entry.line, 1)
        if not fields["msgid"]:
            continue  # the header
        context = fields.get("msgctxt")
        if "msgid_plural" in fields:
            units.append(_po_unit(fields["msgid"], fields.get("msgstr[0]"), entry, "msgid", context, "[0]"))
            plural_forms = sorted((name for name in fields if name.startswith("msgstr[") and name != "msgstr[0]"), key=_plural_index)
            for name in plural_forms or ["msgstr[1]"]:
                units.append(
                    _po_unit(fields["msgid_plural"], fields.get(name), entry, "msgid_plural", context, name[len("msgstr") :])
                )
        else:
            units.append(_po_unit(fields["msgid"], fields.get("msgstr"), entry, "msgid", context, ""))
    return units


def _plural_index(name: str) -> int:
    return int(name[len("msgstr[") : -1])


def _po_unit(source: str, target: str | None, entry: _PoEntry, field: str, context: str | None, form: str) -> BilingualUnit:
    # PO has no ids: the context, and for plural forms which msgstr it is.
    labels = [part for part in (context, f"msgstr{form}" if form else None) if part]
    unit_id = " ".join(labels) if labels else None
    return BilingualUnit(source, target or None, entry.positions.get(field, entry.line), 1, unit_id, entry.fuzzy)


def _unescape(value: str, path: str, line: int) -> str:
    def replace(match: re.Match[str]) -> str:
        return _PO_ESCAPES.get(match.group(1), match.group(1))

    return _PO_ESCAPE_RE.sub(replace, value) if "\\" in value else value


def bilingual_paths_under(folder: str) -> list[str]:
    """Bilingual files under ``folder`` (recursive, hidden folders skipped), sorted."""
    found: list[str] = []
    for directory, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            path = os.path.normpath(os.path.join(directory, name))
            if is_bilingual(path) and os.path.isfile(path):
                found.append(path)
    return found
