"""Enforcement invariants, for every fake engine and random segments."""
from __future__ import annotations

from collections import Counter

import pytest
from project_paths import SEEDS
from fake_engines import FILLER, engine_variants
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.english import count_renderings
from glossary.finder import find_terms
from glossary.model import CASE_EXACT
from glossary.yamlio import load_glossary
from translator.enforce import METHODS, UNENFORCED, translate_segments

GLOSSARY = load_glossary(SEEDS / "glossary.yaml")
ENGINE_NAMES = sorted(engine_variants(GLOSSARY))
TERM_FORMS = sorted({form for entry in GLOSSARY.entries for form in entry.sources})
FILLER_WORDS = sorted(FILLER)


def _with_clitic(form: str, clitic: str) -> str:
    if clitic in ("لل", "ولل"):
        return clitic + form[2:] if form.startswith("ال") else form
    return clitic + form


term_piece = st.builds(_with_clitic, st.sampled_from(TERM_FORMS), st.sampled_from(["", "", "و", "ب", "ل", "لل", "ولل"]))
segment = st.lists(st.one_of(term_piece, st.sampled_from(FILLER_WORDS)), min_size=1, max_size=8).map(" ".join)


@pytest.mark.parametrize("engine_name", ENGINE_NAMES)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources=st.lists(segment, min_size=1, max_size=4))
def test_every_occurrence_is_verified_or_reported(engine_name: str, sources: list[str]) -> None:
    engine = engine_variants(GLOSSARY)[engine_name]
    translations = translate_segments(sources, engine, GLOSSARY)

    # Never lost, never duplicated, in order.
    assert [t.source for t in translations] == sources
    for translation in translations:
        occurrences = find_terms(translation.source, GLOSSARY)
        assert [o.occurrence for o in translation.outcomes] == occurrences
        assert all(o.method in METHODS for o in translation.outcomes)
        assert translation.decodes <= len(occurrences) + 2
        # Every occurrence reported enforced has its canonical rendering in the text.
        enforced = Counter(o.occurrence.entry_index for o in translation.outcomes if o.method != UNENFORCED)
        for entry_index, count in enforced.items():
            entry = GLOSSARY.entries[entry_index]
            present = count_renderings(translation.text, entry.target, case_exact=entry.case == CASE_EXACT)
            assert present >= count, (entry.target, translation.text)
