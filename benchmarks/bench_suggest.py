"""Quality and speed of ``tarjama glossary suggest`` (run by hand).

Quality (with the CLI defaults: min count 2, names a head noun opens from one
occurrence): on the seed article plus the news paragraphs in benchmarks/data/suggest/
(no glossary, so nothing is covered), with the gold list written for them
(benchmarks/data/suggest/gold.list):

* recall: the share of gold entries occurring at least twice (counted with the
  term finder) that appear in the top 50 (target >= 0.8);
* precision: the share of the top 20 that are gold (target >= 0.7).

Speed: about 10 MB of Arabic built from the same sentences, a third of their
words replaced by random pseudo-words (so the vocabulary and the number of
distinct n-grams grow as in real text), run through the CLI with --no-model
under ``/usr/bin/time -f '%e s %M KB'`` (target <= 30 s, <= 1 GB peak), against
``tarjama terms`` with the seed glossary on the same file as the baseline.

    .venv/bin/python benchmarks/bench_suggest.py [--no-speed] [--megabytes 10]
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossary.finder import find_terms, form_words  # noqa: E402
from glossary.model import Entry, Glossary  # noqa: E402
from glossary.suggest import read_corpus, suggest_candidates  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "suggest"
SEED = ROOT / "seeds" / "qayyarah-handover.ar.txt"
RECALL_TARGET, PRECISION_TARGET = 0.8, 0.7
TOP, PRECISION_TOP = 50, 20
ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def read_gold() -> list[tuple[str, ...]]:
    """Gold entries: each a tuple of spellings that count as the same name."""
    gold = []
    for line in (DATA / "gold.list").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            gold.append(tuple(part.strip() for part in line.split("|")))
    return gold


def quality() -> tuple[float, float]:
    documents = read_corpus([str(SEED), str(DATA)])
    gold = read_gold()
    glossary = Glossary(tuple(Entry(sources=forms, target=f"gold {i}") for i, forms in enumerate(gold)))
    occurrences = [0] * len(gold)
    for document in documents:
        for occurrence in find_terms(document.text, glossary):
            occurrences[occurrence.entry_index] += 1
    keys = [{" ".join(form_words(form)) for form in forms} for forms in gold]
    all_keys = set().union(*keys)
    started = time.perf_counter()
    suggestions = suggest_candidates(documents, None, top=TOP, min_count=2, headed_once=True)
    elapsed = time.perf_counter() - started
    listed = [candidate.key for candidate in suggestions.candidates]
    recurring = [i for i, count in enumerate(occurrences) if count >= 2]
    found = [i for i in recurring if keys[i] & set(listed)]
    top = listed[:PRECISION_TOP]
    gold_in_top = [key for key in top if key in all_keys]
    recall = len(found) / len(recurring)
    precision = len(gold_in_top) / len(top)
    print(f"corpus: {len(documents)} documents, {suggestions.words} words; suggest in process {elapsed:.2f} s")
    print(f"gold entries: {len(gold)}, occurring at least twice: {len(recurring)}")
    print(f"recall of recurring gold in top {TOP}: {len(found)}/{len(recurring)} = {recall:.2f} (target >= {RECALL_TARGET})")
    print(f"precision of top {PRECISION_TOP}: {len(gold_in_top)}/{len(top)} = {precision:.2f} (target >= {PRECISION_TARGET})")
    ceiling = min(TOP, len(recurring)) / len(recurring)
    in_top = sum(1 for key in listed if key in all_keys)
    print(f"(recall ceiling with {len(recurring)} recurring gold entries in a top {TOP}: {ceiling:.2f};"
          f" gold in the whole top {TOP}: {in_top}/{len(listed)})")
    wide = suggest_candidates(documents, None, top=len(recurring), min_count=2, headed_once=True)
    wide_keys = {candidate.key for candidate in wide.candidates}
    wide_found = sum(1 for i in recurring if keys[i] & wide_keys)
    print(f"(for comparison: recurring gold in the top {len(recurring)}: {wide_found}/{len(recurring)}"
          f" = {wide_found / len(recurring):.2f})")
    missed = [" | ".join(gold[i]) + f" ({occurrences[i]}x)" for i in recurring if i not in found]
    print("missed gold:", "; ".join(missed) or "none")
    print("non-gold in top 20:", "; ".join(f"#{listed.index(k) + 1} {k}" for k in top if k not in all_keys) or "none")
    return recall, precision


def synthetic_corpus(path: Path, megabytes: float, seed: int = 15) -> int:
    """About ``megabytes`` MB of Arabic news-like text; returns its size in bytes."""
    rng = random.Random(seed)
    sentences = [
        line.strip()
        for document in read_corpus([str(SEED), str(DATA)])
        for line in document.text.split("\n")
        if line.strip()
    ]
    target = int(megabytes * 1_000_000)
    size = 0
    with open(path, "w", encoding="utf-8") as handle:
        while size < target:
            words = rng.choice(sentences).split()
            words = [
                "".join(rng.choice(ARABIC_LETTERS) for _ in range(rng.randint(3, 7))) if rng.random() < 0.33 else word
                for word in words
            ]
            paragraph = " ".join(words) + "\n\n"
            handle.write(paragraph)
            size += len(paragraph.encode("utf-8"))
    return size


def timed(command: list[str]) -> tuple[float, int, str]:
    """(seconds, peak KB, last stderr line) of ``command`` under /usr/bin/time."""
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%e s %M KB", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    last = result.stderr.strip().splitlines()[-1]
    seconds, _, kilobytes, _ = last.split()
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {result.stderr.strip()}")
    return float(seconds), int(kilobytes), last


def speed(megabytes: float) -> tuple[float, int]:
    tarjama = str(Path(sys.executable).with_name("tarjama"))
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus.ar.txt"
        size = synthetic_corpus(corpus, megabytes)
        print(f"speed corpus: {size / 1e6:.1f} MB")
        base_s, base_kb, _ = timed([tarjama, "terms", str(corpus), "-g", str(ROOT / "seeds" / "glossary.yaml")])
        print(f"baseline  tarjama terms -g seeds/glossary.yaml: {base_s:.2f} s, {base_kb / 1024:.0f} MB peak")
        seconds, kilobytes, _ = timed([tarjama, "glossary", "suggest", str(corpus), "--no-model", "--format", "json"])
        print(
            f"tarjama glossary suggest --no-model: {seconds:.2f} s, {kilobytes / 1024:.0f} MB peak"
            f" ({seconds / base_s:.2f}x the baseline's time, {kilobytes / base_kb:.2f}x its memory;"
            " targets <= 30 s, <= 1024 MB)"
        )
    return seconds, kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-speed", action="store_true", help="quality only")
    parser.add_argument("--megabytes", type=float, default=10.0)
    args = parser.parse_args()
    quality()
    if not args.no_speed:
        speed(args.megabytes)


if __name__ == "__main__":
    main()
