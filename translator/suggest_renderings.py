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
from typing import Callable, Iterator, Sequence

from glossary.english import fold_english
from glossary.suggest import Candidate, CorpusDocument, Proposal
from translator.engine import DecodeRequest, DecodeResult, Engine
from translator.segment import Segment, segment_text

# Occurrences decoded per candidate: enough to see how the model renders it.
MAX_OCCURRENCES_PER_CANDIDATE = 20
# How much a word's attention share counts against its Dice coefficient (both 0..1).
ATTENTION_WEIGHT = 0.5
# A phrase of n words scores its evidence times 1 + LENGTH_BONUS * (n - 1): a
# longer phrase wins over its most telling word when nearly as well attested
# ("Qayara base" over "base", which al-Qaim base shares).
LENGTH_BONUS = 0.7
# A rendering has at most one English word more than the candidate has Arabic words, and at most this many.
MAX_RENDERING_WORDS = 6
# A phrase found in only one of the candidate's sentences (or for a candidate
# seen in one sentence) counts only if each
# of its words has this share of its attention, or more, on the candidate's source tokens.
ATTENDED = 0.5
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
    progress: Callable[[int, int], None] | None = None,
    rivals: Sequence[Candidate] = (),
) -> list[Proposal]:
    """Renderings for every candidate from one batched decode, re-ranked (inconsistent ones up).

    ``rivals`` are further candidates, not rendered themselves: where one
    occurs in a decoded sentence, it keeps the phrases it explains better (so
    the result does not depend on where ``--top`` cuts). ``progress(done,
    total)`` is called while the batch decodes, where the engine can report it
    (``ArgosEngine.on_progress``).
    """
    sources, sites = _batch(documents, candidates, max_occurrences, rivals)
    sentences = len(sources)
    # Each candidate on its own, in the same batch: what the model calls it out of context.
    alone_at = _add_alone(sources, candidates)
    results = _decode(engine, sources, progress) if sources else []
    words = [[(m.start(), m.end(), m.group().casefold()) for m in _ENGLISH_WORD_RE.finditer(r.text)] for r in results]
    alone_words = {index: _leading_content(words[at], candidates[index].words) for index, at in alone_at.items()}
    words = words[:sentences] + [[] for _ in range(len(words) - sentences)]
    segments_with: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for segment, segment_words in enumerate(words):
        for phrase in _phrases(results[segment].text, segment_words, MAX_RENDERING_WORDS):
            segments_with[phrase].add(segment)
    sites_of: dict[int, list[_Site]] = defaultdict(list)
    in_segment: dict[int, set[int]] = defaultdict(set)
    for site in sites:
        sites_of[site.candidate].append(site)
        in_segment[site.segment].add(site.candidate)
    holders = {index: {site.segment for site in own} for index, own in sites_of.items()}
    rendered: list[Proposal] = []
    for index, candidate in enumerate(candidates):
        own = sites_of.get(index, [])
        holding = holders.get(index, set())
        counts: Counter[str] = Counter()
        spelled: dict[str, Counter[str]] = defaultdict(Counter)
        for site in own:
            others = [holders[other] for other in in_segment[site.segment] if other != index]
            longest = min(site.words + 1, MAX_RENDERING_WORDS)
            segment_words = words[site.segment]
            text = None
            if len(holding) < 2:  # one sentence: co-occurrence says nothing, the term alone does
                text = _rendering_matching_alone(
                    results[site.segment].text, segment_words, alone_words.get(index, ()), longest
                )
            if text is None:
                text = _rendering_at(site, results[site.segment], segment_words, holding, others, segments_with)
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


def _add_alone(sources: list[str], candidates: Sequence[Candidate]) -> dict[int, int]:
    """Append each candidate's source form to ``sources`` (reusing an equal one); candidate -> position."""
    positions = {text: at for at, text in enumerate(sources)}
    alone_at: dict[int, int] = {}
    for index, candidate in enumerate(candidates):
        at = positions.get(candidate.source)
        if at is None:
            at = positions[candidate.source] = len(sources)
            sources.append(candidate.source)
        alone_at[index] = at
    return alone_at


def _leading_content(words: list[tuple[int, int, str]], arabic_words: int) -> tuple[str, ...]:
    """The first words of a candidate's own translation, up to ``arabic_words + 2`` content words.

    A term translated alone begins with its rendering; a small model may run on
    after it ("The Hezbollah Brigades of the attack"), so only the start counts.
    """
    kept: list[str] = []
    content = 0
    for _, _, word in words:
        if content >= arabic_words + 2:
            break
        kept.append(word)
        if word not in EDGE_WORDS:
            content += 1
    return tuple(kept)


