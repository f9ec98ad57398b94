"""Where the project's seeds and fixtures are, for test modules in this folder.

Test modules must not import ``conftest``: with several conftest files in the
tree, which one answers to that name depends on collection order.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"
