"""NormalizedText.from_original: the map from original offsets into normalized text."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.normalize import normalize_arabic, normalize_with_map

# Letters that fold, marks and controls that are deleted, spaces that collapse,
# and a lam-alef ligature that expands to two letters.
_PIECES = ["ا", "ل", "ة", "ى", "أ", "ب", " ", "  ", "\u064e", "\u0640", "\u200f", "\ufefb", "\u00a0", "\n", "x", "."]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(_PIECES), max_size=14).map("".join), data=st.data())
def test_slice_between_mapped_offsets_is_the_normalized_slice(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    normalized = normalize_with_map(text)
    piece = normalized.text[normalized.from_original(start) : normalized.from_original(end)]
    assert piece.split() == normalize_arabic(text[start:end]).split()


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_from_original_is_monotone_and_inverts_to_original(text: str) -> None:
    normalized = normalize_with_map(text)
    mapped = [normalized.from_original(offset) for offset in range(len(text) + 1)]
    assert mapped == sorted(mapped)
    assert mapped[-1] == len(normalized.text)
    for index in range(len(normalized.text)):
        assert normalized.from_original(normalized.to_original(index)) <= index


FIXED_CASES = [
    ("الحشد الشعبي", 6, 6),  # nothing changes: offsets are equal
    ("\u064eالحشد", 0, 0),  # a leading mark is deleted: offsets 0 and 1 both map to 0
    ("\u064eالحشد", 1, 0),
    ("\ufefbب", 1, 2),  # the ligature became two letters
    ("ب  \u064eت", 3, 2),  # a space run collapsed to one space, the mark deleted
]


@pytest.mark.parametrize(("text", "offset", "expected"), FIXED_CASES)
def test_fixed_offsets(text: str, offset: int, expected: int) -> None:
    assert normalize_with_map(text).from_original(offset) == expected
