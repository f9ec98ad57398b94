"""News typography inside names: transparent between a term's words; clause punctuation is not."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glossary.finder import LINE_BREAK_RE, find_terms
from glossary.normalize import normalize_arabic
from news_typography import COUNTER_CASES, NEWS_GLOSSARY, TRANSPARENT_MARKS, TYPOGRAPHY_CASES


def found(text: str) -> list[tuple[str, str]]:
    return [(o.surface, o.entry.target) for o in find_terms(text, NEWS_GLOSSARY)]


@pytest.mark.parametrize(("text", "expected"), TYPOGRAPHY_CASES)
def test_typography_inside_a_name_is_transparent(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), COUNTER_CASES)
def test_clause_punctuation_between_words_breaks_a_name(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), TYPOGRAPHY_CASES)
def test_offsets_slice_the_original(text: str, expected: list[tuple[str, str]]) -> None:
    for occurrence in find_terms(text, NEWS_GLOSSARY):
        assert text[occurrence.start : occurrence.end] == occurrence.surface
        assert occurrence.start <= occurrence.term_start < occurrence.end


# Multiword entries and a sentence to put them in (no other entry nearby).
MULTIWORD = [
    (index, entry.sources[0].split())
    for index, entry in enumerate(NEWS_GLOSSARY.entries)
    if len(entry.sources[0].split()) > 1 and "-" not in entry.sources[0]
]
mark_runs = st.text(alphabet=st.sampled_from(TRANSPARENT_MARKS), min_size=0, max_size=4)


@given(
    st.sampled_from(MULTIWORD),
    st.lists(st.tuples(mark_runs, mark_runs), min_size=3, max_size=3),
    st.sampled_from(["", "و", "ل", "وب"]),
)
def test_marks_between_words_keep_one_occurrence(
    term: tuple[int, list[str]], gaps: list[tuple[str, str]], clitic: str
) -> None:
    entry_index, words = term
    pieces = [clitic + words[0]]
    for word, (before, after) in zip(words[1:], gaps):
        pieces.append(before + " " + after + word)
    occurrence_text = "".join(pieces)
    text = f"وقالت مصادر إن {occurrence_text} في بيان رسمي."
    start = text.index(occurrence_text)
    last_word_end = start + len(occurrence_text)
    occurrences = find_terms(text, NEWS_GLOSSARY)
    assert [o.entry_index for o in occurrences] == [entry_index]
    [occurrence] = occurrences
    assert occurrence.start == start
    # The span ends on the last word's last letter: marks written after it
    # (tatweel, bidi) that normalization deletes may or may not be inside.
    assert normalize_arabic(text[occurrence.end : last_word_end]) == ""
    assert normalize_arabic(occurrence.surface).endswith(normalize_arabic(words[-1]))


line_break_runs = st.tuples(
    st.text(alphabet=st.sampled_from([" ", "\t", "\u200f", "\u0640", "\u00a0"]), max_size=3),
    st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85"]),
    st.text(alphabet=st.sampled_from([" ", "\t", "\u200f", "\u00a0", "\n"]), max_size=3),
).map("".join)


@given(st.sampled_from(MULTIWORD), line_break_runs, st.integers(min_value=0))
def test_a_line_break_between_words_ends_the_name(term: tuple[int, list[str]], run: str, where: int) -> None:
    entry_index, words = term
    cut = 1 + where % (len(words) - 1)
    text = " ".join(words[:cut]) + run + " ".join(words[cut:])
    found = find_terms(text, NEWS_GLOSSARY)
    # Only a shorter form may match, on one side of the break (حزب الدعوة).
    assert all(not LINE_BREAK_RE.search(o.surface) for o in found)
    assert all(o.form != NEWS_GLOSSARY.entries[entry_index].sources[0] for o in found)
