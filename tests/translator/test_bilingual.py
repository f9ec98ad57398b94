"""translator.bilingual: aligned pairs and their formats, on plain data."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glossary.finder import find_terms
from glossary.yamlio import parse_glossary
from translator.bilingual import (
    FORMATS,
    XML_LANG,
    AlignedPair,
    Provenance,
    TermMark,
    align_pairs,
    escape_markdown_cell,
    escape_tsv,
    render,
    to_html,
    to_jsonl,
    to_markdown,
    to_tmx,
    to_tsv,
)
from translator.enforce import NATIVE, PREFIX, UNENFORCED, OccurrenceOutcome, SegmentTranslation
from translator.segment import segment_text

GLOSSARY = parse_glossary(
    """\
version: 1
source_lang: ar
target_lang: en
terms:
  - source: الحشد الشعبي
    target: Popular Mobilization Forces
  - source: قاعدة القيارة
    target: Qayyarah base
""",
    "terms.yaml",
)
PROVENANCE = Provenance("9.9.9", "translate-ar_en-tiny", "0.1-tiny", "ab" * 32)

# (source text, paragraph of each segment): blank lines (even with spaces) separate paragraphs.
PARAGRAPH_CASES = [
    ("غادر مصدر عسكري.", [0]),
    ("غادر مصدر عسكري. قال مصدر عسكري.\nوصلت تعزيزات.", [0, 0, 0]),
    ("عنوان\n\nغادر مصدر عسكري.\nوصلت تعزيزات.\n\n\nقال مصدر.", [0, 1, 1, 2]),
    ("عنوان\n  \t\nقال مصدر.\n", [0, 1]),
]

TSV_CASES = [
    ("قال\tمصدر", "قال\\tمصدر"),
    ("سطر\nسطر", "سطر\\nسطر"),
    ("a\\tb", "a\\\\tb"),
    ("\r", "\\r"),
    ("لا شيء", "لا شيء"),
]

MARKDOWN_CELL_CASES = [
    ("a | b", "a \\| b"),
    ("x\\|y", "x\\\\\\|y"),
    ("سطر\nسطر", "سطر<br>سطر"),
    ("قاعدة القيارة", "قاعدة القيارة"),
]


def translation(source: str, text: str, methods: list[str]) -> SegmentTranslation:
    occurrences = find_terms(source, GLOSSARY)
    assert len(occurrences) == len(methods)
    return SegmentTranslation(source, text, tuple(OccurrenceOutcome(o, m) for o, m in zip(occurrences, methods)))


SOURCE = "قال الحشد الشعبي إن مصدر عسكري غادر قاعدة القيارة."
PAIR = align_pairs(
    "a.ar.txt",
    SOURCE,
    [0],
    [translation(SOURCE, "The Popular Mobilization Forces said a source left the base.", [PREFIX, UNENFORCED])],
)[0]
HOSTILE = AlignedPair("<b>x.txt", 0, 0, 'قال <script>alert("x")</script> & |', "a <img src=x> & \"q\" |\t", ())


@pytest.mark.parametrize(("text", "paragraphs"), PARAGRAPH_CASES)
def test_pairs_know_their_paragraph_and_segment(text: str, paragraphs: list[int]) -> None:
    document = segment_text(text)
    pairs = align_pairs(
        "a.ar.txt",
        text,
        [s.start for s in document.segments],
        [SegmentTranslation(s.text, f"t{i}") for i, s in enumerate(document.segments)],
    )
    assert [p.paragraph for p in pairs] == paragraphs
    assert [p.segment for p in pairs] == list(range(len(paragraphs)))
    assert [p.source for p in pairs] == [s.text for s in document.segments]


def test_pairs_carry_term_positions_and_methods() -> None:
    assert PAIR.terms == (
        TermMark("الحشد الشعبي", "Popular Mobilization Forces", PREFIX, 4, 16),
        TermMark("قاعدة القيارة", "Qayyarah base", UNENFORCED, 36, 49),
    )
    assert [PAIR.source[t.start : t.end] for t in PAIR.terms] == [t.surface for t in PAIR.terms]


@pytest.mark.parametrize(("raw", "escaped"), TSV_CASES)
def test_tsv_escapes(raw: str, escaped: str) -> None:
    assert escape_tsv(raw) == escaped


def unescape_tsv(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[m.group(1)], text)


@given(st.text())
def test_tsv_escape_round_trips_and_keeps_one_line(text: str) -> None:
    escaped = escape_tsv(text)
    assert "\t" not in escaped and "\n" not in escaped and "\r" not in escaped
    assert unescape_tsv(escaped) == text


def test_tsv_is_one_line_per_pair() -> None:
    assert to_tsv([PAIR, HOSTILE]) == (
        f"{SOURCE}\tThe Popular Mobilization Forces said a source left the base.\n"
        'قال <script>alert("x")</script> & |\ta <img src=x> & "q" |\\t\n'
    )


@pytest.mark.parametrize(("raw", "escaped"), MARKDOWN_CELL_CASES)
def test_markdown_cell_escapes(raw: str, escaped: str) -> None:
    assert escape_markdown_cell(raw) == escaped


def test_markdown_has_a_two_column_table_per_paragraph() -> None:
    second = AlignedPair("a.ar.txt", 1, 1, "وصلت تعزيزات.", "Reinforcements arrived.", ())
    assert to_markdown([PAIR, second], PROVENANCE) == (
        f"<!-- tarjama 9.9.9 · model translate-ar_en-tiny 0.1-tiny · glossary sha256 {'ab' * 32} -->\n"
        "\n## a.ar.txt\n"
        "\n### Paragraph 1\n\n| العربية | English |\n|---|---|\n"
        f"| {SOURCE} | The Popular Mobilization Forces said a source left the base. |\n"
        "\n### Paragraph 2\n\n| العربية | English |\n|---|---|\n"
        "| وصلت تعزيزات. | Reinforcements arrived. |\n"
    )


def test_jsonl_has_one_object_per_segment_with_term_status() -> None:
    lines = to_jsonl([PAIR, HOSTILE]).splitlines()
    assert [json.loads(line) for line in lines] == [
        {
            "file": "a.ar.txt",
            "paragraph": 0,
            "segment": 0,
            "source": SOURCE,
            "target": "The Popular Mobilization Forces said a source left the base.",
            "terms": [
                {"surface": "الحشد الشعبي", "target": "Popular Mobilization Forces", "method": PREFIX},
                {"surface": "قاعدة القيارة", "target": "Qayyarah base", "method": UNENFORCED},
            ],
        },
        {"file": "<b>x.txt", "paragraph": 0, "segment": 0, "source": HOSTILE.source, "target": HOSTILE.target, "terms": []},
    ]


class _Marks(HTMLParser):
    """Collects (lang of the enclosing cell, class, title, text) of every <mark>, and all tags."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.marks: list[tuple[str, str, str, str]] = []
        self.tags: list[str] = []
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = {k: v or "" for k, v in attrs}
        if tag == "td" and "lang" in values:
            self.lang = values["lang"]
        if tag == "mark" and "title" in values:
            self._open = values

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.marks.append((self.lang, self._open["class"], self._open["title"], data))
            self._open = None


