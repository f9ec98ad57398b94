"""Deterministic translation engines for enforcement tests.

:class:`FakeEngine` translates word for word from a small Arabic→English
dictionary built from a glossary (its terms) plus filler words and clitics. It
emits SentencePiece-like source tokens (an attached clitic is its own token),
one target token per English word, and one-hot-ish attention aligning each
English word with the source token it renders. It honours ``target_prefix``
(the output starts with the prefix, then the translation of the source words
the prefix did not cover) and ``banned`` (a banned rendering is never emitted:
the engine falls back to an alternative).

Knobs inject the faults enforcement must survive: how terms are rendered
(``canonical``, ``drop``, ``avoid``, ``recase``, ``transliterate``), whether
prefixes and bans are honoured, and whether attention is garbage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from glossary.english import fold_english
from glossary.model import Entry, Glossary
from translator.engine import DecodeRequest, DecodeResult

# Filler words: Arabic → English, none of them a glossary term.
FILLER: dict[str, str] = {
    "قال": "said",
    "إن": "that",
    "اليوم": "today",
    "هاجم": "attacked",
    "مصدر": "a source",
    "عسكري": "military",
    "قرب": "near",
    "مع": "with",
    "ضد": "against",
    "بيان": "statement",
    "أعلن": "announced",
    "انسحاب": "withdrawal",
    "مقاتلي": "fighters of",
    "غادر": "left",
    "صباح": "morning",
    "الخميس": "Thursday",
}

# Proclitics as a tokenizer would split them, and what the engine writes for them.
CLITICS: dict[str, str] = {
    "ولل": "and for the",
    "وب": "and by",
    "ول": "and to",
    "لل": "for the",
    "و": "and",
    "ب": "by",
    "ل": "to",
}

TERM_STYLES = ("canonical", "drop", "avoid", "recase", "transliterate")


def transliterate(phrase: str) -> str:
    """Another spelling of a name: doubled letters single, final -ah → -a, z → s."""
    spelled = re.sub(r"([a-z])\1", r"\1", phrase)
    spelled = re.sub(r"ah\b", "a", spelled)
    return spelled.replace("z", "s")


def mangle(phrase: str, banned_keys: Sequence[str] = ()) -> str:
    """A rendering that is neither the target nor banned: rotate one vowel."""
    rotation = {"a": "e", "e": "i", "i": "o", "o": "u", "u": "a"}
    for position, char in enumerate(phrase):
        if char.lower() in rotation:
            swapped = rotation[char.lower()]
            candidate = phrase[:position] + (swapped.upper() if char.isupper() else swapped) + phrase[position + 1 :]
            if fold_english(candidate) not in banned_keys:
                return candidate
    return phrase + " X"


@dataclass(frozen=True)
class _Unit:
    """Source words the engine renders together, and the source tokens they span."""

    source_tokens: tuple[int, ...]
    clitic_gloss: str  # "" when no clitic
    clitic_token: int | None
    entry: Entry | None
    gloss: str  # for filler and unknown words


@dataclass
class FakeEngine:
    glossary: Glossary
    term_style: str = "canonical"
    honour_prefix: bool = True
    honour_bans: bool = True
    garbage_attention: bool = False
    name: str = "fake-ar-en"
    version: str = "1"
    batch_sizes: list[int] = field(default_factory=list)
    requests: list[DecodeRequest] = field(default_factory=list)

    def translate(self, requests: Sequence[DecodeRequest]) -> list[DecodeResult]:
        self.batch_sizes.append(len(requests))
        self.requests.extend(requests)
        return [self._translate_one(request) for request in requests]

    # -- parsing ------------------------------------------------------------

    def _forms(self) -> list[tuple[list[str], Entry]]:
        forms = [(form.split(), entry) for entry in self.glossary.entries for form in entry.sources]
        return sorted(forms, key=lambda item: -len(item[0]))

    def _parse(self, source: str) -> tuple[list[tuple[int, int]], list[_Unit]]:
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", source)]
        tokens: list[tuple[int, int]] = []
        units: list[_Unit] = []
        forms = self._forms()
        index = 0
        while index < len(words):
            matched = self._match_term(source, words, index, forms)
            if matched is not None:
                size, entry, clitic = matched
                first_start, first_end = words[index]
                clitic_token = None
                if clitic:
                    clitic_token = len(tokens)
                    tokens.append((first_start, first_start + len(clitic)))
                    tokens.append((first_start + len(clitic), first_end))
                else:
                    tokens.append((first_start, first_end))
                term_tokens = [len(tokens) - 1]
                for span in words[index + 1 : index + size]:
                    term_tokens.append(len(tokens))
                    tokens.append(span)
                units.append(_Unit(tuple(term_tokens), CLITICS.get(clitic, ""), clitic_token, entry, ""))
                index += size
                continue
            start, end = words[index]
            word = source[start:end]
            tokens.append((start, end))
            units.append(_Unit((len(tokens) - 1,), "", None, None, FILLER.get(word.rstrip(".،"), word)))
            index += 1
        return tokens, units

    @staticmethod
    def _match_term(
        source: str, words: list[tuple[int, int]], index: int, forms: list[tuple[list[str], Entry]]
    ) -> tuple[int, Entry, str] | None:
        texts = [source[s:e].rstrip(".،") for s, e in words[index:]]
        for form, entry in forms:
            if len(form) > len(texts) or texts[1 : len(form)] != form[1:]:
                continue
            first = texts[0]
            if first == form[0]:
                return len(form), entry, ""
            for clitic in CLITICS:
                if clitic.endswith("لل"):
                    if form[0].startswith("ال") and first == clitic + form[0][2:]:
                        return len(form), entry, clitic
                elif first == clitic + form[0]:
                    return len(form), entry, clitic
        return None

    # -- rendering ----------------------------------------------------------

    def _term_rendering(self, entry: Entry, banned: tuple[str, ...]) -> str:
        banned_keys = [fold_english(b) for b in banned] if self.honour_bans else []
        target = entry.target
        if self.term_style == "drop":
            choices = [""]
        elif self.term_style == "avoid":
            choices = [*entry.avoid, mangle(target, banned_keys)]
        elif self.term_style == "recase":
            choices = [target.lower() if target != target.lower() else target.title()]
        elif self.term_style == "typography":
            # How newsrooms write names: quotes around part of it, curly apostrophes.
            words = target.replace("'", "’").split(" ")
            choices = [" ".join(words[:-1]) + ' "' + words[-1] + '"' if len(words) > 1 else f"“{words[0]}”"]
        elif self.term_style == "transliterate":
            spelled = transliterate(target)
            choices = [spelled if spelled != target else mangle(target, banned_keys)]
        else:
            choices = [target]
        for choice in choices:
            if not choice or not any(key and key in fold_english(choice) for key in banned_keys):
                return choice
        return mangle(target, banned_keys)

    def _unit_words(self, unit: _Unit, banned: tuple[str, ...]) -> list[tuple[str, int]]:
        """(English word, source token it renders) for one unit."""
        words: list[tuple[str, int]] = []
        if unit.clitic_gloss:
            assert unit.clitic_token is not None
            words += [(w, unit.clitic_token) for w in unit.clitic_gloss.split()]
        text = self._term_rendering(unit.entry, banned) if unit.entry is not None else unit.gloss
        for position, word in enumerate(text.split()):
            words.append((word, unit.source_tokens[min(position, len(unit.source_tokens) - 1)]))
        return words

    def _unit_variants(self, unit: _Unit, banned: tuple[str, ...]) -> list[str]:
        """Every way the unit may appear in a prefix (the prefix may force the canonical)."""
        lead = unit.clitic_gloss + " " if unit.clitic_gloss else ""
        own = " ".join(w for w, _ in self._unit_words(unit, banned))
        if unit.entry is None:
            return [own]
        renderings = [unit.entry.target, *unit.entry.avoid, *unit.entry.accept]
        return [own] + [lead + r for r in renderings] + [lead + "the " + r for r in renderings]

    def _translate_one(self, request: DecodeRequest) -> DecodeResult:
        source_tokens, units = self._parse(request.source)
        banned = request.banned
        words: list[tuple[str, int]] = []
        remaining = units
        prefix = request.target_prefix if self.honour_prefix else None
        if prefix:
            consumed, prefix_words = self._cover(prefix, units, banned)
            words += prefix_words
            remaining = units[consumed:]
        for unit in remaining:
            words += self._unit_words(unit, banned)
        if not prefix and words:
            first, token = words[0]
            words[0] = (first[:1].upper() + first[1:], token)
        text_parts: list[str] = []
        spans: list[tuple[int, int]] = []
        length = 0
        for word, _ in words:
            if text_parts:
                length += 1
            spans.append((length, length + len(word)))
            text_parts.append(word)
            length += len(word)
        text = " ".join(text_parts)
        if words and not text.endswith("."):
            # The full stop is a token of its own, as in SentencePiece output.
            spans.append((length, length + 1))
            words.append((".", words[-1][1]))
            text += "."
        count = max(1, len(source_tokens))
        attention = []
        for position, (_, token) in enumerate(words):
            aligned = (position * 7 + 3) % count if self.garbage_attention else token
            attention.append(tuple(0.9 if s == aligned else 0.1 / count for s in range(count)))
        return DecodeResult(
            text=text,
            target_tokens=tuple(w for w, _ in words),
            target_spans=tuple(spans),
            source_spans=tuple(source_tokens),
            attention=tuple(attention) if request.return_attention else None,
        )

    def _cover(
        self, prefix: str, units: list[_Unit], banned: tuple[str, ...]
    ) -> tuple[int, list[tuple[str, int]]]:
        """How many units the prefix renders, and the prefix's words with alignments."""
        rest = prefix.strip()
        words: list[tuple[str, int]] = []
        consumed = 0
        for unit in units:
            best = ""
            for variant in self._unit_variants(unit, banned):
                variant = variant.strip()
                if variant and re.match(re.escape(variant) + r"(?:\s|$|[.,])", rest, re.IGNORECASE):
                    best = max(best, variant, key=len)
            if unit.entry is not None and self.term_style == "drop" and not best:
                # The engine renders this term as nothing: the prefix skipped nothing.
                consumed += 1
                continue
            if not best:
                break
            words += [(w, unit.source_tokens[0]) for w in rest[: len(best)].split()]
            rest = rest[len(best) :].lstrip()
            consumed += 1
        next_token = units[consumed].source_tokens[0] if consumed < len(units) else 0
        words += [(w, next_token) for w in rest.split()]
        return consumed, words


