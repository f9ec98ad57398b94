"""The one English matcher (glossary.english): golden cases, entry rules, and a regex oracle.

``find_renderings`` and ``RenderingIndex`` are one word-level matcher. On text
without the typography it forgives beyond the plain rules (quotes/brackets
between words, apostrophes inside words), it must agree exactly with the
obvious implementation: one regex per phrase (the pre-0.2 pattern rules),
tried at every position, then leftmost-longest selection.
"""
from __future__ import annotations

import re
from typing import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.english import (
    ACCEPT,
    APOSTROPHES,
    AVOID,
    HYPHENS,
    TARGET,
    WORD_RE,
    RenderingIndex,
    RenderingMatch,
    find_renderings,
    is_sentence_start,
)
from glossary.model import CASE_EXACT, Entry, Glossary

KELVIN, LONG_S, DOTTED_I, DOTLESS_I = "\u212a", "\u017f", "\u0130", "\u0131"

# (text, phrases, case_exact, [(surface, phrase_index)])
GOLDEN = [
    ("Kataib Hezbollah and Hezbollah Brigades praised Hezbollah.",
     ["Hezbollah", "Kataib Hezbollah", "Hezbollah Brigades"], False,
     [("Kataib Hezbollah", 1), ("Hezbollah Brigades", 2), ("Hezbollah", 0)]),
    ("pro-Hezbollah media and Hezbollahs", ["Hezbollah"], False, []),
    ("Hezbollah’s fighters", ["Hezbollah"], False, [("Hezbollah", 0)]),
    ("HEZBOLLAH'S men", ["Hezbollah"], False, [("HEZBOLLAH", 0)]),
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
    ("US-led coalition", ["US", "coalition"], False, [("US", 0), ("coalition", 1)]),
    ("'s and ’s", ["'s"], False, [("'s", 0), ("’s", 0)]),
    ("the the army", ["the army"], False, [("army", 0)]),
    ("Islamic State group", ["Islamic State", "Islamic State group"], False, [("Islamic State group", 1)]),
    ("Islamic State (ISIS) said (ISIS)", ["(ISIS)", "Islamic State (ISIS)"], False,
     [("Islamic State (ISIS)", 1), ("(ISIS)", 0)]),
    ("Islamic State (ISIS)", ["(ISIS)", "Islamic State (ISIS)"], False, [("Islamic State (ISIS)", 1)]),
    ("(ISIS) and Islamic State", ["(ISIS)", "Islamic State"], False, [("(ISIS)", 0), ("Islamic State", 1)]),
    ("Hezbollah - said", ["Hezbollah -"], False, [("Hezbollah -", 0)]),
    # English typography (issue 10): quotes, guillemets, brackets between words.
    ('Kataib "Hezbollah" claimed it', ["Kataib Hezbollah", "Hezbollah"], False, [('Kataib "Hezbollah', 0)]),
    ("Kataib «Hezbollah» and Kataib “Hezbollah”", ["Kataib Hezbollah"], False,
     [("Kataib «Hezbollah", 0), ("Kataib “Hezbollah", 0)]),
    ("the “Kataib” ‘Hezbollah’ group", ["Kataib Hezbollah"], False, [("Kataib” ‘Hezbollah", 0)]),
    ("Kataib (Hezbollah) said", ["Kataib Hezbollah"], False, [("Kataib (Hezbollah", 0)]),
    ("Abu Mahdi al-“Muhandis”", ["Abu Mahdi al-Muhandis"], False, [("Abu Mahdi al-“Muhandis", 0)]),
    # An apostrophe inside a word: Kata'ib = Kata’ib = Kataib, either way round.
    ("Kata’ib Hezbollah, Kata'ib Hezbollah, Kataʼib Hezbollah", ["Kataib Hezbollah"], False,
     [("Kata’ib Hezbollah", 0), ("Kata'ib Hezbollah", 0), ("Kataʼib Hezbollah", 0)]),
    ("Kataib Hezbollah", ["Kata'ib Hezbollah"], False, [("Kataib Hezbollah", 0)]),
    ("the Ba’ath party", ["Baath party"], True, [("Ba’ath party", 0)]),
    # A non-breaking hyphen (U+2011) and other dashes.
    ("Abu Mahdi al‑Muhandis", ["Abu Mahdi al-Muhandis"], False, [("Abu Mahdi al‑Muhandis", 0)]),
    ("COVID‑19", ["COVID-19"], False, [("COVID‑19", 0)]),
    # Clause punctuation still breaks a phrase.
    ("Kataib. Hezbollah", ["Kataib Hezbollah", "Hezbollah"], False, [("Hezbollah", 1)]),
    ("Kataib, Hezbollah", ["Kataib Hezbollah"], False, []),
    # Punctuation-only phrases never match.
    ("a, b", [",", "..."], False, []),
]


