"""Glossary enforcement: every term occurrence ends verified canonical, or reported.

Placeholders only work on models trained with them, and CTranslate2 has no
lexically constrained beam search, so enforcement is *prefix-forced repair*:

1. find the glossary's occurrences in each segment (:func:`glossary.finder.find_terms`);
2. decode every segment once, in one batch, with the entries' ``avoid``
   renderings banned and attention on;
3. verify: each entry found k times needs k renderings of its canonical
   ``target`` in the output (and an ``avoid`` rendering cancels one);
4. repair the first unverified occurrence of each segment: cut the output where
   it starts rendering the term (attention), append the canonical rendering and
   re-decode with that as ``target_prefix``, so the model continues after the
   forced term; one batched decode per round for all segments needing one;
5. post-edit what is still unverified (replace an avoid rendering or the
   model's own rendering, fixing the article and capitalization at the seam);
6. report the rest as ``unenforced``. Never silent.

A change is kept only if re-verifying every occurrence of the segment shows it
fixed something and broke nothing, and a method is recorded only when
verification passes afterwards: a wrong rendering is never reported enforced.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Collection, Iterable, Sequence

from glossary.english import find_renderings, fold_english
from glossary.errors import EngineError
from glossary.finder import TermOccurrence, find_terms
from glossary.model import CASE_EXACT, Entry, Glossary
from translator.engine import DecodeRequest, DecodeResult, Engine, Span

NATIVE = "native"
PREFIX = "prefix"
POST_EDIT = "post-edit"
UNENFORCED = "unenforced"
METHODS: tuple[str, ...] = (NATIVE, PREFIX, POST_EDIT, UNENFORCED)

# Words a model writes for an attached proclitic (و and, ف so, ب by/in/with,
# ل to/for, ك like, لل for the) or for the Arabic article: they stay before the
# forced term, so the clitic's meaning is left to the model.
LEAD_IN_WORDS = frozenset(
    "and so then by in with at to for of like as from on the a an".split()
)
ARTICLES_RE = re.compile(r"(?<![\w'’-])(a|an|the)(\s+)$", re.IGNORECASE)
LEADING_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)
# A sentence ends at . ! ? … (not at the dots of an initialism like U.S.);
# quotes and brackets may sit between it and the next sentence.
SENTENCE_END_RE = re.compile(r"(?:^|[.!?…])[\"'”’»)\]]*[\s\"'“‘«(\[]*$")
INITIALISM_END_RE = re.compile(r"(?:^|\s)(?:[A-Za-z]\.){2,}[\s\"'“‘«(\[]*$")
# Letters whose English name starts with a vowel sound: "an IS fighter", "an MP".
VOWEL_SOUND_LETTER_NAMES = frozenset("AEFHILMNORSX")
# Words starting with u/eu/o pronounced with a consonant ("a unit", "a US base", "a one-day").
CONSONANT_SOUND_RE = re.compile(r"^(?:u(?:ni|s[aeiu]|r[aeiou]|ti|k|b[iea])|eu|one|once)", re.IGNORECASE)
SILENT_H_RE = re.compile(r"^(?:hour|honou?r|heir|honest)", re.IGNORECASE)
OPENERS = "\"'“‘«([{"
TRAILING_PUNCTUATION = " .!?…\"'”’»)]"
# A prefix repair must keep this share of the words of the output it replaces.
MIN_KEPT_WORDS_RATIO = 0.7
# How alike (difflib ratio, casefolded) a stretch of output must be to a known
# rendering to count as a misspelt one ("Qayarah base", "internation coalition"),
# and how alike an attention-located span must be before a post-edit replaces it
# (attention of small models can point at "No" for "Kataib Hezbollah").
FUZZY_RENDERING_RATIO = 0.75
ATTENTION_SPAN_RATIO = 0.5
# A single leading word shorter than this ("al", "IS") is too common to mark a rendering.
MIN_STEM_LETTERS = 4


@dataclass(frozen=True)
class OccurrenceOutcome:
    """How one term occurrence ended: ``native``, ``prefix``, ``post-edit`` or ``unenforced``."""

    occurrence: TermOccurrence
    method: str


@dataclass(frozen=True)
class SegmentTranslation:
    """One source segment's final translation, with one outcome per term occurrence."""

    source: str
    text: str
    outcomes: tuple[OccurrenceOutcome, ...] = ()
    # Engine decodes this segment took (1 plain; more when repairs re-decoded it).
    decodes: int = 1
    # (target start, target end, source start, source end) per target token, from
    # the attention of the decode that produced ``text``; only when asked for (the
    # document formats place inline tags with it), else empty.
    alignment: tuple[tuple[int, int, int, int], ...] = ()


