"""Sentence segmentation and reassembly: golden tables and invariants."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glossary.textio import decode_text
from translator.segment import Segment, clean_translation, count_words, reassemble, segment_text

SENTENCE_CASES = [
    # (text, expected segments)
    ("قال د. أحمد إن النسبة 3.5 بالمئة. وأضاف أن العدد 2,500 جندي.", ["قال د. أحمد إن النسبة 3.5 بالمئة.", "وأضاف أن العدد 2,500 جندي."]),
    ("ارتفع عدد الإصابات بكوفيد-19. وقال المسؤول: \"انتهى الأمر.\" ثم غادر.", ["ارتفع عدد الإصابات بكوفيد-19.", "وقال المسؤول: \"انتهى الأمر.\"", "ثم غادر."]),
    ("هل انتهى؟ نعم! حتى 11/4 على الأقل… ربما", ["هل انتهى؟", "نعم!", "حتى 11/4 على الأقل…", "ربما"]),
    ("ولد عام 1950 م. وتوفي عام 2000 م.", ["ولد عام 1950 م.", "وتوفي عام 2000 م."]),
    ("قال المهندس م. علي ذلك؛ ثم غادر", ["قال المهندس م. علي ذلك؛", "ثم غادر"]),
    ("قال (إنه سيغادر.) ثم غادر", ["قال (إنه سيغادر.)", "ثم غادر"]),
    ("أعلنت «النصر.» وانتهى", ["أعلنت «النصر.»", "وانتهى"]),
    ("Dr. Smith arrived. He left at 3.30 p.m. yesterday.", ["Dr. Smith arrived.", "He left at 3.30 p.m. yesterday."]),
    ("حتى 11 نيسان/أبريل.\nوسقط صاروخا كاتيوشا", ["حتى 11 نيسان/أبريل.", "وسقط صاروخا كاتيوشا"]),
    ("عنوان بلا نقطة\nسطر ثان", ["عنوان بلا نقطة", "سطر ثان"]),
    ("  ١٢٣  \n\nنص.", ["نص."]),  # no letters: passes through untranslated
]

MARKDOWN_CASES = [
    # (markdown, expected prose segments)
    ("---\ntitle: تقرير. هنا\n---\n# عنوان المقال\n", ["عنوان المقال"]),
    ("- بند أول. بند ثان\n1. رقم واحد\n", ["بند أول.", "بند ثان", "رقم واحد"]),
    ("```python\nprint(\"مرحبا. هنا\")\n```\nنص بعد الكود.\n", ["نص بعد الكود."]),
    ("انظر [الرابط](https://example.com/a.b) هنا.", ["انظر", "الرابط", "هنا."]),
    ("قبل `code. x` بعد", ["قبل", "بعد"]),
    ("نص <b>عريض</b> وموقع www.example.com/y آخر.", ["نص", "عريض", "وموقع", "آخر."]),
    ("فقرة.\n\n    كود مزاح. هنا\n", ["فقرة."]),
    ("| عمود | آخر |\n|---|---|\n| خلية. ثانية | ج |\n", ["عمود", "آخر", "خلية.", "ثانية", "ج"]),
    ("> اقتباس هنا.\n[ref]: https://example.com\n", ["اقتباس هنا."]),
]

CLEAN_CASES = [
    # (model output, starts a sentence, cleaned)
    ("the coalition،  left؛ why؟", True, "The coalition, left; why?"),
    ("  and then  left ", False, "and then left"),
    ("iPhone sales", True, "IPhone sales"),
    ("", True, ""),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCE_CASES)
def test_sentences(text: str, expected: list[str]) -> None:
    assert [segment.text for segment in segment_text(text).segments] == expected


@pytest.mark.parametrize(("text", "expected"), MARKDOWN_CASES)
def test_markdown_prose_only(text: str, expected: list[str]) -> None:
    document = segment_text(text, markdown=True)
    assert [segment.text for segment in document.segments] == expected


@pytest.mark.parametrize(("text", "expected"), MARKDOWN_CASES)
def test_markdown_markup_passes_through(text: str, expected: list[str]) -> None:
    document = segment_text(text, markdown=True)
    marked = reassemble(document, [f"<{i}>" for i in range(len(document.segments))])
    for i, segment in enumerate(document.segments):
        marked = marked.replace(f"<{i}>", segment.text, 1)
    assert marked == text


@pytest.mark.parametrize(("raw", "starts_sentence", "expected"), CLEAN_CASES)
def test_clean_translation(raw: str, starts_sentence: bool, expected: str) -> None:
    assert clean_translation(raw, starts_sentence) == expected


def test_offsets_slice_the_source(seed_article) -> None:
    text = seed_article.read_text(encoding="utf-8")
    document = segment_text(text)
    assert all(text[s.start : s.end] == s.text for s in document.segments)
    assert len(document.segments) == 32


def test_crlf_input_segments_like_lf() -> None:
    lf = "السطر الأول. والثاني.\n\nفقرة ثانية."
    decoded = decode_text(lf.replace("\n", "\r\n").encode("utf-8"), "x.txt")
    assert decoded.newline == "\r\n"
    assert segment_text(decoded.text) == segment_text(lf)


def test_reassembly_keeps_paragraphs_and_spacing() -> None:
    text = "الجملة الأولى.  الثانية.\n\n\nفقرة ثالثة.\n"
    document = segment_text(text)
    assert reassemble(document, ["one.", "two.", "three."]) == "One. Two.\n\n\nThree.\n"


def test_reassembly_after_an_empty_translation_has_no_double_space() -> None:
    document = segment_text("سين صاد. عين لام. نون واو.")
    assert reassemble(document, ["a b.", "", "e f."]) == "A b. E f."


def test_reassembly_rejects_a_wrong_count() -> None:
    with pytest.raises(ValueError, match="1 translations for 2 segments"):
        reassemble(segment_text("انتهى. بدأ."), ["a"])


def test_comma_split_continuations_are_not_capitalized() -> None:
    text = "قال المصدر إن القوات انسحبت، وإن القاعدة سلمت، وإن الجنود غادروا"
    document = segment_text(text, max_tokens=6)
    assert [s.text for s in document.segments] == ["قال المصدر إن القوات انسحبت،", "وإن القاعدة سلمت، وإن الجنود غادروا"]
    assert [s.starts_sentence for s in document.segments] == [True, False]


arabic_words = st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهوي", min_size=1, max_size=8)
arabic_text = st.lists(
    st.tuples(arabic_words, st.sampled_from([" ", "، ", ". ", "؟ ", "\n", "\n\n", " 3.5 ", "! "])),
    max_size=40,
).map(lambda pairs: "".join(word + sep for word, sep in pairs))


@given(arabic_text, st.integers(min_value=1, max_value=12))
def test_segments_never_exceed_the_limit_and_reassemble_exactly(text: str, max_tokens: int) -> None:
    document = segment_text(text, max_tokens=max_tokens)
    assert all(count_words(s.text) <= max_tokens for s in document.segments)
    pieces = [document.glue[0]]
    for segment, glue in zip(document.segments, document.glue[1:]):
        pieces += [text[segment.start : segment.end], glue]
    assert "".join(pieces) == text
    assert all(isinstance(s, Segment) and s.text.strip() == s.text for s in document.segments)


@given(arabic_text)
def test_paragraph_breaks_survive_reassembly(text: str) -> None:
    document = segment_text(text)
    translated = reassemble(document, ["x"] * len(document.segments))
    assert translated.count("\n") == text.count("\n")