def test_html_marks_terms_on_both_sides_and_unenforced_distinctly() -> None:
    parser = _Marks()
    parser.feed(to_html([PAIR], PROVENANCE))
    assert parser.marks == [
        ("ar", "term prefix", "الحشد الشعبي → Popular Mobilization Forces (prefix)", "الحشد الشعبي"),
        ("ar", "term unenforced", "قاعدة القيارة → Qayyarah base (unenforced)", "قاعدة القيارة"),
        ("en", "term prefix", "الحشد الشعبي → Popular Mobilization Forces (prefix)", "Popular Mobilization Forces"),
    ]


def test_html_escapes_everything_and_loads_nothing() -> None:
    page = to_html([HOSTILE], PROVENANCE)
    parser = _Marks()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; |" in page
    assert "<h2>&lt;b&gt;x.txt</h2>" in page
    assert not re.search(r"https?:|//|@import|url\(|<link|<script", page)


def test_html_cells_declare_direction_and_language() -> None:
    page = to_html([PAIR], PROVENANCE)
    assert '<td class="source" lang="ar" dir="rtl">' in page
    assert '<td class="target" lang="en" dir="ltr">' in page


def test_tmx_is_valid_with_header_and_one_unit_per_pair() -> None:
    control = AlignedPair("a.ar.txt", 0, 1, "قال\x00 مصدر\x1b.", "A source said.", ())
    root = ET.fromstring(to_tmx([PAIR, control], PROVENANCE))
    assert root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None and header.attrib == {
        "creationtool": "tarjama",
        "creationtoolversion": "9.9.9",
        "segtype": "sentence",
        "o-tmf": "tarjama",
        "adminlang": "en",
        "srclang": "ar",
        "datatype": "plaintext",
    }
    units = root.findall("body/tu")
    assert [[(tuv.get(XML_LANG), tuv.findtext("seg")) for tuv in unit.findall("tuv")] for unit in units] == [
        [("ar", SOURCE), ("en", "The Popular Mobilization Forces said a source left the base.")],
        [("ar", "قال مصدر."), ("en", "A source said.")],
    ]
    assert [{p.get("type"): p.text for p in unit.findall("prop")} for unit in units] == [
        {"x-file": "a.ar.txt", "x-paragraph": "0", "x-segment": "0"},
        {"x-file": "a.ar.txt", "x-paragraph": "0", "x-segment": "1"},
    ]


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_format_carries_every_source_sentence(output_format: str) -> None:
    second = AlignedPair("a.ar.txt", 1, 1, "وصلت تعزيزات.", "Reinforcements arrived.", ())
    rendered = render(output_format, [PAIR, second], PROVENANCE)
    assert "وصلت تعزيزات." in rendered and "Reinforcements arrived." in rendered
    assert "قال" in rendered


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown bilingual format 'xliff'"):
        render("xliff", [PAIR], PROVENANCE)


def test_a_rendering_missing_from_the_english_is_marked_on_the_arabic_side_only() -> None:
    native = align_pairs("a.ar.txt", SOURCE, [0], [translation(SOURCE, "x", [NATIVE, NATIVE])])[0]
    assert to_html([native], PROVENANCE).count("<mark") == 2 + 3  # 2 Arabic terms, 3 legend samples
