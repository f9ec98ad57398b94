"""Benchmark: tarjama's engine path against argostranslate and raw CTranslate2.

Run by hand (about 3-5 minutes on 2 cores; the machine is shared, run it once):

    .venv/bin/python benchmarks/bench_translate.py

It builds a transformer-base sized Argos package with random weights (6+6
layers, d_model 512, FFN 2048, 8 heads, int8, 32k vocabulary) and a
SentencePiece model trained on the seed article, then translates the seed
article's sentences with every contender at beam 4 and a fixed decoding length
(random weights never emit </s>, so min = max = 40 target tokens for all):

  a) argostranslate's own ``translate()`` (its defaults, and its best threads),
     made to run offline with a packaged blank spaCy sentencizer;
  b) ``tarjama translate`` as a user runs it (CLI subprocess, --no-cache);
  c) raw CTranslate2, best configuration found here (the limit).

Each contender runs in a fresh subprocess, so whole-process time includes imports.
Targets: b >= 3x best-tuned a; b within 5 % of c.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLE = ROOT / "seeds" / "qayyarah-handover.ar.txt"
DECODING_LENGTH = 40
BEAM = 4
_SENTENCE_END_RE = re.compile(r"(?<=[.!?؟])\s+")


def seed_sentences() -> list[str]:
    """The seed article as argos would split it: a plain regex on . ! ? ؟ + space."""
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    return [s.strip() for s in _SENTENCE_END_RE.split(text) if s.strip()]


def build_random_package(
    folder: Path,
    *,
    layers: int = 6,
    d_model: int = 512,
    ffn: int = 2048,
    heads: int = 8,
    vocab_size: int = 32000,
    spm_vocab: int = 600,
    quantization: str = "int8",
    from_code: str = "ar",
    to_code: str = "en",
    training_text: list[str] | None = None,
    seed: int = 0,
) -> Path:
    """An Argos package folder (model/, sentencepiece.model, metadata.json), random weights."""
    import ctranslate2
    import numpy as np
    import sentencepiece as spm
    from ctranslate2.specs.model_spec import visit_spec

    folder.mkdir(parents=True, exist_ok=True)
    lines = training_text or (seed_sentences() + _english_filler())
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_prefix=str(folder / "sentencepiece"),
        vocab_size=spm_vocab,
        hard_vocab_limit=False,
        character_coverage=1.0,
        minloglevel=2,
    )
    (folder / "sentencepiece.vocab").unlink(missing_ok=True)
    processor = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    vocabulary = ["<blank>", "<unk>", "<s>", "</s>"] + [p for p in pieces if p not in ("<unk>", "<s>", "</s>")]
    vocabulary += [f"▁filler{i}" for i in range(vocab_size - len(vocabulary))]

    spec = ctranslate2.specs.TransformerSpec.from_config(layers, heads)
    rng = np.random.default_rng(seed)

    def shape_of(name: str) -> tuple[int, ...]:
        parts = name.split("/")
        leaf = parts[-1]
        if "layer_norm" in parts[-2] or parts[-2] == "layer_norm":
            return (d_model,)
        owner = parts[-2]
        if owner.startswith("embeddings") or owner == "projection":
            return (len(vocabulary), d_model) if leaf == "weight" else (len(vocabulary),)
        block = parts[-3]
        index = int(owner.rsplit("_", 1)[1])
        if block == "self_attention":
            rows = 3 * d_model if index == 0 else d_model
        elif block == "attention":
            rows = 2 * d_model if index == 1 else d_model
        else:  # ffn
            rows = ffn if index == 0 else d_model
        cols = d_model if not (block == "ffn" and index == 1) else ffn
        return (rows, cols) if leaf == "weight" else (rows,)

    def fill(layer: object, name: str, value: object) -> None:
        if value is None:
            shape = shape_of(name)
            data = (rng.standard_normal(shape) * 0.05).astype(np.float32)
            if name.endswith("gamma"):
                data = np.ones(shape, dtype=np.float32)
            setattr(layer, name.split("/")[-1], data)

    visit_spec(spec, fill)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization=quantization)
    (folder / "model").mkdir(exist_ok=True)
    spec.save(str(folder / "model"))
    metadata = {
        "package_version": "0.0-random",
        "argos_version": "1.9.0",
        "from_code": from_code,
        "from_name": "Arabic",
        "to_code": to_code,
        "to_name": "English",
        "type": "translate",
        "languages": [{"code": from_code, "name": "Arabic"}, {"code": to_code, "name": "English"}],
    }
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    return folder


def _english_filler() -> list[str]:
    return [
        "The international coalition handed over Qayyarah base to Iraqi forces.",
        "American forces withdrew completely from the base on Thursday morning.",
        "The coalition said hundreds of its soldiers and trainers left Iraq.",
    ]


# Every contender runs under this wrapper: random weights never emit </s>, so
# every decode is forced to exactly DECODING_LENGTH tokens, identically for all.
_FIX_LENGTHS = f"""
import ctranslate2
class _FixedLengthTranslator(ctranslate2.Translator):
    def translate_batch(self, *args, **kwargs):
        kwargs["min_decoding_length"] = kwargs["max_decoding_length"] = {DECODING_LENGTH}
        return super().translate_batch(*args, **kwargs)
