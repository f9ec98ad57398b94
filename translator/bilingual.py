"""Aligned Arabic–English pairs and their exchange formats (``translate --bilingual``).

The alignment unit is the sentence segment the engine translated; each pair
knows its file, paragraph and segment index, and the glossary terms in it with
how each was enforced. Formatters take plain data and return a string:
TSV, Markdown, JSON Lines, a self-contained HTML page, and TMX 1.4b.

Numbering: ``paragraph`` and ``segment`` count from 0 within their file, like
``segment`` in the enforcement report. Headings meant for people (Markdown,
HTML) count paragraphs from 1.
"""
from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable, Sequence

from glossary.english import find_renderings
from translator.enforce import UNENFORCED, SegmentTranslation

FORMATS: tuple[str, ...] = ("tsv", "md", "html", "tmx", "jsonl")
# A blank line (only spaces or tabs on it) between two segments starts a new paragraph.
PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n")
# Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, lone surrogates,
# U+FFFE/U+FFFF): a TMX file holding one is not well-formed, so they are dropped.
XML_ILLEGAL_RE = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


@dataclass(frozen=True)
class TermMark:
    """A glossary term occurrence in a pair's source: ``source[start:end] == surface``."""

    surface: str
    target: str  # the entry's canonical English
    method: str  # native | prefix | post-edit | unenforced
    start: int
    end: int


@dataclass(frozen=True)
class AlignedPair:
    """One translated segment and its source."""

    file: str
    paragraph: int
    segment: int
    source: str
    target: str
    terms: tuple[TermMark, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """What produced the translations (shown in HTML, Markdown and TMX)."""

    tool_version: str
    model_package: str
    model_version: str
    glossary_digest: str | None = None


def align_pairs(
    path: str, text: str, segment_offsets: Sequence[int], translations: Sequence[SegmentTranslation]
) -> list[AlignedPair]:
    """The pairs of one file; ``segment_offsets[i]`` is where segment i starts in ``text``.

    ``translations[i].text`` is used as the English as given: pass the text as it
    appears in the output (after reassembly's clean-up).
    """
    if len(segment_offsets) != len(translations):
        raise ValueError("segment_offsets and translations must be parallel")
    pairs: list[AlignedPair] = []
    paragraph = 0
    previous_end: int | None = None
    for index, (offset, translation) in enumerate(zip(segment_offsets, translations)):
        if previous_end is not None and PARAGRAPH_BREAK_RE.search(text, previous_end, offset):
            paragraph += 1
        previous_end = offset + len(translation.source)
        terms = tuple(
            TermMark(o.occurrence.surface, o.occurrence.entry.target, o.method, o.occurrence.start, o.occurrence.end)
            for o in translation.outcomes
        )
        pairs.append(AlignedPair(path, paragraph, index, translation.source, translation.text, terms))
    return pairs


def render(output_format: str, pairs: Sequence[AlignedPair], provenance: Provenance) -> str:
    """``pairs`` in one of :data:`FORMATS`."""
    renderers: dict[str, Callable[[Sequence[AlignedPair], Provenance], str]] = {
        "tsv": lambda p, _: to_tsv(p),
        "md": to_markdown,
        "html": to_html,
        "tmx": to_tmx,
        "jsonl": lambda p, _: to_jsonl(p),
    }
    if output_format not in renderers:
        raise ValueError(f"unknown bilingual format {output_format!r}")
    return renderers[output_format](pairs, provenance)


# -- TSV --------------------------------------------------------------------


def escape_tsv(text: str) -> str:
    """Backslash, tab, LF and CR as ``\\\\``, ``\\t``, ``\\n``, ``\\r``: one pair stays one line."""
    return "".join(TSV_ESCAPES.get(char, char) for char in text)


def to_tsv(pairs: Sequence[AlignedPair]) -> str:
    """``source<TAB>target``, one line per pair, no header."""
    return "".join(f"{escape_tsv(p.source)}\t{escape_tsv(p.target)}\n" for p in pairs)


# -- JSON Lines -------------------------------------------------------------


def to_jsonl(pairs: Sequence[AlignedPair]) -> str:
    """One JSON object per pair: file, paragraph, segment, source, target, terms."""
    lines = []
    for pair in pairs:
        record = {
            "file": pair.file,
            "paragraph": pair.paragraph,
            "segment": pair.segment,
            "source": pair.source,
            "target": pair.target,
            "terms": [{"surface": t.surface, "target": t.target, "method": t.method} for t in pair.terms],
        }
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines)