@dataclass(frozen=True)
class EnforcementSummary:
    """Occurrence counts per outcome over a set of translations."""

    found: int
    native: int
    prefix: int
    post_edit: int
    unenforced: int


def summarize(translations: Iterable[SegmentTranslation]) -> EnforcementSummary:
    """Count every occurrence of every segment by its outcome."""
    counts = dict.fromkeys(METHODS, 0)
    for translation in translations:
        for outcome in translation.outcomes:
            counts[outcome.method] += 1
    return EnforcementSummary(
        found=sum(counts.values()),
        native=counts[NATIVE],
        prefix=counts[PREFIX],
        post_edit=counts[POST_EDIT],
        unenforced=counts[UNENFORCED],
    )


def translate_segments(
    sources: Sequence[str], engine: Engine, glossary: Glossary | None, align: Collection[int] = ()
) -> list[SegmentTranslation]:
    """Translate ``sources`` (one result each, in order), enforcing ``glossary``.

    Without a glossary, or when no segment contains a term, this is one plain
    batched decode. Otherwise segments with terms take at most one re-decode per
    occurrence, batched across segments. The segments whose positions are in
    ``align`` come back with their word ``alignment``.
    """
    sources = list(sources)
    align = frozenset(align)
    occurrences_per_segment = [
        find_terms(source, glossary) if glossary is not None and glossary.entries else []
        for source in sources
    ]
    if glossary is None or not any(occurrences_per_segment):
        return _translate_plain(sources, engine, align)
    index = _RenderingIndex(glossary)
    segments = [
        _Segment(position, source, occurrences, index)
        for position, (source, occurrences) in enumerate(zip(sources, occurrences_per_segment))
    ]
    # One banned set for the whole batch: CTranslate2 takes one suppress list per
    # call, so per-segment sets would split the batch into one call per set.
    # Banning an avoid rendering where its term is absent costs nothing real:
    # it is a wrong rendering of that term wherever it appears.
    banned = _banned_phrases([o for occurrences in occurrences_per_segment for o in occurrences])
    for segment in segments:
        segment.banned = banned if segment.occurrences else ()
    to_decode = [segment for segment in segments if segment.source.strip()]
    first = _decode(
        engine,
        [
            DecodeRequest(
                segment.source,
                banned=segment.banned,
                return_attention=bool(segment.occurrences) or segment.position in align,
            )
            for segment in to_decode
        ],
    )
    for segment, result in zip(to_decode, first):
        segment.start(result)
    # Each round repairs one not-yet-attempted occurrence per segment, so a
    # segment takes at most len(occurrences) rounds: nothing can stall a file.
    while True:
        planned = [(segment, segment.plan_repair()) for segment in segments]
        repairs = [(segment, plan) for segment, plan in planned if plan is not None]
        if not repairs:
            break
        results = _decode(
            engine,
            [
                DecodeRequest(
                    segment.source, target_prefix=prefix, banned=segment.banned, return_attention=True
                )
                for segment, (_, prefix) in repairs
            ],
        )
        for (segment, (target, prefix)), result in zip(repairs, results):
            segment.decodes += 1
            result = _clean_continuation(result, prefix, segment.occurrences[target].entry.avoid)
            if _keeps_content(result.text, segment.text):
                segment.consider(result.text, result, PREFIX, target)
    for segment in segments:
        segment.post_edit()
    return [segment.finish(segment.position in align) for segment in segments]


