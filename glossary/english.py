"""Finding English renderings of glossary terms in a translation: ONE matcher.

:class:`RenderingIndex` is the answer to "is this English a rendering of that
entry?" for enforcement (``translate`` verifies its output with it) and for
``check`` (which target, accepted or avoided rendering did the translator
use?); :func:`find_renderings` runs the same matcher over a plain list of
phrases (bilingual highlighting, locating a rendering to repair). So a
rendering ``translate`` counts as verified is exactly one ``check`` accepts.

Matching forgives what does not change the term:

* letter case, unless an entry says ``case: exact`` (a sentence-initial
  capital is still allowed there) or the phrase is an acronym (IS, US, PMF:
  always exact, or "it is" would be a rendering of IS);
* curly vs straight apostrophes, and an apostrophe inside a word
  (Kata'ib = Kata’ib = Kataib; a possessive 's stays outside the word, so
  "Hezbollah's" is a rendering of Hezbollah);
* the many hyphens and dashes (non-breaking al‑Muhandis too), or a space, for
  a hyphen;
* typography between words: quotes, guillemets and brackets where the phrase
  has a space or hyphen (Kataib "Hezbollah", Kataib «Hezbollah»);
* a leading "the".

A match is whole words, not right after a hyphen ("Hezbollah" is not in
"pro-Hezbollah"); among matches overlapping each other the leftmost, then
the longest wins, across all the phrases matched together ("Hezbollah"
inside "Kataib Hezbollah" is not a rendering of Hezbollah).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import itemgetter
from typing import Container, NamedTuple, Sequence

from glossary.model import CASE_EXACT, Glossary

APOSTROPHES = "'’‘ʼ`´"
HYPHENS = "-‐‑‒–—―−"
# Quotes, guillemets and brackets a translation writes around part of a name.
QUOTES_AND_BRACKETS = "\"“”„‟‚«»‹›()[]{}"
_LEADING_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)

# Kinds of rendering an entry lists, in the order they are tried.
TARGET = "target"
ACCEPT = "accept"
AVOID = "avoid"

_KIND_RANK = {TARGET: 0, ACCEPT: 1, AVOID: 2}
# Sort key of a match (start, -length, rank, phrase): a C-level getter.
_FOUND_ORDER = itemgetter(0, 1, 2)

# Longer all-capitals phrases are names written in capitals, not abbreviations.
ACRONYM_MAX_LETTERS = 5

# A word: letters, digits and _ (ʼ, which Unicode counts as a letter, is an
# apostrophe here), with apostrophes between letters inside it (Kata'ib,
# Shi’ite) but not a possessive 's, which stays a word of its own.
_LETTER = "[^\\W\u02bc]"
WORD_RE = re.compile(
    f"{_LETTER}+(?:[{re.escape(APOSTROPHES)}](?![sS](?!{_LETTER})){_LETTER}+)*"
)
# Most texts have neither ʼ nor an apostrophe between letters; for them the
# words are plain \w runs, and that regex scans twice as fast as WORD_RE.
_PLAIN_WORD_RE = re.compile(r"\w+")
_JOINING_APOSTROPHE_RE = re.compile(
    f"[{re.escape(APOSTROPHES)}](?![sS](?!{_LETTER}))(?<={_LETTER}.)(?={_LETTER})"
)
_MODIFIER_APOSTROPHE = "\u02bc"  # a letter to \w, an apostrophe here
# What a word is compared by: apostrophes dropped, and, case-insensitively,
# casefolded after the few letters that re.IGNORECASE makes equal to an ASCII
# one but casefold does not (İ, ı).
_DROP_APOSTROPHES = str.maketrans("", "", APOSTROPHES)
_FOLD_TABLE = str.maketrans({"\u0130": "i", "\u0131": "i", **{c: None for c in APOSTROPHES}})
_KEY_SEPARATOR = "\x00"
_MATCHED_TEXT = re.Match.group  # Match.group as a function, for map()


@dataclass(frozen=True)
class RenderingMatch:
    """One rendering found in English text: its [start, end) and which phrase it was."""

    start: int
    end: int
    phrase_index: int


class Rendering(NamedTuple):
    """One rendering of a glossary entry found in a text.

    A named tuple, not a dataclass: a 10 MB check makes tens of thousands,
    and a tuple is several times cheaper to create.
    """

    start: int
    end: int
    entry_index: int
    kind: str  # TARGET, ACCEPT or AVOID
    phrase: str  # as written in the glossary


def is_acronym(phrase: str) -> bool:
    """An all-capitals abbreviation (IS, US, U.S., PMF): matched case-exactly in every entry.

    Matched case-insensitively, "IS" and "US" would be found in every English
    paragraph ("it is", "told us"), and a missing term would never be reported.
    """
    if not phrase.isupper():
        # A lower-case letter, or no cased letter at all: no acronym (and the
        # common case costs one C call, not a loop; this runs per rendering).
        return False
    letters = [char for char in phrase if char.isalpha()]
    return 0 < len(letters) <= ACRONYM_MAX_LETTERS and all(char.isupper() for char in letters)


def pattern_source(text: str) -> str:
    """A regex source matching ``text``, a phrase's stretch between words, by the rules above.

    Apostrophes match any apostrophe; a hyphen matches any dash or a space;
    whitespace matches any run of whitespace; quotes and brackets may stand
    around a hyphen or space.
    """
    # Single quotes are apostrophes too: between words they are quotes.
    typography = f"[{re.escape(QUOTES_AND_BRACKETS + APOSTROPHES)}]*"
    parts: list[str] = []
    for char in text:
        if char in APOSTROPHES:
            parts.append(f"[{re.escape(APOSTROPHES)}]")
        elif char in HYPHENS:
            # al-Qaim, al–Qaim, al Qaim: a hyphen may be any dash, or a space.
            parts.append(f"{typography}(?:\\s*[{re.escape(HYPHENS)}]\\s*|\\s+){typography}")
        elif char.isspace():
            if parts and parts[-1].endswith("\\s+" + typography):
                continue
            parts.append(f"{typography}\\s+{typography}")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


_SOURCE_PATTERNS: dict[str, re.Pattern[str]] = {}
# Where a rendering may start: not after a word character or a dash.
_BOUNDARY = f"(?<![\\w{re.escape(HYPHENS)}])"


def _stretch_pattern(stretch: str) -> re.Pattern[str]:
    cached = _SOURCE_PATTERNS.get(stretch)
    if cached is None:
        cached = _SOURCE_PATTERNS[stretch] = re.compile(pattern_source(stretch), re.IGNORECASE)
    return cached


def _prefix_pattern(prefix: str) -> re.Pattern[str]:
    """Punctuation before a phrase's first word, ending where that word starts (search up to it)."""
    key = "\x00prefix" + prefix
    cached = _SOURCE_PATTERNS.get(key)
    if cached is None:
        cached = _SOURCE_PATTERNS[key] = re.compile(
            f"{_BOUNDARY}(?:{pattern_source(prefix)})\\Z", re.IGNORECASE
        )
    return cached


