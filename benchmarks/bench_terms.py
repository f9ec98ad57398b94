"""How term finding scales with glossary size (run by hand, not by pytest).

    .venv/bin/python benchmarks/bench_terms.py [--megabytes 10] [--entries 10000]

Builds a synthetic glossary of plausible Arabic multiword terms (plus the seed
glossary), and ~N MB (UTF-8) of Arabic text made of the seed article's
sentences, shuffled, with glossary terms sprinkled in (some with proclitics).
Prints, all measured in this run on this machine:

- seconds per MB for the big glossary, and its ratio to a 10-entry glossary
  on the same text (the target: within 2x, because matching is one pass);
- the same ratio against a naive scan (one regex per source form over the
  normalized text). The naive scan is measured on a smaller sample and
  extrapolated per MB, and the script says so: over the full text it would
  take minutes.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossary.finder import compile_matcher, find_terms  # noqa: E402
from glossary.model import Entry, Glossary  # noqa: E402
from glossary.normalize import normalize_arabic  # noqa: E402
from glossary.yamlio import load_glossary  # noqa: E402

# Root-and-pattern-ish word parts: consonants, long vowels, and common
# prefixes/suffixes, so the words look like Arabic and share prefixes with
# real article words (which is what makes a trie work for its living).
CONSONANTS = "بتثجحخدذرزسشصضطظعغفقكلمنهي"
LONG_VOWELS = "اوي"
PREFIXES = ["ال", "م", "ت", "است", "ا", ""]
SUFFIXES = ["ة", "ية", "ي", "ات", "ين", "ون", "ان", ""]
PROCLITICS = ["", "", "", "و", "ب", "ل", "وب", "ف"]


def synthetic_word(rng: random.Random) -> str:
    letters = [rng.choice(CONSONANTS) for _ in range(rng.randint(2, 4))]
    if rng.random() < 0.6:
        letters.insert(rng.randint(1, len(letters)), rng.choice(LONG_VOWELS))
    return rng.choice(PREFIXES) + "".join(letters) + rng.choice(SUFFIXES)


def synthetic_glossary(count: int, seed_entries: tuple[Entry, ...], rng: random.Random) -> Glossary:
    entries = list(seed_entries)
    seen = {normalize_arabic(form) for entry in entries for form in entry.sources}
    while len(entries) < count:
        words = [synthetic_word(rng) for _ in range(rng.choice((1, 2, 2, 2, 3, 3, 4)))]
        form = " ".join(words)
        key = normalize_arabic(form)
        if key in seen:
            continue
        seen.add(key)
        entries.append(Entry(sources=(form,), target=f"term {len(entries)}", inflect=rng.random() < 0.05))
    return Glossary(entries=tuple(entries))


def synthetic_text(megabytes: float, sentences: list[str], glossary: Glossary, rng: random.Random) -> str:
    forms = [form for entry in glossary.entries for form in entry.sources]
    target_bytes = int(megabytes * 1_000_000)
    pieces: list[str] = []
    size = 0
    while size < target_bytes:
        sentence = rng.choice(sentences)
        words = sentence.split(" ")
        for _ in range(rng.randint(0, 3)):
            words.insert(rng.randint(0, len(words)), rng.choice(PROCLITICS) + rng.choice(forms))
        piece = " ".join(words) + ("\n" if rng.random() < 0.3 else " ")
        pieces.append(piece)
        size += len(piece.encode("utf-8"))
    return "".join(pieces)


def timed(function, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def naive_scan(text: str, glossary: Glossary) -> int:
    """The obvious approach: one regex per source form over the normalized text."""
    normalized = normalize_arabic(text)
    found = 0
    for entry in glossary.entries:
        for form in entry.sources:
            words = [re.escape(word) for word in normalize_arabic(form).split()]
            pattern = re.compile(r"(?<!\w)(?:[وف]?[بلك]?)" + r"[ _-]+".join(words) + r"(?!\w)")
            found += sum(1 for _ in pattern.finditer(normalized))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--naive-kilobytes", type=float, default=100.0, help="sample size for the naive scan")
    parser.add_argument("--seed", type=int, default=20200326)
    options = parser.parse_args()
    rng = random.Random(options.seed)

    seed_glossary = load_glossary(ROOT / "seeds" / "glossary.yaml")
    article = (ROOT / "seeds" / "qayyarah-handover.ar.txt").read_text(encoding="utf-8")
    sentences = [s.strip() for s in re.split(r"(?<=[.!؟])\s+|\n+", article) if s.strip()]

    big = synthetic_glossary(options.entries, seed_glossary.entries, rng)
    small = Glossary(entries=seed_glossary.entries[:10])
    text = synthetic_text(options.megabytes, sentences, big, rng)
    megabytes = len(text.encode("utf-8")) / 1_000_000
    print(f"text: {megabytes:.1f} MB UTF-8, {len(text):,} characters, {len(text.split()):,} words")
    print(f"glossaries: {len(big.entries):,} entries (synthetic + seed) vs {len(small.entries)} (seed)")

    compile_big, _ = timed(compile_matcher, big)
    compile_small, _ = timed(compile_matcher, small)
    print(f"compile: {compile_big * 1000:.0f} ms for {len(big.entries):,} entries, {compile_small * 1000:.1f} ms for 10")

    time_small, found_small = timed(find_terms, text, small)
    time_big, found_big = timed(find_terms, text, big)
    print(f"find_terms, {len(small.entries)} entries: {time_small:.2f} s = {time_small / megabytes:.3f} s/MB, {len(found_small):,} occurrences")
    print(f"find_terms, {len(big.entries):,} entries: {time_big:.2f} s = {time_big / megabytes:.3f} s/MB, {len(found_big):,} occurrences")
    print(f"ratio {len(big.entries):,} / {len(small.entries)} entries: {time_big / time_small:.2f}x (target: within 2x)")

    sample = text[: int(options.naive_kilobytes * 1000 / 1.8)]  # ~1.8 UTF-8 bytes per character here
    sample_mb = len(sample.encode("utf-8")) / 1_000_000
    time_naive, _ = timed(naive_scan, sample, big)
    time_sample, _ = timed(find_terms, sample, big)
    naive_per_mb = time_naive / sample_mb
    print(
        f"naive per-entry regex scan, {len(big.entries):,} entries, measured on a {sample_mb * 1000:.0f} KB sample"
        f" (the full text would take ~{naive_per_mb * megabytes / 60:.0f} min), extrapolated: {naive_per_mb:.1f} s/MB"
    )
    print(f"find_terms on the same sample: {time_sample / sample_mb:.3f} s/MB")
    print(f"speed-up over naive: {naive_per_mb / (time_big / megabytes):.0f}x")


if __name__ == "__main__":
    main()