def _translate_plain(sources: list[str], engine: Engine, align: frozenset[int]) -> list[SegmentTranslation]:
    wanted = [i for i, source in enumerate(sources) if source.strip()]
    results = _decode(engine, [DecodeRequest(sources[i], return_attention=i in align) for i in wanted])
    by_position = dict(zip(wanted, results))
    return [
        SegmentTranslation(
            source,
            by_position[i].text if i in by_position else "",
            (),
            1 if i in by_position else 0,
            word_alignment(by_position[i]) if i in by_position and i in align else (),
        )
        for i, source in enumerate(sources)
    ]


def word_alignment(result: DecodeResult) -> tuple[tuple[int, int, int, int], ...]:
    """Each target token of ``result`` with the source token it attends to most."""
    if not result.attention:
        return ()
    aligned = []
    for row, (t_start, t_end) in zip(result.attention, result.target_spans):
        width = min(len(row), len(result.source_spans))
        if width:
            best = max(range(width), key=row.__getitem__)
            aligned.append((t_start, t_end, *result.source_spans[best]))
    return tuple(aligned)


def _decode(engine: Engine, requests: list[DecodeRequest]) -> list[DecodeResult]:
    if not requests:
        return []
    results = engine.translate(requests)
    if len(results) != len(requests):
        raise EngineError(f"the engine returned {len(results)} translations for {len(requests)} segments")
    return results


@dataclass
class _Tally:
    """Where each entry's canonical and avoid renderings are in one output."""

    canonical: dict[int, list[Span]]
    avoid: dict[int, list[Span]]


class _RenderingIndex:
    """Every target and avoid phrase of the glossary, matched in ONE pass.

    Matching them jointly (leftmost-longest) means a target inside a longer
    rendering is not counted: "Hezbollah" inside "Kataib Hezbollah", "coalition
    forces" inside "international coalition forces".
    """

    def __init__(self, glossary: Glossary) -> None:
        self.entries = glossary.entries
        phrases: list[str] = []
        owners: list[list[tuple[int, bool]]] = []
        by_key: dict[str, int] = {}
        for entry_index, entry in enumerate(glossary.entries):
            for phrase, is_avoid in [(entry.target, False), *((a, True) for a in entry.avoid)]:
                key = fold_english(phrase)
                if not key:
                    continue
                if key not in by_key:
                    by_key[key] = len(phrases)
                    phrases.append(phrase)
                    owners.append([])
                owners[by_key[key]].append((entry_index, is_avoid))
        self.phrases = tuple(phrases)
        self.owners = owners

    def tally(self, text: str) -> _Tally:
        canonical: dict[int, list[Span]] = {}
        avoid: dict[int, list[Span]] = {}
        for match in find_renderings(text, self.phrases):
            for entry_index, is_avoid in self.owners[match.phrase_index]:
                span = (match.start, match.end)
                if is_avoid:
                    avoid.setdefault(entry_index, []).append(span)
                elif self._case_ok(text, span, entry_index):
                    canonical.setdefault(entry_index, []).append(span)
        return _Tally(canonical, avoid)

    def _case_ok(self, text: str, span: Span, entry_index: int) -> bool:
        entry = self.entries[entry_index]
        if entry.case != CASE_EXACT:
            return True
        found = text[span[0] : span[1]]
        if find_renderings(found, (entry.target,), case_exact=True):
            return True
        # A sentence-initial capital does not break "case: exact" (al-Qaim → Al-Qaim).
        target = LEADING_THE_RE.sub("", entry.target)
        return _is_sentence_start(text[: span[0]]) and bool(
            find_renderings(found, (target[:1].upper() + target[1:],), case_exact=True)
        )


