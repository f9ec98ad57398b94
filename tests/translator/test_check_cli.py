"""``tarjama check`` through the real CLI: output formats, exit codes, pairing."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from glossary.yamlio import load_glossary
from translator import __version__
from translator.cli import cli

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "tests" / "data" / "check"

GLOSSARY_YAML = """\
version: 1
source_lang: ar
target_lang: en
terms:
  - source: قاعدة التاجي
    target: Camp Taji
    accept: [Taji base]
    avoid: [Al-Taji Camp]
  - source: قاعدة القيارة
    target: Qayyarah base
    avoid: [Qayara base]
"""


def _invoke(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a glossary, one clean pair and one pair with an avoided and a missing term."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "glossary.yaml").write_text(GLOSSARY_YAML, encoding="utf-8")
    (tmp_path / "good.ar.txt").write_text("وصلوا إلى قاعدة التاجي.\n", encoding="utf-8")
    (tmp_path / "good.en.txt").write_text("They reached Camp Taji.\n", encoding="utf-8")
    (tmp_path / "bad.ar.txt").write_text("سقط صاروخ على قاعدة التاجي.\n\nوانسحبوا من قاعدة القيارة.\n", encoding="utf-8")
    (tmp_path / "bad.en.txt").write_text("A rocket hit Al-Taji Camp.\n\nThey left the base.\n", encoding="utf-8")
    return tmp_path


BAD_TEXT = [
    'bad.en.txt:1:14: error avoided-term: "Al-Taji Camp" is an avoided rendering of "قاعدة التاجي": use "Camp Taji"',
    'bad.en.txt:3:1: error missing-term: "قاعدة القيارة" (source 3:13) is not rendered: expected "Qayyarah base"',
    "2 errors, 0 warnings in 1 file (2 pairs checked)",
]


def test_text_format_exact_lines(workdir: Path) -> None:
    code, output = _invoke(["check", "."])
    assert code == 1
    assert output.splitlines() == BAD_TEXT


def test_default_path_is_the_current_folder(workdir: Path) -> None:
    assert _invoke(["check"]) == (1, "\n".join(BAD_TEXT) + "\n")


def test_github_format_exact_lines(workdir: Path) -> None:
    code, output = _invoke(["check", ".", "--format", "github"])
    assert code == 1
    assert output.splitlines() == [
        '::error file=bad.en.txt,line=1,col=14::avoided-term: "Al-Taji Camp" is an avoided rendering of'
        ' "قاعدة التاجي": use "Camp Taji"',
        '::error file=bad.en.txt,line=3,col=1::missing-term: "قاعدة القيارة" (source 3:13) is not rendered:'
        ' expected "Qayyarah base"',
        "2 errors, 0 warnings in 1 file (2 pairs checked)",
    ]


def test_github_format_escapes_and_file_level_findings(workdir: Path) -> None:
    (workdir / "only.ar.txt").write_text("نص", encoding="utf-8")
    code, output = _invoke(["check", "only.ar.txt", "--format", "github"])
    assert (code, output.splitlines()) == (
        1,
        [
            "::error file=only.ar.txt::missing-translation: no translation: expected only.en.txt",
            "1 error, 0 warnings in 1 file (0 pairs checked)",
        ],
    )


def test_json_format_schema(workdir: Path) -> None:
    code, output = _invoke(["check", "bad.en.txt", "--format", "json"])
    assert code == 1
    report = json.loads(output)
    assert report == {
        "tool": "tarjama",
        "version": __version__,
        "glossary": {"path": "glossary.yaml", "digest": load_glossary(workdir / "glossary.yaml").digest},
        "summary": {"errors": 2, "warnings": 0, "files_with_findings": 1, "pairs_checked": 1},
        "findings": [
            {
                "rule": "avoided-term",
                "severity": "error",
                "message": '"Al-Taji Camp" is an avoided rendering of "قاعدة التاجي": use "Camp Taji"',
                "file": "bad.en.txt",
                "line": 1,
                "column": 14,
                "entry": "Camp Taji",
            },
            {
                "rule": "missing-term",
                "severity": "error",
                "message": '"قاعدة القيارة" (source 3:13) is not rendered: expected "Qayyarah base"',
                "file": "bad.en.txt",
                "line": 3,
                "column": 1,
                "entry": "Qayyarah base",
            },
        ],
    }


def test_clean_pair_exits_0(workdir: Path) -> None:
    assert _invoke(["check", "--source", "good.ar.txt", "--target", "good.en.txt"]) == (
        0,
        "0 errors, 0 warnings in 0 files (1 pair checked)\n",
    )


EXIT_CASES = [
    ("warnings-allowed", [], 0),
    ("warnings-as-errors", ["--warnings-as-errors"], 1),
    ("strict-counts", ["--strict-counts"], 1),
]


@pytest.mark.parametrize(("flags", "expected_code"), [c[1:] for c in EXIT_CASES], ids=[c[0] for c in EXIT_CASES])
def test_warning_exit_codes(workdir: Path, flags: list[str], expected_code: int) -> None:
    (workdir / "twice.ar.txt").write_text("قاعدة التاجي ثم قاعدة التاجي", encoding="utf-8")
    (workdir / "twice.en.txt").write_text("Camp Taji, then the camp", encoding="utf-8")
    code, output = _invoke(["check", "twice.ar.txt", *flags])
    assert code == expected_code
    assert "twice.en.txt:1:1:" in output and "count-mismatch" in output


BAD_INPUT_CASES = [
    ("missing-path", ["check", "nowhere.en.txt"], "tarjama: error: nowhere.en.txt: no such file or folder"),
    ("missing-glossary", ["check", "good.en.txt", "-g", "none.yaml"], "tarjama: error: none.yaml: "),
    ("bad-glossary", ["check", "good.en.txt", "-g", "broken.yaml"], "tarjama: error: broken.yaml:5:1: invalid YAML"),
    ("binary-target", ["check", "bin.ar.txt"], "tarjama: error: bin.en.txt:1:1: NUL byte"),
    ("no-language", ["check", "notes.txt"], "tarjama: error: notes.txt: cannot tell the language"),
    ("source-without-target", ["check", "--source", "good.ar.txt"], "Error: --source and --target go together"),
    ("paths-and-pair", ["check", "x", "--source", "good.ar.txt", "--target", "good.en.txt"],
     "Error: give either PATHS or --source/--target, not both"),
]


@pytest.mark.parametrize(("args", "message"), [c[1:] for c in BAD_INPUT_CASES], ids=[c[0] for c in BAD_INPUT_CASES])
def test_bad_input_exits_2(workdir: Path, args: list[str], message: str) -> None:
    (workdir / "broken.yaml").write_text("version: 1\nterms:\n  - source: x\n    target: [a\n", encoding="utf-8")
    (workdir / "bin.ar.txt").write_text("نص", encoding="utf-8")
    (workdir / "bin.en.txt").write_bytes(b"\x00\x01\x02")
    (workdir / "notes.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 2
    assert message in result.output


def test_glossary_from_environment(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / "glossary.yaml").rename(workdir / "terms.yaml")
    monkeypatch.setenv("TARJAMA_GLOSSARY", str(workdir / "terms.yaml"))
    assert _invoke(["check", "good.en.txt"])[0] == 0


def test_seed_article_folder_names_exactly_the_broken_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, output = _invoke(["check", "tests/data/check", "-g", "seeds/glossary.yaml"])
    assert code == 1
    lines = output.splitlines()
    errors = [line.split(": error ")[0] for line in lines if ": error " in line]
    broken = "tests/data/check/qayyarah-broken.en.txt"
    assert errors == [f"{broken}:5:158", f"{broken}:7:1", f"{broken}:24:1", f"{broken}:32:93", f"{broken}:34:288",
                      f"{broken}:36:36"]
    warned = sorted({line.split(":")[0] + ":" + line.split(":")[1] for line in lines if ": warning " in line})
    # Warnings on the correct file are the other half of "translated differently" pairs: the same lines.
    assert warned == sorted(
        [f"{broken}:{n}" for n in (3, 6, 7, 24, 30, 50)] + [f"tests/data/check/qayyarah.en.txt:{n}" for n in (7, 24, 30, 50)]
    )
    assert lines[-1] == "6 errors, 12 warnings in 2 files (2 pairs checked)"


def test_help_has_an_example() -> None:
    code, output = _invoke(["check", "--help"])
    assert code == 0 and "Example:" in output and "--strict-counts" in output


def test_check_does_not_import_the_model_stack(workdir: Path) -> None:
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from translator.cli import cli\n"
        "result = CliRunner().invoke(cli, ['check', '.'])\n"
        "assert result.exit_code == 1, result.output\n"
        "heavy = sorted(m for m in ('ctranslate2', 'sentencepiece', 'argostranslate', 'torch') if m in sys.modules)\n"
        "print(heavy)\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], cwd=workdir, capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"
