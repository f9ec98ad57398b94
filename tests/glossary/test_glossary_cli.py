"""`tarjama glossary …` end to end on real files in tmp_path."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from glossary.cli import glossary as glossary_group
from glossary.yamlio import load_glossary
from translator.cli import cli

SAMPLE = """\
# Iraq desk glossary
version: 1
source_lang: ar
target_lang: en
terms:
  - source: الحشد الشعبي   # not bare الحشد
    target: Popular Mobilization Forces
    accept: [PMF]
    avoid: [Popular Mobilisation Units]

  - source: حزب الله
    target: Hezbollah
    avoid: [Hizbollah]
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "glossary.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def test_add_prints_what_happened_and_appends(sample: Path) -> None:
    code, output = run("glossary", "add", "الموصل", "Mosul", "--avoid", "Mousel", "-g", str(sample))
    assert (code, output) == (0, f"added: الموصل → Mosul ({sample})\n")
    assert sample.read_text(encoding="utf-8") == SAMPLE + "  - source: الموصل\n    target: Mosul\n    avoid: [Mousel]\n"


def test_add_merge_message(sample: Path) -> None:
    code, output = run("glossary", "add", "حزب الله اللبناني", "Hezbollah", "-g", str(sample))
    assert (code, output) == (0, f"merged: حزب الله اللبناني → Hezbollah ({sample})\n")


def test_add_creates_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    code, output = run("glossary", "add", "الموصل", "Mosul", "--type", "place", "-g", str(path))
    assert (code, output) == (0, f"added: الموصل → Mosul ({path})\n")
    assert path.read_text(encoding="utf-8") == (
        "version: 1\nsource_lang: ar\ntarget_lang: en\nterms:\n  - source: الموصل\n    target: Mosul\n    type: place\n"
    )


def test_refused_edit_leaves_file_byte_identical(sample: Path) -> None:
    before = sample.read_bytes()
    code, output = run("glossary", "add", "حزب اللات", "Hizbollah", "-g", str(sample))
    assert code == 2
    assert output == (
        f"tarjama: error: {sample}: not changed: the result would be invalid: target 'Hizbollah' is listed under"
        " 'avoid' by the entry at line 11; a rendering cannot be both canonical and wrong\n"
    )
    assert sample.read_bytes() == before


def test_edit_of_invalid_file_reports_its_error_and_writes_nothing(sample: Path) -> None:
    sample.write_text(SAMPLE.replace("    target: Hezbollah", "    targt: Hezbollah"), encoding="utf-8")
    before = sample.read_bytes()
    code, output = run("glossary", "add", "الموصل", "Mosul", "-g", str(sample))
    assert (code, output) == (2, f"tarjama: error: {sample}:12:5: unknown entry key 'targt'; did you mean 'target'?\n")
    assert sample.read_bytes() == before


ENCODINGS = [("crlf", "utf-8", "\r\n"), ("utf-8-bom", "utf-8-sig", "\n"), ("utf-16", "utf-16", "\n")]


@pytest.mark.parametrize(("encoding", "newline"), [e[1:] for e in ENCODINGS], ids=[e[0] for e in ENCODINGS])
def test_add_keeps_the_files_encoding_and_line_ends(tmp_path: Path, encoding: str, newline: str) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_bytes(SAMPLE.replace("\n", newline).encode(encoding))
    assert run("glossary", "add", "الموصل", "Mosul", "-g", str(path))[0] == 0
    expected = SAMPLE + "  - source: الموصل\n    target: Mosul\n"
    assert path.read_bytes() == expected.replace("\n", newline).encode(encoding)


def test_remove_prints_and_restores(sample: Path) -> None:
    run("glossary", "add", "الموصل", "Mosul", "-g", str(sample))
    code, output = run("glossary", "remove", "Mosul", "-g", str(sample))
    assert (code, output) == (0, f"removed: الموصل → Mosul ({sample})\n")
    assert sample.read_text(encoding="utf-8") == SAMPLE


def test_remove_one_form(sample: Path) -> None:
    run("glossary", "add", "حزب الله اللبناني", "Hezbollah", "-g", str(sample))
    code, output = run("glossary", "remove", "حزب الله اللبناني", "-g", str(sample))
    assert (code, output) == (0, f"removed source form: حزب الله اللبناني → Hezbollah ({sample})\n")


def test_remove_unknown_term(sample: Path) -> None:
    code, output = run("glossary", "remove", "الموصل", "-g", str(sample))
    assert (code, output) == (2, f"tarjama: error: {sample}: no entry with source or target 'الموصل'\n")


def test_missing_glossary_hints_at_add(tmp_path: Path) -> None:
    code, output = run("glossary", "list", "-g", str(tmp_path / "none.yaml"))
    assert (code, output) == (
        2,
        f"tarjama: error: {tmp_path / 'none.yaml'}: no such file; create one with: tarjama glossary add SOURCE TARGET\n",
    )


def test_list_text(sample: Path) -> None:
    assert run("glossary", "list", "-g", str(sample)) == (
        0,
        "الحشد الشعبي → Popular Mobilization Forces\nحزب الله → Hezbollah\n",
    )


def test_list_tsv(sample: Path) -> None:
    assert run("glossary", "list", "--format", "tsv", "-g", str(sample)) == (
        0,
        "source\ttarget\taccept\tavoid\ttype\tnote\n"
        "الحشد الشعبي\tPopular Mobilization Forces\tPMF\tPopular Mobilisation Units\t\t\n"
        "حزب الله\tHezbollah\t\tHizbollah\t\t\n",
    )


