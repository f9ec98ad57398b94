"""No command but `model install FROM TO` touches the network. Every test in
this folder already runs with sockets refusing to connect (conftest.py); these
tests prove the block is in force, in-process and in subprocesses, and that the
one networked command fails cleanly without a network."""
from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

import pytest

from hostile_inputs import FIXTURE_MODEL, HEADLINE, SEEDS, assert_one_error, assert_refused, invoke, run_tarjama, write_file


def test_sockets_cannot_connect_in_process() -> None:
    with pytest.raises(OSError, match="network access is disabled"):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(OSError, match="network access is disabled"):
        socket.socket().connect(("127.0.0.1", 9))


def test_sockets_cannot_connect_in_subprocesses(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
        env=subprocess_env, capture_output=True, text=True, timeout=30,
    )
    assert completed.returncode != 0
    assert "network access is disabled" in completed.stderr


def test_model_install_pair_fails_cleanly_offline(tmp_path: Path) -> None:
    result = invoke(
        ["model", "install", "ar", "en", "--index-url", "http://127.0.0.1:9/index.json"],
        env={"ARGOS_PACKAGES_DIR": str(tmp_path / "packages")},
    )
    assert_refused(result, "cannot reach the package index http://127.0.0.1:9/index.json", "offline: download")
    assert list((tmp_path / "packages").glob("*")) == []  # no download work folder left


def test_urlopen_is_blocked_too() -> None:
    with pytest.raises(OSError):
        urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)


# Every offline command, run as a real process under the network block: all succeed.
def _offline_commands(tmp: Path) -> list[list[str]]:
    glossary = write_file(tmp / "glossary.yaml", "version: 1\nterms:\n  - source: القيارة\n    target: Qayyarah\n")
    source = write_file(tmp / "texts" / "a.ar.txt", HEADLINE + "\n")
    write_file(tmp / "texts" / "a.en.txt", "International coalition hands Qayyarah base to Iraqi forces\n")
    g = ["-g", str(glossary)]
    return [
        ["glossary", "add", "الموصل", "Mosul", *g],
        ["glossary", "list", *g],
        ["glossary", "show", "Mosul", *g],
        ["glossary", "lint", *g],
        ["glossary", "fmt", *g],
        ["glossary", "export", "--to", "tbx", "-o", str(tmp / "g.tbx"), *g],
        ["glossary", "import", str(tmp / "g.tbx"), *g],
        ["glossary", "remove", "الموصل", *g],
        ["terms", str(source), *g],
        ["check", str(tmp / "texts"), *g],
        ["model", "install", str(FIXTURE_MODEL)],
        ["model", "list"],
        ["model", "info"],
        ["translate", str(source), "-o", "-", *g],
        ["translate", str(source), "-o", "-", "--model", str(FIXTURE_MODEL), *g],
        ["glossary", "suggest", str(SEEDS / "qayyarah-handover.ar.txt"), "--top", "5", *g],  # the installed model
        ["glossary", "suggest", str(SEEDS / "qayyarah-handover.ar.txt"), "--no-model", *g],
        ["model", "remove", "ar-en"],
    ]


def test_every_offline_command_works_without_network(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    subprocess_env["ARGOS_PACKAGES_DIR"] = str(tmp_path / "packages")
    for args in _offline_commands(tmp_path):  # one session: later commands use what earlier ones made
        completed = run_tarjama(args, tmp_path, subprocess_env)
        assert completed.returncode == 0, (args, completed.stderr)
        assert "Traceback" not in completed.stderr


def test_translate_without_package_says_so_offline(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    source = write_file(tmp_path / "a.ar.txt", HEADLINE + "\n")
    completed = run_tarjama(["translate", str(source), "--no-glossary"], tmp_path, subprocess_env)
    assert_one_error(completed.returncode, completed.stdout, completed.stderr, "no ar→en translation package is installed")