# -- Markdown ---------------------------------------------------------------


def escape_markdown_cell(text: str) -> str:
    """A table cell: ``\\`` and ``|`` escaped, line breaks as ``<br>``."""
    escaped = text.replace("\\", "\\\\").replace("|", "\\|")
    return re.sub(r"\r\n|\r|\n", "<br>", escaped)


def to_markdown(pairs: Sequence[AlignedPair], provenance: Provenance) -> str:
    """A heading per file, and per paragraph a two-column table (Arabic | English)."""
    parts = [f"<!-- {_provenance_line(provenance)} -->\n"]
    for file, paragraphs in _grouped(pairs):
        parts.append(f"\n## {escape_markdown_cell(file)}\n")
        for number, members in paragraphs:
            parts.append(f"\n### Paragraph {number + 1}\n\n| العربية | English |\n|---|---|\n")
            parts.extend(f"| {escape_markdown_cell(p.source)} | {escape_markdown_cell(p.target)} |\n" for p in members)
    return "".join(parts)


# -- HTML -------------------------------------------------------------------

HTML_STYLE = """
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; margin: 1.5rem; color: #1d1d1f; background: #fff; }
header p { margin: .3rem 0; color: #555; font-size: .9rem; }
h1 { font-size: 1.3rem; margin: 0 0 .4rem; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; font-family: monospace; }
table.pairs { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.pairs th, table.pairs td { border: 1px solid #d0d0d7; padding: .45rem .6rem; vertical-align: top; }
table.pairs th { background: #f3f3f6; font-weight: 600; }
col.n { width: 3.2rem; }
td.n, th.n { color: #888; font-size: .8rem; text-align: center; }
td[lang="ar"], th[lang="ar"] { direction: rtl; text-align: right; font-size: 1.12rem; line-height: 1.7;
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans", Arial, sans-serif; }
td[lang="en"], th[lang="en"] { direction: ltr; text-align: left; line-height: 1.55; }
tbody.paragraph { border-top: 3px solid #9aa0b4; }
tbody.paragraph tr.first td.n { font-weight: 600; color: #444; }
mark.term { background: #fff1a8; border-radius: 3px; padding: 0 .1em; cursor: help; }
mark.term.prefix, mark.term.post-edit { background: #d7f0d2; }
mark.term.unenforced { background: #ffd9d9; text-decoration: underline wavy #c0002a; text-underline-offset: 3px;
  outline: 1px dashed #c0002a; }
.legend mark { font-size: .85rem; }
"""

HTML_LEGEND = (
    "<p class=\"legend\">Legend: <mark class=\"term native\">term</mark> glossary term rendered by the model · "
    "<mark class=\"term prefix\">term</mark> glossary term repaired (forced prefix or post-edit) · "
    "<mark class=\"term unenforced\">term</mark> <strong>unenforced</strong>: the canonical rendering "
    "is missing, check the English by hand. Hover a term to see its glossary entry.</p>\n"
)


def to_html(pairs: Sequence[AlignedPair], provenance: Provenance) -> str:
    """A self-contained side-by-side page: inline CSS, no script, nothing fetched."""
    files = _grouped(pairs)
    title = "tarjama: " + ", ".join(file for file, _ in files) if files else "tarjama"
    out = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        f"<title>{html.escape(title)}</title>\n<style>{HTML_STYLE}</style>\n</head>\n<body>\n<header>\n",
        "<h1>Arabic → English</h1>\n",
        f"<p class=\"provenance\">{html.escape(_provenance_line(provenance))}</p>\n",
        # Without a glossary there is nothing to mark, so no legend either.
        HTML_LEGEND if provenance.glossary_digest else "",
        "</header>\n",
    ]
    for file, paragraphs in files:
        out.append(f"<section class=\"file\">\n<h2>{html.escape(file)}</h2>\n<table class=\"pairs\">\n")
        out.append("<colgroup><col class=\"n\"><col class=\"ar\"><col class=\"en\"></colgroup>\n")
        out.append(
            "<thead><tr><th class=\"n\">#</th><th lang=\"ar\" dir=\"rtl\">العربية</th>"
            "<th lang=\"en\" dir=\"ltr\">English</th></tr></thead>\n"
        )
        for number, members in paragraphs:
            out.append(f"<tbody class=\"paragraph\" data-paragraph=\"{number}\">\n")
            for position, pair in enumerate(members):
                row_class = " class=\"first\"" if position == 0 else ""
                label = f"¶{number + 1}" if position == 0 else ""
                out.append(
                    f"<tr{row_class} data-segment=\"{pair.segment}\">"
                    f"<td class=\"n\" title=\"segment {pair.segment}\">{label}</td>"
                    f"<td class=\"source\" lang=\"ar\" dir=\"rtl\">{_marked_source(pair)}</td>"
                    f"<td class=\"target\" lang=\"en\" dir=\"ltr\">{_marked_target(pair)}</td></tr>\n"
                )
            out.append("</tbody>\n")
        out.append("</table>\n</section>\n")
    out.append("</body>\n</html>\n")
    return "".join(out)