def engine_variants(glossary: Glossary) -> dict[str, FakeEngine]:
    """The good engine and every fault-injecting one, by name."""
    return {
        "good": FakeEngine(glossary),
        "drops-terms": FakeEngine(glossary, term_style="drop"),
        "avoid-variants": FakeEngine(glossary, term_style="avoid"),
        "recases": FakeEngine(glossary, term_style="recase"),
        "transliterates": FakeEngine(glossary, term_style="transliterate"),
        "typography": FakeEngine(glossary, term_style="typography"),
        "ignores-prefix": FakeEngine(glossary, term_style="avoid", honour_prefix=False),
        "ignores-bans": FakeEngine(glossary, term_style="avoid", honour_bans=False),
        "garbage-attention": FakeEngine(glossary, term_style="transliterate", garbage_attention=True),
        "hopeless": FakeEngine(glossary, term_style="drop", honour_prefix=False),
    }


@dataclass
class ScriptedEngine:
    """Returns fixed outputs whatever is asked (prefixes and bans ignored): the
    only repair left is post-editing, so golden cases can pin its seam fixes."""

    outputs: dict[str, str]
    name: str = "scripted"
    version: str = "1"
    calls: int = 0

    def translate(self, requests: Sequence[DecodeRequest]) -> list[DecodeResult]:
        self.calls += 1
        return [DecodeResult(text=self.outputs[request.source]) for request in requests]