class _Segment:
    """The repair state of one segment; the output only ever gets better."""

    def __init__(
        self, position: int, source: str, occurrences: list[TermOccurrence], index: _RenderingIndex
    ) -> None:
        self.position = position
        self.source = source
        self.occurrences = occurrences
        self.index = index
        self.by_entry: dict[int, list[int]] = {}
        for i, occurrence in enumerate(occurrences):
            self.by_entry.setdefault(occurrence.entry_index, []).append(i)
        self.banned: tuple[str, ...] = ()  # set by translate_segments, for the whole batch
        self.text = ""
        # Attention etc. for ``text``; None once a post-edit made them stale.
        self.result: DecodeResult | None = None
        self.methods: list[str | None] = [None] * len(occurrences)
        self.attempted: set[int] = set()
        self.decodes = 0

    # -- verification -------------------------------------------------------

    def verified_counts(self, tally: _Tally) -> dict[int, int]:
        """Per entry, how many of its occurrences the output renders canonically."""
        counts = {}
        for entry_index, members in self.by_entry.items():
            wanted = len(members)
            canonical = len(tally.canonical.get(entry_index, ()))
            # An avoid rendering is some occurrence rendered wrongly.
            wrong = len(tally.avoid.get(entry_index, ()))
            counts[entry_index] = min(canonical, max(0, wanted - wrong))
        return counts

    def start(self, result: DecodeResult) -> None:
        self.decodes = 1
        self.text, self.result = result.text, result
        tally = self.index.tally(self.text)
        counts = self.verified_counts(tally)
        for entry_index, members in self.by_entry.items():
            count = counts[entry_index]
            if count >= len(members):
                chosen = members
            else:
                chosen = self._closest_to(members, tally.canonical.get(entry_index, []), count)
            for member in chosen:
                self.methods[member] = NATIVE

    def _closest_to(self, members: list[int], spans: list[Span], count: int) -> list[int]:
        """Which ``count`` occurrences the canonical renderings belong to, by attention."""
        anchors = {member: self._attention_anchor(member) for member in members}
        chosen: list[int] = []
        for span in spans[:count]:
            free = [m for m in members if m not in chosen]
            chosen.append(min(free, key=lambda m: (_distance(anchors[m], span[0]), m)))
        return chosen

    def consider(self, text: str, result: DecodeResult | None, method: str, target: int) -> bool:
        """Keep ``text`` if it verifies more occurrences and breaks none."""
        before = {e: sum(1 for m in members if self.methods[m]) for e, members in self.by_entry.items()}
        counts = self.verified_counts(self.index.tally(text))
        if any(counts[e] < before[e] for e in before) or sum(counts.values()) <= sum(before.values()):
            return False
        self.text, self.result = text, result
        for entry_index, members in self.by_entry.items():
            gained = counts[entry_index] - before[entry_index]
            order = sorted(members, key=lambda m: (m != target, m))
            for member in order:
                if gained <= 0:
                    break
                if self.methods[member] is None:
                    self.methods[member] = method
                    gained -= 1
        return True

    # -- prefix repair ------------------------------------------------------

    def plan_repair(self) -> tuple[int, str] | None:
        """The next occurrence to force and the target prefix that forces it."""
        if self.result is None:
            return None
        for member, method in enumerate(self.methods):
            if method is not None or member in self.attempted:
                continue
            self.attempted.add(member)
            cut = self._cut_point(member)
            if cut is None:
                continue
            return member, _join_at_seam(self.text[:cut], self.occurrences[member].entry.target)
        return None

    def _cut_point(self, member: int) -> int | None:
        """Where the output starts rendering the occurrence (after any lead-in word)."""
        # A visible avoid/accepted rendering is exact evidence; attention is only
        # a guess (small models' attention argmax often points elsewhere).
        anchor = self._rendering_anchor(member)
        if anchor is None:
            fuzzy = self._fuzzy_rendering_spans(member)
            anchor = fuzzy[0][0] if fuzzy else None
        if anchor is None:
            anchor = self._partial_rendering_anchor(member)
        if anchor is None:
            anchor = self._attention_anchor(member)
        if anchor is None:
            anchor = self._insertion_anchor(member)
            if anchor is not None and anchor >= len(self.text):
                # Nothing after the dropped term was rendered: insert before the final stop.
                return len(self.text.rstrip(TRAILING_PUNCTUATION))
        if anchor is None:
            return None
        return _skip_lead_in(self.text, _word_start(self.text, anchor))

    def _canonical_spans(self) -> list[Span]:
        """Canonical renderings of this segment's entries: no repair may touch them."""
        canonical = self.index.tally(self.text).canonical
        return [span for entry_index in self.by_entry for span in canonical.get(entry_index, [])]

    def _term_source_tokens(self, member: int) -> set[int]:
        occurrence = self.occurrences[member]
        assert self.result is not None
        return {
            i
            for i, (start, end) in enumerate(self.result.source_spans)
            if start < occurrence.end and end > occurrence.term_start
        }

    def _aligned_tokens(self) -> list[tuple[int, Span]]:
        """(argmax source token, target span) per target token, where attention exists."""
        result = self.result
        if result is None or not result.attention:
            return []
        aligned = []
        for row, span in zip(result.attention, result.target_spans):
            if row:
                aligned.append((max(range(len(row)), key=row.__getitem__), span))
        return aligned

    def _attention_anchor(self, member: int) -> int | None:
        if self.result is None:
            return None
        tokens = self._term_source_tokens(member)
        for source_token, span in self._aligned_tokens():
            if source_token in tokens:
                return span[0]
        return None

    def _rendering_anchor(self, member: int) -> int | None:
        spans = self._wrong_rendering_spans(member)
        return spans[0][0] if spans else None

    def _renderings(self, member: int) -> list[str]:
        entry = self.occurrences[member].entry
        return [LEADING_THE_RE.sub("", r).casefold() for r in (entry.target, *entry.avoid, *_outside_accepts(entry))]

    def _similarity(self, member: int, text: str) -> float:
        folded = text.casefold()
        return max(SequenceMatcher(None, folded, r).ratio() for r in self._renderings(member))

    def _fuzzy_rendering_spans(self, member: int) -> list[Span]:
        """The stretch of output most like a known rendering, if it is alike enough."""
        words = [(m.start(), m.end()) for m in re.finditer(r"[\w'’-]+", self.text)]
        lengths = {len(r.split()) for r in self._renderings(member)}
        sizes = sorted({n for length in lengths for n in (length - 1, length, length + 1) if n >= 1})
        taken = self._canonical_spans()
        best: tuple[float, Span] | None = None
        for size in sizes:
            for i in range(len(words) - size + 1):
                span = (words[i][0], words[i + size - 1][1])
                if any(_overlaps(span, other) for other in taken):
                    continue
                score = self._similarity(member, self.text[span[0] : span[1]])
                if score >= FUZZY_RENDERING_RATIO and (best is None or score > best[0]):
                    best = (score, span)
        return [best[1]] if best is not None else []

    def _partial_rendering_anchor(self, member: int) -> int | None:
        """Where the output starts a word sequence that begins a known rendering.

        Banning an avoid rendering often leaves its stem ("Qayara y.", "Popular
        Mobilisationation"): the longest run of leading words of the target, an
        avoid or an accepted rendering marks where the model renders the term.
        """
        entry = self.occurrences[member].entry
        taken = self._canonical_spans()
        # A lone word that is also a later word of the target ("Hezbollah" of
        # "Kataib Hezbollah") may sit inside the rendering, not at its start.
        inner_words = {w.casefold() for w in LEADING_THE_RE.sub("", entry.target).split()[1:]}
        best: tuple[int, int] | None = None  # (-words matched, start)
        for phrase in (entry.target, *entry.avoid, *entry.accept):
            words = LEADING_THE_RE.sub("", phrase).split()
            for k in range(len(words), 0, -1):
                if k == 1 and (
                    len(re.sub(r"\W", "", words[0])) < MIN_STEM_LETTERS or words[0].casefold() in inner_words
                ):
                    break
                pattern = r"(?<![\w])" + r"\s+".join(re.escape(w) for w in words[:k])
                hits = [
                    m.start()
                    for m in re.finditer(pattern, self.text, re.IGNORECASE)
                    if not any(_overlaps((m.start(), m.end()), span) for span in taken)
                ]
                if hits:
                    candidate = (-k, hits[0])
                    best = candidate if best is None else min(best, candidate)
                    break
        return best[1] if best is not None else None

    def _insertion_anchor(self, member: int) -> int | None:
        """For a dropped term: where the rendering of what follows it begins."""
        tokens = self._term_source_tokens(member)
        if not tokens:
            return None
        first = min(tokens)
        for source_token, span in self._aligned_tokens():
            if source_token >= first:
                return span[0]
        return len(self.text)

    def _wrong_rendering_spans(self, member: int) -> list[Span]:
        """The entry's avoid renderings, then its accepted ones, not inside a canonical one."""
        entry_index = self.occurrences[member].entry_index
        entry = self.occurrences[member].entry
        taken = self._canonical_spans()
        spans = list(self.index.tally(self.text).avoid.get(entry_index, []))
        # An accepted rendering inside the target ("the coalition" in "international
        # coalition") may be a piece of a mangled rendering, not a rendering.
        accept = _outside_accepts(entry)
        if accept:
            spans += [(m.start, m.end) for m in find_renderings(self.text, accept)]
        return [span for span in spans if not any(_overlaps(span, other) for other in taken)]

    # -- post-edit ----------------------------------------------------------

    def post_edit(self) -> None:
        for member in range(len(self.occurrences)):
            if self.methods[member] is not None or self.decodes == 0:
                continue
            candidates = self._wrong_rendering_spans(member) + self._fuzzy_rendering_spans(member)
            if self.result is not None:
                candidates += self._own_rendering_spans(member)
            target = self.occurrences[member].entry.target
            for start, end in candidates:
                joined = _join_at_seam(self.text[:start], target)
                seam = _common_prefix_length(joined, self.text[:start])
                edited = None
                if self.result is not None and self.result.text == self.text:
                    edited = _edit_result(self.result, seam, end, joined[seam:])
                if self.consider(joined + self.text[end:], edited, POST_EDIT, member):
                    break

    def _own_rendering_spans(self, member: int) -> list[Span]:
        """The first run of target tokens attending to the term, widened to whole words."""
        tokens = self._term_source_tokens(member)
        run: list[Span] = []
        for source_token, span in self._aligned_tokens():
            if source_token in tokens:
                run.append(span)
            elif run:
                break
        if not run:
            return []
        start = _skip_lead_in(self.text, _word_start(self.text, run[0][0]))
        end = _word_end(self.text, run[-1][1])
        end = start + len(self.text[start:end].rstrip(TRAILING_PUNCTUATION + ",;:"))
        taken = self._canonical_spans()
        if start >= end or any(_overlaps((start, end), other) for other in taken):
            return []
        if all(word.lower() in LEAD_IN_WORDS for word in re.findall(r"\w+", self.text[start:end])):
            return []  # only the clitic's or article's words: the term itself was dropped
        if self._similarity(member, self.text[start:end]) < ATTENTION_SPAN_RATIO:
            return []
        return [(start, end)]

    def finish(self, aligned: bool = False) -> SegmentTranslation:
        outcomes = tuple(
            OccurrenceOutcome(occurrence, method or UNENFORCED)
            for occurrence, method in zip(self.occurrences, self.methods)
        )
        alignment: tuple[tuple[int, int, int, int], ...] = ()
        if aligned and self.result is not None and self.result.text == self.text:
            alignment = word_alignment(self.result)
        return SegmentTranslation(self.source, self.text, outcomes, self.decodes, alignment)