def _mark(text: str, term: TermMark) -> str:
    title = f"{term.surface} → {term.target} ({term.method})"
    return f"<mark class=\"term {html.escape(term.method)}\" title=\"{html.escape(title)}\">{html.escape(text)}</mark>"


def _with_marks(text: str, spans: list[tuple[int, int, TermMark]]) -> str:
    parts: list[str] = []
    cursor = 0
    for start, end, term in sorted(spans, key=lambda s: s[0]):
        if start < cursor or end > len(text):
            continue  # overlapping or stale span: leave the text unmarked rather than garble it
        parts.append(html.escape(text[cursor:start]))
        parts.append(_mark(text[start:end], term))
        cursor = end
    parts.append(html.escape(text[cursor:]))
    return "".join(parts)


def _marked_source(pair: AlignedPair) -> str:
    return _with_marks(pair.source, [(t.start, t.end, t) for t in pair.terms if pair.source[t.start : t.end] == t.surface])


def _marked_target(pair: AlignedPair) -> str:
    """Mark the canonical renderings of the enforced terms in the English.

    Unenforced terms have no verified rendering to point at: they are marked
    on the Arabic side only.
    """
    enforced = [t for t in pair.terms if t.method != UNENFORCED]
    phrases = tuple(dict.fromkeys(t.target for t in enforced))
    if not phrases:
        return html.escape(pair.target)
    waiting = {phrase: [t for t in enforced if t.target == phrase] for phrase in phrases}
    spans: list[tuple[int, int, TermMark]] = []
    for match in find_renderings(pair.target, phrases):
        queue = waiting[phrases[match.phrase_index]]
        if queue:
            spans.append((match.start, match.end, queue.pop(0)))
    return _with_marks(pair.target, spans)


# -- TMX --------------------------------------------------------------------


def to_tmx(pairs: Sequence[AlignedPair], provenance: Provenance) -> str:
    """TMX 1.4b: one ``<tu>`` per pair, Arabic source, file/paragraph/segment as props."""
    root = ET.Element("tmx", version="1.4")
    header = ET.SubElement(
        root,
        "header",
        {
            "creationtool": "tarjama",
            "creationtoolversion": provenance.tool_version,
            "segtype": "sentence",
            "o-tmf": "tarjama",
            "adminlang": "en",
            "srclang": "ar",
            "datatype": "plaintext",
        },
    )
    ET.SubElement(header, "prop", type="x-model").text = f"{provenance.model_package} {provenance.model_version}"
    if provenance.glossary_digest:
        ET.SubElement(header, "prop", type="x-glossary-sha256").text = provenance.glossary_digest
    body = ET.SubElement(root, "body")
    for pair in pairs:
        tu = ET.SubElement(body, "tu")
        for name, value in (("x-file", pair.file), ("x-paragraph", pair.paragraph), ("x-segment", pair.segment)):
            ET.SubElement(tu, "prop", type=name).text = _xml_text(str(value))
        for lang, text in (("ar", pair.source), ("en", pair.target)):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = _xml_text(text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _xml_text(text: str) -> str:
    return XML_ILLEGAL_RE.sub("", text)


# -- shared -----------------------------------------------------------------


def _provenance_line(provenance: Provenance) -> str:
    glossary = f"glossary sha256 {provenance.glossary_digest}" if provenance.glossary_digest else "no glossary"
    return (
        f"tarjama {provenance.tool_version} · model {provenance.model_package} {provenance.model_version} · {glossary}"
    )


def _grouped(pairs: Sequence[AlignedPair]) -> list[tuple[str, list[tuple[int, list[AlignedPair]]]]]:
    """Pairs by file (first-seen order), then by paragraph."""
    files: dict[str, dict[int, list[AlignedPair]]] = {}
    for pair in pairs:
        files.setdefault(pair.file, {}).setdefault(pair.paragraph, []).append(pair)
    return [(file, list(paragraphs.items())) for file, paragraphs in files.items()]