def _rendering_matching_alone(
    text: str, words: list[tuple[int, int, str]], alone: Sequence[str], longest: int
) -> str | None:
    """The longest run of the sentence's English that the candidate's own translation also has.

    Edge words trimmed; a one-word run only where it opens that translation; None when no run with a content word is shared (the
    model renders the term differently in context: the other evidence decides).
    """
    if not alone or not words:
        return None
    best: tuple[int, int] | None = None
    best_score, best_length = float("-inf"), 0
    for first in range(len(words)):
        if words[first][2] in EDGE_WORDS:
            continue
        for start in (i for i, word in enumerate(alone) if word == words[first][2]):
            last = first
            while (
                last + 1 < len(words)
                and start + last + 1 - first < len(alone)
                and last + 1 - first < longest
                and words[last + 1][2] == alone[start + last + 1 - first]
                and _adjacent(text, words[last], words[last + 1])
            ):
                last += 1
            while last > first and words[last][2] in EDGE_WORDS:
                last -= 1
            # The rendering opens the term's own translation; what a small model
            # runs on with ("… claimed the attack") matches by chance: each content
            # word before the shared run costs it one word, and a single word
            # shared with the run-on part is no evidence at all.
            before = sum(1 for word in alone[:start] if word not in EDGE_WORDS)
            if last == first and before:
                continue
            score = last - first + 1 - before
            if score > best_score or (score == best_score and last - first + 1 > best_length):
                best, best_score, best_length = (first, last), score, last - first + 1
    if best is None:
        return None
    found = text[words[best[0]][0] : words[best[1]][1]]
    return None if _ARABIC_LETTER_RE.search(found) else found


def _decode(engine: Engine, sources: list[str], progress: Callable[[int, int], None] | None) -> list[DecodeResult]:
    requests = [DecodeRequest(source, return_attention=True) for source in sources]
    if progress is None or not hasattr(engine, "on_progress"):
        return engine.translate(requests)
    previous = getattr(engine, "on_progress")
    setattr(engine, "on_progress", progress)
    try:
        results = engine.translate(requests)
    finally:
        setattr(engine, "on_progress", previous)
    progress(len(sources), len(sources))
    return results


def _batch(
    documents: Sequence[CorpusDocument],
    candidates: Sequence[Candidate],
    max_occurrences: int,
    rivals: Sequence[Candidate] = (),
) -> tuple[list[str], list[_Site]]:
    """The distinct sentences holding the candidates, and where each occurrence sits in them.

    ``rivals`` (numbered after ``candidates``) get sites only in those sentences.
    """
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
    for candidate_index, candidate in enumerate([*candidates, *rivals]):
        rival = candidate_index >= len(candidates)
        for occurrence in candidate.occurrences[: None if rival else max_occurrences]:
            if occurrence.document not in segmented:
                continue
            at = bisect_right(segment_starts[occurrence.document], occurrence.term_start) - 1
            segment = segmented[occurrence.document][at] if at >= 0 else None
            if segment is None or occurrence.end > segment.end:
                continue  # the occurrence straddles a cut of an over-long sentence
            position = batch_index.get(segment.text)
            if position is None and rival:
                continue
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


def _phrases(text: str, words: list[tuple[int, int, str]], longest: int) -> Iterator[tuple[str, ...]]:
    """Every run of 1..``longest`` adjacent words (casefolded), as tuples."""
    for first in range(len(words)):
        for last in range(first, min(first + longest, len(words))):
            if last > first and not _adjacent(text, words[last - 1], words[last]):
                break
            yield tuple(word for _, _, word in words[first : last + 1])


def _rendering_at(
    site: _Site,
    result: DecodeResult,
    words: list[tuple[int, int, str]],
    holding: set[int],
    rivals: list[set[int]],
    segments_with: dict[tuple[str, ...], set[int]],
) -> str | None:
    """The span of ``result.text`` that renders the candidate at ``site`` (None if nothing does).

    Every phrase of the translation is scored by its evidence; a phrase that
    another candidate of the same sentence explains better (a higher Dice) is
    that candidate's ("US forces stationed" is not Qayyarah base's). A longer
    phrase wins over its parts when nearly as well attested (LENGTH_BONUS).
    """
    if not words:
        return None
    attention = _attention_per_word(site, result, words)

    def dice(having: set[int], holders: set[int]) -> float:
        return 2 * len(having & holders) / (len(having) + len(holders))

    longest = min(site.words + 1, MAX_RENDERING_WORDS)
    best: tuple[float, int, int] | None = None
    for first in range(len(words)):
        if words[first][2] in EDGE_WORDS:
            continue
        for last in range(first, min(len(words), first + longest)):
            if last > first and not _adjacent(result.text, words[last - 1], words[last]):
                break
            if words[last][2] in EDGE_WORDS:
                continue
            having = segments_with[tuple(word for _, _, word in words[first : last + 1])]
            own = dice(having, holding)
            if any(dice(having, other) > own for other in rivals):
                continue
            attended = sum(attention[first : last + 1]) / (last - first + 1)
            if len(having & holding) < 2 and min(attention[first : last + 1]) < ATTENDED:
                # Seen with the candidate once (or the candidate has one sentence: every
                # phrase of it co-occurs perfectly), and attention does not point at all of it.
                continue
            evidence = own + ATTENTION_WEIGHT * attended
            if evidence < MIN_WORD_SCORE:
                continue
            score = evidence * (1 + LENGTH_BONUS * (last - first))
            if best is None or score > best[0]:
                best = (score, first, last)
    if best is None:
        return None
    text = result.text[words[best[1]][0] : words[best[2]][1]]
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
