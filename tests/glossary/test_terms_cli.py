"""``tarjama terms``: output formats, inputs, and errors, on real files."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from glossary.finder import find_terms
from glossary.yamlio import load_glossary
from translator.cli import cli

GLOSSARY_YAML = """\
version: 1
source_lang: ar
target_lang: en
terms:
  - source: التحالف الدولي
    target: international coalition
  - source: قاعدة القيارة
    target: Qayyarah base
  - source: الموصل
    target: Mosul
"""

ARTICLE = "التحالف الدولي يسلم قاعدة القيارة\nجنوبي مدينة الموصل وللتحالف الدولي\n"

EXPECTED_TEXT = """\
article.txt:1:1  التحالف الدولي  →  international coalition
article.txt:1:21  قاعدة القيارة  →  Qayyarah base
article.txt:2:13  الموصل  →  Mosul
article.txt:2:20  وللتحالف الدولي  →  international coalition

count  target                   source
    2  international coalition  التحالف الدولي
    1  Qayyarah base            قاعدة القيارة
    1  Mosul                    الموصل
4 occurrences of 3 glossary entries
"""

EXPECTED_JSON = [
    {"file": "article.txt", "line": 1, "column": 1, "start": 0, "end": 14,
     "surface": "التحالف الدولي", "source": "التحالف الدولي", "target": "international coalition"},
    {"file": "article.txt", "line": 1, "column": 21, "start": 20, "end": 33,
     "surface": "قاعدة القيارة", "source": "قاعدة القيارة", "target": "Qayyarah base"},
    {"file": "article.txt", "line": 2, "column": 13, "start": 46, "end": 52,
     "surface": "الموصل", "source": "الموصل", "target": "Mosul"},
    {"file": "article.txt", "line": 2, "column": 20, "start": 53, "end": 68,
     "surface": "وللتحالف الدولي", "source": "التحالف الدولي", "target": "international coalition"},
]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "glossary.yaml").write_text(GLOSSARY_YAML, encoding="utf-8")
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    return tmp_path


def invoke(args: list[str], input: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, args, input=input, catch_exceptions=False)


def test_text_output(workdir: Path) -> None:
    result = invoke(["terms", "article.txt"])
    assert result.exit_code == 0
    assert result.stdout == EXPECTED_TEXT


def test_json_output(workdir: Path) -> None:
    result = invoke(["terms", "article.txt", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == EXPECTED_JSON


def test_json_offsets_slice_the_decoded_text(workdir: Path) -> None:
    rows = json.loads(invoke(["terms", "article.txt", "--format", "json"]).stdout)
    assert [ARTICLE[row["start"] : row["end"]] for row in rows] == [row["surface"] for row in rows]


def test_glossary_from_environment(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / "glossary.yaml").rename(workdir / "other.yaml")
    monkeypatch.setenv("TARJAMA_GLOSSARY", "other.yaml")
    result = invoke(["terms", "article.txt"])
    assert result.exit_code == 0
    assert result.stdout == EXPECTED_TEXT


@pytest.mark.parametrize("args", [["terms"], ["terms", "-"]])
def test_standard_input(workdir: Path, args: list[str]) -> None:
    result = invoke([*args, "--format", "json"], input="قرب الموصل".encode("utf-8"))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {"file": "<stdin>", "line": 1, "column": 5, "start": 4, "end": 10,
         "surface": "الموصل", "source": "الموصل", "target": "Mosul"}
    ]


def test_several_files_are_listed_in_order_and_counted_together(workdir: Path) -> None:
    (workdir / "second.txt").write_text("بالموصل", encoding="utf-8")
    result = invoke(["terms", "second.txt", "article.txt"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == [
        "second.txt:1:1  بالموصل  →  Mosul",
        "article.txt:1:1  التحالف الدولي  →  international coalition",
    ]
    assert "    2  Mosul" in result.stdout
    assert result.stdout.endswith("5 occurrences of 3 glossary entries\n")


# (file bytes, expected (line, column, start) of the one occurrence): the
# position is in characters of the decoded text, line ends unified to \n.
ENCODING_CASES = [
    ("\ufeffسطر\r\nفي الموصل\r\n".encode("utf-8"), (2, 4, 7)),
    ("سطر\r\nفي الموصل".encode("utf-16"), (2, 4, 7)),
    ("سطر\nفي الموصل".encode("cp1256"), (2, 4, 7)),
    ("في الموصل".encode("utf-8"), (1, 4, 3)),
]


@pytest.mark.parametrize(("data", "expected"), ENCODING_CASES)
def test_positions_in_decoded_characters(workdir: Path, data: bytes, expected: tuple[int, int, int]) -> None:
    (workdir / "input.txt").write_bytes(data)
    result = invoke(["terms", "input.txt", "--format", "json"])
    assert result.exit_code == 0
    [row] = json.loads(result.stdout)
    assert (row["line"], row["column"], row["start"]) == expected


def test_term_across_a_tab_shows_on_one_line(workdir: Path) -> None:
    (workdir / "input.txt").write_text("قاعدة\tالقيارة", encoding="utf-8")
    result = invoke(["terms", "input.txt"])
    assert result.stdout.splitlines()[0] == "input.txt:1:1  قاعدة القيارة  →  Qayyarah base"


def test_a_line_break_ends_a_term(workdir: Path) -> None:
    (workdir / "input.txt").write_text("قاعدة\nالقيارة\n", encoding="utf-8")
    result = invoke(["terms", "input.txt"])
    assert result.exit_code == 0
    assert "Qayyarah base" not in result.stdout


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_no_terms_is_not_a_failure(workdir: Path, output_format: str) -> None:
    (workdir / "empty.txt").write_text("لا شيء هنا", encoding="utf-8")
    result = invoke(["terms", "empty.txt", "--format", output_format])
    assert result.exit_code == 0
    assert result.stdout == ("[]\n" if output_format == "json" else "0 occurrences of 0 glossary entries\n")


# (setup: file name -> bytes, args, exact stderr)
ERROR_CASES = [
    ({}, ["terms", "missing.txt"], "tarjama: error: missing.txt: no such file\n"),
    (
        {"data.bin": b"\x00\x01\x02"},
        ["terms", "data.bin"],
        "tarjama: error: data.bin:1:1: NUL byte: this looks like a binary file, not text\n",
    ),
    (
        {},
        ["terms", "article.txt", "-g", "nothere.yaml"],
        "tarjama: error: nothere.yaml: no such file; create one with: tarjama glossary add SOURCE TARGET\n",
    ),
    (
        {"bad.yaml": "version: 1\nterms:\n  - source: الموصل\n".encode("utf-8")},
        ["terms", "article.txt", "-g", "bad.yaml"],
        "tarjama: error: bad.yaml:3:5: entry without 'target'\n",
    ),
]


@pytest.mark.parametrize(("files", "args", "stderr"), ERROR_CASES)
def test_errors_exit_2_with_one_line(workdir: Path, files: dict[str, bytes], args: list[str], stderr: str) -> None:
    for name, data in files.items():
        (workdir / name).write_bytes(data)
    result = invoke(args)
    assert result.exit_code == 2
    assert result.stderr == stderr
    assert result.stdout == ""


def test_help_has_an_example() -> None:
    result = invoke(["terms", "--help"])
    assert result.exit_code == 0
    assert "  Example:\n    tarjama terms article.ar.txt -g glossary.yaml\n" in result.stdout


def test_terms_does_not_load_the_model_stack(workdir: Path) -> None:
    script = (
        "import sys; from click.testing import CliRunner; from translator.cli import cli;"
        "r = CliRunner().invoke(cli, ['terms', 'article.txt']); assert r.exit_code == 0, r.output;"
        "print(sorted(m for m in ('ctranslate2', 'sentencepiece', 'argostranslate', 'torch') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=workdir, check=True)
    assert done.stdout == "[]\n"


def test_utf8_output_under_an_ascii_locale(workdir: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-c", "from translator.cli import main; main()", "terms", "article.txt"],
        capture_output=True, cwd=workdir, env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8") == EXPECTED_TEXT


def test_seed_article_json_matches_the_finder(seed_article: Path, seed_glossary: Path) -> None:
    result = invoke(["terms", str(seed_article), "-g", str(seed_glossary), "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    occurrences = find_terms(seed_article.read_text(encoding="utf-8"), load_glossary(seed_glossary))
    assert [(r["start"], r["end"], r["target"]) for r in rows] == [
        (o.start, o.end, o.entry.target) for o in occurrences
    ]
    assert rows[0] == {
        "file": str(seed_article), "line": 1, "column": 1, "start": 0, "end": 14,
        "surface": "التحالف الدولي", "source": "التحالف الدولي", "target": "international coalition",
    }


@pytest.mark.parametrize("block_chars", [1, 100, 1000, 10**9], ids=lambda size: f"blocks-of-{size}")
def test_searching_by_paragraph_blocks_finds_what_one_pass_finds(
    seed_article: Path, seed_glossary: Path, block_chars: int
) -> None:
    from translator.commands.terms import locate_terms

    glossary = load_glossary(seed_glossary)
    text = seed_article.read_text(encoding="utf-8")
    rows = locate_terms(text, "a.txt", glossary, block_chars=block_chars)
    assert [(row.start, row.end, row.surface) for row in rows] == [
        (occurrence.start, occurrence.end, occurrence.surface) for occurrence in find_terms(text, glossary)
    ]
    assert all(text[row.start : row.end] == row.surface for row in rows)
