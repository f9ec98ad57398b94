"""Benchmark: `tarjama serve` against LibreTranslate 1.9.6 over HTTP on 127.0.0.1.

Run by hand, once (about 6-10 minutes on 2 cores; the machine is shared, so
the figures are ratios measured in the same run):

    python3 -m venv /work/lt-venv && /work/lt-venv/bin/pip install -q torch==2.13.0 \\
        && /work/lt-venv/bin/pip install -q libretranslate==1.9.6 spacy
    .venv/bin/python benchmarks/bench_serve.py --lt-venv /work/lt-venv

Same Argos package for everyone: the transformer-base random-weight package of
``bench_translate.py`` (random weights never emit </s>, so every decode is
forced to 40 target tokens at beam 4, identically for all). Same requests: N
requests of one seed sentence each (cycling through the article), sent by C
concurrent keep-alive clients, C = 1, 8, 32. Contenders:

  a) LibreTranslate at its defaults, and b) at its best thread settings
     (ARGOS_INTER_THREADS=2, ARGOS_INTRA_THREADS=1), run offline as
     ../shared/ref/libretranslate-bench.md describes;
  c) ``tarjama serve --no-glossary --no-cache`` (nothing is remembered
     between requests, and no glossary: LibreTranslate has none);
  d) the limits: raw CTranslate2, one ``translate_batch`` of the N sentences
     (inter 2, intra 1, 512 tokens), and ``tarjama translate``'s offline
     batch (the pipeline in-process, the article's sentences in one call).

Targets (README, "tarjama serve"): at C=8 c >= 10x a and >= 1.3x b; c's p50 at
C=1 no worse than b's; c at C=32 >= 80 % of d's ``tarjama translate`` batch.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_translate import _FIX_LENGTHS, build_random_package, seed_sentences  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = (1, 8, 32)
START_TIMEOUT_S = 240


@dataclass
class Run:
    contender: str
    concurrency: int
    requests: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def load(url: str, sentences: list[str], requests: int, concurrency: int, contender: str) -> Run:
    """``requests`` POST /translate calls from ``concurrency`` keep-alive clients."""
    parts = urlsplit(url)
    next_index = 0
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0

    def client() -> None:
        nonlocal next_index, errors
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
        while True:
            with lock:
                index = next_index
                next_index += 1
            if index >= requests:
                break
            body = json.dumps({"q": sentences[index % len(sentences)], "source": "ar", "target": "en"})
            started = time.perf_counter()
            try:
                connection.request("POST", "/translate", body=body, headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                answer = response.read()
                ok = response.status == 200 and "translatedText" in json.loads(answer)
            except (OSError, http.client.HTTPException, ValueError):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Run(contender, concurrency, requests, time.perf_counter() - started, latencies, errors)


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> float:
    started = time.perf_counter()
    parts = urlsplit(url)
    while time.perf_counter() - started < START_TIMEOUT_S:
        if process.poll() is not None:
            raise SystemExit(f"{url} exited {process.returncode} at start-up:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            connection.request("GET", "/languages")
            if connection.getresponse().status == 200:
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not start within {START_TIMEOUT_S} s")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_and_measure(
    label: str, command: list[str], env: dict[str, str], work: Path, sentences: list[str], requests: int, port: int
) -> list[Run]:
    log = work / f"{label.split()[0].strip(')')}-{port}.log"
    url = f"http://127.0.0.1:{port}"
    with open(log, "wb") as output:
        process = subprocess.Popen(command, env=env, cwd=work, stdout=output, stderr=subprocess.STDOUT)
    try:
        startup = wait_until_up(url, process, log)
        print(f"  {label}: up in {startup:.1f} s", flush=True)
        load(url, sentences, min(8, requests), 4, label)  # warm-up: first decodes, thread pools
        runs = []
        for concurrency in CONCURRENCY:
            run = load(url, sentences, requests, concurrency, label)
            runs.append(run)
            print(
                f"  {label:<44} C={concurrency:<3} {run.throughput:6.2f} sentences/s  p50 {run.percentile(0.5) * 1000:8.0f} ms"
                f"  p99 {run.percentile(0.99) * 1000:8.0f} ms  errors {run.errors}",
                flush=True,
            )
        return runs
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_TARJAMA_SERVE = _FIX_LENGTHS + """
import sys
from translator.cli import main
sys.argv = ["tarjama", "serve", *sys.argv[1:]]
main()
"""

_RAW_BATCH = _FIX_LENGTHS + """
import json, sys, time
import ctranslate2, sentencepiece
package = sys.argv[1]
sentences = json.loads(open(sys.argv[2], encoding="utf-8").read())
sp = sentencepiece.SentencePieceProcessor(model_file=package + "/sentencepiece.model")
translator = ctranslate2.Translator(package + "/model", compute_type="int8", inter_threads=2, intra_threads=1)
tokens = [sp.encode(s, out_type=str) for s in sentences]
translator.translate_batch(tokens[:4], beam_size=4)
best = float("inf")
for _ in range(2):
    started = time.perf_counter()
    translator.translate_batch(tokens, beam_size=4, max_batch_size=512, batch_type="tokens")
    best = min(best, time.perf_counter() - started)