def _suffix_pattern(suffix: str) -> re.Pattern[str]:
    """Punctuation after a phrase's last word, not running into a word."""
    key = "\x00suffix" + suffix
    cached = _SOURCE_PATTERNS.get(key)
    if cached is None:
        cached = _SOURCE_PATTERNS[key] = re.compile(f"(?:{pattern_source(suffix)})(?!\\w)", re.IGNORECASE)
    return cached


def word_key(word: str) -> str:
    """How a word is compared case-insensitively (apostrophes dropped, casefolded)."""
    return word.translate(_FOLD_TABLE).casefold()


# A sentence ends at . ! ? … (not at the dots of an initialism like U.S.);
# quotes and brackets may sit between it and the next sentence.
SENTENCE_END_RE = re.compile(r"(?:^|[.!?…])[\"'”’»)\]]*[\s\"'“‘«(\[]*$")
INITIALISM_END_RE = re.compile(r"(?:^|\s)(?:[A-Za-z]\.){2,}[\s\"'“‘«(\[]*$")


def is_sentence_start(before: str) -> bool:
    """Whether text following ``before`` begins a sentence (so may be capitalized)."""
    if not before.strip():
        return True
    return bool(SENTENCE_END_RE.search(before)) and not INITIALISM_END_RE.search(before)


@dataclass(frozen=True)
class _Phrase:
    """One phrase, pre-split into words for the word-level matcher."""

    owner: int  # entry index (find_renderings: 0 for every phrase)
    order: int  # phrase index, the last tie-breaker
    kind: str
    text: str  # as written in the glossary
    words: tuple[str, ...]  # word_key of each word, or (case_exact) the word minus apostrophes
    capitalized: str | None  # case_exact: the first word with a capital, allowed at a sentence start
    gaps: tuple[re.Pattern[str], ...]  # what may stand between word k and k+1
    prefix: re.Pattern[str] | None  # punctuation before the first word, as in "(ISIS)"
    suffix: re.Pattern[str] | None  # punctuation after the last word, as in "U.S."
    case_exact: bool
    # Which phrase wins a span: per owner one, the target over an accept or
    # avoid form it equals once apostrophes are dropped (Kataib / Kata'ib
    # Hezbollah), then the longest as written, then the first.
    rank: tuple[int, int, int, int]