def _keeps_content(repaired: str, current: str) -> bool:
    """Whether a repaired output kept most of the sentence.

    A forced prefix cut at a wrong place can make a model stop early
    ("Qayyarah base." for "Reinforcements arrived at Qayara base."): the term
    verifies but the sentence is gone, so such a repair is refused.
    """
    return len(repaired.split()) >= MIN_KEPT_WORDS_RATIO * len(current.split())


def _clean_continuation(result: DecodeResult, prefix: str, avoid: Sequence[str]) -> DecodeResult:
    """Drop what the model glued onto the forced term to finish its own rendering.

    After "… Popular Mobilization Forces" a model that meant "Popular
    Mobilisation Units" may go on with "ation Units said …": the glued word
    piece and the tail of an avoid rendering are the rest of the old rendering,
    not new content.
    """
    text = result.text
    if not text.startswith(prefix):
        return result
    rest_start = len(prefix)
    rest = text[rest_start:]
    drop = 0
    glued = re.match(r"[^\W_][\w'’-]*", rest)
    if glued:
        drop = glued.end()
    tail = rest[drop:]
    longest = 0
    for phrase in avoid:
        words = phrase.split()
        for k in range(1, len(words)):
            pattern = r"\s*" + r"\s+".join(re.escape(w) for w in words[k:]) + r"(?![\w])"
            match = re.match(pattern, tail, re.IGNORECASE)
            if match:
                longest = max(longest, match.end())
    drop += longest
    if not drop:
        return result
    return _edit_result(result, rest_start, rest_start + drop, "")