print(json.dumps({"seconds": best}))
"""

_OFFLINE_BATCH = _FIX_LENGTHS + """
import json, sys, time
from translator.ct2_engine import ArgosEngine
from translator.packages import validate_package_dir
from translator.pipeline import SourceDocument, translate_documents
from pathlib import Path
engine = ArgosEngine(validate_package_dir(Path(sys.argv[1])))
sentences = json.loads(open(sys.argv[2], encoding="utf-8").read())
unique = list(dict.fromkeys(sentences))
documents = [SourceDocument(f"s{i}", s) for i, s in enumerate(unique)]
translate_documents(documents[:4], engine)
best = float("inf")
for _ in range(2):
    started = time.perf_counter()
    translate_documents(documents, engine)
    best = min(best, time.perf_counter() - started)
print(json.dumps({"seconds": best, "sentences": len(unique)}))
"""


def run_json(script: str, args: list[str], env: dict[str, str]) -> dict[str, float]:
    completed = subprocess.run([sys.executable, "-c", script, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    if completed.returncode != 0:
        raise SystemExit(f"failed:\n{completed.stderr[-3000:]}")
    result: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def prepare_libretranslate_home(work: Path, package: Path) -> dict[str, str]:
    """HOME, XDG folders and argos settings that let LibreTranslate start offline, fast."""
    home = work / "lt-home"
    (home / "data" / "argos-translate").mkdir(parents=True, exist_ok=True)
    # With fewer than two packages installed LibreTranslate refreshes the index
    # and recurses on the failed download for ~95 s; an empty index stops that.
    (home / "data" / "argos-translate" / "index.json").write_text("[]", encoding="utf-8")
    (home / "cache" / "argos-translate" / "spacy" / "senter" / "model").mkdir(parents=True, exist_ok=True)
    fix = work / "lt-sitecustomize"
    fix.mkdir(exist_ok=True)
    (fix / "sitecustomize.py").write_text(
        _FIX_LENGTHS.replace("kwargs[\"min_decoding_length\"]", "kwargs[\"beam_size\"] = 4; kwargs[\"min_decoding_length\"]"),
        encoding="utf-8",
    )
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "ARGOS_PACKAGES_DIR": str(package.parent),
        "ARGOS_CHUNK_TYPE": "SPACY",
        "LT_UPDATE_MODELS": "false",
        "PYTHONPATH": str(fix),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lt-venv", default="/work/lt-venv", help="virtualenv with libretranslate==1.9.6 and spacy")
    parser.add_argument("--requests", type=int, default=200, help="requests per concurrency level")
    parser.add_argument("--lt-default-requests", type=int, default=64, help="requests per level for LibreTranslate's slow defaults")
    parser.add_argument("--skip-lt", action="store_true", help="tarjama and the limits only")
    options = parser.parse_args()
    sentences = seed_sentences()
    batch = [sentences[i % len(sentences)] for i in range(options.requests)]
    with tempfile.TemporaryDirectory(prefix="tarjama-bench-serve-") as scratch:
        work = Path(scratch)
        print("building a transformer-base package with random weights ...", flush=True)
        package = build_random_package(work / "packages" / "translate-ar_en-bench")
        import spacy

        spacy.blank("xx").to_disk(package / "spacy")
        sentences_file = work / "sentences.json"
        sentences_file.write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
        print(f"{options.requests} requests of one sentence each ({len(sentences)} distinct seed sentences), beam 4, 40 tokens\n")
        tarjama_env = {**os.environ, "PYTHONPATH": str(ROOT), "TARJAMA_CACHE": str(work / "tarjama-cache")}
        raw = run_json(_RAW_BATCH, [str(package), str(sentences_file)], tarjama_env)
        raw_rate = options.requests / raw["seconds"]
        print(f"  d) raw CTranslate2, one translate_batch of {options.requests}: {raw_rate:6.2f} sentences/s", flush=True)
        offline = run_json(_OFFLINE_BATCH, [str(package), str(sentences_file)], tarjama_env)
        offline_rate = offline["sentences"] / offline["seconds"]
        print(f"  d) tarjama translate's batch (pipeline, in-process): {offline_rate:6.2f} sentences/s\n", flush=True)
        runs: list[Run] = []
        serve = [sys.executable, "-c", _TARJAMA_SERVE, "--model", str(package), "--no-glossary", "--no-cache"]
        port = free_port()
        runs += serve_and_measure("c) tarjama serve", [*serve, "--port", str(port)], tarjama_env, work, sentences, options.requests, port)
        if not options.skip_lt:
            libretranslate = str(Path(options.lt_venv) / "bin" / "libretranslate")
            lt_env = prepare_libretranslate_home(work, package)
            for label, extra, count in (
                ("b) LibreTranslate inter 2 / intra 1", {"ARGOS_INTER_THREADS": "2", "ARGOS_INTRA_THREADS": "1"}, options.requests),
                ("a) LibreTranslate defaults", {}, options.lt_default_requests),
            ):
                port = free_port()
                command = [libretranslate, "--host", "127.0.0.1", "--port", str(port), "--load-only", "ar,en", "--disable-web-ui"]
                runs += serve_and_measure(label, command, {**lt_env, **extra}, work, sentences, count, port)
        summarize(runs, raw_rate, offline_rate)


def summarize(runs: list[Run], raw_rate: float, offline_rate: float) -> None:
    by = {(r.contender.split(")")[0], r.concurrency): r for r in runs}
    serve8, serve1, serve32 = by[("c", 8)], by[("c", 1)], by[("c", 32)]
    print()
    if ("a", 8) in by:
        print(f"c vs a (LibreTranslate defaults) at C=8: {serve8.throughput / by[('a', 8)].throughput:6.1f}x  (target >= 10x)")
    if ("b", 8) in by:
        print(f"c vs b (LibreTranslate tuned) at C=8:    {serve8.throughput / by[('b', 8)].throughput:6.2f}x  (target >= 1.3x)")
        print(
            f"p50 at C=1: c {serve1.percentile(0.5) * 1000:.0f} ms vs b {by[('b', 1)].percentile(0.5) * 1000:.0f} ms"
            "  (target: c no worse)"
        )
    print(f"c at C=32 vs tarjama translate's batch:  {100 * serve32.throughput / offline_rate:5.0f} %  (target >= 80 %)")
    print(f"c at C=32 vs raw CTranslate2's batch:    {100 * serve32.throughput / raw_rate:5.0f} %")
    print(f"errors: {sum(r.errors for r in runs)}")


if __name__ == "__main__":
    main()
