"""Benchmark ``tarjama check``: start-up time and a ~10 MB check with a 10,000-entry glossary.

Run by hand (not in the test suite)::

    .venv/bin/python benchmarks/bench_check.py [--pairs 1000] [--entries 10000] [--xliff-units 10000] [--profile]

Targets: ``tarjama check --help`` starts in < 0.3 s; checking 1,000 pairs
(~10 MB) against 10,000 entries takes < 2 s on one core. Every time is printed
next to a baseline measured in the same run (bare ``python -c pass``), so
numbers from different machines compare as ratios. ``check`` on an XLIFF of
10,000 units takes at most 2x the time of the same pairs as a ``.txt`` pair.
"""
from __future__ import annotations

import argparse
import os
import cProfile
import pstats
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossary.model import Entry, Glossary  # noqa: E402
from glossary.yamlio import dump_glossary, load_glossary  # noqa: E402

ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
LATIN_CONSONANTS = "bdfghklmnprstvz"
LATIN_VOWELS = "aeiou"
FILLER_EN = ("the", "forces", "said", "on", "Thursday", "that", "officials", "were", "leaving", "and", "a", "week")
PARAGRAPHS_PER_PAIR = 12
WORDS_PER_PARAGRAPH = 45
TERMS_PER_PARAGRAPH = 4
STARTUP_TARGET_S = 0.3
CHECK_TARGET_S = 2.0
XLIFF_TARGET_RATIO = 2.0


def _arabic_word(rng: random.Random) -> str:
    return "".join(rng.choice(ARABIC_LETTERS) for _ in range(rng.randint(3, 6)))


def _latin_word(rng: random.Random) -> str:
    return "".join(rng.choice(LATIN_CONSONANTS) + rng.choice(LATIN_VOWELS) for _ in range(rng.randint(2, 4))).title()


def synthetic_glossary(count: int, rng: random.Random) -> Glossary:
    entries = []
    seen: set[str] = set()
    while len(entries) < count:
        source = "ال" + _arabic_word(rng) + " " + _arabic_word(rng)
        target = f"{_latin_word(rng)} {_latin_word(rng)}"
        if source in seen or target in seen:
            continue
        seen.update((source, target))
        entries.append(
            Entry(
                sources=(source,),
                target=target,
                accept=(f"{target} group",) if rng.random() < 0.5 else (),
                avoid=(f"{_latin_word(rng)} {target.split()[1]}",),
            )
        )
    return Glossary(entries=tuple(entries))


def synthetic_paragraph(glossary: Glossary, rng: random.Random, broken: bool) -> tuple[str, str]:
    source_words = [_arabic_word(rng) for _ in range(WORDS_PER_PARAGRAPH)]
    target_words = [rng.choice(FILLER_EN) for _ in range(WORDS_PER_PARAGRAPH)]
    for _ in range(TERMS_PER_PARAGRAPH):
        entry = rng.choice(glossary.entries)
        at = rng.randrange(len(source_words))
        source_words.insert(at, ("و" if rng.random() < 0.3 else "") + entry.sources[0])
        rendering = entry.avoid[0] if broken and rng.random() < 0.1 else entry.target
        target_words.insert(rng.randrange(len(target_words)), rendering)
    return " ".join(source_words) + ".", " ".join(target_words).capitalize() + "."


def synthetic_pair(glossary: Glossary, rng: random.Random, broken: bool) -> tuple[str, str]:
    paragraphs = [synthetic_paragraph(glossary, rng, broken) for _ in range(PARAGRAPHS_PER_PAIR)]
    return (
        "\n\n".join(source for source, _ in paragraphs) + "\n",
        "\n\n".join(target for _, target in paragraphs) + "\n",
    )


