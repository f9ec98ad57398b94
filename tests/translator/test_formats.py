"""The document interface: suffix table, text/Markdown units, tag placement through the pipeline."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from fake_engines import FakeEngine
from project_paths import SEEDS

from glossary.yamlio import load_glossary
from translator.formats import FORMAT, LINK, POINT, InlineTag, Location, Unit, format_name, read_document
from translator.formats.tags import pieces, place_tags
from translator.pipeline import SourceDocument, translate_documents

GLOSSARY = load_glossary(SEEDS / "glossary.yaml")

SUFFIXES = [
    ("article.ar.txt", "text"),
    ("notes", "text"),
    ("-", "text"),
    ("README.ar.md", "markdown"),
    ("a.MARKDOWN", "markdown"),
    ("page.ar.html", "html"),
    ("page.HTM", "html"),
    ("report.ar.docx", "docx"),
    ("report.ar.docm", "text"),
]


@pytest.mark.parametrize(("path", "expected"), SUFFIXES)
def test_format_by_suffix(path: str, expected: str) -> None:
    assert format_name(path) == expected


def test_text_is_one_unit_and_keeps_crlf() -> None:
    document = read_document("سطر أول.\r\nسطر ثان.\r\n".encode("utf-8"), "a.ar.txt")
    [unit] = document.units
    assert unit.text == "سطر أول.\nسطر ثان.\n"
    assert not unit.markdown
    from translator.formats import TranslatedUnit

    assert document.write([TranslatedUnit("First line.\nSecond line.\n")]) == b"First line.\r\nSecond line.\r\n"


def test_markdown_is_one_markdown_unit() -> None:
    [unit] = read_document("# عنوان\n".encode("utf-8"), "a.ar.md").units
    assert unit.markdown


# (case, source, tag span in source, kind, translation, alignment, expected English under the tag)
# Alignment rows: (target start, target end, source start, source end).
PLACEMENTS = [
    (
        "aligned word",
        "هاجم المسلحون القاعدة",
        (5, 14),
        FORMAT,
        "The gunmen attacked the base",
        [(4, 10, 5, 14), (11, 19, 0, 4), (20, 23, 15, 21), (24, 28, 15, 21)],
        "gunmen",
    ),
    (
        "aligned phrase with a function word inside",
        "وصل وزير الخارجية اليوم",
        (4, 17),
        FORMAT,
        "The minister of foreign affairs arrived today",
        [(4, 12, 4, 8), (13, 15, 0, 3), (16, 23, 9, 17), (24, 31, 9, 17), (32, 39, 0, 3), (40, 45, 18, 23)],
        "minister of foreign affairs",
    ),
    (
        "whole sentence",
        "وصل الوزير.",
        (0, 11),
        FORMAT,
        "The minister arrived.",
        [],
        "The minister arrived.",
    ),
]


@pytest.mark.parametrize(
    ("source", "span", "kind", "translation", "alignment", "expected"),
    [case[1:] for case in PLACEMENTS],
    ids=[case[0] for case in PLACEMENTS],
)
def test_place_tags(
    source: str, span: tuple[int, int], kind: str, translation: str, alignment: list[tuple[int, int, int, int]], expected: str
) -> None:
    placement = place_tags(source, [InlineTag(span[0], span[1], kind, 0)], translation, alignment)
    [tag] = placement.tags
    assert translation[tag.start : tag.end] == expected
    assert placement.moved == 0


# Tags that cannot be placed with confidence: (case, kind, expected span text, moved)
UNSURE = [
    ("formatting widens to the sentence", FORMAT, "The gunmen attacked the base"),
    ("a link attaches to the nearest aligned word", LINK, "attacked"),
]


@pytest.mark.parametrize(("kind", "expected"), [case[1:] for case in UNSURE], ids=[case[0] for case in UNSURE])
def test_unsure_tags_move_never_drop(kind: str, expected: str) -> None:
    source = "هاجم المسلحون القاعدة"
    translation = "The gunmen attacked the base"
    # Attention scattered: the tagged word (the gunmen, 5–14) is aligned to nothing.
    alignment = [(11, 19, 0, 4), (20, 23, 15, 21)]
    placement = place_tags(source, [InlineTag(5, 14, kind, 0)], translation, alignment)
    [tag] = placement.tags
    assert translation[tag.start : tag.end] == expected
    assert placement.moved == 1


def test_footnote_point_goes_after_the_aligned_word() -> None:
    source = "قال الوزير إن الهجوم فشل"
    translation = "The minister said the attack failed"
    alignment = [(4, 12, 4, 10), (13, 17, 0, 3), (18, 21, 14, 20), (22, 28, 14, 20), (29, 35, 21, 24)]
    placement = place_tags(source, [InlineTag(10, 10, POINT, 0)], translation, alignment)
    assert [(t.start, t.end) for t in placement.tags] == [(12, 12)]


def test_pieces_nest_outer_first() -> None:
    outer = InlineTag(0, 10, FORMAT, 1, depth=0)
    inner = InlineTag(4, 6, LINK, 2, depth=1)
    assert pieces(10, [inner, outer]) == [(0, 4, (outer,)), (4, 6, (outer, inner)), (6, 10, (outer,))]


def _document(units: list[Unit]) -> SourceDocument:
    return SourceDocument.from_units("page.ar.html", units)


def test_bold_term_becomes_bold_canonical_rendering() -> None:
    source = "هاجم كتائب حزب الله قرب الموصل"
    start = source.index("كتائب")
    tag = InlineTag(start, start + len("كتائب حزب الله"), FORMAT, 7)
    [translated] = translate_documents([_document([Unit(source, (tag,), Location(3, 5))])], FakeEngine(GLOSSARY, term_style="transliterate"), glossary=GLOSSARY)
    [unit] = translated.units
    [placed] = unit.tags
    assert unit.text[placed.start : placed.end] == "Kataib Hezbollah"
    assert placed.ref == 7
    assert unit.moved == 0


def test_tag_on_filler_word_follows_attention() -> None:
    source = "قال مصدر عسكري إن الحشد الشعبي هاجم"
    start = source.index("عسكري")
    tag = InlineTag(start, start + len("عسكري"), LINK, 0)
    [translated] = translate_documents([_document([Unit(source, (tag,), Location(1, 1))])], FakeEngine(GLOSSARY))
    [unit] = translated.units
    [placed] = unit.tags
    assert unit.text[placed.start : placed.end] == "military"


def test_tag_across_two_sentences_comes_back_once_per_sentence() -> None:
    source = "قال مصدر عسكري. هاجم الحشد الشعبي."
    tag = InlineTag(source.index("عسكري"), source.index("هاجم") + len("هاجم"), FORMAT, 0)
    [translated] = translate_documents([_document([Unit(source, (tag,), Location(1, 1))])], FakeEngine(GLOSSARY))
    [unit] = translated.units
    assert [unit.text[t.start : t.end] for t in unit.tags] == ["military", "Attacked"]


def test_location_of_a_labelled_unit() -> None:
    units = [Unit("جملة أولى", location=Location(label="body:p1")), Unit("قال مصدر عسكري", location=Location(label="body:p2"))]
    document = _document(units)
    offset = document.text.index("مصدر")
    assert document.where(offset) == ("page.ar.html:body:p2 “قال مصدر عسكري”", None, None)


def test_location_of_a_line_unit() -> None:
    document = _document([Unit("أ", location=Location(1, 1)), Unit("قال مصدر", location=Location(12, 7))])
    assert document.where(document.text.index("مصدر")) == ("page.ar.html", 12, 11)


def test_cached_tagged_sentence_keeps_its_alignment(tmp_path: Path) -> None:
    from translator.cache import TranslationCache

    source = "قال مصدر عسكري إن الحشد الشعبي هاجم"
    start = source.index("عسكري")
    unit = Unit(source, (InlineTag(start, start + len("عسكري"), LINK, 0),), Location(1, 1))
    engine = FakeEngine(GLOSSARY)
    first = translate_documents([_document([unit])], engine, cache=TranslationCache(tmp_path))
    calls = len(engine.requests)
    again = translate_documents([_document([unit])], engine, cache=TranslationCache(tmp_path))
    assert len(engine.requests) == calls  # nothing decoded: text and alignment came from the cache
    assert again[0].units == first[0].units


def test_sentence_cached_as_plain_text_is_aligned_by_a_forced_decode(tmp_path: Path) -> None:
    from translator.cache import TranslationCache

    source = "قال مصدر عسكري إن الحشد الشعبي هاجم"
    engine = FakeEngine(GLOSSARY)
    translate_documents([SourceDocument("a.txt", source)], engine, cache=TranslationCache(tmp_path))
    start = source.index("عسكري")
    unit = Unit(source, (InlineTag(start, start + len("عسكري"), LINK, 0),), Location(1, 1))
    engine.requests.clear()
    [translated] = translate_documents([_document([unit])], engine, cache=TranslationCache(tmp_path))
    [request] = engine.requests
    assert request.return_attention and request.target_prefix
    [placed] = translated.units[0].tags
    assert translated.units[0].text[placed.start : placed.end] == "military"

PROPERTY_SOURCE = "قال مصدر عسكري إن كتائب حزب الله هاجمت قاعدة القيارة"
PROPERTY_ENGLISH = "A military source said Kataib Hezbollah attacked Qayyarah base"


@st.composite
def tags_and_alignment(draw: st.DrawFn) -> tuple[list[InlineTag], list[tuple[int, int, int, int]]]:
    n = len(PROPERTY_SOURCE)
    tags = []
    for ref in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, n))
        end = start if draw(st.booleans()) and ref % 3 == 0 else draw(st.integers(start, n))
        kind = POINT if start == end else draw(st.sampled_from([FORMAT, LINK]))
        tags.append(InlineTag(start, end, kind, ref, draw(st.integers(0, 2))))
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", PROPERTY_ENGLISH)]
    sources = [(m.start(), m.end()) for m in re.finditer(r"\S+", PROPERTY_SOURCE)]
    alignment = [(*word, *draw(st.sampled_from(sources))) for word in words if draw(st.booleans())]
    return tags, alignment


@settings(max_examples=200, deadline=None)
@given(tags_and_alignment())
def test_every_tag_comes_back_inside_the_english(case: tuple[list[InlineTag], list[tuple[int, int, int, int]]]) -> None:
    tags, alignment = case
    placement = place_tags(PROPERTY_SOURCE, tags, PROPERTY_ENGLISH, alignment)
    assert [t.ref for t in placement.tags] == [t.ref for t in tags]  # never dropped, never duplicated
    assert [t.kind for t in placement.tags] == [t.kind for t in tags]
    for tag in placement.tags:
        assert 0 <= tag.start <= tag.end <= len(PROPERTY_ENGLISH)
    assert 0 <= placement.moved <= len(tags)
    cut = pieces(len(PROPERTY_ENGLISH), placement.tags)
    assert cut[0][0] == 0 and cut[-1][1] == len(PROPERTY_ENGLISH)
    assert all(a[1] == b[0] for a, b in zip(cut, cut[1:]))
