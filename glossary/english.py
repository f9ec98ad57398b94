"""Finding English renderings of glossary terms in a translation.

Used by enforcement (is the canonical target there?) and by ``check`` (which
accepted or avoided rendering did the translator use?). Matching forgives what
does not change the term: letter case (unless an entry says ``case: exact``),
curly vs straight apostrophes, the many hyphens and dashes, a possessive 's,
and a leading "the".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

APOSTROPHES = "'’‘ʼ`´"
HYPHENS = "-‐‑‒–—―−"
_LEADING_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)


@dataclass(frozen=True)
class RenderingMatch:
    """One rendering found in English text: its [start, end) and which phrase it was."""

    start: int
    end: int
    phrase_index: int


def pattern_source(text: str) -> str:
    """A regex source matching ``text`` with the forgiving rules above (no "the" handling).

    Apostrophes match any apostrophe; a hyphen matches any dash or a space;
    whitespace matches any run of whitespace.
    """
    parts: list[str] = []
    for char in text:
        if char in APOSTROPHES:
            parts.append(f"[{re.escape(APOSTROPHES)}]")
        elif char in HYPHENS:
            # al-Qaim, al–Qaim, al Qaim: a hyphen may be any dash, or a space.
            parts.append(f"(?:\\s*[{re.escape(HYPHENS)}]\\s*|\\s+)")
        elif char.isspace():
            if parts and parts[-1] == r"\s+":
                continue
            parts.append(r"\s+")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def _phrase_pattern(phrase: str) -> str:
    return pattern_source(_LEADING_THE_RE.sub("", phrase.strip()))


# Where a word starts, for the lookbehind of every phrase pattern: not after a
# word character or a dash ("Hezbollah" is not found in "pro-Hezbollah").
_BOUNDARY = rf"(?<![\w{re.escape(HYPHENS)}])"
# Separators that Unicode counts as letters (ʼ, the modifier letter
# apostrophe): "Hezbollah's" matches "Hezbollahʼs", one word to ``\w``.
_WORD_CHAR_SEPARATORS = "".join(c for c in APOSTROPHES + HYPHENS if re.match(r"\w", c))
# A phrase's first word, as dispatch sees it.
_FIRST_WORD_RE = re.compile(rf"[^\W{_WORD_CHAR_SEPARATORS}]+")
# The only non-ASCII characters that ``re.IGNORECASE`` makes equal to an ASCII
# letter (found by trying every code point), each with that letter.
_ASCII_CASE_FOLDS = {"\u0130": "i", "\u0131": "i", "\u212a": "k", "\u017f": "s"}
_ASCII_CASE_FOLD_TABLE = str.maketrans(_ASCII_CASE_FOLDS)
# Words of the text that may be an ASCII first word in another case: only
# there can a phrase starting with an ASCII word match. Other words (Arabic
# left in the output, "Qayyārah") are skipped by the regex engine, not by Python.
_ASCII_LIKE_WORD_RE = re.compile(
    rf"{_BOUNDARY}[A-Za-z0-9_{''.join(_ASCII_CASE_FOLDS)}]+(?![^\W{_WORD_CHAR_SEPARATORS}])"
)
# The only non-word character that ``re.IGNORECASE`` makes equal to word
# characters (found by trying every code point): the combining ypogegrammeni
# folds to the Greek iota, so a phrase's first word could run on in the text.
_FOLDS_TO_A_LETTER = "\u0345"
# From how many phrases on dispatching on the first word is faster than one
# alternation (measured on English sentences: about even at 20 phrases).
DISPATCH_MIN_PHRASES = 20


def _alternation(phrases: Sequence[str], order: Sequence[int], flags: int) -> re.Pattern[str]:
    """One regex trying ``phrases[i]`` for i in ``order``, the first that matches winning."""
    body = "|".join(f"(?P<p{i}>{_phrase_pattern(phrases[i])})" for i in order)
    return re.compile(rf"{_BOUNDARY}(?:{body})(?![\w])", flags)


class _PhraseMatcher:
    """``find_renderings`` for one tuple of phrases, dispatching on the first word.

    One alternation of every phrase, tried at every word start, costs in
    proportion to the number of phrases: enforcement verifies all ~115 of the seed glossary in
    every output. A phrase starting with an ASCII word W can only match where
    the text's word is W in another case: W is followed by a non-word character,
    ʼ or the end, and an ASCII letter is case-equal only to its other case and
    to the few letters of ``_ASCII_CASE_FOLDS``. So only the phrases starting
    with that word are tried there. Phrases starting otherwise (punctuation, a
    non-ASCII letter, which ``re`` may fold to an ASCII one) are searched
    everywhere. Every regex keeps the order of the full alternation (longest
    phrase first), so the result is exactly leftmost-longest over all phrases.
    """

    def __init__(
        self, phrases: tuple[str, ...], case_exact: bool, dispatch_from: int = DISPATCH_MIN_PHRASES
    ) -> None:
        self.phrases = phrases
        self.flags = 0 if case_exact else re.IGNORECASE
        # Longest first: regex alternation is leftmost-first, so this yields
        # leftmost-longest matches ("Islamic State group" before "Islamic State").
        order = sorted(
            (i for i in range(len(phrases)) if phrases[i].strip()), key=lambda i: -len(phrases[i])
        )
        self.rank = {i: r for r, i in enumerate(order)}
        self.by_first_word: dict[str, list[int]] = {}
        self.anywhere: list[int] = []
        for i in order:
            stripped = _LEADING_THE_RE.sub("", phrases[i].strip())
            first = _FIRST_WORD_RE.match(stripped)
            if (
                first is not None
                and first.group().isascii()
                and stripped[first.end() : first.end() + 1] != _FOLDS_TO_A_LETTER
            ):
                self.by_first_word.setdefault(first.group().lower(), []).append(i)
            else:
                self.anywhere.append(i)
        self.anywhere_pattern = _alternation(phrases, self.anywhere, self.flags) if self.anywhere else None
        self.word_patterns: dict[str, re.Pattern[str]] = {}
        # Few phrases: the one alternation beats a Python loop over the words.
        self.full = _alternation(phrases, order, self.flags) if 0 < len(order) < dispatch_from else None

    def _word_pattern(self, word: str) -> re.Pattern[str]:
        pattern = self.word_patterns.get(word)
        if pattern is None:
            order = sorted(self.by_first_word[word] + self.anywhere, key=self.rank.__getitem__)
            pattern = self.word_patterns[word] = _alternation(self.phrases, order, self.flags)
        return pattern

    def find(self, text: str) -> list[RenderingMatch]:
        matches: list[RenderingMatch] = []
        if self.full is not None:
            return [_rendering(match) for match in self.full.finditer(text)]
        if not self.rank:
            return matches
        position = 0  # where the last match ended: matches never overlap
        anywhere = self.anywhere_pattern
        pending = anywhere.search(text) if anywhere is not None else None
        for word in _ASCII_LIKE_WORD_RE.finditer(text):
            start = word.start()
            if start < position:
                continue
            key = word.group().lower()
            if key not in self.by_first_word:
                if key.isascii():
                    continue
                key = word.group().translate(_ASCII_CASE_FOLD_TABLE).lower()
                if key not in self.by_first_word:
                    continue
            pattern = self._word_pattern(key)
            # A phrase found anywhere left of this word comes first.
            while pending is not None and pending.start() < start:
                if pending.start() >= position:
                    matches.append(_rendering(pending))
                    position = pending.end()
                assert anywhere is not None
                pending = anywhere.search(text, position)
            if start < position:
                continue
            match = pattern.match(text, start)
            if match is not None:
                matches.append(_rendering(match))
                position = match.end()
        while pending is not None:
            if pending.start() >= position:
                matches.append(_rendering(pending))
                position = pending.end()
            assert anywhere is not None
            pending = anywhere.search(text, position)
        return matches


def _rendering(match: re.Match[str]) -> RenderingMatch:
    group = match.lastgroup
    assert group is not None
    return RenderingMatch(match.start(), match.end(), int(group[1:]))


@lru_cache(maxsize=4096)
def _matcher(phrases: tuple[str, ...], case_exact: bool) -> _PhraseMatcher:
    return _PhraseMatcher(phrases, case_exact)


def find_renderings(
    text: str, phrases: Sequence[str], case_exact: bool = False
) -> list[RenderingMatch]:
    """Non-overlapping leftmost-longest matches of any of ``phrases`` in ``text``.

    Among phrases matching at the same place the longest phrase (as written)
    wins; among equally long ones, the first.
    """
    return _matcher(tuple(phrases), case_exact).find(text)


def count_renderings(text: str, phrase: str, case_exact: bool = False) -> int:
    """How many times ``phrase`` is rendered in ``text``."""
    return len(find_renderings(text, (phrase,), case_exact))


# Compiled once: fold_english runs for every glossary rendering on load and
# for every sentence in ``check``.
_ANY_APOSTROPHE_RE = re.compile(f"[{re.escape(APOSTROPHES)}]")
_HYPHEN_WITH_SPACES_RE = re.compile(f"\\s*[{re.escape(HYPHENS)}]\\s*")


# Cached: enforcement folds every target and avoid rendering of the glossary
# for each file it translates.
@lru_cache(maxsize=16384)
def fold_english(phrase: str) -> str:
    """A comparison key for an English phrase: the forgiving rules above, as a string."""
    folded = _LEADING_THE_RE.sub("", phrase.strip()).casefold()
    folded = _ANY_APOSTROPHE_RE.sub("'", folded)
    folded = _HYPHEN_WITH_SPACES_RE.sub(" ", folded)
    return " ".join(folded.split())
