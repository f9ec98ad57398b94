"""Finding glossary terms in Arabic text: one pass, whatever the glossary size.

Matching runs on normalized text (:mod:`glossary.normalize`) split into words;
every offset handed back is an offset in the ORIGINAL text, so
``text[o.start:o.end] == o.surface`` always holds.

The glossary compiles once into a word-level trie keyed by normalized words.
The text is split into words once; at each word the finder tries the word as
written and the word minus each proclitic combination Arabic allows, then walks
the trie word by word. A 10,000-entry glossary costs about what a 10-entry one
does: the work per word is a few dict lookups, not one scan per entry.

Rules (each is one small piece of data or one function below):

* A match starts and ends on word boundaries; leftmost-longest wins and
  occurrences never overlap (كتائب حزب الله, not حزب الله inside it).
* Typography inside a name is transparent: quotes, guillemets, brackets,
  ``#`` and ``_`` between its words (كتائب "حزب الله", كتائب #حزب_الله).
  Clause punctuation (، . : ؛ ؟ ! and a spaced dash) and line breaks are not.
* Attached proclitics belong to the surface, not the term (وللحشد الشعبي).
* Pronoun suffixes are accepted only for ``inflect: true`` entries.
* An occurrence of an entry inside one of that entry's ``exclude`` phrases is
  dropped (قوات التحالف inside قوات التحالف العربي).
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from itertools import compress
from typing import Any, NamedTuple

from glossary.model import Entry, Glossary
from glossary.normalize import DELETED, WHITESPACE, NormalizedText, normalize_arabic, normalize_with_map

# A word is a run of letters and digits in normalized text. The underscore is
# not a word character: in hashtags (#الحشد_الشعبي) it stands for a space.
WORD_RE = re.compile(r"[^\W_]+")

# Conjunctions (و "and", ف "so") come first, then one preposition (ب "by/in",
# ل "for/to", ك "like"); each may also stand alone. These are all the
# combinations Arabic writes attached to a noun.
PROCLITICS: tuple[str, ...] = (
    "\u0648\u0628",  # وب
    "\u0648\u0644",  # ول
    "\u0648\u0643",  # وك
    "\u0641\u0628",  # فب
    "\u0641\u0644",  # فل
    "\u0641\u0643",  # فك
    "\u0648",  # و
    "\u0641",  # ف
    "\u0628",  # ب
    "\u0644",  # ل
    "\u0643",  # ك
)
PROCLITIC_SET = frozenset(PROCLITICS)
PROCLITIC_FIRST_LETTERS = frozenset(p[0] for p in PROCLITICS)

# ل before the article ال drops the article's alef: ل + التحالف is written
# للتحالف. These are the proclitics that end in that ل.
LAM = "\u0644"
ARTICLE = "\u0627\u0644"  # ال
LAM_PROCLITICS: tuple[str, ...] = ("\u0644", "\u0648\u0644", "\u0641\u0644")

# Attached possessive/object pronouns (his, her, their (m./dual/f.), your (pl./dual),
# our, my); accepted only on entries marked ``inflect: true``.
PRONOUN_SUFFIXES: tuple[str, ...] = (
    "\u0647",  # ه
    "\u0647\u0627",  # ها
    "\u0647\u0645",  # هم
    "\u0647\u0645\u0627",  # هما
    "\u0647\u0646",  # هن
    "\u0643\u0645",  # كم
    "\u0643\u0645\u0627",  # كما
    "\u0646\u0627",  # نا
    "\u064a",  # ي
)
# Before a suffix, ta marbuta is written as an open ta (حكومة → حكومته) and
# alef maqsura as alef (مستشفى → مستشفاه).
TA_MARBUTA = "\u0629"
ALEF_MAQSURA = "\u0649"
STEM_BEFORE_SUFFIX = {TA_MARBUTA: "\u062a", ALEF_MAQSURA: "\u0627"}

# What may sit between a proclitic written apart and its term: quotes,
# brackets and a hashtag sign (و«كتائب حزب الله», لـ"الحشد الشعبي", و#الحشد).
# Tatweel and bidi marks need no entry here: normalization deletes them.
CLITIC_GAP_RE = re.compile("[\"'«»“”‹›„‟‘’‚(\\[{<#]+")

# Typography a newsroom writes inside a name, transparent between the words
# of a term: quotes and guillemets around part of it (كتائب "حزب الله",
# كتائب «حزب الله»), brackets and braces, a hashtag sign and the underscore
# that stands for a space in hashtags (كتائب #حزب_الله). Tatweel, bidi marks
# and ZWJ/ZWNJ need no entry: normalization deletes them.
TERM_TYPOGRAPHY = "\"'“”‘’„‟‚«»‹›()[]{}#_"
# Hyphens and dashes: written tight between two words they join them
# (كوفيد-19); with a space on either side they are a clause break.
TERM_DASHES = "-‐‑‒–—―−"

# What may separate the words of one term: spaces (any whitespace run is one
# space after normalization) and typography, or one tight dash with
# typography only. Clause punctuation (، , . : ؛ ; ؟ ? !) is in neither and
# ends a term; a line break does too (checked on the original text, where
# normalization has not yet made it a space).
_TYPOGRAPHY_RUN = f"[{re.escape(TERM_TYPOGRAPHY)}]*"
TERM_GAP_RE = re.compile(
    f"[ {re.escape(TERM_TYPOGRAPHY)}]*|{_TYPOGRAPHY_RUN}[{re.escape(TERM_DASHES)}]{_TYPOGRAPHY_RUN}"
)

# Line and paragraph breaks: normalization makes them spaces, but a term never
# runs across one (a heading and the paragraph under it are two phrases).
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
LINE_BREAK_RE = re.compile(f"[{LINE_BREAKS}]")
# A whitespace run (with deleted marks inside) that holds a line break: it
# normalizes to one space, at the normalized offset of its first whitespace.
_BREAKING_RUN_RE = re.compile(f"[{re.escape(WHITESPACE + DELETED)}]*[{LINE_BREAKS}]")
_WHITESPACE_RE = re.compile(f"[{re.escape(WHITESPACE)}]")

# The text of a word match (Match.group as a function, for map()).
_MATCHED_TEXT = re.Match.group

# Trie node: dict from normalized word to child node; the key "" (never a
# word) holds the payloads of the forms that end at this node.
_PAYLOADS = ""
_TERM = 0
_EXCLUDE = 1


@dataclass(frozen=True)
class TermOccurrence:
    """One glossary term found in a text, with offsets in the original text.

    ``surface`` is ``text[start:end]`` and includes attached proclitics (و ف ب
    ل ك, لل) and any quote or hashtag between them and the term; ``term_start``
    is where the term's own letters begin. ``form`` is the glossary source form
    that matched, as written in the glossary.
    """

    entry_index: int
    entry: Entry
    start: int
    end: int
    surface: str
    term_start: int
    form: str


class _Payload(NamedTuple):
    entry_index: int
    form_index: int
    kind: int  # _TERM or _EXCLUDE


class _Candidate(NamedTuple):
    surface_start: int  # normalized offsets
    term_start: int
    term_end: int
    entry_index: int
    form_index: int


def form_words(form: str) -> list[str]:
    """The normalized words of a glossary form, as the trie stores them."""
    return WORD_RE.findall(normalize_arabic(form))


def suffixed_last_words(form: str, last_word: str) -> list[str]:
    """``last_word`` with each pronoun suffix, written as Arabic spells it."""
    stripped = form.rstrip()
    stem = last_word
    if stripped and stripped[-1] in STEM_BEFORE_SUFFIX:
        stem = last_word[:-1] + STEM_BEFORE_SUFFIX[stripped[-1]]
    return [stem + suffix for suffix in PRONOUN_SUFFIXES]


def first_word_readings(word: str) -> list[tuple[str, int]]:
    """The ways ``word`` may begin a term: ``(term word, proclitic length)``.

    The word as written comes first, then the word minus each proclitic, then
    the ل + ال contraction (للتحالف → ل + التحالف). A bare ال is never added
    to a word that has none.
    """
    readings = [(word, 0)]
    if word[:1] not in PROCLITIC_FIRST_LETTERS:
        return readings
    for clitic in PROCLITICS:
        if len(word) > len(clitic) and word.startswith(clitic):
            readings.append((word[len(clitic) :], len(clitic)))
    for clitic in LAM_PROCLITICS:
        size = len(clitic)
        if len(word) > size + 1 and word.startswith(clitic) and word[size] == LAM:
            readings.append((ARTICLE + word[size + 1 :], size))
    return readings


class TermMatcher:
    """A glossary compiled for matching; build with :func:`compile_matcher`."""

    def __init__(self, glossary: Glossary) -> None:
        # Entries, not the glossary: the matcher cache must not keep its key alive.
        self.entries = glossary.entries
        self.root: dict[str, Any] = {}
        self.has_excludes = False
        for entry_index, entry in enumerate(glossary.entries):
            for form_index, form in enumerate(entry.sources):
                self._insert(form, _Payload(entry_index, form_index, _TERM), entry.inflect)
            for form_index, form in enumerate(entry.exclude):
                self.has_excludes = True
                self._insert(form, _Payload(entry_index, form_index, _EXCLUDE), entry.inflect)
        # Every written word that may begin a term: the trie's first words, each
        # with every proclitic and the ل + ال contraction (first_word_readings
        # inverted), and a proclitic written apart (و«كتائب حزب الله»). Most
        # words in a text begin no term; one set lookup (set comprehensions,
        # so building it is cheap too) skips them before any proclitic is tried.
        first = self.root.keys()
        articled = [key[len(ARTICLE) :] for key in first if len(key) > len(ARTICLE) and key.startswith(ARTICLE)]
        self.starters: frozenset[str] = frozenset(first).union(
            PROCLITIC_SET,
            *({clitic + key for key in first} for clitic in PROCLITICS),
            *({clitic + LAM + rest for rest in articled} for clitic in LAM_PROCLITICS),
        )

    def _insert(self, form: str, payload: _Payload, inflect: bool) -> None:
        words = form_words(form)
        if not words:
            return
        node = self.root
        for word in words[:-1]:
            node = node.setdefault(word, {})
        last_words = [words[-1]]
        if inflect:
            last_words += suffixed_last_words(form, words[-1])
        for last in last_words:
            leaf = node.setdefault(last, {})
            leaf.setdefault(_PAYLOADS, []).append(payload)

    def find(self, text: str) -> list[TermOccurrence]:
        """Every term occurrence in ``text``: sorted, non-overlapping, leftmost-longest."""
        return self.find_normalized(normalize_with_map(text))

    def find_normalized(self, normalized: NormalizedText) -> list[TermOccurrence]:
        """:meth:`find` on ``normalize_with_map(text)``, for callers that need the normalized text too."""
        text = normalized.original
        norm = normalized.text
        # C-level scans and maps only: a 10 MB corpus has a million words, and
        # a Python loop over them costs more than all the matching.
        word_matches = list(WORD_RE.finditer(norm))
        words = list(map(_MATCHED_TEXT, word_matches))
        candidates = self._candidates(norm, word_matches, words, _line_break_spaces(normalized))
        if not candidates:
            return []
        if self.has_excludes:
            candidates = self._drop_excluded(candidates)
        chosen = _leftmost_longest(c for c in candidates if c.form_index >= 0)
        entries = self.entries
        span_to_original = normalized.span_to_original
        to_original = normalized.to_original
        occurrences: list[TermOccurrence] = []
        # Positional arguments, in field order (entry_index, entry, start, end,
        # surface, term_start, form): a term-dense text makes tens of thousands.
        for surface_start, term_start, term_end, entry_index, form_index in chosen:
            start, end = span_to_original(surface_start, term_end)
            original_term_start = min(max(to_original(term_start), start), end)
            entry = entries[entry_index]
            occurrences.append(
                TermOccurrence(
                    entry_index, entry, start, end, text[start:end], original_term_start, entry.sources[form_index]
                )
            )
        return occurrences

    def _candidates(
        self, norm: str, word_matches: list[re.Match[str]], words: list[str], breaks: frozenset[int]
    ) -> list[_Candidate]:
        """Every form occurrence at every word; exclude phrases get form_index < 0."""
        root = self.root
        found: list[_Candidate] = []
        count = len(words)
        for index in compress(range(count), map(self.starters.__contains__, words)):
            word = words[index]
            word_start = word_matches[index].start()
            if word[:1] in PROCLITIC_FIRST_LETTERS:
                readings = first_word_readings(word)
            else:
                readings = [(word, 0)]
            for reading, clitic_length in readings:
                node = root.get(reading)
                if node is not None:
                    self._walk(
                        norm, word_matches, words, index, node, word_start, word_start + clitic_length, found, breaks
                    )
            # A proclitic written apart from its term by quotes or a hashtag sign.
            if word in PROCLITIC_SET and index + 1 < count:
                gap = norm[word_matches[index].end() : word_matches[index + 1].start()]
                if CLITIC_GAP_RE.fullmatch(gap):
                    node = root.get(words[index + 1])
                    if node is not None:
                        self._walk(
                            norm,
                            word_matches,
                            words,
                            index + 1,
                            node,
                            word_start,
                            word_matches[index + 1].start(),
                            found,
                            breaks,
                        )
        return found

    @staticmethod
    def _walk(
        norm: str,
        word_matches: list[re.Match[str]],
        words: list[str],
        index: int,
        node: dict[str, Any],
        surface_start: int,
        term_start: int,
        found: list[_Candidate],
        breaks: frozenset[int],
    ) -> None:
        """Follow the trie from the word at ``index`` as far as the text allows.

        ``breaks`` holds the normalized offsets of the spaces that were line breaks.
        """
        count = len(words)
        while True:
            payloads = node.get(_PAYLOADS)
            if payloads:
                term_end = word_matches[index].end()
                for payload in payloads:
                    form_index = payload.form_index if payload.kind == _TERM else -1 - payload.form_index
                    found.append(_Candidate(surface_start, term_start, term_end, payload.entry_index, form_index))
            index += 1
            if index >= count:
                return
            next_node = node.get(words[index])
            if next_node is None:
                return
            gap_start = word_matches[index - 1].end()
            gap_end = word_matches[index].start()
            if not TERM_GAP_RE.fullmatch(norm, gap_start, gap_end):
                return
            # Most gaps are one space: one set lookup, no range.
            if breaks and (
                gap_start in breaks or (gap_end - gap_start > 1 and not breaks.isdisjoint(range(gap_start, gap_end)))
            ):
                return
            node = next_node

    @staticmethod
    def _drop_excluded(candidates: list[_Candidate]) -> list[_Candidate]:
        """Drop each occurrence that lies inside one of its own entry's exclude phrases."""
        excluded: dict[int, list[tuple[int, int]]] = {}
        for candidate in candidates:
            if candidate.form_index < 0:
                excluded.setdefault(candidate.entry_index, []).append((candidate.term_start, candidate.term_end))
        if not excluded:
            return candidates
        kept: list[_Candidate] = []
        for candidate in candidates:
            if candidate.form_index >= 0:
                blockers = excluded.get(candidate.entry_index, ())
                if any(lo <= candidate.term_start and candidate.term_end <= hi for lo, hi in blockers):
                    continue
            kept.append(candidate)
        return kept