def _split_phrase(
    owner: int, order: int, kind: str, value: str, case_exact: bool, sentence_capital: bool
) -> _Phrase | None:
    """``value`` as a :class:`_Phrase`, or None if it has no word to match."""
    core = _LEADING_THE_RE.sub("", value.strip())
    words = list(WORD_RE.finditer(core))
    if not words:
        return None
    gaps = tuple(_stretch_pattern(core[a.end() : b.start()]) for a, b in zip(words, words[1:]))
    head = core[: words[0].start()]
    tail = core[words[-1].end() :]
    if case_exact:
        texts = tuple(word.group().translate(_DROP_APOSTROPHES) for word in words)
        first = texts[0]
        capitalized = first[:1].upper() + first[1:] if sentence_capital and first[:1].upper() != first[:1] else None
    else:
        texts = tuple(word_key(word.group()) for word in words)
        capitalized = None
    return _Phrase(
        owner,
        order,
        kind,
        value,
        texts,
        capitalized,
        gaps,
        _prefix_pattern(head) if head else None,
        _suffix_pattern(tail) if tail else None,
        case_exact,
        (owner, _KIND_RANK[kind], -len(value), order),
    )


class _WordMatcher:
    """Phrases found in text word by word: a dict from first word to phrases.

    Most words begin no phrase, and one dict lookup is all they cost; a
    10,000-entry glossary compiles in milliseconds (no regex per phrase).
    """

    def __init__(self, phrases: list[_Phrase]) -> None:
        self.by_first_word: dict[str, list[_Phrase]] = {}
        for phrase in phrases:
            first = phrase.words[0] if not phrase.case_exact else word_key(phrase.words[0])
            self.by_first_word.setdefault(first, []).append(phrase)
        for candidates in self.by_first_word.values():
            # Longest first; the order only matters for speed, not the result.
            candidates.sort(key=lambda phrase: -len(phrase.text))

    def find(self, text: str, start: int, end: int) -> tuple[list[tuple[int, int, _Phrase]], bool]:
        """Matches in ``text[start:end]``: leftmost, then longest; a span shared by two owners kept for both.

        Also says whether any span was kept for two owners (rare: callers that
        attribute a span to one entry only look then).
        """
        # Two C-level scans (a regex starting with a class scans fast; an
        # alternation in front of it would not).
        joining = (
            text.find(_MODIFIER_APOSTROPHE, start, end) >= 0
            or _JOINING_APOSTROPHE_RE.search(text, start, end) is not None
        )
        words = list((WORD_RE if joining else _PLAIN_WORD_RE).finditer(text, start, end))
        if not words:
            return [], False
        # One C-level pass for all the keys: join, fold, split.
        keys = _KEY_SEPARATOR.join(map(_MATCHED_TEXT, words)).translate(_FOLD_TABLE).casefold().split(_KEY_SEPARATOR)
        by_first_word = self.by_first_word
        found: list[tuple[int, int, tuple[int, int, int, int], _Phrase]] = []
        for position in compress(range(len(keys)), map(by_first_word.__contains__, keys)):
            for phrase in by_first_word[keys[position]]:
                span = _match_at(phrase, text, words, keys, position, start, end)
                if span is not None:
                    found.append((span[0], span[0] - span[1], phrase.rank, phrase))
        # Leftmost, then longest; per span and owner one phrase (see _Phrase.rank).
        found.sort(key=_FOUND_ORDER)  # never compares phrases: rank is unique per phrase
        kept: list[tuple[int, int, _Phrase]] = []
        shared = False
        frontier = last_start = last_end = last_owner = -1
        for match_start, negative_length, _, phrase in found:
            match_end = match_start - negative_length
            if match_start == last_start and match_end == last_end:
                # Sorted by owner within a span: one phrase per owner.
                if phrase.owner != last_owner:
                    kept.append((match_start, match_end, phrase))
                    last_owner = phrase.owner
                    shared = True
            elif match_start >= frontier:
                kept.append((match_start, match_end, phrase))
                frontier = last_end = match_end
                last_start = match_start
                last_owner = phrase.owner
        return kept, shared


def _match_at(
    phrase: _Phrase,
    text: str,
    words: list[re.Match[str]],
    keys: list[str],
    position: int,
    start: int,
    end: int,
) -> tuple[int, int] | None:
    """The span of ``phrase`` matched from word ``position`` on, or None."""
    count = len(phrase.words)
    stop = position + count
    if stop > len(words):
        return None
    # The words first, compared all at once (most candidates fail here), then the gaps.
    if phrase.case_exact:
        written = tuple(word.group().translate(_DROP_APOSTROPHES) for word in words[position:stop])
        capital_first = False
        if written != phrase.words:
            if phrase.capitalized is None or written != (phrase.capitalized, *phrase.words[1:]):
                return None
            capital_first = True
    elif tuple(keys[position:stop]) != phrase.words:
        return None
    for offset in range(1, count):
        gap_start, gap_end = words[position + offset - 1].end(), words[position + offset].start()
        if phrase.gaps[offset - 1].fullmatch(text, gap_start, gap_end) is None:
            return None
    match_start = words[position].start()
    if phrase.prefix is not None:
        head = phrase.prefix.search(text, start, match_start)
        if head is None:
            return None
        match_start = head.start()
    elif match_start > 0 and text[match_start - 1] in HYPHENS:
        # Not after a dash ("pro-Hezbollah"); never after a word character,
        # as words are maximal runs.
        return None
    match_end = words[stop - 1].end()
    if phrase.suffix is not None:
        tail = phrase.suffix.match(text, match_end, end)
        if tail is None:
            return None
        match_end = tail.end()
    if phrase.case_exact and capital_first and not is_sentence_start(text[start:match_start]):
        return None
    return match_start, match_end


