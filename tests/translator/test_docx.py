"""``tarjama translate`` on Word documents: structure and formatting kept, RTL off,
complex-script formatting carried to Latin, unchanged zip members byte-identical;
``check`` on DOCX pairs."""
from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from docx import Document
from docx_documents import LINK_TARGET, build_report_docx
from lxml import etree
from project_paths import FIXTURES, SEEDS

from fake_engines import FakeEngine
from glossary.yamlio import load_glossary
from translator.cli import cli
from translator.commands import translate as translate_command

FIXTURE_MODEL = str(FIXTURES / "ar_en_tiny.argosmodel")
SEED_GLOSSARY = SEEDS / "glossary.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
CHANGED_PARTS = {
    "word/document.xml", "word/header1.xml", "word/footer1.xml", "word/footnotes.xml", "word/styles.xml",
    "word/numbering.xml",
}
RTL_ELEMENTS = ["bidi", "rtl", "cs", "rtlGutter", "bidiVisual"]
LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["translate", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any], Result]:
    folder = tmp_path_factory.mktemp("docx")
    source = build_report_docx(folder / "report.ar.docx")
    report = folder / "report.json"
    result = invoke(str(source), "-g", str(SEED_GLOSSARY), "--model", FIXTURE_MODEL, "--no-cache", "--report", str(report))
    assert result.exit_code == 0, result.stderr
    return source, folder / "report.en.docx", json.loads(report.read_text(encoding="utf-8")), result


def part(path: Path, name: str) -> Any:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def bold_texts(root: Any) -> list[str]:
    return [
        "".join(t.text or "" for t in run.iter(f"{W}t"))
        for run in root.iter(f"{W}r")
        if run.find(f"{W}rPr/{W}b") is not None
    ]


def test_opens_in_python_docx_with_the_same_structure(translated: tuple[Path, Path, dict[str, Any], Result]) -> None:
    source, output, _, _ = translated
    arabic, english = Document(str(source)), Document(str(output))
    assert len(english.paragraphs) == len(arabic.paragraphs)
    assert len(english.tables) == len(arabic.tables) == 1
    assert len(english.tables[0].rows) == 2
    assert len(english.tables[0].cell(1, 1).tables) == 1
    assert english.paragraphs[0].text == "The international coalition hands over Qayyarah base to Iraqi forces"


def test_bold_held_only_in_bcs_becomes_bold_on_the_term(translated: tuple[Path, Path, dict[str, Any], Result]) -> None:
    _, output, _, _ = translated
    body = part(output, "word/document.xml")
    assert bold_texts(body) == ["Qayyarah base", "Kataib Hezbollah"]


def test_size_held_in_szcs_is_carried_to_sz(translated: tuple[Path, Path, dict[str, Any], Result]) -> None:
    _, output, _, _ = translated
    first = part(output, "word/document.xml").find(f".//{W}p")
    sizes = {run.find(f"{W}rPr/{W}sz").get(f"{W}val") for run in first.iter(f"{W}r")}
    assert sizes == {"28"}
    fonts = first.find(f".//{W}rFonts")
    assert fonts.get(f"{W}ascii") == fonts.get(f"{W}hAnsi") == "Traditional Arabic"


def test_hyperlink_keeps_its_relationship_and_wraps_the_aligned_word(translated: tuple[Path, Path, dict[str, Any], Result]) -> None:
    source, output, _, _ = translated
    [before] = list(part(source, "word/document.xml").iter(f"{W}hyperlink"))
    [after] = list(part(output, "word/document.xml").iter(f"{W}hyperlink"))
    assert after.get(f"{R}id") == before.get(f"{R}id")
    assert "".join(t.text or "" for t in after.iter(f"{W}t")) == "Twitter"
    rels = part(output, "word/_rels/document.xml.rels")
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    assert targets[after.get(f"{R}id")] == LINK_TARGET


@pytest.mark.parametrize("name", sorted(CHANGED_PARTS - {"word/numbering.xml"}))
@pytest.mark.parametrize("element", RTL_ELEMENTS)
def test_right_to_left_is_switched_off(translated: tuple[Path, Path, dict[str, Any], Result], name: str, element: str) -> None:
    _, output, _, _ = translated
    with zipfile.ZipFile(output) as archive:
        if name not in archive.namelist():
            pytest.skip(f"{name} is not in this document")
    assert part(output, name).find(f".//{W}{element}") is None


def test_language_is_english_and_alignment_kept(translated: tuple[Path, Path, dict[str, Any], Result]) -> None:
    _, output, _, _ = translated
    body = part(output, "word/document.xml")
    langs = list(body.iter(f"{W}lang"))
    assert langs and all(lang.get(f"{W}val") == "en-US" and lang.get(f"{W}bidi") is None for lang in langs)
    # Under w:bidi Word reads jc=left as "start": without bidi the same value is still the start.
    assert {jc.get(f"{W}val") for jc in body.iter(f"{W}jc")} == {"left"}