@pytest.mark.parametrize(("text", "phrases", "case_exact", "expected"), GOLDEN)
def test_golden_renderings(text: str, phrases: list[str], case_exact: bool, expected: list[tuple[str, int]]) -> None:
    found = find_renderings(text, phrases, case_exact)
    assert [(text[m.start : m.end], m.phrase_index) for m in found] == expected


@pytest.mark.parametrize(("text", "phrases", "case_exact", "expected"), GOLDEN)
def test_golden_renderings_with_many_phrases(
    text: str, phrases: list[str], case_exact: bool, expected: list[tuple[str, int]]
) -> None:
    padding = [f"zz{n} padding" for n in range(30)]
    found = find_renderings(text, phrases + padding, case_exact)
    assert [(text[m.start : m.end], m.phrase_index) for m in found] == expected


# --- entry rules: (entries, text, [(surface, entry index, kind)]) -------------

ENTRY_CASES = [
    # Target, accept and avoid of one entry; the target wins a span it shares
    # with an accept form that differs only by an apostrophe.
    ([Entry(("كتائب حزب الله",), "Kataib Hezbollah", accept=("Kata'ib Hezbollah",), avoid=("Hezbollah Brigades",))],
     "Kata’ib Hezbollah and Hezbollah Brigades", [("Kata’ib Hezbollah", 0, TARGET), ("Hezbollah Brigades", 0, AVOID)]),
    ([Entry(("الحشد الشعبي",), "Popular Mobilization Forces", accept=("PMF",))],
     "the PMF, the pmf", [("PMF", 0, ACCEPT)]),
    # Acronyms are always case-exact, even at a sentence start.
    ([Entry(("داعش",), "IS")], "Is it IS? It is.", [("IS", 0, TARGET)]),
    # case: exact allows a sentence-initial capital, nowhere else.
    ([Entry(("القائم",), "al-Qaim", case=CASE_EXACT)],
     "Al-Qaim fell. Near Al-Qaim and al-Qaim. “Al-Qaim”", [("Al-Qaim", 0, TARGET), ("al-Qaim", 0, TARGET), ("Al-Qaim", 0, TARGET)]),
    ([Entry(("القائم",), "al-Qaim", case=CASE_EXACT)], "The U.S. Al-Qaim base", []),
    # Longest across entries; a span shared by two entries is kept for both.
    ([Entry(("حزب الله",), "Hezbollah"), Entry(("كتائب حزب الله",), "Kataib Hezbollah")],
     'Kataib "Hezbollah" and Hezbollah', [('Kataib "Hezbollah', 1, TARGET), ("Hezbollah", 0, TARGET)]),
    ([Entry(("التحالف",), "coalition"), Entry(("التحالف الدولي",), "international coalition", accept=("coalition",))],
     "the coalition", [("coalition", 0, TARGET), ("coalition", 1, ACCEPT)]),
]


@pytest.mark.parametrize(("entries", "text", "expected"), ENTRY_CASES)
def test_rendering_index_entry_rules(entries: list[Entry], text: str, expected: list[tuple[str, int, str]]) -> None:
    found = RenderingIndex(Glossary(entries=tuple(entries))).find(text)
    assert [(text[r.start : r.end], r.entry_index, r.kind) for r in found] == expected


def test_rendering_index_searches_only_the_range() -> None:
    index = RenderingIndex(Glossary(entries=(Entry(("الموصل",), "Mosul"),)))
    text = "Mosul. Mosul. Mosul."
    assert [(r.start, r.end) for r in index.find(text, 7, 13)] == [(7, 12)]


