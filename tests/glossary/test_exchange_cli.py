"""``tarjama glossary export`` / ``import`` end to end, on real files."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from glossary.yamlio import load_glossary
from translator.cli import cli

DATA = Path(__file__).resolve().parent.parent / "data" / "exchange"

GLOSSARY = """\
version: 1
source_lang: ar
target_lang: en
terms:
  # Names from the Qayyarah handover article.
  - source: الموصل
    target: Mosul
    avoid: [Mousel]

  - source: كاتيوشا  # rockets
    target: Katyusha
"""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def glossary_file(tmp_path: Path) -> Path:
    path = tmp_path / "glossary.yaml"
    path.write_text(GLOSSARY, encoding="utf-8")
    return path


# ------------------------------------------------------------------ export


def test_export_csv_to_stdout(glossary_file: Path) -> None:
    result = invoke("glossary", "export", "-g", str(glossary_file), "--to", "csv")
    assert result.exit_code == 0
    assert result.stdout_bytes == codecs.BOM_UTF8 + (
        "source,target,accept,avoid,type,note\r\nالموصل,Mosul,,Mousel,,\r\nكاتيوشا,Katyusha,,,,\r\n"
    ).encode()


def test_export_to_file_guesses_the_format_from_the_suffix(glossary_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "terms.tsv"
    result = invoke("glossary", "export", "-g", str(glossary_file), "-o", str(out))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"exported 2 entries to {out}\n")
    assert out.read_text(encoding="utf-8").startswith("source\ttarget\taccept\tavoid\ttype\tnote\n")


def test_export_without_a_format_it_can_guess_is_a_usage_error(glossary_file: Path) -> None:
    result = invoke("glossary", "export", "-g", str(glossary_file), "-o", "terms.xlsx")
    assert result.exit_code == 2
    assert "Error: missing --to tbx|csv|tsv|yaml (the file name does not say which)" in result.stderr


def test_yaml_round_trip_through_export_and_import(glossary_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.yaml"
    assert invoke("glossary", "export", "-g", str(glossary_file), "-o", str(out)).exit_code == 0
    target = tmp_path / "new.yaml"
    result = invoke("glossary", "import", str(out), "-g", str(target))
    assert (result.exit_code, result.stdout) == (0, "imported 2 entries: 2 added, 0 merged, 0 conflicting\n")
    assert load_glossary(target).entries == load_glossary(glossary_file).entries


def test_broken_yaml_import_points_into_the_imported_file(glossary_file: Path, tmp_path: Path) -> None:
    broken = tmp_path / "candidates.yml"
    broken.write_text("version: 1\nterms:\n  - source: الموصل\n", encoding="utf-8")
    before = glossary_file.read_bytes()
    result = invoke("glossary", "import", str(broken), "-g", str(glossary_file))
    assert result.exit_code == 2
    assert result.stderr == f"tarjama: error: {broken}:3:5: entry without 'target'\n"
    assert glossary_file.read_bytes() == before


def test_export_of_a_broken_glossary_is_its_error(tmp_path: Path) -> None:
    broken = tmp_path / "glossary.yaml"
    broken.write_text("version: 1\nterms:\n  - source: الموصل\n", encoding="utf-8")
    result = invoke("glossary", "export", "-g", str(broken), "--to", "tbx")
    assert result.exit_code == 2
    assert result.stderr == f"tarjama: error: {broken}:3:5: entry without 'target'\n"


def test_export_then_import_into_a_new_glossary_round_trips(glossary_file: Path, tmp_path: Path) -> None:
    tbx = tmp_path / "terms.tbx"
    assert invoke("glossary", "export", "-g", str(glossary_file), "-o", str(tbx)).exit_code == 0
    fresh = tmp_path / "fresh.yaml"
    result = invoke("glossary", "import", str(tbx), "-g", str(fresh))
    assert (result.exit_code, result.stdout) == (0, "imported 2 entries: 2 added, 0 merged, 0 conflicting\n")
    assert fresh.read_text(encoding="utf-8") == (
        "version: 1\n"
        "source_lang: ar\n"
        "target_lang: en\n"
        "terms:\n"
        "  - source: الموصل\n"
        "    target: Mosul\n"
        "    avoid: [Mousel]\n"
        "  - source: كاتيوشا\n"
        "    target: Katyusha\n"
    )


# ------------------------------------------------------------------ import


def test_import_merge_keeps_comments_and_reports_conflicts(glossary_file: Path, tmp_path: Path) -> None:
    incoming = tmp_path / "deepl.csv"
    incoming.write_text("الموصل,Mosul\nكاتيوشا,Katiousha\nقاعدة التاجي,Camp Taji\n", encoding="utf-8")
    result = invoke("glossary", "import", str(incoming), "--from", "csv", "-g", str(glossary_file))
    assert result.exit_code == 0
    assert result.stdout == "imported 3 entries: 1 added, 1 merged, 1 conflicting\n"
    assert result.stderr == (
        f"{incoming}:2:1: warning: 'كاتيوشا' is 'Katiousha' here but 'Katyusha' in the glossary (line 10);"
        " kept the glossary's\n"
    )
    assert glossary_file.read_text(encoding="utf-8") == GLOSSARY + "  - source: قاعدة التاجي\n    target: Camp Taji\n"


def test_import_replace_swaps_the_terms(glossary_file: Path) -> None:
    tbx = DATA / "martif-2008.tbx"
    result = invoke("glossary", "import", str(tbx), "-g", str(glossary_file), "--replace")
    assert (result.exit_code, result.stdout) == (
        0,
        "imported 2 entries: 2 added, 0 merged, 0 conflicting, 2 removed\n",
    )
    assert glossary_file.read_text(encoding="utf-8") == (
        "version: 1\n"
        "source_lang: ar\n"
        "target_lang: en\n"
        "terms:\n"
        "  - source: كتائب حزب الله\n"
        "    target: Kataib Hezbollah\n"
        "    accept: [Kata'ib Hezbollah]\n"
        "    avoid: [Hezbollah Brigades]\n"
        "    type: organization\n"
        "  - source: قاعدة التاجي\n"
        "    target: Camp Taji\n"
        "    avoid: [Al-Taji Camp]\n"
        "    note: Base north of Baghdad; rocket attack of 11 March 2020.\n"
    )


def test_import_of_the_hand_made_tbx_basic_file(tmp_path: Path) -> None:
    glossary_path = tmp_path / "glossary.yaml"
    result = invoke("glossary", "import", str(DATA / "basic-2019.tbx"), "--from", "tbx", "-g", str(glossary_path))
    assert (result.exit_code, result.stdout) == (0, "imported 3 entries: 3 added, 0 merged, 0 conflicting\n")
    listed = invoke("glossary", "show", "الحشد الشعبي", "-g", str(glossary_path), "--format", "json")
    assert listed.exit_code == 0
    assert '"Popular Mobilization Forces"' in listed.stdout


IMPORT_FAILURES = [
    (
        "malformed XML",
        "bad.tbx",
        "<tbx><text>\n<body></text></tbx>\n",
        "bad.tbx:2:9: malformed XML: mismatched tag",
    ),
    (
        "DOCTYPE with an inline DTD",
        "bad.tbx",
        '<!DOCTYPE tbx [<!ENTITY lol "lol">]>\n<tbx/>\n',
        "bad.tbx:1:16: refusing XML with an entity declaration (<!DOCTYPE ... [ ] or <!ENTITY>): entities can"
        " read local files or expand without bound; remove the DOCTYPE",
    ),
    (
        "wrong column count",
        "bad.csv",
        "الموصل,Mosul\nكاتيوشا,Katyusha,Katiousha\n",
        "bad.csv:2:18: expected 2 columns (source, target), found 3; for more columns start the file with the"
        " header row source,target,accept,avoid,type,note",
    ),
    ("empty target", "bad.csv", "الموصل,\n", "bad.csv:1:8: empty 'target' cell"),
    (
        "a form the glossary avoids as a target",
        "bad.csv",
        "الموصل العراقية,Mousel\n",
        "bad.csv:1:1: cannot import this entry: not changed: the result would be invalid: target 'Mousel' is listed"
        " under 'avoid' by the entry at line 6; a rendering cannot be both canonical and wrong",
    ),
    (
        "the same, on an entry spliced after the first new one",
        "bad.csv",
        "قاعدة التاجي,Camp Taji\nالموصل العراقية,Mousel\n",
        "bad.csv:2:1: cannot import this entry: target 'Mousel' is listed under 'avoid' by the entry at line 6;"
        " a rendering cannot be both canonical and wrong",
    ),
]


@pytest.mark.parametrize(("case", "name", "content", "message"), IMPORT_FAILURES)
def test_failed_import_is_one_line_exit_2_and_writes_nothing(
    glossary_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, name: str, content: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(content, encoding="utf-8")
    before = glossary_file.read_bytes()
    result = invoke("glossary", "import", name, "-g", str(glossary_file))
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"tarjama: error: {message}\n")
    assert glossary_file.read_bytes() == before


def test_import_of_a_missing_file(glossary_file: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.tbx"
    result = invoke("glossary", "import", str(missing), "-g", str(glossary_file))
    assert (result.exit_code, result.stderr) == (2, f"tarjama: error: {missing}: no such file\n")


def test_import_keeps_a_crlf_glossary_crlf(tmp_path: Path) -> None:
    glossary_path = tmp_path / "glossary.yaml"
    glossary_path.write_bytes(GLOSSARY.replace("\n", "\r\n").encode("utf-8"))
    incoming = tmp_path / "in.tsv"
    incoming.write_text("قاعدة التاجي\tCamp Taji\n", encoding="utf-8")
    assert invoke("glossary", "import", str(incoming), "-g", str(glossary_path)).exit_code == 0
    assert glossary_path.read_bytes() == (GLOSSARY + "  - source: قاعدة التاجي\n    target: Camp Taji\n").replace(
        "\n", "\r\n"
    ).encode("utf-8")