ctranslate2.Translator = _FixedLengthTranslator
"""

_ARGOS = _FIX_LENGTHS + """
import sys
from argostranslate import translate
text = open(sys.argv[1], encoding="utf-8").read()
out = translate.translate(text, "ar", "en")
print(len(out))
"""

_TARJAMA = _FIX_LENGTHS + """
import sys
from translator.cli import main
sys.argv = ["tarjama", "translate", *sys.argv[1:]]
main()
"""

_RAW = _FIX_LENGTHS + """
import json, sys
import ctranslate2, sentencepiece
package, inter, intra, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
sentences = json.loads(open(sys.argv[5], encoding="utf-8").read())
sp = sentencepiece.SentencePieceProcessor(model_file=package + "/sentencepiece.model")
translator = ctranslate2.Translator(package + "/model", compute_type="int8", inter_threads=inter, intra_threads=intra)
results = translator.translate_batch([sp.encode(s, out_type=str) for s in sentences], beam_size=4,
                                     max_batch_size=batch, batch_type="tokens")
print(sum(len(r.hypotheses[0]) for r in results))
"""


def _run(label: str, script: str, args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{label} failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the fast contenders (best is kept)")
    parser.add_argument("--skip-argos-default", action="store_true", help="skip the slow argos-defaults run")
    options = parser.parse_args()
    sentences = seed_sentences()
    with tempfile.TemporaryDirectory(prefix="tarjama-bench-") as scratch:
        work = Path(scratch)
        print("building a transformer-base package with random weights ...", flush=True)
        package = build_random_package(work / "packages" / "translate-ar_en-bench")
        import spacy

        # A blank multilingual pipeline: argostranslate adds the rule-based sentencizer itself.
        nlp = spacy.blank("xx")
        nlp.to_disk(package / "spacy")
        # argostranslate's SPACY chunking looks for a cached multilingual model at import
        # and would try to download one; an empty folder where it looks stops that.
        (work / "cache" / "argos-translate" / "spacy" / "senter" / "model").mkdir(parents=True)
        (work / "xdg-cache" / "argos-translate" / "spacy" / "senter" / "model").mkdir(parents=True)
        sentences_file = work / "sentences.json"
        sentences_file.write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
        base_env = {
            **os.environ,
            "ARGOS_PACKAGES_DIR": str(work / "packages"),
            "XDG_CACHE_HOME": str(work / "xdg-cache"),
            "TARJAMA_CACHE": str(work / "tarjama-cache"),
            "ARGOS_CHUNK_TYPE": "SPACY",
            "PYTHONPATH": str(ROOT),
        }
        count = len(sentences)
        print(f"{count} sentences from {SEED_ARTICLE.name}, beam {BEAM}, {DECODING_LENGTH} target tokens each\n")
        timings: dict[str, float] = {}

        def record(label: str, seconds: float) -> None:
            timings[label] = seconds
            print(f"  {label:<46} {seconds:7.2f} s  {count / seconds:7.1f} sentences/s", flush=True)

        if not options.skip_argos_default:
            record("a) argostranslate, defaults", _run("argos", _ARGOS, [str(SEED_ARTICLE)], base_env))
        tuned = {**base_env, "ARGOS_INTER_THREADS": "2", "ARGOS_INTRA_THREADS": "1"}
        record("a) argostranslate, inter 2 / intra 1", _run("argos", _ARGOS, [str(SEED_ARTICLE)], tuned))
        tarjama_args = [str(SEED_ARTICLE), "--model", str(package), "--no-cache", "--no-progress", "-o", str(work / "out.txt")]
        record("b) tarjama translate (CLI, --no-cache)", min(_run("tarjama", _TARJAMA, tarjama_args, base_env) for _ in range(options.repeat)))
        best_raw = ("", float("inf"))
        for inter, intra, batch in [(2, 1, 256), (2, 1, 128), (2, 1, 512), (1, 2, 256)]:
            args = [str(package), str(inter), str(intra), str(batch), str(sentences_file)]
            seconds = min(_run("raw", _RAW, args, base_env) for _ in range(options.repeat))
            record(f"c) raw CTranslate2 inter {inter} / intra {intra} / {batch} tok", seconds)
            if seconds < best_raw[1]:
                best_raw = (f"inter {inter} / intra {intra} / {batch} tok", seconds)
        tarjama = timings["b) tarjama translate (CLI, --no-cache)"]
        argos_best = timings["a) argostranslate, inter 2 / intra 1"]
        print()
        print(f"b vs best-tuned a: {argos_best / tarjama:5.2f}x faster (target >= 3x)")
        if "a) argostranslate, defaults" in timings:
            print(f"b vs argos defaults: {timings['a) argostranslate, defaults'] / tarjama:5.2f}x faster")
        print(f"b vs best raw c ({best_raw[0]}): {100 * (tarjama / best_raw[1] - 1):+5.1f} % (target within 5 %)")


if __name__ == "__main__":
    main()
