"""Benchmark: an archive of 200 articles, locally and on Ray, all in one run.

Run by hand (about 10 minutes on 2 cores; the machine is shared, run it once):

    .venv/bin/python benchmarks/bench_archive.py

It builds the transformer-base random-weight Argos package of
``bench_translate.py`` (6+6 layers, d_model 512, FFN 2048, int8, 32k
vocabulary; every decode forced to 40 target tokens, beam 4), writes 200
articles made from the seed article's sentences, and times
``tarjama translate corpus/ --out-dir OUT --no-cache --no-glossary`` in a fresh
process for each contender (whole-process wall time, imports and Ray start-up
included):

  local  the best of --workers 2 --threads-per-worker 1 and --workers 1 --threads-per-worker 2
  ray    --ray (a local instance) --workers 2 --threads-per-worker 1
  1 node a ray.cluster_utils head with 1 CPU, --workers 1
  2 nodes a head and a worker node with 1 CPU each, --workers 2

Targets: ray >= 0.85x local throughput (Ray's overhead); 2 nodes >= 1.7x 1 node
(the per-node scaling a real cluster gives). Start-up is the time until the
first file is done (the run's own summary line).
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_translate import DECODING_LENGTH, ROOT, build_random_package, seed_sentences  # noqa: E402

# Installed in every process of the run (Ray workers too) through PYTHONPATH:
# random weights never emit </s>, so every decode is forced to the same length.
_SITECUSTOMIZE = f"""
try:
    import ctranslate2
except ImportError:
    pass
else:
    class _FixedLengthTranslator(ctranslate2.Translator):
        def translate_batch(self, *args, **kwargs):
            kwargs["min_decoding_length"] = kwargs["max_decoding_length"] = {DECODING_LENGTH}
            return super().translate_batch(*args, **kwargs)
    ctranslate2.Translator = _FixedLengthTranslator
"""
_FIRST_FILE = re.compile(r"first file after ([0-9.]+) s")


def write_corpus(root: Path, articles: int, sentences_per_article: int) -> int:
    """``articles`` files of seed sentences in 10 folders; returns the sentence count."""
    sentences = seed_sentences()
    total = 0
    for index in range(articles):
        chosen = [sentences[(index * sentences_per_article + k) % len(sentences)] for k in range(sentences_per_article)]
        folder = root / f"{index % 10:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"article-{index:03d}.ar.txt").write_text("\n\n".join(chosen) + "\n", encoding="utf-8")
        total += len(chosen)
    return total


def run_cli(args: list[str], env: dict[str, str], out: Path) -> tuple[float, float]:
    """(wall seconds, seconds to the first finished file) of one CLI run."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", "from translator.cli import main; main()", "translate", *args, "--out-dir", str(out)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"tarjama translate {' '.join(args)} failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    first = _FIRST_FILE.search(completed.stderr)
    return wall, float(first.group(1)) if first else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--sentences-per-article", type=int, default=3)
    options = parser.parse_args()
    from ray.cluster_utils import Cluster

    with tempfile.TemporaryDirectory(prefix="tarjama-bench-archive-") as scratch:
        work = Path(scratch)
        print("building a transformer-base package with random weights ...", flush=True)
        package = build_random_package(work / "packages" / "translate-ar_en-bench")
        site = work / "site"
        site.mkdir()
        (site / "sitecustomize.py").write_text(_SITECUSTOMIZE, encoding="utf-8")
        corpus = work / "corpus"
        sentences = write_corpus(corpus, options.articles, options.sentences_per_article)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
            "TARJAMA_CACHE": str(work / "cache"),
            "RAY_USAGE_STATS_ENABLED": "0",
        }
        os.environ.update({k: env[k] for k in ("PYTHONPATH", "RAY_USAGE_STATS_ENABLED")})  # cluster_utils nodes inherit it
        common = [str(corpus), "--model", str(package), "--no-cache", "--no-glossary", "--no-progress"]
        print(f"{options.articles} articles, {sentences} sentences, beam 4, {DECODING_LENGTH} target tokens each\n", flush=True)
        results: dict[str, tuple[float, float]] = {}
        runs = 0

        def record(label: str, extra: list[str]) -> None:
            nonlocal runs
            runs += 1
            wall, first = run_cli(common + extra, env, work / f"out-{runs}")
            results[label] = (wall, first)
            steady = max(wall - first, 1e-9)
            print(
                f"  {label:<34} {wall:7.1f} s  {options.articles / wall:6.2f} files/s  {sentences / wall:6.1f} sentences/s"
                f"  start-up {first:5.1f} s  (after start-up: {sentences / steady:6.1f} sentences/s)",
                flush=True,
            )

        record("local --workers 2 --threads 1", ["--workers", "2", "--threads-per-worker", "1"])
        record("local --workers 1 --threads 2", ["--workers", "1", "--threads-per-worker", "2"])
        record("ray local, 2 workers x 1 thread", ["--ray", "--workers", "2", "--threads-per-worker", "1", "--files-per-batch", "4"])
        for nodes in (1, 2):
            cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
            try:
                if nodes == 2:
                    cluster.add_node(num_cpus=1)
                cluster.wait_for_nodes()
                record(
                    f"cluster_utils, {nodes} node{'s' if nodes > 1 else ''} x 1 CPU",
                    ["--ray", cluster.address, "--workers", str(nodes), "--files-per-batch", "4"],
                )
            finally:
                cluster.shutdown()

        best_local = min(("local --workers 2 --threads 1", "local --workers 1 --threads 2"), key=lambda k: results[k][0])
        local_wall = results[best_local][0]
        ray_wall = results["ray local, 2 workers x 1 thread"][0]
        one, two = results["cluster_utils, 1 node x 1 CPU"][0], results["cluster_utils, 2 nodes x 1 CPU"][0]
        print()
        print(f"ray vs best local ({best_local}): {local_wall / ray_wall:5.2f}x the throughput (target >= 0.85x)")
        print(f"2 nodes vs 1 node: {one / two:5.2f}x the throughput (target >= 1.7x)")


if __name__ == "__main__":
    main()
