"""translator.models.layouts: each family recognised from its files, everything else refused in one line."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from glossary.errors import PackageError
from translator.models.layouts import (
    ARGOS,
    M2M,
    MARIAN,
    NLLB,
    detect_ctranslate2_layout,
    expected_files_message,
    fingerprint,
)

from converted_models import LAYOUTS, unpack

# layout → (source prefix, source suffix, target prefix, source spm, target spm)
TOKENIZATION_RULES = {
    MARIAN: ((), ("</s>",), (), "source.spm", "target.spm"),
    NLLB: (("arb_Arab",), ("</s>",), ("eng_Latn",), "sentencepiece.bpe.model", "sentencepiece.bpe.model"),
    M2M: (("__ar__",), ("</s>",), ("__en__",), "sentencepiece.bpe.model", "sentencepiece.bpe.model"),
}


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("layouts")
    return {layout: unpack(layout, base / layout) for layout in LAYOUTS}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_layout_is_detected_with_its_tokenization(folders: dict[str, Path], layout: str) -> None:
    files = detect_ctranslate2_layout(folders[layout])
    source_prefix, source_suffix, target_prefix, source_spm, target_spm = TOKENIZATION_RULES[layout]
    assert files.layout == layout
    assert (files.source_prefix, files.source_suffix, files.target_prefix) == (source_prefix, source_suffix, target_prefix)
    assert (files.source_spm.name, files.target_spm.name) == (source_spm, target_spm)
    assert files.model_dir == folders[layout]
    assert files.name == folders[layout].name


def _without(name: str):  # type: ignore[no-untyped-def]
    def change(folder: Path) -> None:
        (folder / name).unlink()

    return change


def _vocabulary_without(*tokens: str):  # type: ignore[no-untyped-def]
    def change(folder: Path) -> None:
        path = folder / "shared_vocabulary.json"
        vocabulary = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps([t for t in vocabulary if t not in tokens]), encoding="utf-8")

    return change


EXPECTED_FILES = "expected one of: Argos package (metadata.json, model/model.bin, sentencepiece.model); OPUS-MT (Marian) (model.bin, config.json, shared_vocabulary.json, source.spm, target.spm)"
REFUSALS = [
    # (id, layout to start from, change, message start)
    ("no model.bin", MARIAN, _without("model.bin"), "not a translation model: model.bin missing; " + EXPECTED_FILES),
    ("no config.json", NLLB, _without("config.json"), "not a translation model: config.json missing; " + EXPECTED_FILES),
    (
        "no vocabulary",
        NLLB,
        _without("shared_vocabulary.json"),
        "not a translation model: a vocabulary (shared_vocabulary.json) missing; " + EXPECTED_FILES,
    ),
    ("marian without target.spm", MARIAN, _without("target.spm"), "OPUS-MT (Marian) model without target.spm; " + EXPECTED_FILES),
    ("marian without source.spm", MARIAN, _without("source.spm"), "OPUS-MT (Marian) model without source.spm; " + EXPECTED_FILES),
    (
        "nllb without its spm",
        NLLB,
        _without("sentencepiece.bpe.model"),
        "a CTranslate2 model without its SentencePiece model(s); " + EXPECTED_FILES,
    ),
    (
        "nllb vocabulary without arb_Arab",
        NLLB,
        _vocabulary_without("arb_Arab"),
        "the vocabulary lacks the language tokens for ar→en (NLLB-200's arb_Arab and eng_Latn or M2M-100's __ar__ and __en__)",
    ),
    (
        "m2m vocabulary without __en__",
        M2M,
        _vocabulary_without("__en__"),
        "the vocabulary lacks the language tokens for ar→en",
    ),
]


@pytest.mark.parametrize(("layout", "change", "message"), [case[1:] for case in REFUSALS], ids=[case[0] for case in REFUSALS])
def test_wrong_layout_is_refused_naming_the_expected_files(
    tmp_path: Path, layout: str, change, message: str  # type: ignore[no-untyped-def]
) -> None:
    folder = unpack(layout, tmp_path)
    change(folder)
    with pytest.raises(PackageError) as caught:
        detect_ctranslate2_layout(folder)
    assert caught.value.path == str(folder)
    assert caught.value.message.startswith(message)
    assert "\n" not in str(caught.value)


def test_an_empty_folder_lists_every_layout(tmp_path: Path) -> None:
    with pytest.raises(PackageError) as caught:
        detect_ctranslate2_layout(tmp_path)
    for listed in ("Argos package (", "OPUS-MT (Marian) (", "NLLB-200 (", "M2M-100 ("):
        assert listed in caught.value.message


def test_nllb_tokens_follow_the_requested_pair(folders: dict[str, Path]) -> None:
    with pytest.raises(PackageError, match="language tokens for fr→en"):
        detect_ctranslate2_layout(folders[NLLB], "fr", "en")


def test_expected_files_message_names_all_four_layouts() -> None:
    message = expected_files_message("x")
    assert message.startswith("x; expected one of: ")
    assert message.count("model.bin") == 4 and ARGOS not in message.split(";")[0]


def test_fingerprint_survives_a_copy_and_changes_with_the_weights(folders: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(folders[MARIAN], copy)
    assert fingerprint(copy) == fingerprint(folders[MARIAN])
    data = bytearray((copy / "model.bin").read_bytes())
    data[-1] ^= 0xFF
    (copy / "model.bin").write_bytes(bytes(data))
    assert fingerprint(copy) != fingerprint(folders[MARIAN])


def test_fingerprint_ignores_the_install_record(folders: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(folders[NLLB], copy)
    (copy / "tarjama-model.json").write_text("{}", encoding="utf-8")
    assert fingerprint(copy) == fingerprint(folders[NLLB])
