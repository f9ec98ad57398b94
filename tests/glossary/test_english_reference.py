"""``find_renderings`` dispatches on the first word: it must agree exactly with
the single-alternation implementation it replaced (kept below as the reference).

Below ``DISPATCH_MIN_PHRASES`` phrases ``find_renderings`` still uses the one
alternation, so most tests run the dispatch directly on any number of phrases.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.english import (
    APOSTROPHES,
    DISPATCH_MIN_PHRASES,
    HYPHENS,
    RenderingMatch,
    _PhraseMatcher,
    find_renderings,
    pattern_source,
)

# --- the reference: glossary/english.py before first-word dispatch, verbatim --

_LEADING_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)


def reference_pattern_source(text: str) -> str:
    parts: list[str] = []
    for char in text:
        if char in APOSTROPHES:
            parts.append(f"[{re.escape(APOSTROPHES)}]")
        elif char in HYPHENS:
            parts.append(f"(?:\\s*[{re.escape(HYPHENS)}]\\s*|\\s+)")
        elif char.isspace():
            if parts and parts[-1] == r"\s+":
                continue
            parts.append(r"\s+")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def _reference_phrase_pattern(phrase: str) -> str:
    return reference_pattern_source(_LEADING_THE_RE.sub("", phrase.strip()))


@lru_cache(maxsize=4096)
def _reference_compile(phrases: tuple[str, ...], case_exact: bool) -> re.Pattern[str]:
    order = sorted(range(len(phrases)), key=lambda i: -len(phrases[i]))
    alternatives = [f"(?P<p{i}>{_reference_phrase_pattern(phrases[i])})" for i in order if phrases[i].strip()]
    if not alternatives:
        return re.compile(r"(?!x)x")
    body = "|".join(alternatives)
    flags = 0 if case_exact else re.IGNORECASE
    return re.compile(rf"(?<![\w{re.escape(HYPHENS)}])(?:{body})(?![\w])", flags)


def reference_find_renderings(text: str, phrases: Sequence[str], case_exact: bool = False) -> list[RenderingMatch]:
    pattern = _reference_compile(tuple(phrases), case_exact)
    matches: list[RenderingMatch] = []
    for match in pattern.finditer(text):
        group = match.lastgroup
        assert group is not None
        matches.append(RenderingMatch(match.start(), match.end(), int(group[1:])))
    return matches


def dispatched(text: str, phrases: Sequence[str], case_exact: bool = False) -> list[RenderingMatch]:
    """``find_renderings`` forced to dispatch on the first word, whatever the number of phrases."""
    return _PhraseMatcher(tuple(phrases), case_exact, dispatch_from=0).find(text)


# --- golden cases: (text, phrases, case_exact, [(surface, phrase_index)]) ----

KELVIN, LONG_S, DOTTED_I, DOTLESS_I, YPOGEGRAMMENI = "\u212a", "\u017f", "\u0130", "\u0131", "\u0345"

GOLDEN = [
    ("Kataib Hezbollah and Hezbollah Brigades praised Hezbollah.",
     ["Hezbollah", "Kataib Hezbollah", "Hezbollah Brigades"], False,
     [("Kataib Hezbollah", 1), ("Hezbollah Brigades", 2), ("Hezbollah", 0)]),
    ("pro-Hezbollah media and Hezbollahs", ["Hezbollah"], False, []),
    ("Hezbollah’s fighters", ["Hezbollah"], False, [("Hezbollah", 0)]),
    ("Hezbollah's, Hezbollah’s and Hezbollahʼs", ["Hezbollah's"], False,
     [("Hezbollah's", 0), ("Hezbollah’s", 0), ("Hezbollahʼs", 0)]),
    ("the U.S. and US forces", ["US", "U.S."], False, [("U.S.", 1), ("US", 0)]),
    ("join us", ["US"], False, [("us", 0)]),
    ("join us, US", ["US"], True, [("US", 0)]),
    ("Al-Qaim, al Qaim, al–Qaim, al - Qaim, al—Qaim", ["al-Qaim"], False,
     [("Al-Qaim", 0), ("al Qaim", 0), ("al–Qaim", 0), ("al - Qaim", 0), ("al—Qaim", 0)]),
    ("Al-Qaim and al-Qaim", ["al-Qaim"], True, [("al-Qaim", 0)]),
    ("in the Green Zone", ["the Green Zone"], False, [("Green Zone", 0)]),
    ("the Iraqi army", ["Iraqi army", "the Iraqi army"], False, [("Iraqi army", 1)]),
    ("the group (ISIS) said", ["(ISIS)", "ISIS"], False, [("(ISIS)", 0)]),
    ("COVID-19, COVID 19 and -19", ["COVID-19", "19"], False, [("COVID-19", 0), ("COVID 19", 0)]),
    ("The 2020 agreement", ["2020 agreement"], False, [("2020 agreement", 0)]),
    ("Iraq and Iraqi", ["", "  ", "Iraq"], False, [("Iraq", 2)]),
    ("Iraq", ["Iraq", "IRAQ", "Iraq"], False, [("Iraq", 0)]),
    ("سلم Qayyarah base للقوات", ["Qayyarah base"], False, [("Qayyarah base", 0)]),
    ("Qayyārah base", ["Qayyarah"], False, []),
    ("Qayyārah base", ["Qayyārah"], False, [("Qayyārah", 0)]),
    (f"the {LONG_S}tate", ["state"], False, [(f"{LONG_S}tate", 0)]),
    (f"the {LONG_S}tate", ["state"], True, []),
    (f"{KELVIN}ataib Hezbollah", ["Kataib Hezbollah"], False, [(f"{KELVIN}ataib Hezbollah", 0)]),
    (f"{DOTTED_I}raq and {DOTLESS_I}raq", ["iraq"], False, [(f"{DOTTED_I}raq", 0), (f"{DOTLESS_I}raq", 0)]),
    ("state", [f"{LONG_S}tate"], False, [("state", 0)]),
    ("abι", [f"ab{YPOGEGRAMMENI}"], False, [("abι", 0)]),
    ("US-led coalition", ["US", "coalition"], False, [("US", 0), ("coalition", 1)]),
    ("'s and ’s", ["'s"], False, [("'s", 0), ("’s", 0)]),
    ("the the army", ["the army"], False, [("army", 0)]),
    ("Islamic State group", ["Islamic State", "Islamic State group"], False, [("Islamic State group", 1)]),
    # A phrase starting with punctuation, inside a longer match and after it.
    ("Islamic State (ISIS) said (ISIS)", ["(ISIS)", "Islamic State (ISIS)"], False,
     [("Islamic State (ISIS)", 1), ("(ISIS)", 0)]),
    ("Islamic State (ISIS)", ["(ISIS)", "Islamic State (ISIS)"], False, [("Islamic State (ISIS)", 1)]),
    ("(ISIS) and Islamic State", ["(ISIS)", "Islamic State"], False, [("(ISIS)", 0), ("Islamic State", 1)]),
]


@pytest.mark.parametrize(("text", "phrases", "case_exact", "expected"), GOLDEN)
def test_golden_renderings(text: str, phrases: list[str], case_exact: bool, expected: list[tuple[str, int]]) -> None:
    found = dispatched(text, phrases, case_exact)
    assert [(text[m.start : m.end], m.phrase_index) for m in found] == expected


@pytest.mark.parametrize(("text", "phrases", "case_exact", "expected"), GOLDEN)
def test_golden_renderings_agree_with_reference(
    text: str, phrases: list[str], case_exact: bool, expected: list[tuple[str, int]]
) -> None:
    assert dispatched(text, phrases, case_exact) == reference_find_renderings(text, phrases, case_exact)


@pytest.mark.parametrize(("text", "phrases", "case_exact", "expected"), GOLDEN)
def test_golden_renderings_with_many_phrases(
    text: str, phrases: list[str], case_exact: bool, expected: list[tuple[str, int]]
) -> None:
    # Enough phrases that the public function dispatches; the extra ones never match.
    padding = [f"zz{n} padding" for n in range(DISPATCH_MIN_PHRASES)]
    found = find_renderings(text, phrases + padding, case_exact)
    assert [(text[m.start : m.end], m.phrase_index) for m in found] == expected


# --- generated English texts and phrase lists --------------------------------

WORDS = [
    "Hezbollah", "Kataib", "Brigades", "the", "The", "THE", "US", "U.S.", "us", "U", "S", "al", "Al", "Qaim",
    "COVID", "19", "2020", "Islamic", "State", "state", "group", "coalition", "forces", "international",
    "Iraq", "Iraqi", "IRAQI", "Mosul", "Popular", "Mobilization", "Units", "s", "a", "an", "(ISIS)", "ISIS",
    "Qayyarah", "Qayyārah", "قاعدة", "القوات", "ſtate", "\u212aataib", "İraq", "ıraq", "ab\u0345", "abι", "_x", "1st",
    "Straße", "STRASSE", "ﬁre", "fire",
]
GLUE = [" ", " ", " ", "", "  ", "\n", "-", " - ", "–", "—", "’", "'", "ʼ", "`", ", ", ".", "\t", "(", ")", "/", "\u00a0"]

glue = st.sampled_from(GLUE)
word = st.sampled_from(WORDS)


@st.composite
def english_texts(draw: st.DrawFn, max_words: int = 14) -> str:
    words = draw(st.lists(word, max_size=max_words))
    pieces = [draw(glue)]
    for w in words:
        pieces += [w, draw(glue)]
    return "".join(pieces)


phrases_from_words = st.builds(
    lambda lead, body, trail: lead + body + trail,
    st.sampled_from(["", "", "the ", "The ", " ", "the  ", "-", "'", "("]),
    english_texts(max_words=3).map(str.strip),
    st.sampled_from(["", "", " ", "'s", "’s", ")", "-", "."]),
)
# Characters where matching is subtle: case folds re makes (ſ~s, K~k, İ/ı~i,
# ypogegrammeni~iota), ones it does not (ß, ﬁ), dashes, apostrophes, spaces.
TRICKY = "aAsSkKiIſKİıͅιΙßﬁ19_-–—'’ʼ` .,()\n\u00a0"
tricky_text = st.text(alphabet=TRICKY, max_size=14)
phrase_lists = st.lists(st.one_of(phrases_from_words, word, tricky_text), max_size=8)


@settings(max_examples=400, deadline=None)
@given(english_texts(), phrase_lists, st.booleans())
def test_agrees_with_reference_on_english(text: str, phrases: list[str], case_exact: bool) -> None:
    assert dispatched(text, phrases, case_exact) == reference_find_renderings(text, phrases, case_exact)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=TRICKY, max_size=30), st.lists(tricky_text, max_size=6), st.booleans())
def test_agrees_with_reference_on_tricky_characters(text: str, phrases: list[str], case_exact: bool) -> None:
    assert dispatched(text, phrases, case_exact) == reference_find_renderings(text, phrases, case_exact)


@st.composite
def texts_with_their_own_phrases(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A text and phrases cut from it (recased): many overlapping matches."""
    text = draw(english_texts())
    phrases = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        phrase = text[start:end]
        phrases.append(draw(st.sampled_from([phrase, phrase.upper(), phrase.lower(), "the " + phrase])))
    return text, draw(st.permutations(phrases + draw(st.lists(word, max_size=2))))


