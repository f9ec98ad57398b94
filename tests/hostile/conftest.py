"""Fixtures of the hostile-input suite (the builders live in hostile_inputs.py,
importable by the test modules; a conftest is not).

Every test in this folder runs with networking made unavailable: in-process by
patching ``socket``, and in subprocesses by a ``sitecustomize`` put first on
``PYTHONPATH``. Only ``model install FROM TO`` may use the network, and no test
here lets it reach one.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from hostile_inputs import NETWORK_BLOCKER, SEED_GLOSSARY_TEXT, refuse_network


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", refuse_network)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse_network)
    monkeypatch.setattr(socket, "create_connection", refuse_network)


@pytest.fixture(scope="session")
def network_blocker_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("no-network")
    (directory / "sitecustomize.py").write_text(NETWORK_BLOCKER, encoding="utf-8")
    return directory


@pytest.fixture
def subprocess_env(network_blocker_dir: Path) -> dict[str, str]:
    """The environment for ``tarjama`` subprocesses: isolated dirs (the autouse
    fixture in tests/conftest.py), no network, UTF-8 I/O."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(network_blocker_dir), env.get("PYTHONPATH", "")] if p)
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("TARJAMA_DEBUG", None)
    return env


@pytest.fixture
def seed_glossary_copy(tmp_path: Path) -> Path:
    path = tmp_path / "glossary.yaml"
    path.write_text(SEED_GLOSSARY_TEXT, encoding="utf-8")
    return path
