"""GPU check: the transformer-base random-weight model on ``--device cuda`` against the CPU.

Run by hand on a machine with a CUDA GPU and a CUDA build of ctranslate2
(the PyPI wheels for Linux x86-64 are one)::

    .venv/bin/python benchmarks/bench_gpu.py             # cuda vs cpu, sentences/s
    .venv/bin/python benchmarks/bench_gpu.py --cpu-only  # the CPU figure alone

It builds the same random-weight transformer-base Argos package as
``bench_translate.py`` (6+6 layers, d_model 512, FFN 2048, 8 heads, int8, 32k
vocabulary), makes ``--copies`` numbered copies of the seed article's
sentences (numbered so the pipeline's de-duplication keeps them all), and
translates them through tarjama's own engine factory (``make_engine``: the
device plan, threads, batch size and compute type a user gets from
``--device``), once per device after a warm-up call. Random weights never emit
``</s>``, so every sentence decodes to the engine's length cap on both devices:
the work is the same and the ratio is fair. Both runs happen in this process,
one after the other, so the ratio holds on a loaded machine.

Prints sentences/s for each device and the CUDA/CPU ratio; exits 2 when no
CUDA GPU is found (unless --cpu-only).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_translate import build_random_package, seed_sentences  # noqa: E402


def sentences_per_second(model: Path, device: str, compute_type: str, beam: int, sentences: list[str]) -> tuple[float, str]:
    from translator.commands.translate import make_engine
    from translator.engine import DecodeRequest
    from translator.models import ModelChoice

    engine = make_engine(ModelChoice(str(model), device, compute_type, device_explicit=True), beam)
    engine.translate([DecodeRequest(sentences[0])])  # warm-up: allocator, kernels, caches
    started = time.perf_counter()
    results = engine.translate([DecodeRequest(sentence) for sentence in sentences])
    elapsed = time.perf_counter() - started
    assert len(results) == len(sentences)
    settings = getattr(engine, "settings", None)
    compute = getattr(settings, "compute_type", "?")
    return len(sentences) / elapsed, str(compute)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=4, help="numbered copies of the seed article (31 sentences each)")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--compute-type", default="auto", help="CTranslate2 compute type for both runs (auto: per device)")
    parser.add_argument("--cpu-only", action="store_true", help="measure the CPU alone (no GPU here)")
    parser.add_argument("--layers", type=int, default=6, help="encoder and decoder layers (6: transformer-base)")
    args = parser.parse_args()

    from translator.device import cuda_device_count

    gpus = cuda_device_count()
    if not gpus and not args.cpu_only:
        print("no CUDA GPU found by ctranslate2.get_cuda_device_count(); nothing to compare (try --cpu-only)")
        raise SystemExit(2)
    base = seed_sentences()
    sentences = [f"({copy + 1}) {sentence}" for copy in range(args.copies) for sentence in base]
    with tempfile.TemporaryDirectory(prefix="tarjama-bench-gpu-") as tmp:
        model = build_random_package(Path(tmp) / "translate-ar_en-random", layers=args.layers)
        print(f"{len(sentences)} sentences, beam {args.beam}, transformer {args.layers}+{args.layers} random int8 weights")
        figures = {}
        for device in ("cpu",) if args.cpu_only else ("cuda", "cpu"):
            rate, compute = sentences_per_second(model, device, args.compute_type, args.beam, sentences)
            figures[device] = rate
            print(f"  {device:4s} ({compute}): {rate:8.2f} sentences/s")
        if "cuda" in figures:
            print(f"  cuda / cpu: {figures['cuda'] / figures['cpu']:.1f}x  ({gpus} GPU(s) visible)")


if __name__ == "__main__":
    main()