@settings(max_examples=400, deadline=None)
@given(texts_with_their_own_phrases(), st.booleans())
def test_agrees_with_reference_on_phrases_cut_from_the_text(case: tuple[str, list[str]], case_exact: bool) -> None:
    text, phrases = case
    assert dispatched(text, phrases, case_exact) == reference_find_renderings(text, phrases, case_exact)


@settings(max_examples=100, deadline=None)
@given(st.lists(english_texts(), min_size=1, max_size=4), phrase_lists)
def test_one_compiled_matcher_serves_many_texts(texts: list[str], phrases: list[str]) -> None:
    # The dispatch regexes are compiled lazily per first word and cached: a
    # cached one must not leak into the next text's result.
    matcher = _PhraseMatcher(tuple(phrases), False, dispatch_from=0)
    found = [matcher.find(text) for text in texts]
    assert found == [reference_find_renderings(text, phrases) for text in texts]


@settings(max_examples=200, deadline=None)
@given(english_texts(), st.lists(st.one_of(phrases_from_words, word), min_size=DISPATCH_MIN_PHRASES, max_size=40))
def test_find_renderings_agrees_with_reference_on_many_phrases(text: str, phrases: list[str]) -> None:
    assert find_renderings(text, phrases) == reference_find_renderings(text, phrases)


@settings(max_examples=100, deadline=None)
@given(english_texts(), st.lists(tricky_text, max_size=DISPATCH_MIN_PHRASES - 1), st.booleans())
def test_find_renderings_agrees_with_reference_on_few_phrases(text: str, phrases: list[str], case_exact: bool) -> None:
    assert find_renderings(text, phrases, case_exact) == reference_find_renderings(text, phrases, case_exact)


@given(st.text(max_size=30))
def test_pattern_source_is_unchanged(text: str) -> None:
    assert pattern_source(text) == reference_pattern_source(text)