def test_headers_footers_footnotes_are_translated(translated: tuple[Path, Path, dict[str, Any], Result]) -> None:
    _, output, _, _ = translated
    english = Document(str(output))
    section = english.sections[0]
    assert section.header.paragraphs[0].text.startswith("The international coalition")
    assert "coalition" in section.footer.paragraphs[0].text.lower()
    footnotes = part(output, "word/footnotes.xml")
    text = "".join(t.text or "" for t in footnotes.iter(f"{W}t"))
    assert "Baghdad declared" in text
    # The footnote mark stays first, the reference stays in the body.
    note = footnotes.findall(f"{W}footnote")[-1]
    runs = list(note.iter(f"{W}r"))
    assert runs[0].find(f"{W}footnoteRef") is not None
    assert part(output, "word/document.xml").find(f".//{W}footnoteReference") is not None


def test_fields_are_untouched(translated: tuple[Path, Path, dict[str, Any], Result]) -> None:
    source, output, _, _ = translated
    [before] = list(part(source, "word/document.xml").iter(f"{W}fldSimple"))
    [after] = list(part(output, "word/document.xml").iter(f"{W}fldSimple"))
    assert etree.tostring(after) == etree.tostring(before)


def test_unchanged_members_are_byte_identical(translated: tuple[Path, Path, dict[str, Any], Result]) -> None:
    source, output, _, _ = translated
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(output) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name not in CHANGED_PARTS:
                assert a.read(name) == b.read(name), name


def test_report_names_the_paragraph(translated: tuple[Path, Path, dict[str, Any], Result]) -> None:
    _, _, report, _ = translated
    units = {occurrence["unit"] for occurrence in report["occurrences"]}
    assert any(unit.startswith("body:p2 “") for unit in units)
    assert any(unit.startswith("header1:p1") for unit in units)
    assert all(occurrence["line"] is None for occurrence in report["occurrences"])
    assert report["summary"]["unenforced"] == 0


def test_unenforced_warning_names_part_and_paragraph(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    glossary = load_glossary(SEED_GLOSSARY)
    monkeypatch.setattr(
        translate_command, "make_engine", lambda model_spec, beam: FakeEngine(glossary, term_style="drop", honour_prefix=False)
    )
    document = Document()
    document.add_paragraph("مقدمة")
    document.add_paragraph("هاجم داعش اليوم")
    source = tmp_path / "short.ar.docx"
    document.save(str(source))
    result = invoke(str(source), "-g", str(SEED_GLOSSARY), "--no-cache")
    assert result.exit_code == 0
    assert f"{source}:body:p2 “هاجم داعش اليوم”: warning unenforced: داعش → Islamic State group" in result.stderr


def test_check_reads_docx_pairs(translated: tuple[Path, Path, dict[str, Any], Result], tmp_path: Path) -> None:
    source, output, _, _ = translated
    shutil.copy(source, tmp_path / "report.ar.docx")
    shutil.copy(output, tmp_path / "report.en.docx")
    clean = CliRunner().invoke(cli, ["check", str(tmp_path), "-g", str(SEED_GLOSSARY)], catch_exceptions=False)
    assert clean.exit_code == 0, clean.output
    with zipfile.ZipFile(output) as archive, zipfile.ZipFile(tmp_path / "report.en.docx", "w") as broken:
        for info in archive.infolist():
            body = archive.read(info)
            if info.filename == "word/document.xml":
                body = body.replace(b"Kataib Hezbollah", b"Hezbollah Brigades")
            broken.writestr(info, body)
    result = CliRunner().invoke(cli, ["check", str(tmp_path), "-g", str(SEED_GLOSSARY)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "report.en.docx: error avoided-term: body:p2 “No party has claimed responsibility for…”" in result.output


@pytest.mark.skipif(LIBREOFFICE is None, reason="libreoffice is not installed")
def test_libreoffice_converts_the_english(translated: tuple[Path, Path, dict[str, Any], Result], tmp_path: Path) -> None:
    _, output, _, _ = translated
    run = subprocess.run(
        [str(LIBREOFFICE), "--headless", "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(output)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    converted = tmp_path / "report.en.txt"
    assert converted.exists(), run.stderr
    assert "Kataib Hezbollah" in converted.read_text(encoding="utf-8", errors="replace")


def test_text_box_is_translated_and_kept_in_its_shape(translated: tuple[Path, Path, dict[str, Any], Result]) -> None:
    _, output, _, _ = translated
    body = part(output, "word/document.xml")
    [box] = list(body.iter(f"{W}txbxContent"))
    assert box.getparent().tag == "{urn:schemas-microsoft-com:vml}textbox"
    text = "".join(t.text or "" for t in box.iter(f"{W}t"))
    assert text == "The international coalition hands over Qayyarah base to Iraqi forces"