class RenderingIndex:
    """Every entry's target, accept and avoid renderings, matched jointly in ONE pass.

    Matching them jointly (leftmost-longest) means a target inside a longer
    rendering is not counted: "Hezbollah" inside "Kataib Hezbollah" (or
    inside the avoided "Hizbollah Brigades"). Case: an entry's phrases are
    case-insensitive unless ``case: exact`` (then a capital first letter is
    allowed at a sentence start) or the phrase is an acronym (always exact).
    """

    def __init__(self, glossary: Glossary) -> None:
        self.entries = glossary.entries
        phrases: list[_Phrase] = []
        for index, entry in enumerate(glossary.entries):
            seen: set[str] = set()
            for kind, values in ((TARGET, (entry.target,)), (ACCEPT, entry.accept), (AVOID, entry.avoid)):
                for value in values:
                    if not value.strip() or value in seen:
                        continue
                    seen.add(value)
                    acronym = is_acronym(value)
                    exact = entry.case == CASE_EXACT or acronym
                    phrase = _split_phrase(index, len(phrases), kind, value, exact, not acronym)
                    if phrase is not None:
                        phrases.append(phrase)
        self._matcher = _WordMatcher(phrases)

    def find(
        self, text: str, start: int = 0, end: int | None = None, present: Container[int] | None = None
    ) -> list[Rendering]:
        """Renderings in ``text[start:end]``, in text order, overlaps across entries resolved.

        The longest match wins, within an entry (avoid "Al-Taji Camp" over a
        target inside it) and across entries ("Hizbollah Brigades" is one
        avoided rendering, not also "Hizbollah"). Two entries sharing one
        phrase (target of one, accept of another) both keep it, unless both
        are in ``present`` (the entries found in the aligned source): one
        English phrase renders one source term, so then only the entry it is
        the best rendering of keeps it (target over accept over avoid, then
        glossary order). "coalition forces", target of قوات التحالف and an
        accept of قوات التحالف الدولي, is not a rendering of both.
        """
        stop = len(text) if end is None else end
        matches, shared = self._matcher.find(text, start, stop)
        found = [
            Rendering(match_start, match_end, phrase.owner, phrase.kind, phrase.text)
            for match_start, match_end, phrase in matches
        ]
        if present is None or not shared:
            return found
        return _one_entry_per_span(found, present)


def _one_entry_per_span(renderings: list[Rendering], present: Container[int]) -> list[Rendering]:
    """Drop the renderings of present entries that another present entry's better rendering shares."""
    kept: list[Rendering] = []
    index = 0
    while index < len(renderings):
        first = renderings[index]
        stop = index + 1
        while stop < len(renderings) and renderings[stop][:2] == first[:2]:
            stop += 1
        group = renderings[index:stop]
        here = [r for r in group if r.entry_index in present]
        if len(here) > 1:
            best = min(here, key=lambda r: (_KIND_RANK[r.kind], r.entry_index))
            kept.extend(r for r in group if r is best or r.entry_index not in present)
        else:
            kept.extend(group)
        index = stop
    return kept


@lru_cache(maxsize=4096)
def _phrase_matcher(phrases: tuple[str, ...], case_exact: bool) -> _WordMatcher:
    split = [_split_phrase(0, order, TARGET, phrase, case_exact, False) for order, phrase in enumerate(phrases)]
    return _WordMatcher([phrase for phrase in split if phrase is not None])


def find_renderings(
    text: str, phrases: Sequence[str], case_exact: bool = False
) -> list[RenderingMatch]:
    """Non-overlapping leftmost-longest matches of any of ``phrases`` in ``text``.

    The same matcher as :class:`RenderingIndex`. Among phrases matching the
    same span the longest phrase (as written) wins; among equally long ones,
    the first. A phrase with no word (only punctuation) never matches.
    """
    matcher = _phrase_matcher(tuple(phrases), case_exact)
    return [RenderingMatch(a, b, phrase.order) for a, b, phrase in matcher.find(text, 0, len(text))[0]]


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
