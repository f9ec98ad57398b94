"""The engine on the converted-model fixtures: each layout's tokens wrapped and stripped right.

The fixtures memorized parallel.tsv (tests/fixtures/build_ct2_fixtures.py), so
greedy decoding reproduces the seed article's sentences; anything wrong in the
layout's tokenization (a missing ``</s>``, the wrong language token, the target
prefix left in the output, target text cut with the source SentencePiece model)
breaks the output at once.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converted_models import LAYOUTS, SEED_ARTICLE_PAIRS, unpack
from translator.ct2_engine import ArgosEngine
from translator.engine import DecodeRequest
from translator.models.layouts import M2M, MARIAN, NLLB, detect_ctranslate2_layout

# Seed-article sentences (indexes into SEED_ARTICLE_PAIRS) each fixture gets
# wrong even greedily; everything else must come out exactly.
KNOWN_MISSES = {MARIAN: set(), NLLB: {28}, M2M: {28}}
SENTENCE = SEED_ARTICLE_PAIRS[0][0]  # التحالف الدولي يسلم قاعدة القيارة للقوات العراقية


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ArgosEngine]:
    base = tmp_path_factory.mktemp("converted")
    return {layout: ArgosEngine(detect_ctranslate2_layout(unpack(layout, base / layout)), beam_size=1) for layout in LAYOUTS}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_seed_article_sentences_translate(engines: dict[str, ArgosEngine], layout: str) -> None:
    results = engines[layout].translate([DecodeRequest(source) for source, _ in SEED_ARTICLE_PAIRS])
    wrong = {i for i, (result, (_, english)) in enumerate(zip(results, SEED_ARTICLE_PAIRS)) if result.text != english}
    assert wrong == KNOWN_MISSES[layout]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_language_token_is_not_in_the_output(engines: dict[str, ArgosEngine], layout: str) -> None:
    result = engines[layout].translate([DecodeRequest(SENTENCE)])[0]
    assert result.text == SEED_ARTICLE_PAIRS[0][1]
    assert not {"eng_Latn", "__en__", "</s>"} & set(result.target_tokens)
    assert len(result.target_tokens) == len(result.target_spans)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_attention_covers_the_text_pieces_only(engines: dict[str, ArgosEngine], layout: str) -> None:
    result = engines[layout].translate([DecodeRequest(SENTENCE, return_attention=True)])[0]
    assert result.attention is not None
    # One row per output token, one column per piece of the text: no column for
    # the language token or </s> (the aligner maps columns to source spans).
    assert len(result.attention) == len(result.target_tokens)
    assert {len(row) for row in result.attention} == {len(result.source_spans)}
    assert [SENTENCE[start:end] for start, end in result.source_spans][:2] != ["", ""]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_target_prefix_follows_the_language_token(engines: dict[str, ArgosEngine], layout: str) -> None:
    """Prefix repair: forced words come after the layout's own prefix, and the output starts with them."""
    forced = "The international coalition delivers"
    result = engines[layout].translate([DecodeRequest(SENTENCE, target_prefix=forced)])[0]
    assert result.text.startswith(forced)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_banned_phrase_is_suppressed(engines: dict[str, ArgosEngine], layout: str) -> None:
    plain = engines[layout].translate([DecodeRequest(SENTENCE)])[0].text
    assert "Qayyarah" in plain
    steered = engines[layout].translate([DecodeRequest(SENTENCE, banned=("Qayyarah",))])[0].text
    assert "Qayyarah" not in steered


def test_engine_identity_carries_layout_name_and_fingerprint(engines: dict[str, ArgosEngine]) -> None:
    identities = {layout: engine.identity for layout, engine in engines.items()}
    assert identities[MARIAN].startswith("marian:opus-mt-ar-en-tiny:")
    assert identities[NLLB].startswith("nllb:nllb-ar-en-tiny:")
    assert identities[M2M].startswith("m2m:m2m100-ar-en-tiny:")
    # The M2M fixture is the NLLB weights under other token names: still another model.
    assert identities[NLLB].split(":")[2] != identities[M2M].split(":")[2]


def test_compute_type_is_part_of_the_decoding_key(engines: dict[str, ArgosEngine]) -> None:
    assert engines[MARIAN].settings.key().endswith(";compute_type=int8_float32")


def test_unsupported_compute_type_is_one_line(tmp_path: Path) -> None:
    from glossary.errors import EngineError

    files = detect_ctranslate2_layout(unpack(MARIAN, tmp_path))
    with pytest.raises(EngineError) as caught:
        ArgosEngine(files, compute_type="float16")
    assert "cannot load the CTranslate2 model on cpu:" in caught.value.message
    assert "\n" not in str(caught.value)


ARABIC_TEXT = st.text(
    alphabet=st.sampled_from(list("ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإةى") + [" ", "ـ", "\u064e", "\u200f", "«", "»", "#", "1"]),
    min_size=0,
    max_size=40,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(ARABIC_TEXT, min_size=1, max_size=4))
def test_any_arabic_keeps_spans_inside_the_text_and_drops_layout_tokens(
    engines: dict[str, ArgosEngine], texts: list[str]
) -> None:
    for layout in (MARIAN, NLLB):
        results = engines[layout].translate([DecodeRequest(text, return_attention=True) for text in texts])
        assert len(results) == len(texts)
        for text, result in zip(texts, results):
            assert all(0 <= start <= end <= len(text) for start, end in result.source_spans)
            assert not {"eng_Latn", "arb_Arab", "</s>"} & set(result.target_tokens)
            if result.attention is not None:
                assert {len(row) for row in result.attention} <= {len(result.source_spans)}
