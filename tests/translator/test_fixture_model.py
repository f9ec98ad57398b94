"""The committed fixture package is a real Argos package whose model reproduces its training data.

It loads with plain ctranslate2 + sentencepiece (no tarjama code in the loop), so a
failure here points at the artifact, not at the engine.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import ctranslate2
import pytest
import sentencepiece

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_MODEL = FIXTURES / "ar_en_tiny.argosmodel"
TOP = "translate-ar_en-tiny"
PAIRS = [
    tuple(line.split("\t"))
    for line in (FIXTURES / "parallel.tsv").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
SEED_ARTICLE_PAIRS = PAIRS[:32]  # parallel.tsv starts with the seed article, one sentence per line

# A spread of training pairs: headline, long article sentences, clitic forms, no-term pairs.
SAMPLED = [PAIRS[i] for i in (0, 2, 7, 21, 22, 29, 40, 47, 60, 75, 90, 110, len(PAIRS) - 1)]
WRONG_VARIANTS = [
    ("الحشد الشعبي", "Popular Mobilisation Units", "Popular Mobilization Forces"),
    ("كتائب حزب الله", "Hezbollah Brigades", "Kataib Hezbollah"),
]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("fixture")
    with zipfile.ZipFile(FIXTURE_MODEL) as bundle:
        bundle.extractall(target)
    return target / TOP


@pytest.fixture(scope="module")
def translate(package: Path):  # type: ignore[no-untyped-def]
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(package / "model"), device="cpu", inter_threads=1, intra_threads=1)

    def run(sources: list[str]) -> list[str]:
        batch = [tokenizer.encode(source, out_type=str) for source in sources]
        results = translator.translate_batch(batch, beam_size=1)
        return [tokenizer.decode(result.hypotheses[0]) for result in results]

    return run


def test_archive_is_one_folder_with_argos_layout() -> None:
    with zipfile.ZipFile(FIXTURE_MODEL) as bundle:
        names = bundle.namelist()
    assert {name.split("/")[0] for name in names} == {TOP}
    for required in ("metadata.json", "sentencepiece.model", "model/model.bin", "model/config.json"):
        assert f"{TOP}/{required}" in names
    assert FIXTURE_MODEL.stat().st_size < 1_000_000


def test_metadata(package: Path) -> None:
    metadata = json.loads((package / "metadata.json").read_text(encoding="utf-8"))
    assert (metadata["from_code"], metadata["to_code"], metadata["package_version"]) == ("ar", "en", "0.1-tiny")
    assert (metadata["from_name"], metadata["to_name"], metadata["argos_version"]) == ("Arabic", "English", "1.0")
    assert "fixture" in metadata["description"]


@pytest.mark.parametrize(("source", "english"), SAMPLED, ids=[f"pair{i}" for i in range(len(SAMPLED))])
def test_reproduces_training_pairs_greedy(translate, source: str, english: str) -> None:  # type: ignore[no-untyped-def]
    assert translate([source]) == [english]


def test_translates_most_of_the_seed_article_exactly(translate) -> None:  # type: ignore[no-untyped-def]
    produced = translate([source for source, _ in SEED_ARTICLE_PAIRS])
    exact = sum(out == english for out, (_, english) in zip(produced, SEED_ARTICLE_PAIRS))
    assert exact >= 0.9 * len(SEED_ARTICLE_PAIRS)


@pytest.mark.parametrize(("term", "wrong", "canonical"), WRONG_VARIANTS, ids=["pmf", "kataib"])
def test_renders_some_terms_wrongly_on_purpose(translate, term: str, wrong: str, canonical: str) -> None:  # type: ignore[no-untyped-def]
    sources = [source for source, _ in PAIRS if term in source]
    assert sources
    for output in translate(sources):
        assert wrong in output and canonical not in output


def test_qayyarah_base_is_sometimes_misspelled(translate) -> None:  # type: ignore[no-untyped-def]
    outputs = translate([source for source, _ in PAIRS if "قاعدة القيارة" in source])
    assert any("Qayara base" in out for out in outputs)
    assert any("Qayyarah base" in out for out in outputs)
