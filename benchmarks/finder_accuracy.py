"""Recall and precision of the term finder on the news typography table (run by hand).

    .venv/bin/python benchmarks/finder_accuracy.py

Scores ``glossary.finder.find_terms`` on every sentence of
``tests/glossary/news_typography.py`` (the typography cases and the
clause-punctuation counter-cases): an occurrence counts as correct when its
surface and entry are both the gold ones. Prints the misses and the false hits.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "glossary"))

from glossary.finder import find_terms  # noqa: E402
from news_typography import COUNTER_CASES, NEWS_GLOSSARY, TYPOGRAPHY_CASES  # noqa: E402


def main() -> None:
    gold_total = found_total = correct = 0
    for text, expected in TYPOGRAPHY_CASES + COUNTER_CASES:
        gold = Counter(expected)
        found = Counter((o.surface, o.entry.target) for o in find_terms(text, NEWS_GLOSSARY))
        hits = gold & found
        gold_total += sum(gold.values())
        found_total += sum(found.values())
        correct += sum(hits.values())
        for surface, target in (gold - found).elements():
            print(f"missed: {surface} → {target}   in: {text!r}")
        for surface, target in (found - gold).elements():
            print(f"false:  {surface} → {target}   in: {text!r}")
    sentences = len(TYPOGRAPHY_CASES) + len(COUNTER_CASES)
    print(f"{sentences} sentences, {gold_total} gold occurrences, {found_total} found, {correct} correct")
    print(f"recall {correct / gold_total:.3f}, precision {correct / found_total:.3f}")


if __name__ == "__main__":
    main()
