"""Shared fixtures: paths to the project's seeds and test fixtures."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def seed_article() -> Path:
    return SEEDS / "qayyarah-handover.ar.txt"


@pytest.fixture
def seed_glossary() -> Path:
    return SEEDS / "glossary.yaml"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test reads the developer's real glossary, packages or cache."""
    home = tmp_path_factory.mktemp("home")
    for name in ("TARJAMA_GLOSSARY", "TARJAMA_CACHE", "ARGOS_PACKAGES_DIR", "TARJAMA_MODELS_DIR", "TARJAMA_DEVICE", "TARJAMA_COMPUTE_TYPE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