def _edit_result(result: DecodeResult, start: int, end: int, replacement: str) -> DecodeResult:
    """``result`` with text[start:end] replaced; tokens inside it go, later ones shift.

    Keeps the attention of the untouched tokens usable for the next repair.
    """
    shift = len(replacement) - (end - start)
    keep = [
        i
        for i, (s, e) in enumerate(result.target_spans)
        if (e <= start or s >= end) and (result.attention is None or i < len(result.attention))
    ]
    spans = tuple(
        (s, e) if e <= start else (s + shift, e + shift) for s, e in (result.target_spans[i] for i in keep)
    )
    return DecodeResult(
        text=result.text[:start] + replacement + result.text[end:],
        target_tokens=tuple(result.target_tokens[i] for i in keep if i < len(result.target_tokens)),
        target_spans=spans,
        source_spans=result.source_spans,
        attention=tuple(result.attention[i] for i in keep) if result.attention is not None else None,
    )


def _outside_accepts(entry: Entry) -> list[str]:
    """Accepted renderings that are not a piece of the target ("the coalition"
    in "international coalition"): only those can mark a rendering of their own."""
    target_key = fold_english(entry.target)
    return [a for a in entry.accept if not re.search(rf"\b{re.escape(fold_english(a))}\b", target_key)]


