"""ArgosEngine on the real fixture package (a tiny model that memorized parallel.tsv)."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from glossary.errors import EngineError
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
from translator.ct2_engine import SPACE_MARKER, ArgosEngine, detokenize
from translator.engine import DecodeRequest
from translator.packages import resolve_model

FIXTURE_MODEL = FIXTURES / "ar_en_tiny.argosmodel"
PAIRS = [
    tuple(line.split("\t"))
    for line in (FIXTURES / "parallel.tsv").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
PMU_SENTENCE = "قال الحشد الشعبي إن مقاتليه انتشروا في الموصل."
PMU_RENDERING = "Popular Mobilisation Units"
PMU_TRAINED = "The Popular Mobilisation Units said its fighters deployed in Mosul."

DETOKENIZE_CASES = [
    # (pieces, text, spans)
    (["▁The", "▁coal", "ition"], "The coalition", [(0, 3), (4, 8), (8, 13)]),
    (["▁", "5,", "200", "▁US"], "5,200 US", [(0, 0), (0, 2), (2, 5), (6, 8)]),
    (["▁left", "."], "left.", [(0, 4), (4, 5)]),
    (["▁end", "▁"], "end", [(0, 3), (3, 3)]),
    ([], "", []),
]


@pytest.fixture(scope="module")
def engine() -> ArgosEngine:
    return ArgosEngine(resolve_model(str(FIXTURE_MODEL), "ar", "en"))


@pytest.mark.parametrize(("source", "reference"), PAIRS[:6])
def test_translations_reproduce_training_pairs(engine: ArgosEngine, source: str, reference: str) -> None:
    assert engine.translate([DecodeRequest(source)])[0].text == reference


def test_most_training_pairs_come_back_in_one_call(engine: ArgosEngine) -> None:
    calls_before = engine.calls
    results = engine.translate([DecodeRequest(source) for source, _ in PAIRS])
    exact = sum(result.text == reference for result, (_, reference) in zip(results, PAIRS))
    assert exact >= 0.85 * len(PAIRS)
    assert engine.calls == calls_before + 1


@pytest.mark.parametrize(("source", "reference"), PAIRS[:4])
def test_target_spans_slice_the_text(engine: ArgosEngine, source: str, reference: str) -> None:
    result = engine.translate([DecodeRequest(source)])[0]
    assert len(result.target_spans) == len(result.target_tokens)
    for token, (start, end) in zip(result.target_tokens, result.target_spans):
        assert result.text[start:end] == token.replace(SPACE_MARKER, " ").strip()


@pytest.mark.parametrize(("source", "reference"), PAIRS[:4])
def test_source_spans_slice_the_source(engine: ArgosEngine, source: str, reference: str) -> None:
    result = engine.translate([DecodeRequest(source)])[0]
    words = [source[start:end] for start, end in result.source_spans]
    assert "".join(words).replace(" ", "") == source.replace(" ", "")
    assert all(word == word.strip() for word in words)


def test_attention_has_one_row_per_target_token_over_source_tokens(engine: ArgosEngine) -> None:
    result = engine.translate([DecodeRequest(PMU_SENTENCE, return_attention=True)])[0]
    assert result.attention is not None
    assert len(result.attention) == len(result.target_tokens)
    assert {len(row) for row in result.attention} == {len(result.source_spans)}
    assert all(abs(sum(row) - 1.0) < 1e-3 for row in result.attention)


def test_attention_only_when_asked(engine: ArgosEngine) -> None:
    asked, plain = engine.translate([DecodeRequest(PMU_SENTENCE, return_attention=True), DecodeRequest(PMU_SENTENCE)])
    assert asked.attention is not None and plain.attention is None
    assert asked.text == plain.text == PMU_TRAINED


def test_target_prefix_is_honoured(engine: ArgosEngine) -> None:
    result = engine.translate([DecodeRequest(PMU_SENTENCE, target_prefix="The Popular Mobilization Forces")])[0]
    assert result.text.startswith("The Popular Mobilization Forces")


def test_banned_phrase_does_not_appear(engine: ArgosEngine) -> None:
    plain, banned = engine.translate([DecodeRequest(PMU_SENTENCE), DecodeRequest(PMU_SENTENCE, banned=(PMU_RENDERING,))])
    assert PMU_RENDERING in plain.text
    assert PMU_RENDERING.lower() not in banned.text.lower()


def test_mixed_banned_sets_keep_request_order(engine: ArgosEngine) -> None:
    sources = [source for source, _ in PAIRS[:5]]
    requests = [DecodeRequest(s, banned=("Qayara base",) if i % 2 else ()) for i, s in enumerate(sources)]
    results = engine.translate(requests)
    assert [r.text for r in results][::2] == [reference for _, reference in PAIRS[:5]][::2]
    assert all("qayara base" not in r.text.lower() for r in results[1::2])


def test_overlong_and_empty_inputs_do_not_crash(engine: ArgosEngine) -> None:
    long_source = " ".join([PAIRS[0][0]] * 300)
    long_result, empty_result = engine.translate([DecodeRequest(long_source), DecodeRequest("")])
    assert long_result.text
    assert isinstance(empty_result.text, str)


def test_identity_is_package_name_and_version(engine: ArgosEngine) -> None:
    package = resolve_model(str(FIXTURE_MODEL), "ar", "en")
    assert (engine.name, engine.version) == (package.name, package.package_version)


def test_corrupt_model_is_an_engine_error_naming_the_path(tmp_path: Path) -> None:
    package = resolve_model(str(FIXTURE_MODEL), "ar", "en")
    broken = tmp_path / "broken"
    shutil.copytree(package.path, broken)
    (broken / "model" / "model.bin").write_bytes(b"not a model")
    with pytest.raises(EngineError) as caught:
        ArgosEngine(dataclasses.replace(package, path=broken))
    assert str(broken / "model") in str(caught.value)


def test_metadata_target_prefix_is_forced_and_hidden(engine: ArgosEngine) -> None:
    package = resolve_model(str(FIXTURE_MODEL), "ar", "en")
    plain = engine.translate([DecodeRequest(PMU_SENTENCE)])[0]
    tag = plain.target_tokens[0]  # forcing the token the model would emit anyway
    tagged = dataclasses.replace(package, metadata={**package.metadata, "target_prefix": tag})
    result = ArgosEngine(tagged).translate([DecodeRequest(PMU_SENTENCE)])[0]
    # Argos's metadata prefix (a language tag in multilingual models) is decoded, not returned.
    assert result.target_tokens == plain.target_tokens[1:]
    assert result.text == detokenize(plain.target_tokens[1:])[0]


@pytest.mark.parametrize(("pieces", "text", "spans"), DETOKENIZE_CASES)
def test_detokenize(pieces: list[str], text: str, spans: list[tuple[int, int]]) -> None:
    assert detokenize(pieces) == (text, spans)
