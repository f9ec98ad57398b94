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


@lru_cache(maxsize=4096)
def _compile(phrases: tuple[str, ...], case_exact: bool) -> re.Pattern[str]:
    # Longest first: regex alternation is leftmost-first, so this yields
    # leftmost-longest matches ("Islamic State group" before "Islamic State").
    order = sorted(range(len(phrases)), key=lambda i: -len(phrases[i]))
    alternatives = [f"(?P<p{i}>{_phrase_pattern(phrases[i])})" for i in order if phrases[i].strip()]
    if not alternatives:
        return re.compile(r"(?!x)x")
    body = "|".join(alternatives)
    flags = 0 if case_exact else re.IGNORECASE
    return re.compile(rf"(?<![\w{re.escape(HYPHENS)}])(?:{body})(?![\w])", flags)


def find_renderings(
    text: str, phrases: Sequence[str], case_exact: bool = False
) -> list[RenderingMatch]:
    """Non-overlapping leftmost-longest matches of any of ``phrases`` in ``text``."""
    pattern = _compile(tuple(phrases), case_exact)
    matches: list[RenderingMatch] = []
    for match in pattern.finditer(text):
        group = match.lastgroup
        assert group is not None
        matches.append(RenderingMatch(match.start(), match.end(), int(group[1:])))
    return matches


def count_renderings(text: str, phrase: str, case_exact: bool = False) -> int:
    """How many times ``phrase`` is rendered in ``text``."""
    return len(find_renderings(text, (phrase,), case_exact))


# Compiled once: fold_english runs for every glossary rendering on load and
# for every sentence in ``check``.
_ANY_APOSTROPHE_RE = re.compile(f"[{re.escape(APOSTROPHES)}]")
_HYPHEN_WITH_SPACES_RE = re.compile(f"\\s*[{re.escape(HYPHENS)}]\\s*")


def fold_english(phrase: str) -> str:
    """A comparison key for an English phrase: the forgiving rules above, as a string."""
    folded = _LEADING_THE_RE.sub("", phrase.strip()).casefold()
    folded = _ANY_APOSTROPHE_RE.sub("'", folded)
    folded = _HYPHEN_WITH_SPACES_RE.sub(" ", folded)
    return " ".join(folded.split())
