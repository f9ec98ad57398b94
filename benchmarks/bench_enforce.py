"""What glossary enforcement costs, on the seed article and the fixture model.

Run from the repository root::

    .venv/bin/python benchmarks/bench_enforce.py [--repeat 5]

One run, one engine, one model: the seed article is translated without a
glossary, with the seed glossary (repairs needed), and with the seed glossary
restricted to the entries the model already renders right (every occurrence
native: the pure overhead of finding terms, banning avoid renderings, asking
for attention and verifying). A fake engine with a fixed per-segment cost
repeats the "already right" case without CTranslate2's run-to-run noise.

Targets: time with/without glossary when every term is already right ≤ 1.05;
extra decode time per repaired segment ≤ 1.0 × the mean decode time of a segment.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "translator"))

from fake_engines import FakeEngine  # noqa: E402

from glossary.model import Glossary  # noqa: E402
from glossary.yamlio import load_glossary  # noqa: E402
from translator.ct2_engine import ArgosEngine  # noqa: E402
from translator.engine import DecodeRequest, DecodeResult, Engine  # noqa: E402
from translator.enforce import METHODS, summarize, translate_segments  # noqa: E402
from translator.packages import resolve_model  # noqa: E402
from translator.segment import segment_text  # noqa: E402


@dataclass
class TimedEngine:
    """Wraps an engine and records the duration and batch size of every call."""

    inner: Engine
    calls: list[tuple[float, int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def version(self) -> str:
        return self.inner.version

    def translate(self, requests: Sequence[DecodeRequest]) -> list[DecodeResult]:
        began = time.perf_counter()
        results = self.inner.translate(requests)
        self.calls.append((time.perf_counter() - began, len(requests)))
        return results


@dataclass
class FixedCostEngine:
    """The fake engine, sleeping a fixed time per call plus per segment (like a batched decoder)."""

    inner: FakeEngine
    per_call_s: float
    per_segment_s: float
    name: str = "fixed-cost"
    version: str = "1"

    memo: dict[DecodeRequest, DecodeResult] = field(default_factory=dict)

    def translate(self, requests: Sequence[DecodeRequest]) -> list[DecodeResult]:
        # The fake's own Python work is memoized, so only the fixed cost is "decoding".
        missing = [r for r in requests if r not in self.memo]
        if missing:
            self.memo.update(zip(missing, self.inner.translate(missing)))
        time.sleep(self.per_call_s + self.per_segment_s * len(requests))
        return [self.memo[r] for r in requests]


def best_of(repeat: int, engine: Engine, sources: list[str], glossary: Glossary | None) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        translate_segments(sources, engine, glossary)
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()

    glossary = load_glossary(ROOT / "seeds" / "glossary.yaml")
    article = (ROOT / "seeds" / "qayyarah-handover.ar.txt").read_text(encoding="utf-8")
    sources = [segment.text for segment in segment_text(article).segments]
    package = resolve_model(str(ROOT / "tests" / "fixtures" / "ar_en_tiny.argosmodel"), "ar", "en")
    engine = TimedEngine(ArgosEngine(package))
    translate_segments(sources, engine, None)  # warm-up

    # 1. Outcomes with the seed glossary.
    engine.calls.clear()
    translations = translate_segments(sources, engine, glossary)
    summary = summarize(translations)
    rounds = list(engine.calls)
    print(f"seed article: {len(sources)} segments, {summary.found} occurrences (fixture model {package.name})")
    for method in METHODS:
        count = sum(1 for t in translations for o in t.outcomes if o.method == method)
        print(f"  {method:<11} {count:4d}  {count / max(1, summary.found):6.1%}")

    # 2. Extra decode time per repaired segment vs the mean decode time of a segment.
    # Best of --repeat runs for every round, like the plain decode it is compared with.
    round_times: list[float] = []
    for _ in range(args.repeat):
        engine.calls.clear()
        translate_segments(sources, engine, glossary)
        durations = [duration for duration, _ in engine.calls]
        round_times = durations if not round_times else [min(a, b) for a, b in zip(round_times, durations)]
    engine.calls.clear()
    plain = best_of(args.repeat, engine, sources, None)
    mean_segment = plain / len(sources)
    repaired_sources = [t.source for t in translations if t.decodes > 1]
    repair_time = sum(round_times[1:])
    print(f"plain decode: {plain * 1000:.1f} ms, {mean_segment * 1000:.2f} ms per segment")
    if repaired_sources:
        extra = repair_time / len(repaired_sources)
        print(
            f"repairs: {len(round_times) - 1} batched rounds, {len(repaired_sources)} segments,"
            f" {repair_time * 1000:.1f} ms; extra per repaired segment {extra * 1000:.2f} ms"
            f" = {extra / mean_segment:.2f} x mean segment (target <= 1.0)"
        )
        # The repaired segments are not average ones (long sentences, several terms):
        # also compare with one plain batched decode of exactly those segments.
        own = best_of(args.repeat, engine, repaired_sources, None)
        print(
            f"  vs one plain batched decode of the same {len(repaired_sources)} segments ({own * 1000:.1f} ms):"
            f" {repair_time / own:.2f} x"
        )

    # 3. Every term already right: the glossary restricted to the entries the model gets right.
    native_entries = {o.occurrence.entry_index for t in translations for o in t.outcomes}
    native_entries -= {o.occurrence.entry_index for t in translations for o in t.outcomes if o.method != "native"}
    right = replace(glossary, entries=tuple(e for i, e in enumerate(glossary.entries) if i in native_entries))
    right_translations = translate_segments(sources, engine, right)
    right_summary = summarize(right_translations)
    with_right = best_of(args.repeat, engine, sources, right)
    plain = best_of(args.repeat, engine, sources, None)
    print(
        f"already right ({len(right.entries)} entries, {right_summary.native}/{right_summary.found} native):"
        f" {with_right * 1000:.1f} ms vs {plain * 1000:.1f} ms plain = {with_right / plain:.3f} (target <= 1.05)"
    )

    # 4. The same on a fixed-cost fake engine that renders every term right.
    per_segment = mean_segment
    fake = FixedCostEngine(FakeEngine(glossary), per_call_s=0.002, per_segment_s=per_segment)
    fake_translations = translate_segments(sources, fake, glossary)
    fake_wrong = {o.occurrence.entry_index for t in fake_translations for o in t.outcomes if o.method != "native"}
    fake_right = replace(glossary, entries=tuple(e for i, e in enumerate(glossary.entries) if i not in fake_wrong))
    fake_plain = best_of(args.repeat, fake, sources, None)
    fake_enforced = best_of(args.repeat, fake, sources, fake_right)
    fake_summary = summarize(translate_segments(sources, fake, fake_right))
    print(
        f"fixed-cost fake ({per_segment * 1000:.2f} ms/segment, {fake_summary.native}/{fake_summary.found} native):"
        f" {fake_enforced * 1000:.1f} ms vs {fake_plain * 1000:.1f} ms plain = {fake_enforced / fake_plain:.3f}"
        " (target <= 1.05)"
    )


if __name__ == "__main__":
    main()
