"""Model layouts: which files make a model of each family, and how each tokenizes.

Every model tarjama runs is a CTranslate2 model plus SentencePiece; the families
differ in where the files sit and in the tokens wrapped around the text:

=========  ==============================================  ===========================  ==============
layout     files                                           source tokens                target prefix
=========  ==============================================  ===========================  ==============
argos      metadata.json, model/, sentencepiece.model      pieces                       metadata's, if any
marian     model.bin, config.json, vocabulary,             pieces ``</s>``              none
           source.spm, target.spm
nllb       model.bin, config.json, vocabulary,             ``arb_Arab`` pieces ``</s>``  ``eng_Latn``
           sentencepiece.bpe.model
m2m        same files as nllb                              ``__ar__`` pieces ``</s>``    ``__en__``
=========  ==============================================  ===========================  ==============

NLLB-200 and M2M-100 conversions hold the same files; the language tokens in
the vocabulary tell them apart. The target prefix is forced before any words
the glossary forces, and stripped from the output.

Nothing here imports ctranslate2 or sentencepiece: detection reads file names
and the vocabulary, so ``model list`` stays fast.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from glossary.errors import PackageError

ARGOS, MARIAN, NLLB, M2M = "argos", "marian", "nllb", "m2m"
LAYOUT_TITLES: Mapping[str, str] = {
    ARGOS: "Argos package",
    MARIAN: "OPUS-MT (Marian)",
    NLLB: "NLLB-200",
    M2M: "M2M-100",
}
MODEL_BIN, CONFIG = "model.bin", "config.json"
MARIAN_SOURCE_SPM, MARIAN_TARGET_SPM = "source.spm", "target.spm"
SHARED_SPM = "sentencepiece.bpe.model"
END_OF_SENTENCE = "</s>"
VOCABULARY_FILES = (
    "shared_vocabulary.json",
    "shared_vocabulary.txt",
    "source_vocabulary.json",
    "source_vocabulary.txt",
    "target_vocabulary.json",
    "target_vocabulary.txt",
)
# What the one-line refusal lists: the files each layout is recognised by.
EXPECTED_FILES: Mapping[str, str] = {
    ARGOS: "metadata.json, model/model.bin, sentencepiece.model",
    MARIAN: "model.bin, config.json, shared_vocabulary.json, source.spm, target.spm",
    NLLB: "model.bin, config.json, shared_vocabulary.json, sentencepiece.bpe.model (+ arb_Arab, eng_Latn tokens)",
    M2M: "model.bin, config.json, shared_vocabulary.json, sentencepiece.bpe.model (+ __ar__, __en__ tokens)",
}
# FLORES-200 codes NLLB uses for the ISO 639-1 codes tarjama speaks.
NLLB_LANGUAGE_TOKENS: Mapping[str, str] = {"ar": "arb_Arab", "en": "eng_Latn", "fr": "fra_Latn"}
# Head and tail of each file go into the fingerprint: enough to tell two
# conversions apart without reading gigabytes of weights on every run.
FINGERPRINT_SAMPLE_BYTES = 1 << 20


@dataclass(frozen=True)
class ModelFiles:
    """A model ready to load: its files and the tokens its family wraps around text."""

    layout: str
    folder: Path
    # The CTranslate2 model folder (``model/`` inside an Argos package).
    model_dir: Path
    source_spm: Path
    target_spm: Path
    name: str
    version: str
    source_prefix: tuple[str, ...] = ()
    source_suffix: tuple[str, ...] = ()
    target_prefix: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return LAYOUT_TITLES[self.layout]


def expected_files_message(prefix: str) -> str:
    """``PREFIX; expected one of: Argos package (…), OPUS-MT (Marian) (…), …``."""
    listed = "; ".join(f"{LAYOUT_TITLES[layout]} ({files})" for layout, files in EXPECTED_FILES.items())
    return f"{prefix}; expected one of: {listed}"


def looks_like_ctranslate2_model(folder: Path) -> bool:
    """True when ``folder`` holds a CTranslate2 model directly (not an Argos package)."""
    return (folder / MODEL_BIN).is_file() and not (folder / "metadata.json").is_file()


def detect_ctranslate2_layout(
    folder: Path, from_code: str = "ar", to_code: str = "en", name: str | None = None, version: str | None = None
) -> ModelFiles:
    """The Marian, NLLB or M2M layout of a converted model folder; PackageError naming the expected files."""
    folder = Path(folder)
    shown = str(folder)
    if not folder.is_dir():
        raise PackageError("not a model folder", shown)
    present = {child.name for child in folder.iterdir()}
    missing_core = [needed for needed in (MODEL_BIN, CONFIG) if needed not in present]
    has_vocabulary = any(name_ in present for name_ in VOCABULARY_FILES)
    if missing_core or not has_vocabulary:
        missing = missing_core + ([] if has_vocabulary else ["a vocabulary (shared_vocabulary.json)"])
        raise PackageError(expected_files_message(f"not a translation model: {', '.join(missing)} missing"), shown)
    name = name or folder.name
    version = version or fingerprint(folder)[:12]
    if MARIAN_SOURCE_SPM in present or MARIAN_TARGET_SPM in present:
        for needed in (MARIAN_SOURCE_SPM, MARIAN_TARGET_SPM):
            if needed not in present:
                raise PackageError(
                    expected_files_message(f"OPUS-MT (Marian) model without {needed}"), shown
                )
        return ModelFiles(
            MARIAN, folder, folder, folder / MARIAN_SOURCE_SPM, folder / MARIAN_TARGET_SPM, name, version,
            source_suffix=(END_OF_SENTENCE,),
        )
    if SHARED_SPM not in present:
        raise PackageError(
            expected_files_message("a CTranslate2 model without its SentencePiece model(s)"), shown
        )
    vocabulary = read_vocabulary(folder)
    candidates = {
        NLLB: (NLLB_LANGUAGE_TOKENS.get(from_code, ""), NLLB_LANGUAGE_TOKENS.get(to_code, "")),
        M2M: (f"__{from_code}__", f"__{to_code}__"),
    }
    for layout, (source_token, target_token) in candidates.items():
        if source_token and target_token and source_token in vocabulary and target_token in vocabulary:
            return ModelFiles(
                layout, folder, folder, folder / SHARED_SPM, folder / SHARED_SPM, name, version,
                source_prefix=(source_token,), source_suffix=(END_OF_SENTENCE,), target_prefix=(target_token,),
            )
    wanted = " or ".join(f"{LAYOUT_TITLES[layout]}'s {s} and {t}" for layout, (s, t) in candidates.items() if s and t)
    raise PackageError(
        f"the vocabulary lacks the language tokens for {from_code}→{to_code} ({wanted}); "
        f"is this a multilingual model covering both languages?",
        shown,
    )


def read_vocabulary(folder: Path) -> frozenset[str]:
    """Every token in the model's vocabulary files (JSON list or one token a line)."""
    tokens: set[str] = set()
    for file_name in VOCABULARY_FILES:
        path = folder / file_name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
            if file_name.endswith(".json"):
                loaded = json.loads(text)
                if not isinstance(loaded, list):
                    raise ValueError("not a JSON list")
                tokens.update(str(token) for token in loaded)
            else:
                tokens.update(text.splitlines())
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise PackageError(f"cannot read the vocabulary: {' '.join(str(exc).split())}", str(path)) from None
    return frozenset(tokens)


def fingerprint(folder: Path) -> str:
    """sha256 over every file's name, size, first and last MiB: the model's identity.

    Cheap on multi-gigabyte models, stable across copies (no timestamps), and
    different for any two conversions in practice (their weights differ at both ends).
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() and not p.name.startswith(".")):
        relative = path.relative_to(folder).as_posix()
        if relative.startswith("tarjama-"):
            continue  # our own install record is not part of the model
        size = path.stat().st_size
        digest.update(f"{relative}\x00{size}\x00".encode())
        with open(path, "rb") as stream:
            digest.update(stream.read(FINGERPRINT_SAMPLE_BYTES))
            if size > 2 * FINGERPRINT_SAMPLE_BYTES:
                stream.seek(size - FINGERPRINT_SAMPLE_BYTES, os.SEEK_SET)
                digest.update(stream.read(FINGERPRINT_SAMPLE_BYTES))
    return digest.hexdigest()