def _line_break_spaces(normalized: NormalizedText) -> frozenset[int]:
    """Normalized offsets of the spaces that stand for a line break in the original.

    Computed once per text, one offset lookup per line: most texts handed to
    the finder (a segment, a paragraph) have no line break and cost one scan.
    """
    original = normalized.original
    if not LINE_BREAK_RE.search(original):
        return frozenset()
    from_original = normalized.from_original
    offsets = []
    for run in _BREAKING_RUN_RE.finditer(original):
        first_space = _WHITESPACE_RE.search(original, run.start())
        assert first_space is not None  # the run ends with a line break
        offsets.append(from_original(first_space.start()))
    return frozenset(offsets)


def _leftmost_longest(candidates: Any) -> list[_Candidate]:
    """Non-overlapping choice: earliest start, then longest, then least proclitic, then file order."""
    ordered = sorted(
        candidates, key=lambda c: (c.surface_start, -c.term_end, c.term_start, c.entry_index, c.form_index)
    )
    chosen: list[_Candidate] = []
    covered_until = -1
    for candidate in ordered:
        if candidate.surface_start >= covered_until:
            chosen.append(candidate)
            covered_until = candidate.term_end
    return chosen


# One compiled matcher per live Glossary object. Keyed by identity, not by
# value: hashing a 10,000-entry glossary on every call would cost more than
# the lookup saves. The weakref finalizer drops the matcher with its glossary.
_MATCHERS: dict[int, tuple[weakref.ref[Glossary], TermMatcher]] = {}


def compile_matcher(glossary: Glossary) -> TermMatcher:
    """The compiled matcher for ``glossary``, built once per glossary object."""
    key = id(glossary)
    cached = _MATCHERS.get(key)
    if cached is not None and cached[0]() is glossary:
        return cached[1]
    matcher = TermMatcher(glossary)
    _MATCHERS[key] = (weakref.ref(glossary), matcher)
    weakref.finalize(glossary, _MATCHERS.pop, key, None)
    return matcher


def find_terms(text: str, glossary: Glossary) -> list[TermOccurrence]:
    """Every glossary term in ``text``, sorted by start, non-overlapping, longest first.

    Offsets are character offsets into ``text``; ``text[o.start:o.end] == o.surface``.
    """
    return compile_matcher(glossary).find(text)
