"""`tarjama serve` as a command: errors before listening, the URL, a clean stop."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from libretranslatepy import LibreTranslateAPI

from serve_harness import FIXTURE_MODEL, ROOT, SEED_GLOSSARY
from translator.cli import cli

URL_RE = re.compile(r"tarjama serve: (http://127\.0\.0\.1:\d+)/ ")


def test_a_missing_model_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--no-glossary", "--model", str(tmp_path / "none.argosmodel")])
    assert result.exit_code == 2
    assert result.stderr.startswith("tarjama: error: ") and result.stderr.count("\n") == 1


def test_a_bad_glossary_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "g.yaml"
    bad.write_text("version: 1\nentries:\n  - source: قال\n    targt: said\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "-g", str(bad), "--model", str(FIXTURE_MODEL)])
    assert result.exit_code == 2
    assert re.match(rf"tarjama: error: {re.escape(str(bad))}:\d+:\d+: ", result.stderr)
    assert result.stderr.count("\n") == 1


def test_a_busy_port_is_one_line_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--no-glossary", "--model", str(FIXTURE_MODEL), "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr == f"tarjama: error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_an_empty_api_key_file_is_refused(tmp_path: Path) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text("# no keys yet\n\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--no-glossary", "--model", str(FIXTURE_MODEL), "--api-keys", str(keys)])
    assert result.exit_code == 2
    assert result.stderr == f"tarjama: error: {keys}: the API key file holds no key\n"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_serve_answers_libretranslatepy_then_stops_cleanly(tmp_path: Path, stop: signal.Signals) -> None:
    """The issue's "done when": the seed glossary and the fixture model, from the command line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TARJAMA_CACHE": str(tmp_path / "cache")}
    command = [sys.executable, "-c", "from translator.cli import main; main()", "serve", "-g", str(SEED_GLOSSARY), "--model", str(FIXTURE_MODEL), "--port", "0"]
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        match = URL_RE.match(first)
        assert match, first
        english = LibreTranslateAPI(match.group(1) + "/").translate("قالت كتائب حزب الله", source="ar", target="en")
        assert "Kataib Hezbollah" in english
        process.send_signal(stop)
        _, rest = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "Traceback" not in rest and rest.endswith("tarjama serve: stopped\n")


@pytest.mark.parametrize("command", ["check", "terms", "glossary"])
def test_light_commands_do_not_load_the_server_stack(command: str) -> None:
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from translator.cli import cli\n"
        f"CliRunner().invoke(cli, [{command!r}, '--help'])\n"
        "print(','.join(sorted(m for m in ('starlette', 'uvicorn', 'anyio', 'multipart', 'httpx') if m in sys.modules)))\n"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True, cwd=ROOT)
    assert completed.stdout.strip() == ""