def _banned_phrases(occurrences: list[TermOccurrence]) -> tuple[str, ...]:
    """The avoid renderings of the entries found, minus any inside a wanted target."""
    entries = list({o.entry_index: o.entry for o in occurrences}.values())
    targets = " | ".join(fold_english(entry.target) for entry in entries)
    banned: dict[str, None] = {}
    for entry in entries:
        for phrase in entry.avoid:
            key = fold_english(phrase)
            # Banning "Hezbollah" would also forbid "Kataib Hezbollah". (The
            # substring test first: most avoid renderings are in no target.)
            if key and (key not in targets or not re.search(rf"\b{re.escape(key)}\b", targets)):
                banned[phrase] = None
    return tuple(banned)


def _common_prefix_length(a: str, b: str) -> int:
    length = 0
    for x, y in zip(a, b):
        if x != y:
            break
        length += 1
    return length


def _distance(anchor: int | None, position: int) -> int:
    # An occurrence without an attention anchor is the last to claim a rendering.
    return abs(anchor - position) if anchor is not None else 1 << 30


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _word_start(text: str, position: int) -> int:
    position = max(0, min(position, len(text)))
    while position > 0 and not text[position - 1].isspace():
        position -= 1
    return position


def _word_end(text: str, position: int) -> int:
    position = max(0, min(position, len(text)))
    while position < len(text) and (text[position].isalnum() or text[position] in "-'’"):
        position += 1
    return position