@pytest.mark.parametrize(
    ("before", "expected"),
    [("", True), ("  ", True), ("It fell. ", True), ('He said: "Stop." “', True), ("near ", False), ("the U.S. ", False)],
)
def test_is_sentence_start(before: str, expected: bool) -> None:
    assert is_sentence_start(before) is expected


# --- the oracle: one regex per phrase, every position, leftmost-longest ------

_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)


def oracle_pattern_source(text: str) -> str:
    """glossary/english.py's pattern rules before issue 10 (no typography)."""
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


def oracle_find_renderings(text: str, phrases: Sequence[str], case_exact: bool = False) -> list[RenderingMatch]:
    flags = 0 if case_exact else re.IGNORECASE
    found = []
    for index, phrase in enumerate(phrases):
        core = _THE_RE.sub("", phrase.strip())
        if not WORD_RE.search(core):
            continue
        pattern = re.compile(rf"(?<![\w{re.escape(HYPHENS)}])(?:{oracle_pattern_source(core)})(?!\w)", flags)
        for start in range(len(text)):
            match = pattern.match(text, start)
            if match is not None:
                found.append((match.start(), match.end(), len(phrase), index))
    found.sort(key=lambda m: (m[0], m[0] - m[1], -m[2], m[3]))
    chosen: list[RenderingMatch] = []
    frontier = -1
    for start, end, _, index in found:
        if start >= frontier:
            chosen.append(RenderingMatch(start, end, index))
            frontier = end
    return chosen


# Words and glue without what the oracle does not know: quotes or brackets
# between words, an apostrophe between letters (a possessive 's is fine).
WORDS = [
    "Hezbollah", "Kataib", "Brigades", "the", "The", "THE", "US", "U.S.", "us", "U", "S", "al", "Al", "Qaim",
    "COVID", "19", "2020", "Islamic", "State", "state", "group", "coalition", "forces", "international",
    "Iraq", "Iraqi", "IRAQI", "Mosul", "Popular", "Mobilization", "Units", "s", "a", "an", "ISIS",
    "Qayyarah", "Qayyārah", "قاعدة", "القوات", "ſtate", "\u212aataib", "İraq", "ıraq", "_x", "1st",
]
GLUE = [" ", " ", " ", "", "  ", "\n", "-", " - ", "–", "—", "'s ", "’s ", ", ", ".", "\t", "/", "\u00a0"]

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
    st.sampled_from(["", "", "the ", "The ", " ", "the  ", "("]),
    english_texts(max_words=3).map(str.strip),
    st.sampled_from(["", "", " ", "'s", "’s", ")", "-", "."]),
)
phrase_lists = st.lists(st.one_of(phrases_from_words, word), max_size=8)


@settings(max_examples=400, deadline=None)
@given(english_texts(), phrase_lists, st.booleans())
def test_agrees_with_the_oracle(text: str, phrases: list[str], case_exact: bool) -> None:
    assert find_renderings(text, phrases, case_exact) == oracle_find_renderings(text, phrases, case_exact)


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
def test_agrees_with_the_oracle_on_phrases_cut_from_the_text(case: tuple[str, list[str]], case_exact: bool) -> None:
    text, phrases = case
    assert find_renderings(text, phrases, case_exact) == oracle_find_renderings(text, phrases, case_exact)


quote_runs = st.text(alphabet=st.sampled_from(list("\"“”„«»‹›()[]{}")), min_size=1, max_size=3)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["Kataib Hezbollah", "Abu Mahdi al-Muhandis", "Popular Mobilization Forces"]), quote_runs, quote_runs, st.booleans())
def test_quotes_between_words_keep_the_rendering(phrase: str, before: str, after: str, left: bool) -> None:
    words = phrase.split(" ")
    cut = 1 if left else len(words) - 1
    text = "said " + " ".join(words[:cut]) + " " + before + " ".join(words[cut:]) + after + " on Friday"
    [match] = find_renderings(text, [phrase, words[-1]])
    assert match.phrase_index == 0
    assert text[match.start : match.end].startswith(words[0])
    assert text[match.start : match.end].endswith(words[-1])