def test_list_json_carries_version_and_digest(sample: Path) -> None:
    code, output = run("glossary", "list", "--format", "json", "-g", str(sample))
    payload = json.loads(output)
    assert code == 0
    assert payload["glossary_digest"] == load_glossary(sample).digest
    assert payload["entries"][1] == {
        "sources": ["حزب الله"], "target": "Hezbollah", "accept": [], "avoid": ["Hizbollah"], "exclude": [],
        "type": None, "note": None, "inflect": False, "case": "insensitive", "line": 11,
    }
    assert set(payload) == {"tarjama_version", "glossary", "glossary_digest", "source_lang", "target_lang", "entries"}


def test_show_by_normalized_source(sample: Path) -> None:
    assert run("glossary", "show", "الحشدُ الشعبيّ", "-g", str(sample)) == (
        0,
        "source:  الحشد الشعبي\n"
        "target:  Popular Mobilization Forces\n"
        "accept:  PMF\n"
        "avoid:   Popular Mobilisation Units\n"
        f"defined: {sample}:6:5\n",
    )


@pytest.mark.parametrize(("term", "kind"), [("pmf", "accepted"), ("Popular Mobilisation Units", "avoided")])
def test_show_by_accepted_or_avoided_rendering(sample: Path, term: str, kind: str) -> None:
    code, output = run("glossary", "show", term, "-g", str(sample))
    assert code == 0
    assert output.splitlines()[:3] == [
        f"'{term}' is an {kind} rendering of:",
        "source:  الحشد الشعبي",
        "target:  Popular Mobilization Forces",
    ]


def test_remove_never_matches_an_accepted_rendering(sample: Path) -> None:
    before = sample.read_bytes()
    assert run("glossary", "remove", "PMF", "-g", str(sample))[0] == 2
    assert sample.read_bytes() == before


def test_show_unknown_suggests(sample: Path) -> None:
    assert run("glossary", "show", "Hezbolah", "-g", str(sample)) == (
        2,
        f"tarjama: error: {sample}: no entry with source or target 'Hezbolah'; did you mean 'Hezbollah'?\n",
    )


def test_lint_clean(sample: Path) -> None:
    assert run("glossary", "lint", "-g", str(sample)) == (0, "0 errors, 0 warnings in 1 file\n")


def test_lint_findings_and_invalid_file(sample: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nterms:\n  - source: الموصل\n    target: Mosul\n    avoid: [mosul]\n", encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 3\nterms: []\n", encoding="utf-8")
    code, output = run("glossary", "lint", str(sample), str(bad), str(broken))
    assert (code, output) == (
        1,
        f"{bad}:3:5: error avoid-is-target: avoid 'mosul' is the entry's own target 'Mosul'\n"
        f"{broken}:1:10: error invalid-glossary: unsupported glossary version 3; this tarjama reads version 1\n"
        "2 errors, 0 warnings in 3 files\n",
    )


def test_lint_warnings_exit_zero_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("version: 1\nterms:\n  - source: كوفيد-19\n    target: COVID-19\n    accept: [Covid-19]\n", encoding="utf-8")
    expected = f"{path}:3:5: warning accept-is-target: accept 'Covid-19' is the target itself; drop it\n"
    assert run("glossary", "lint", str(path)) == (0, expected + "0 errors, 1 warning in 1 file\n")
    assert run("glossary", "lint", "--warnings-as-errors", str(path)) == (1, expected + "0 errors, 1 warning in 1 file\n")


def test_fmt_check_then_fmt(sample: Path) -> None:
    before = sample.read_bytes()
    assert run("glossary", "fmt", "--check", "-g", str(sample)) == (1, f"would reformat {sample}\n")
    assert sample.read_bytes() == before
    assert run("glossary", "fmt", "-g", str(sample)) == (0, f"reformatted {sample}\n")
    assert run("glossary", "fmt", "--check", "-g", str(sample)) == (0, "")
    assert sample.read_text(encoding="utf-8").startswith("# Iraq desk glossary\nversion: 1\n")
    assert "  # not bare الحشد\n  - source: الحشد الشعبي\n" in sample.read_text(encoding="utf-8")


SUBCOMMANDS = sorted(glossary_group.commands)


def test_every_documented_subcommand_exists() -> None:
    assert {"add", "fmt", "lint", "list", "remove", "show"} <= set(SUBCOMMANDS)


@pytest.mark.parametrize("args", [[], *[[name] for name in SUBCOMMANDS]], ids=["glossary", *SUBCOMMANDS])
def test_help_has_an_example(args: list[str]) -> None:
    code, output = run("glossary", *args, "--help")
    assert code == 0
    assert "Example:\n    tarjama glossary" in output


HEAVY = ("ctranslate2", "sentencepiece", "argostranslate", "torch")


def test_glossary_commands_import_nothing_heavy() -> None:
    probe = (
        "import sys; from translator.cli import cli; cli.get_command(None, 'glossary');"
        f" print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


def test_twenty_concurrent_adds_all_land(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    launch = "from translator.cli import main; main()"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", launch, "glossary", "add", f"قاعدة رقم {n}", f"Base number {n}", "-g", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(20)
    ]
    outcomes = [(process.wait(timeout=120), process.stderr.read()) for process in processes]  # type: ignore[union-attr]
    assert outcomes == [(0, "")] * 20
    targets = [entry.target for entry in load_glossary(path).entries]
    assert sorted(targets[2:]) == sorted(f"Base number {n}" for n in range(20))
    assert path.read_text(encoding="utf-8").startswith(SAMPLE)