def _skip_lead_in(text: str, position: int) -> int:
    """Step over the words the model wrote for a clitic or the article ("and the …")."""
    while True:
        match = re.match(r"([A-Za-z]+)\s+", text[position:])
        if not match or match.group(1).lower() not in LEAD_IN_WORDS:
            return position
        position += match.end()


def _is_sentence_start(before: str) -> bool:
    if not before.strip():
        return True
    return bool(SENTENCE_END_RE.search(before)) and not INITIALISM_END_RE.search(before)


def _join_at_seam(before: str, phrase: str) -> str:
    """``before`` followed by ``phrase``, with the article and capital fixed at the seam.

    "a" + "Islamic State group" → "an Islamic State group"; "the" + "the Green
    Zone" → "the Green Zone"; sentence-initially the first letter is capitalized,
    mid-sentence the target keeps its own casing.
    """
    if before and not before[-1].isspace() and before[-1] not in OPENERS:
        before += " "
    article = ARTICLES_RE.search(before)
    if article is not None:
        word = article.group(1)
        if LEADING_THE_RE.match(phrase):
            if word.lower() == "the":
                phrase = LEADING_THE_RE.sub("", phrase, count=1)
            else:  # "a the Green Zone": the target brings its own article
                before = before[: article.start(1)]
                return _join_at_seam(before, phrase) if before.strip() else _capitalize(phrase)
        elif word.lower() in ("a", "an"):
            wanted = "an" if _takes_an(phrase) else "a"
            if word[0].isupper():
                wanted = wanted.capitalize()
            before = before[: article.start(1)] + wanted + article.group(2)
        return before + phrase
    if _is_sentence_start(before):
        phrase = _capitalize(phrase)
    return before + phrase


def _capitalize(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def _takes_an(phrase: str) -> bool:
    """Whether "an" (not "a") goes before ``phrase``: by sound, not by letter."""
    words = phrase.split()
    if not words:
        return False
    word = words[0]
    letters = re.sub(r"[^A-Za-z]", "", word.split("-")[0]) or re.sub(r"[^A-Za-z]", "", word)
    if not letters:
        return False
    if len(letters) > 1 and letters.isupper() and len(letters) <= 5 and not re.match(r"^[A-Z][a-z]", word):
        # An initialism is read letter by letter ("an IS fighter", "a US base"),
        # except the ones read as words, which start with a consonant anyway.
        if letters.upper() in ("COVID", "NATO", "UNESCO"):
            return False
        return letters[0] in VOWEL_SOUND_LETTER_NAMES
    if SILENT_H_RE.match(letters):
        return True
    if CONSONANT_SOUND_RE.match(letters):
        return False
    return letters[0].lower() in "aeiou"


def outcome_details(translation: SegmentTranslation) -> dict[str, object]:
    """A segment's outcomes as JSON-ready data (for the pipeline's cache ``details``)."""
    details = {
        "decodes": translation.decodes,
        "outcomes": [
            {
                "entry": o.occurrence.entry_index,
                "target": o.occurrence.entry.target,
                "start": o.occurrence.start,
                "end": o.occurrence.end,
                "term_start": o.occurrence.term_start,
                "surface": o.occurrence.surface,
                "form": o.occurrence.form,
                "method": o.method,
            }
            for o in translation.outcomes
        ],
    }
    if translation.alignment:
        details["alignment"] = [list(token) for token in translation.alignment]
    return details
