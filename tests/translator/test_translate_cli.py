"""``tarjama translate`` end to end on the fixture model."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from translator.cli import cli
from translator.commands.translate import output_name
from translator.packages import install_package_file, offline_hint, packages_dir

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_MODEL = str(FIXTURES / "ar_en_tiny.argosmodel")
PAIRS = [tuple(line.split("\t")) for line in (FIXTURES / "parallel.tsv").read_text(encoding="utf-8").splitlines()]
# Two sentences the fixture model reproduces exactly (tests/translator/test_ct2_engine.py).
(AR1, EN1), (AR2, EN2) = PAIRS[0], PAIRS[2]

OUTPUT_NAME_CASES = [
    ("article.ar.txt", "article.en.txt"),
    ("article.txt", "article.en.txt"),
    ("notes.AR.md", "notes.en.md"),
    ("README", "README.en"),
]


def invoke(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["translate", *args], input=input, catch_exceptions=False)


@pytest.mark.parametrize(("name", "expected"), OUTPUT_NAME_CASES)
def test_output_name(name: str, expected: str) -> None:
    assert output_name(Path(name)) == expected


def test_stdin_to_stdout() -> None:
    result = invoke("--model", FIXTURE_MODEL, "--no-progress", input=f"{AR1}\n\n{AR2}\n")
    assert result.exit_code == 0
    assert result.stdout == f"{EN1}\n\n{EN2}\n"


def test_txt_file_is_written_beside_itself(tmp_path: Path) -> None:
    source = tmp_path / "article.ar.txt"
    source.write_text(f"{AR1}\n{AR2}", encoding="utf-8")
    result = invoke(str(source), "--model", FIXTURE_MODEL)
    assert (result.exit_code, result.stdout) == (0, "")
    assert (tmp_path / "article.en.txt").read_text(encoding="utf-8") == f"{EN1}\n{EN2}"


def test_markdown_keeps_markup(tmp_path: Path) -> None:
    source = tmp_path / "note.md"
    source.write_text(
        f"---\ntitle: x\n---\n# {AR1}\n\n```\nكود لا يترجم.\n```\n\n- {AR2} [link](https://example.com/a.b)\n",
        encoding="utf-8",
    )
    result = invoke(str(source), "-o", str(tmp_path / "out.md"), "--model", FIXTURE_MODEL)
    assert result.exit_code == 0
    translated = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert translated.startswith(f"---\ntitle: x\n---\n# {EN1}\n\n```\nكود لا يترجم.\n```\n\n- {EN2} [")
    assert translated.endswith("](https://example.com/a.b)\n")


def test_several_inputs_go_to_out_dir_after_all_are_translated(tmp_path: Path) -> None:
    (tmp_path / "a.ar.txt").write_text(AR1, encoding="utf-8")
    (tmp_path / "b.txt").write_text(AR2, encoding="utf-8")
    out = tmp_path / "en"
    out.mkdir()
    result = invoke(str(tmp_path / "a.ar.txt"), str(tmp_path / "b.txt"), "--out-dir", str(out), "--model", FIXTURE_MODEL)
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["a.en.txt", "b.en.txt"]
    assert (out / "b.en.txt").read_text(encoding="utf-8") == EN2


def test_output_option_with_several_inputs_is_a_usage_error(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(AR1, encoding="utf-8")
    result = invoke(str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o", str(tmp_path / "x.txt"))
    assert result.exit_code == 2
    assert "Error: -o/--output takes one input; use --out-dir DIR for several" in result.stderr


def test_crlf_and_cp1256_input_keep_the_line_end_style(tmp_path: Path) -> None:
    source = tmp_path / "old.txt"
    source.write_bytes(f"{AR1}\r\n\r\n{AR2}\r\n".encode("cp1256"))
    result = invoke(str(source), "--model", FIXTURE_MODEL)
    assert result.exit_code == 0
    assert (tmp_path / "old.en.txt").read_bytes() == f"{EN1}\r\n\r\n{EN2}\r\n".encode("utf-8")


def test_seed_article_keeps_its_paragraphs(seed_article: Path, tmp_path: Path) -> None:
    output = tmp_path / "article.en.txt"
    result = invoke(str(seed_article), "-o", str(output), "--model", FIXTURE_MODEL)
    assert result.exit_code == 0
    source, translated = seed_article.read_text(encoding="utf-8"), output.read_text(encoding="utf-8")
    assert len(translated.split("\n\n")) == len(source.split("\n\n"))
    assert translated.count("\n") == source.count("\n")
    assert "Qayyarah base" in translated


def test_installed_model_is_used_without_model_option(tmp_path: Path) -> None:
    install_package_file(Path(FIXTURE_MODEL), packages_dir())
    result = invoke("--no-progress", input=AR1)
    assert (result.exit_code, result.stdout) == (0, EN1)


def test_no_model_installed_says_how_to_install(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(AR1, encoding="utf-8")
    result = invoke(str(source))
    assert result.exit_code == 2
    assert result.stderr == (
        f"tarjama: error: no ar→en translation package is installed (looked in {packages_dir()}); "
        f"{offline_hint('ar', 'en')}\n"
    )
    assert not (tmp_path / "a.en.txt").exists()


def test_cache_is_written_and_no_cache_skips_it(tmp_path: Path) -> None:
    cache_file = Path(os.environ["XDG_CACHE_HOME"]) / "tarjama" / "translations.sqlite3"
    assert invoke("--model", FIXTURE_MODEL, "--no-cache", input=AR1).exit_code == 0
    assert not cache_file.exists()
    assert invoke("--model", FIXTURE_MODEL, input=AR1).exit_code == 0
    assert cache_file.exists()


def test_progress_reports_segments_on_stderr() -> None:
    result = invoke("--model", FIXTURE_MODEL, "--progress", input=f"{AR1}\n{AR2}")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1].startswith("translating: 2/2 segments")
    quiet = invoke("--model", FIXTURE_MODEL, "--no-progress", "--no-cache", input=AR1)
    assert quiet.stderr == ""


SLOW_RUN = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from translator import ct2_engine

    started = Path(sys.argv[1])

    def stall(self, requests):
        started.write_text("started")
        time.sleep(120)

    ct2_engine.ArgosEngine.translate = stall
    from translator.cli import main
    sys.argv = ["tarjama", *sys.argv[2:]]
    main()
    """
)


@pytest.mark.parametrize(("sig", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_mid_translation_leaves_no_output(tmp_path: Path, sig: int, exit_code: int) -> None:
    inputs = []
    for index in range(20):
        path = tmp_path / f"doc{index}.ar.txt"
        path.write_text(f"{AR1}\n\n{AR2}", encoding="utf-8")
        inputs.append(str(path))
    out = tmp_path / "out"
    out.mkdir()
    started = tmp_path / "started"
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_RUN, str(started), "translate", *inputs, "--out-dir", str(out),
         "--model", FIXTURE_MODEL, "--no-cache"],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not started.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert started.exists(), "the run never reached translation"
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == exit_code, stderr
    assert "no partial output was written" in stderr
    assert list(out.iterdir()) == []