def xliff_job(units: list[tuple[str, str]]) -> str:
    """An XLIFF 1.2 file of these units, laid out as CAT tools write it (one trans-unit each)."""
    body = "".join(
        f'      <trans-unit id="{number}">\n        <source>{source}</source>\n'
        f'        <target state="translated">{target}</target>\n      </trans-unit>\n'
        for number, (source, target) in enumerate(units, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
        '  <file original="job" source-language="ar" target-language="en" datatype="plaintext">\n    <body>\n'
        + body
        + "    </body>\n  </file>\n</xliff>\n"
    )


def compare_xliff(tarjama: str, work: Path, glossary: Glossary, rng: random.Random, count: int) -> None:
    """``check`` on an XLIFF of ``count`` units against the same pairs as a .txt pair (one unit a line)."""
    units = [synthetic_paragraph(glossary, rng, broken=number % 10 == 0) for number in range(count)]
    job = work / "job.xlf"
    job.write_text(xliff_job(units), encoding="utf-8")
    (work / "txt").mkdir()
    (work / "txt" / "job.ar.txt").write_text("\n".join(source for source, _ in units) + "\n", encoding="utf-8")
    (work / "txt" / "job.en.txt").write_text("\n".join(target for _, target in units) + "\n", encoding="utf-8")
    print(f"xliff: {count} units, {job.stat().st_size / 1e6:.1f} MB")
    walls = {}
    for name, path in (("txt", work / "txt"), ("xliff", job)):
        command = [tarjama, "check", str(path), "-g", str(work / "glossary.yaml"), "--format", "json"]
        walls[name] = best_of(3, command)
    print(f"  tarjama check, same pairs as .txt:   {walls['txt']:6.3f} s (best of 3)")
    print(
        f"  tarjama check, {count} XLIFF units: {walls['xliff']:6.3f} s (best of 3;"
        f" {walls['xliff'] / walls['txt']:4.2f}x the .txt; target <= {XLIFF_TARGET_RATIO:.0f}x)"
    )


def best_of(runs: int, command: list[str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile of the check")
    parser.add_argument("--xliff-units", type=int, default=10_000, help="units in the XLIFF vs .txt comparison (0: skip)")
    args = parser.parse_args()
    rng = random.Random(20200326)
    tarjama = str(Path(sys.executable).parent / "tarjama")

    baseline = best_of(5, [sys.executable, "-c", "pass"])
    startup = best_of(5, [tarjama, "check", "--help"])
    print(f"python -c pass (baseline):  {baseline:6.3f} s")
    print(
        f"tarjama check --help:       {startup:6.3f} s  ({startup / baseline:4.1f}x baseline;"
        f" {startup / STARTUP_TARGET_S:4.2f}x the < {STARTUP_TARGET_S} s target)"
    )

    with tempfile.TemporaryDirectory(prefix="bench-check-") as folder:
        work = Path(folder)
        glossary = synthetic_glossary(args.entries, rng)
        (work / "glossary.yaml").write_text(dump_glossary(glossary), encoding="utf-8")
        pairs = work / "pairs"
        pairs.mkdir()
        size = 0
        for number in range(args.pairs):
            source, target = synthetic_pair(glossary, rng, broken=number % 10 == 0)
            for lang, text in (("ar", source), ("en", target)):
                path = pairs / f"doc{number:05d}.{lang}.txt"
                path.write_text(text, encoding="utf-8")
                size += path.stat().st_size
        print(f"data: {args.pairs} pairs, {size / 1e6:.1f} MB, {args.entries} glossary entries")

        command = [tarjama, "check", str(pairs), "-g", str(work / "glossary.yaml"), "--format", "json"]
        start = time.perf_counter()
        completed = subprocess.run(command, check=False, capture_output=True, text=True)
        wall = time.perf_counter() - start
        megabytes = size / 1e6
        print(
            f"tarjama check (wall, 1 process): {wall:6.3f} s  (exit {completed.returncode}; {megabytes / wall:4.1f} MB/s;"
            f" {wall / CHECK_TARGET_S:4.2f}x the < {CHECK_TARGET_S} s target; {wall / baseline:5.0f}x baseline)"
        )

        from translator.check import check_paths

        start = time.perf_counter()
        loaded = load_glossary(work / "glossary.yaml")
        load_time = time.perf_counter() - start
        profiler = cProfile.Profile() if args.profile else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        result = check_paths([str(pairs)], loaded)
        if profiler:
            profiler.disable()
        check_time = time.perf_counter() - start
        print(f"  in process: load glossary {load_time:6.3f} s, check {check_time:6.3f} s"
              f" ({megabytes / check_time:4.1f} MB/s; {result.errors} errors, {result.warnings} warnings,"
              f" {result.pairs_checked} pairs)")
        if profiler:
            pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(25)
        if args.xliff_units:
            compare_xliff(tarjama, work, glossary, rng, args.xliff_units)


if __name__ == "__main__":
    main()
