"""translator.suggest_renderings: what the engine writes for each candidate, from one batch."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from fake_engines import FakeEngine

from glossary.model import Entry, Glossary
from glossary.suggest import CorpusDocument, suggest_candidates, without_renderings
from translator.engine import DecodeRequest, DecodeResult
from translator.suggest_renderings import propose_renderings

GLOSSARY = Glossary(
    (
        Entry(sources=("كتائب حزب الله",), target="Kataib Hezbollah"),
        Entry(sources=("قاعدة القيارة",), target="Qayyarah base"),
        Entry(sources=("الحشد الشعبي",), target="Popular Mobilization Forces"),
    )
)

# Filler words only (the fake engine knows them) around the names.
NEWS = [
    "قال مصدر عسكري إن كتائب حزب الله هاجم قاعدة القيارة اليوم.",
    "أعلن الحشد الشعبي انسحاب مقاتلي كتائب حزب الله صباح الخميس.",
    "هاجم الحشد الشعبي مع كتائب حزب الله قرب قاعدة القيارة.",
    "غادر الحشد الشعبي قاعدة القيارة صباح الخميس.",
]


def documents() -> list[CorpusDocument]:
    return [CorpusDocument("news.ar.txt", "\n".join(NEWS) + "\n")]


@dataclass
class Alternating:
    """Every other sentence through a second engine: the same name rendered two ways."""

    first: FakeEngine
    second: FakeEngine
    name: str = "alternating"
    version: str = "1"
    batches: list[int] = field(default_factory=list)

    def translate(self, requests: Sequence[DecodeRequest]) -> list[DecodeResult]:
        self.batches.append(len(requests))
        return [
            (self.first if index % 2 == 0 else self.second).translate([request])[0]
            for index, request in enumerate(requests)
        ]


def test_each_name_gets_the_engines_rendering_from_one_batch() -> None:
    engine = FakeEngine(GLOSSARY)
    candidates = suggest_candidates(documents(), top=10).candidates
    proposals = {p.candidate.source: p for p in propose_renderings(documents(), candidates, engine)}
    # One batch: every sentence holding a candidate, and each candidate on its own.
    assert len(engine.batch_sizes) == 1
    assert sorted(request.source for request in engine.requests) == sorted({*NEWS, *(c.source for c in candidates)})
    assert all(request.return_attention for request in engine.requests)
    assert proposals["كتائب حزب الله"].renderings == (("Kataib Hezbollah", 3),)
    assert proposals["قاعدة القيارة"].renderings == (("Qayyarah base", 3),)
    assert proposals["الحشد الشعبي"].renderings == (("Popular Mobilization Forces", 3),)
    assert not any(p.inconsistent for p in proposals.values())


def test_garbage_attention_still_finds_recurring_renderings() -> None:
    engine = FakeEngine(GLOSSARY, garbage_attention=True)
    candidates = suggest_candidates(documents(), top=10).candidates
    proposals = {p.candidate.source: p for p in propose_renderings(documents(), candidates, engine)}
    assert proposals["كتائب حزب الله"].target == "Kataib Hezbollah"
    assert proposals["قاعدة القيارة"].target == "Qayyarah base"


def test_inconsistent_renderings_are_flagged_and_ranked_up() -> None:
    engine = Alternating(FakeEngine(GLOSSARY), FakeEngine(GLOSSARY, term_style="transliterate"))
    candidates = suggest_candidates(documents(), top=10).candidates
    proposals = propose_renderings(documents(), candidates, engine)
    by_source = {p.candidate.source: p for p in proposals}
    hezbollah = by_source["كتائب حزب الله"]
    assert {text for text, _ in hezbollah.renderings or ()} == {"Kataib Hezbollah", "Kataib Hesbola"}
    assert hezbollah.inconsistent is True
    assert hezbollah.score == round(hezbollah.candidate.score * 1.5, 3)
    assert engine.batches == [len(NEWS) + len({c.source for c in candidates})]
    assert [p.score for p in proposals] == sorted((p.score for p in proposals), reverse=True)


def test_no_candidates_no_decode() -> None:
    engine = FakeEngine(GLOSSARY)
    assert propose_renderings(documents(), [], engine) == []
    assert engine.batch_sizes == []


def test_without_renderings_keeps_the_ranking() -> None:
    candidates = suggest_candidates(documents(), top=10).candidates
    proposals = without_renderings(candidates)
    assert [p.candidate for p in proposals] == list(candidates)
    assert all(p.renderings is None and p.inconsistent is None and p.target is None for p in proposals)
