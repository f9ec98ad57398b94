"""Invariants of the XLIFF and subtitle writers, whatever the pipeline does with the tags."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import cat_files
from translator.formats import FORMAT, POINT, InlineTag, TranslatedUnit, read_document
from translator.formats.subtitles import _Cue, spread, wrap
from translator.formats.xliff import XliffDocument

NS12 = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
NS20 = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
# Nested wrappers, a pair, placeholders with original code, a clitic before a wrapped term.
SOURCE_12 = (
    'قال <g id="1">مصدر <g id="2">عسكري</g></g> إن <bpt id="3">&lt;b&gt;</bpt>الحشد الشعبي<ept id="3">&lt;/b&gt;</ept>'
    ' انتشر <x id="4"/>قرب <ph id="5">&lt;br/&gt;</ph>الموصل و<g id="6">للتحالف الدولي</g>.'
)
SOURCE_21 = (
    'قال <pc id="1">مصدر <pc id="2">عسكري</pc></pc> إن <sc id="3"/>الحشد الشعبي<ec startRef="3"/>'
    ' انتشر <ph id="4"/>قرب الموصل و<mrk id="5" type="term">للتحالف الدولي</mrk>.'
)
ENGLISH = "A military source said the Popular Mobilization Forces deployed near Mosul and the coalition."


def _ids(element: etree._Element) -> list[str]:
    return sorted(
        f"{etree.QName(child).localname}:{child.get('id') or child.get('startRef')}" for child in element.iter() if child is not element
    )


def _document(v2: bool) -> XliffDocument:
    text = cat_files.xliff_21([("u1", SOURCE_21, None)]) if v2 else cat_files.po2xliff([("1", SOURCE_12, None)], target_lang="en")
    document = read_document(text.encode("utf-8"), "job.xlf")
    assert isinstance(document, XliffDocument)
    return document


# Whatever spans the tags come back with (overlapping, out of order, missing, duplicated, past the end),
# the target is well-formed, has each source code once, and keeps pairs in order.
tag_spans = st.lists(
    st.tuples(st.integers(0, 7), st.integers(-5, len(ENGLISH) + 5), st.integers(-5, len(ENGLISH) + 5)), max_size=14
)


@settings(max_examples=150, deadline=None)
@given(spans=tag_spans, v2=st.booleans())
def test_any_placement_gives_each_code_once_well_nested(spans: list[tuple[int, int, int]], v2: bool) -> None:
    document = _document(v2)
    (unit,) = document.units
    kinds = {tag.ref: tag.kind for tag in unit.tags}
    tags = tuple(
        InlineTag(min(a, b), max(a, b) if kinds.get(ref) == FORMAT else min(a, b), kinds.get(ref, POINT), ref)
        for ref, a, b in spans
        if ref in kinds
    )
    written = document.write([TranslatedUnit(ENGLISH, tags)])
    tree = etree.fromstring(written)  # well-formed: wrappers nest
    ns = NS20 if v2 else NS12
    path = ".//x:segment" if v2 else ".//x:trans-unit"
    holder = tree.find(path, ns)
    source, target = holder.find("x:source", ns), holder.find("x:target", ns)
    assert _ids(target) == _ids(source)
    order = [etree.QName(child).localname for child in target.iter() if child is not target]
    opener, closer = ("sc", "ec") if v2 else ("bpt", "ept")
    assert order.index(opener) < order.index(closer)
    text = "".join(target.itertext()) if v2 else "".join(
        piece for piece in target.xpath(".//text()[not(ancestor::x:bpt or ancestor::x:ept or ancestor::x:ph)]", namespaces=ns)
    )
    assert " ".join(text.split()) == " ".join(ENGLISH.split())  # the English, all of it, once


@settings(max_examples=200, deadline=None)
@given(
    source_words=st.lists(st.integers(0, 12), min_size=1, max_size=6),
    english_words=st.lists(st.sampled_from(["the", "coalition", "said", "Mosul", "forces", "left", "on", "Thursday"]), max_size=40),
)
def test_spread_keeps_every_english_word_once_in_order(source_words: list[int], english_words: list[str]) -> None:
    run = [_Cue(n + 1, 0, (0, 0), 0.0, 1.0, words=count) for n, count in enumerate(source_words)]
    english = " ".join(english_words)
    pieces = spread(run, TranslatedUnit(english))
    assert len(pieces) == len(run)
    assert " ".join(text for text, _ in pieces if text).split() == english.split()
    if len(english_words) >= len(run):
        assert all(text for text, _ in pieces)


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=12), min_size=1, max_size=30))
def test_wrap_keeps_the_words_and_the_limit_when_words_fit(words: list[str]) -> None:
    text = " ".join(words)
    lines = wrap(text)
    assert " ".join(lines).split() == text.split()
    assert all(len(line) <= 42 for line in lines)
    two_lines_fit = len(text) <= 42 or any(
        char == " " and index <= 42 and len(text) - index - 1 <= 42 for index, char in enumerate(text)
    )
    if two_lines_fit:
        assert len(lines) <= 2
