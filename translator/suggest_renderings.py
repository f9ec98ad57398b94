"""Proposed English renderings for suggested glossary entries: what the engine actually writes.

The sentences the candidates occur in go to the engine in ONE batch, with
attention. In each translation the words that render a candidate are found by
two kinds of evidence, added up per English word:

* **attention**: the share of a word's attention on the candidate's source
  tokens (what :mod:`translator.enforce` uses to find where a term is rendered);
* **co-occurrence over the batch**: the Dice coefficient between "this
  sentence holds the candidate" and "this translation holds the word". A
  rendering recurs wherever its term does and rarely elsewhere, which holds
  even where a small model's attention points at the wrong token.

The best word and the neighbours scoring at least half as much make the
rendering, without English function words at its edges. Renderings are
counted over all occurrences; a candidate rendered more than one way is
flagged ``inconsistent`` and ranked up: that is an entry a glossary must fix.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Sequence

from glossary.english import fold_english
from glossary.suggest import Candidate, CorpusDocument, Proposal
from translator.engine import DecodeRequest, DecodeResult, Engine
from translator.segment import Segment, segment_text

# Occurrences decoded per candidate: enough to see how the model renders it.
MAX_OCCURRENCES_PER_CANDIDATE = 20
# How much a word's attention share counts against its Dice coefficient (both 0..1).
ATTENTION_WEIGHT = 0.5
# Neighbours join the rendering when they score at least this share of the best word.
EXTEND_RATIO = 0.7
# A rendering has at most this many English words per Arabic word, plus one.
WORDS_PER_WORD = 2
# Below this the best word is no evidence at all: no rendering for that occurrence.
MIN_WORD_SCORE = 0.3
# The top rendering must cover this share of the aligned occurrences, else "inconsistent".
CONSISTENT_SHARE = 0.8
# Score factor for an inconsistent candidate.
INCONSISTENT_BOOST = 1.5

_ENGLISH_WORD_RE = re.compile(r"[^\W_][\w'’\-]*")
_ARABIC_LETTER_RE = re.compile("[\u0621-\u064a\u0671-\u06d3]")
# English words that never begin or end a rendering of a name or term.
EDGE_WORDS = frozenset(
    "the a an of to in at on for and or from by with as into near against said that which who "
    "is are was were has have had be been its their his her this these those it over after before about "
    "under between through during since until without within across up out off not no also".split()
)


@dataclass(frozen=True)
class _Site:
    candidate: int
    segment: int  # index into the batch
    term_start: int  # offsets in the segment's text
    term_end: int
    words: int  # Arabic words of the candidate


def propose_renderings(
    documents: Sequence[CorpusDocument],
    candidates: Sequence[Candidate],
    engine: Engine,
    max_occurrences: int = MAX_OCCURRENCES_PER_CANDIDATE,
) -> list[Proposal]:
    """Renderings for every candidate from one batched decode, re-ranked (inconsistent ones up)."""
    sources, sites = _batch(documents, candidates, max_occurrences)
    results = engine.translate([DecodeRequest(source, return_attention=True) for source in sources]) if sources else []
    words = [[(m.start(), m.end(), m.group().casefold()) for m in _ENGLISH_WORD_RE.finditer(r.text)] for r in results]
    segments_with: dict[str, set[int]] = defaultdict(set)
    for segment, segment_words in enumerate(words):
        for _, _, word in segment_words:
            segments_with[word].add(segment)
    sites_of: dict[int, list[_Site]] = defaultdict(list)
    for site in sites:
        sites_of[site.candidate].append(site)
    rendered: list[Proposal] = []
    for index, candidate in enumerate(candidates):
        own = sites_of.get(index, [])
        holding = {site.segment for site in own}
        counts: Counter[str] = Counter()
        spelled: dict[str, Counter[str]] = defaultdict(Counter)
        for site in own:
            text = _rendering_at(site, results[site.segment], words[site.segment], holding, segments_with)
            if text:
                counts[fold_english(text)] += 1
                spelled[fold_english(text)][text] += 1
        renderings = tuple((spelled[key].most_common(1)[0][0], count) for key, count in counts.most_common())
        total = sum(counts.values())
        inconsistent = len(renderings) > 1 and renderings[0][1] < CONSISTENT_SHARE * total
        score = round(candidate.score * (INCONSISTENT_BOOST if inconsistent else 1.0), 3)
        rendered.append(Proposal(candidate, score, renderings, inconsistent))
    rendered.sort(key=lambda r: (-r.score, -r.candidate.count, r.candidate.key))
    return rendered


def _batch(
    documents: Sequence[CorpusDocument], candidates: Sequence[Candidate], max_occurrences: int
) -> tuple[list[str], list[_Site]]:
    """The distinct sentences holding the candidates, and where each occurrence sits in them."""
    segmented: dict[int, tuple[Segment, ...]] = {}
    segment_starts: dict[int, list[int]] = {}
    for index in sorted({o.document for c in candidates for o in c.occurrences}):
        document = documents[index]
        markdown = document.path.lower().endswith((".md", ".markdown"))
        segmented[index] = segment_text(document.text, markdown=markdown).segments
        segment_starts[index] = [s.start for s in segmented[index]]
    batch_index: dict[str, int] = {}
    sources: list[str] = []
    sites: list[_Site] = []
    for candidate_index, candidate in enumerate(candidates):
        for occurrence in candidate.occurrences[:max_occurrences]:
            at = bisect_right(segment_starts[occurrence.document], occurrence.term_start) - 1
            segment = segmented[occurrence.document][at] if at >= 0 else None
            if segment is None or occurrence.end > segment.end:
                continue  # the occurrence straddles a cut of an over-long sentence
            position = batch_index.get(segment.text)
            if position is None:
                position = batch_index[segment.text] = len(sources)
                sources.append(segment.text)
            sites.append(
                _Site(
                    candidate_index,
                    position,
                    occurrence.term_start - segment.start,
                    occurrence.end - segment.start,
                    candidate.words,
                )
            )
    return sources, sites


def _rendering_at(
    site: _Site,
    result: DecodeResult,
    words: list[tuple[int, int, str]],
    holding: set[int],
    segments_with: dict[str, set[int]],
) -> str | None:
    """The span of ``result.text`` that renders the candidate at ``site`` (None if nothing does)."""
    if not words:
        return None
    attention = _attention_per_word(site, result, words)
    scores = []
    for position, (_, _, word) in enumerate(words):
        having = segments_with[word]
        dice = 2 * len(having & holding) / (len(having) + len(holding))
        scores.append(dice + ATTENTION_WEIGHT * attention[position])
    best = max(range(len(words)), key=lambda i: (scores[i], -i))
    if scores[best] < MIN_WORD_SCORE or words[best][2] in EDGE_WORDS:
        return None
    threshold = EXTEND_RATIO * scores[best]
    longest = WORDS_PER_WORD * site.words + 1
    first = last = best
    while True:
        left = first > 0 and scores[first - 1] >= threshold and _adjacent(result.text, words[first - 1], words[first])
        right = (
            last + 1 < len(words)
            and scores[last + 1] >= threshold
            and _adjacent(result.text, words[last], words[last + 1])
        )
        if last - first + 1 >= longest or not (left or right):
            break
        # The stronger neighbour first, so a cap keeps the best words.
        if left and (not right or scores[first - 1] >= scores[last + 1]):
            first -= 1
        else:
            last += 1
    while first < last and words[first][2] in EDGE_WORDS:
        first += 1
    while last > first and words[last][2] in EDGE_WORDS:
        last -= 1
    text = result.text[words[first][0] : words[last][1]]
    if _ARABIC_LETTER_RE.search(text):
        return None  # copied source: no rendering (and no valid glossary target)
    return text


def _adjacent(text: str, left: tuple[int, int, str], right: tuple[int, int, str]) -> bool:
    """Two words of one phrase: only spaces or a hyphen between them, no punctuation."""
    return text[left[1] : right[0]].strip(" -") == ""


def _attention_per_word(site: _Site, result: DecodeResult, words: list[tuple[int, int, str]]) -> list[float]:
    """Per English word, the largest share of one of its tokens' attention on the candidate's source tokens."""
    shares = [0.0] * len(words)
    if not result.attention or not result.source_spans:
        return shares
    term_tokens = [
        i for i, (start, end) in enumerate(result.source_spans) if start < site.term_end and end > site.term_start
    ]
    if not term_tokens:
        return shares
    for row, (token_start, token_end) in zip(result.attention, result.target_spans):
        total = sum(row)
        if total <= 0 or token_end <= token_start:
            continue
        share = sum(row[i] for i in term_tokens if i < len(row)) / total
        for position, (start, end, _) in enumerate(words):
            if start < token_end and end > token_start:
                shares[position] = max(shares[position], share)
    return shares
