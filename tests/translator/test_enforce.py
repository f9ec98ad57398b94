"""Glossary enforcement on deterministic engines: golden cases."""
from __future__ import annotations

import pytest
from project_paths import SEEDS
from fake_engines import FakeEngine, ScriptedEngine, engine_variants

from glossary.english import count_renderings
from glossary.model import Entry, Glossary
from glossary.yamlio import load_glossary
from translator.enforce import (
    NATIVE,
    POST_EDIT,
    PREFIX,
    UNENFORCED,
    EnforcementSummary,
    summarize,
    translate_segments,
)

GLOSSARY = load_glossary(SEEDS / "glossary.yaml")

# (case, engine, source, expected text, expected methods)
FAKE_CASES = [
    ("bare term, good engine", "good", "قال الحشد الشعبي بيان",
     "Said Popular Mobilization Forces statement.", [NATIVE]),
    ("clitic و+لل", "avoid-variants", "قال مصدر إن وللحشد الشعبي بيان",
     "Said a source that and for the Popular Mobilization Forces statement.", [PREFIX]),
    ("clitic و on a coalition term", "drops-terms", "أعلن والتحالف الدولي بيان",
     "Announced and international coalition statement.", [PREFIX]),
    ("two occurrences of one entry", "avoid-variants", "أعلن الحشد الشعبي بيان ضد الحشد الشعبي",
     "Announced Popular Mobilization Forces statement against Popular Mobilization Forces.", [PREFIX, PREFIX]),
    ("adjacent terms", "transliterates", "هاجم كتائب حزب الله التحالف الدولي اليوم",
     "Attacked Kataib Hezbollah international coalition today.", [PREFIX, PREFIX]),
    ("dropped term inserted at the end", "drops-terms", "هاجم داعش قرب الموصل",
     "Attacked Islamic State group near Mosul.", [PREFIX, PREFIX]),
    ("sentence-initial prefix is capitalized", "avoid-variants", "قوات التحالف هاجم",
     "Coalition forces attacked.", [PREFIX]),
    ("avoid variant emitted despite the ban", "ignores-bans", "غادر قاعدة القيارة صباح الخميس",
     "Left Qayyarah base morning Thursday.", [PREFIX]),
    ("prefix ignored: post-edit of the model's own rendering", "ignores-prefix", "هاجم كتائب حزب الله اليوم",
     "Attacked Kataib Hezbollah today.", [POST_EDIT]),
    ("nothing works: reported, never silent", "hopeless", "هاجم داعش اليوم",
     "Attacked today.", [UNENFORCED]),
]


@pytest.mark.parametrize(
    ("engine_name", "source", "expected_text", "expected_methods"),
    [case[1:] for case in FAKE_CASES],
    ids=[case[0] for case in FAKE_CASES],
)
def test_enforcement_golden(engine_name: str, source: str, expected_text: str, expected_methods: list[str]) -> None:
    engine = engine_variants(GLOSSARY)[engine_name]
    [translation] = translate_segments([source], engine, GLOSSARY)
    assert translation.text == expected_text
    assert [outcome.method for outcome in translation.outcomes] == expected_methods


# Post-edit seams: the engine returns these outputs whatever it is asked.
# (case, source, engine output, expected text)
SEAM_CASES = [
    ("a → an before a vowel", "هاجم داعش", "A ISIL fighter was killed.", "An Islamic State group fighter was killed."),
    ("a mid-sentence", "هاجم داعش", "They saw a ISIL convoy.", "They saw an Islamic State group convoy."),
    ("an → a before a consonant", "هاجم الحشد الشعبي", "It was an Popular Crowd unit.",
     "It was a Popular Mobilization Forces unit."),
    ("sentence-initial lowercase target capitalized", "قوات التحالف هاجم", "Alliance forces attacked.",
     "Coalition forces attacked."),
    ("mid-sentence keeps the target's casing", "قال قوات التحالف", "He said Alliance forces left.",
     "He said coalition forces left."),
    ("after a full stop is sentence-initial", "قال قوات التحالف", "He spoke. Alliance forces left.",
     "He spoke. Coalition forces left."),
    ("U.S. is not a sentence end", "قال القوات الأميركية", "the U.S. American Embassy of the United States",
     "the U.S. American Embassy of the United States"),
    ("possessive kept", "قال حزب الله", "Hizbollah's fighters left.", "Hezbollah's fighters left."),
]


@pytest.mark.parametrize(
    ("source", "output", "expected"), [c[1:] for c in SEAM_CASES], ids=[c[0] for c in SEAM_CASES]
)
def test_post_edit_seams(source: str, output: str, expected: str) -> None:
    engine = ScriptedEngine({source: output})
    [translation] = translate_segments([source], engine, GLOSSARY)
    assert translation.text == expected


def test_the_the_does_not_happen() -> None:
    glossary = Glossary((Entry(sources=("المنطقة الخضراء",), target="the Green Zone", avoid=("green area",)),))
    source = "سقط صاروخ على المنطقة الخضراء"
    engine = ScriptedEngine({source: "A rocket fell on the green area."})
    [translation] = translate_segments([source], engine, glossary)
    assert translation.text == "A rocket fell on the Green Zone."
    assert [o.method for o in translation.outcomes] == [POST_EDIT]


