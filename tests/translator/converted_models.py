"""The tiny converted-model fixtures (tests/fixtures/build_ct2_fixtures.py), unpacked for tests.

Marian and NLLB layouts are committed zips; the M2M-100 layout is the NLLB
model with its two language tokens renamed in the vocabulary (``__ar__``,
``__en__``): M2M-100 tokenizes exactly like NLLB otherwise, and the weights do
not care what a token is called.
"""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from translator.models.layouts import M2M, MARIAN, NLLB

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ARCHIVES = {MARIAN: FIXTURES / "ar_en_tiny_marian.zip", NLLB: FIXTURES / "ar_en_tiny_nllb.zip"}
FOLDERS = {MARIAN: "opus-mt-ar-en-tiny", NLLB: "nllb-ar-en-tiny", M2M: "m2m100-ar-en-tiny"}
M2M_RENAMES = {"arb_Arab": "__ar__", "eng_Latn": "__en__"}
LAYOUTS = (MARIAN, NLLB, M2M)
PAIRS = [
    tuple(line.split("\t"))
    for line in (FIXTURES / "parallel.tsv").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
SEED_ARTICLE_PAIRS = PAIRS[:32]  # parallel.tsv starts with the seed article, one sentence per line


def unpack(layout: str, directory: Path) -> Path:
    """The fixture model of ``layout`` as a folder inside ``directory``."""
    if layout == M2M:
        nllb = unpack(NLLB, directory / "from-nllb")
        folder = directory / FOLDERS[M2M]
        shutil.copytree(nllb, folder)
        vocabulary_file = folder / "shared_vocabulary.json"
        vocabulary = json.loads(vocabulary_file.read_text(encoding="utf-8"))
        vocabulary_file.write_text(json.dumps([M2M_RENAMES.get(t, t) for t in vocabulary]), encoding="utf-8")
        shutil.rmtree(directory / "from-nllb")
        return folder
    with zipfile.ZipFile(ARCHIVES[layout]) as bundle:
        bundle.extractall(directory)
    return directory / FOLDERS[layout]
