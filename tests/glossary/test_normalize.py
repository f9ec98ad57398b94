"""Arabic normalization: golden tables per orthographic rule, and offset-map invariants."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glossary.normalize import normalize_arabic, normalize_with_map

# (raw, normalized): one rule per group, real words from news text.
NORMALIZATION_CASES = [
    # Diacritics (harakat, tanween, shadda, sukun, superscript alef) are dropped.
    ("التَّحَالُفُ الدَّوْلِيُّ", "التحالف الدولي"),
    ("قاعدةٌ", "قاعده"),
    ("هٰذا", "هذا"),
    ("سرّع", "سرع"),
    # Tatweel stretches a word and carries no letter.
    ("الحشـــد الشعبـي", "الحشد الشعبي"),
    ("لـ\"الحشد\"", "ل\"الحشد\""),
    # Hamza carriers and wasla on alef all become bare alef.
    ("إيران", "ايران"),
    ("أستراليا", "استراليا"),
    ("آذار", "اذار"),
    ("ٱلدولة", "الدوله"),
    # Alef maqsura and ya with hamza become ya.
    ("على", "علي"),
    ("رئيس", "رييس"),
    # Ta marbuta becomes ha.
    ("الإسلامية", "الاسلاميه"),
    # Waw with hamza becomes waw.
    ("مؤقتا", "موقتا"),
    # Persian kaf and ya (Persian keyboards) become Arabic ones.
    ("\u06a9\u06cc\u063a\u0646\u0632", "كيغنز"),
    # Bidi marks, joiners and a stray BOM are invisible and removed.
    ("و\u200fالتحالف", "والتحالف"),
    ("و\u200eال\u200dحشد", "والحشد"),
    ("ال\u200cموصل", "الموصل"),
    ("\u202bبغداد\u202c", "بغداد"),
    ("\ufeffداعش", "داعش"),
    ("و\u061cإيران", "وايران"),
    # Arabic-Indic and Persian digits become ASCII digits.
    ("٣٦٣ مصابا", "363 مصابا"),
    ("كوفيد-١٩", "كوفيد-19"),
    ("۲۰۱۷", "2017"),
    # Every whitespace run becomes one space.
    ("التحالف\u00a0الدولي", "التحالف الدولي"),
    ("قاعدة\r\nالقيارة", "قاعده القياره"),
    ("قاعدة \n\t القيارة", "قاعده القياره"),
    ("بغداد\u2003\u202fطهران", "بغداد طهران"),
    ("بغداد \u200f طهران", "بغداد طهران"),
    # Presentation forms from PDFs go back to base letters; lam-alef ligatures expand.
    ("\ufefb\u062c\u0626", "لاجي"),
    ("\ufe8d\ufedf\ufee4\ufeee\ufebb\ufede", "الموصل"),
    # Latin text and punctuation pass through unchanged.
    ("COVID-19, «Daesh»!", "COVID-19, «Daesh»!"),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "normalized"), NORMALIZATION_CASES)
def test_normalize_arabic_golden(raw: str, normalized: str) -> None:
    assert normalize_arabic(raw) == normalized


@pytest.mark.parametrize(("raw", "normalized"), NORMALIZATION_CASES)
def test_normalize_is_idempotent_on_golden_cases(raw: str, normalized: str) -> None:
    assert normalize_arabic(normalized) == normalized


# (original, normalized span, original span): spans map back over clitic-side
# invisibles and reach over marks written on the last letter.
SPAN_CASES = [
    ("التحالفُ الدولي", (0, 7), (0, 8)),
    ("والحشدـــ الشعبي", (0, 6), (0, 9)),
    ("و\u200fالتحالف", (1, 8), (2, 9)),
    ("قاعدة\r\nالقيارة", (6, 13), (7, 14)),
    ("\ufefbجئ", (0, 1), (0, 1)),
    ("\ufefbجئ", (1, 3), (0, 2)),
    ("بغداد", (2, 2), (2, 2)),
]


@pytest.mark.parametrize(("original", "span", "expected"), SPAN_CASES)
def test_span_to_original(original: str, span: tuple[int, int], expected: tuple[int, int]) -> None:
    assert normalize_with_map(original).span_to_original(*span) == expected


# Text that stresses the map: letters, every deleted kind, spaces, ligatures, digits.
_INTERESTING = list(
    "التحالفدوليقاعدةإأآٱىئؤةکی٠١٩۰ abc-_#«»\"'\r\n\t\u00a0\u2003"
    "\u064b\u064e\u0650\u0651\u0652\u0670\u0640"
    "\u200b\u200c\u200d\u200e\u200f\u061c\u202b\u202c\u2067\u2069\ufeff"
    "\ufefb\ufef5\ufe8d\ufedf"
)
arabic_like_text = st.text(alphabet=st.one_of(st.sampled_from(_INTERESTING), st.characters()), max_size=60)


@given(arabic_like_text)
def test_normalize_twice_is_normalize_once(text: str) -> None:
    once = normalize_arabic(text)
    assert normalize_arabic(once) == once


@given(arabic_like_text)
def test_normalize_with_map_text_equals_normalize_arabic(text: str) -> None:
    assert normalize_with_map(text).text == normalize_arabic(text)


@given(arabic_like_text)
def test_each_normalized_char_comes_from_its_original_char(text: str) -> None:
    normalized = normalize_with_map(text)
    for index, char in enumerate(normalized.text):
        origin = normalized.to_original(index)
        assert 0 <= origin < len(text)
        assert char in normalize_arabic(text[origin])


@given(arabic_like_text)
def test_to_original_is_monotonic(text: str) -> None:
    normalized = normalize_with_map(text)
    origins = [normalized.to_original(i) for i in range(len(normalized.text) + 1)]
    assert origins == sorted(origins)
    assert origins[-1] == len(text)


@given(arabic_like_text, st.data())
def test_span_to_original_slices_the_original(text: str, data: st.DataObject) -> None:
    normalized = normalize_with_map(text)
    size = len(normalized.text)
    start = data.draw(st.integers(0, size))
    end = data.draw(st.integers(start, size))
    ostart, oend = normalized.span_to_original(start, end)
    assert 0 <= ostart <= oend <= len(text)
    # The original slice normalizes to (at least) the normalized slice: nothing is cut off.
    assert normalized.text[start:end].strip() in normalize_arabic(text[ostart:oend])


# Letters, their variants, every deleted mark and control, spaces and ligatures:
# the characters where normalize_arabic's shortcut could differ from the map.
NORMALIZATION_ALPHABET = (
    "ابتحلمنهويىةأإآٱؤئکی" + "\u064b\u064e\u0651\u0652\u0670\u0640" + "\u200c\u200d\u200e\u200f\u061c\u202b\u2067\ufeff"
    + " \t\n\r\xa0\u2009\u3000" + "\ufefb\ufef5\ufe8d" + "٠٩۰۹az-._#«»"
)


@given(st.text(alphabet=NORMALIZATION_ALPHABET))
def test_normalize_arabic_is_the_text_of_the_mapped_normalization(text: str) -> None:
    assert normalize_arabic(text) == normalize_with_map(text).text