def test_wrong_rendering_is_never_reported_enforced() -> None:
    # The only "repair" available would put the canonical text in twice for one
    # occurrence while an avoid rendering stays: verification must refuse it.
    source = "قال الحشد الشعبي"
    engine = ScriptedEngine({source: "Popular Mobilization Forces and the Popular Crowd said."})
    [translation] = translate_segments([source], engine, GLOSSARY)
    assert translation.outcomes[0].method in (POST_EDIT, UNENFORCED)
    if translation.outcomes[0].method == POST_EDIT:
        assert "Popular Crowd" not in translation.text


def test_repairs_are_batched_one_call_per_round() -> None:
    engine = FakeEngine(GLOSSARY, term_style="avoid")
    sources = ["قال الحشد الشعبي", "اليوم", "هاجم داعش قرب الموصل", "غادر قاعدة القيارة"]
    translations = translate_segments(sources, engine, GLOSSARY)
    # Round 0: all four; round 1: the three with a term; round 2: only the one with two terms.
    assert engine.batch_sizes == [4, 3, 1]
    assert [t.decodes for t in translations] == [2, 1, 3, 2]


def test_no_glossary_is_one_plain_decode() -> None:
    engine = FakeEngine(GLOSSARY, term_style="avoid")
    translations = translate_segments(["قال الحشد الشعبي", "هاجم داعش"], engine, None)
    assert engine.batch_sizes == [2]
    assert all(request.banned == () and request.target_prefix is None for request in engine.requests)
    assert [t.outcomes for t in translations] == [(), ()]


def test_no_occurrence_is_one_plain_decode() -> None:
    engine = FakeEngine(GLOSSARY)
    translate_segments(["قال مصدر اليوم"], engine, GLOSSARY)
    assert engine.batch_sizes == [1]
    assert engine.requests[0].return_attention is False


def test_avoid_renderings_are_banned_on_the_first_decode() -> None:
    engine = FakeEngine(GLOSSARY)
    translate_segments(["قال الحشد الشعبي"], engine, GLOSSARY)
    assert engine.requests[0].banned == ("Popular Mobilisation Units", "Hashd al-Shaabi", "Popular Crowd")
    assert engine.requests[0].return_attention is True


def test_blank_segments_are_kept_without_a_decode() -> None:
    engine = FakeEngine(GLOSSARY)
    translations = translate_segments(["", "قال الحشد الشعبي"], engine, GLOSSARY)
    assert [(t.source, t.text, t.decodes) for t in translations][0] == ("", "", 0)
    assert engine.batch_sizes == [1]


def test_case_exact_entry_repaired_when_recased() -> None:
    engine = FakeEngine(GLOSSARY, term_style="recase")
    [translation] = translate_segments(["قال كوفيد-19"], engine, GLOSSARY)
    assert count_renderings(translation.text, "COVID-19", case_exact=True) == 1
    assert [o.method for o in translation.outcomes] == [PREFIX]


def test_summarize_counts_outcomes() -> None:
    engine = engine_variants(GLOSSARY)["hopeless"]
    translations = translate_segments(["هاجم داعش", "قال وللحشد الشعبي"], engine, GLOSSARY)
    good = translate_segments(["هاجم داعش قرب الموصل"], FakeEngine(GLOSSARY), GLOSSARY)
    assert summarize(translations + good) == EnforcementSummary(
        found=4, native=2, prefix=0, post_edit=0, unenforced=2
    )


def test_report_document() -> None:
    from translator.report import ReportedFile, build_report

    text = "عنوان\nقال الحشد الشعبي\nهاجم داعش اليوم"
    offsets = [text.index("قال"), text.index("هاجم")]
    sources = [text[offsets[0] : text.index("\n", offsets[0])], text[offsets[1] :]]
    engine = engine_variants(GLOSSARY)["hopeless"]
    translations = translate_segments(sources, engine, GLOSSARY)
    report = build_report(
        [ReportedFile("article.ar.txt", text, offsets, translations)], GLOSSARY, "translate-ar_en", "1.9"
    )
    assert report["schema"] == 1
    assert report["provenance"]["tool"] == "tarjama"
    assert report["provenance"]["glossary"]["digest"] == GLOSSARY.digest
    assert report["provenance"]["model"] == {"package": "translate-ar_en", "version": "1.9"}
    assert report["occurrences"] == [
        {"file": "article.ar.txt", "segment": 0, "surface": "الحشد الشعبي", "source": "الحشد الشعبي",
         "line": 2, "column": 5, "target": "Popular Mobilization Forces", "method": UNENFORCED},
        {"file": "article.ar.txt", "segment": 1, "surface": "داعش", "source": "داعش",
         "line": 3, "column": 6, "target": "Islamic State group", "method": UNENFORCED},
    ]
    assert report["entries"][0] == {"target": "Popular Mobilization Forces", "found": 1, "native": 0,
                                    "prefix": 0, "post-edit": 0, "unenforced": 1}
    assert report["summary"]["found"] == 2 and report["summary"]["unenforced"] == 2
