"""Enforcement on the REAL fixture model (tiny CTranslate2 package) via ArgosEngine.

The fixture model was trained to render الحشد الشعبي as the wrong "Popular
Mobilisation Units". With the ban alone it produces a broken rendering
("The Popular Mobilisationed in Mosul."); prefix-forced repair cuts the output
where the rendering starts, forces "Popular Mobilization Forces", and the
model goes on with the rest of its memorized sentence.
"""
from __future__ import annotations

import pytest
from project_paths import FIXTURES, SEEDS

from glossary.yamlio import load_glossary
from translator.enforce import NATIVE, PREFIX, translate_segments

FIXTURE_MODEL = FIXTURES / "ar_en_tiny.argosmodel"

if not FIXTURE_MODEL.exists():
    pytest.skip("the fixture model is not built yet", allow_module_level=True)
ct2_engine = pytest.importorskip("translator.ct2_engine")
packages = pytest.importorskip("translator.packages")

GLOSSARY = load_glossary(SEEDS / "glossary.yaml")

# (source, expected methods). CTranslate2 output of this tiny model shifts with
# batch composition, so the words after the forced term are not pinned; the
# term, the method and the absence of the wrong rendering are.
REPAIR_CASES = [
    ("قال الحشد الشعبي إن مقاتليه انتشروا في الموصل.", [PREFIX, NATIVE]),
    ("استهدفت غارة مقرا للحشد الشعبي.", [PREFIX]),
    ("وللحشد الشعبي ألوية في الأنبار.", [PREFIX]),
]


@pytest.fixture(scope="module")
def engine() -> object:
    return ct2_engine.ArgosEngine(packages.resolve_model(str(FIXTURE_MODEL), "ar", "en"))


@pytest.mark.parametrize(("source", "methods"), REPAIR_CASES, ids=[c[0] for c in REPAIR_CASES])
def test_fixture_model_is_repaired_by_prefix(engine: object, source: str, methods: list[str]) -> None:
    [translation] = translate_segments([source], engine, GLOSSARY)  # type: ignore[arg-type]
    assert [o.method for o in translation.outcomes] == methods
    assert translation.text.count("Popular Mobilization Forces") == 1
    assert "Popular Mobilisation Units" not in translation.text
    assert "Mobilisation" not in translation.text


def test_qayyarah_base_is_repaired(engine: object) -> None:
    [translation] = translate_segments(["وصلت تعزيزات إلى قاعدة القيارة."], engine, GLOSSARY)  # type: ignore[arg-type]
    assert translation.text == "Reinforcements arrived at Qayyarah base."
    assert [o.method for o in translation.outcomes] == [PREFIX]


def test_fixture_model_makes_the_mistake_without_a_glossary(engine: object) -> None:
    [translation] = translate_segments(["قال الحشد الشعبي إن مقاتليه انتشروا في الموصل."], engine, None)  # type: ignore[arg-type]
    assert "Popular Mobilisation Units" in translation.text


def test_no_wrong_rendering_remains_in_a_batch(engine: object) -> None:
    sources = [pair.split("\t")[0] for pair in (FIXTURES / "parallel.tsv").read_text(encoding="utf-8").splitlines()
               if "الحشد الشعبي" in pair]
    translations = translate_segments(sources, engine, GLOSSARY)  # type: ignore[arg-type]
    for translation in translations:
        pmf = [o for o in translation.outcomes if o.occurrence.entry.target == "Popular Mobilization Forces"]
        if all(o.method != "unenforced" for o in pmf):
            assert "Popular Mobilisation Units" not in translation.text
            assert translation.text.count("Popular Mobilization Forces") >= len(pmf)
