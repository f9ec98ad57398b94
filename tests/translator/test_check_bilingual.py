"""``tarjama check`` on bilingual files (XLIFF 1.2/2.x, TMX, PO), through the real CLI on real files."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

import cat_files
from translator.bilingual_readers import read_bilingual, read_po
from translator.cli import cli

ROOT = Path(__file__).resolve().parent.parent.parent
SEED_GLOSSARY = str(ROOT / "seeds" / "glossary.yaml")

SOURCE_1 = 'سلّم <g id="g1">التحالف الدولي</g> قاعدة القيارة إلى القوات العراقية.'
GOOD_1 = 'The <g id="g1">international coalition</g> handed Qayyarah base to Iraqi forces.'
AVOIDED_1 = 'The <g id="g1">International Alliance</g> handed Qayyarah base to Iraqi forces.'
SOURCE_2 = 'وقال <bpt id="b1">&lt;b&gt;</bpt>مصدر عسكري<ept id="b1">&lt;/b&gt;</ept> إن الحشد الشعبي انتشر قرب الموصل.'
GOOD_2 = 'A <bpt id="b1">&lt;b&gt;</bpt>military source<ept id="b1">&lt;/b&gt;</ept> said the Popular Mobilization Forces deployed near Mosul.'
MISSING_2 = 'A <bpt id="b1">&lt;b&gt;</bpt>military source<ept id="b1">&lt;/b&gt;</ept> said the fighters deployed near Mosul.'


def _invoke(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.output


def _to_21(xml: str) -> str:
    return xml.replace('<g id="g1">', '<pc id="1">').replace("</g>", "</pc>").replace(
        '<bpt id="b1">&lt;b&gt;</bpt>', '<sc id="2"/>'
    ).replace('<ept id="b1">&lt;/b&gt;</ept>', '<ec startRef="2"/>')


def _sdl(first: str, second: str) -> str:
    return cat_files.sdlxliff([("7", [("1", SOURCE_1, first), ("2", SOURCE_2, second)])])


# shape name, builder of (unit 1 target, unit 2 target) -> file text, suffix
SHAPES: dict[str, tuple[Callable[[str, str], str], str]] = {
    "po2xliff": (lambda a, b: cat_files.po2xliff([("1", SOURCE_1, a), ("2", SOURCE_2, b)]), ".xlf"),
    "omegat": (lambda a, b: cat_files.omegat_12([("1", SOURCE_1, a), ("2", SOURCE_2, b)]), ".xlf"),
    "memoq": (lambda a, b: cat_files.memoq_12([("1", SOURCE_1, a), ("2", SOURCE_2, b)]), ".mqxliff"),
    "sdlxliff": (_sdl, ".sdlxliff"),
    "xliff21": (
        lambda a, b: cat_files.xliff_21(
            [("u1", _to_21(SOURCE_1), _to_21(a)), ("u2", _to_21(SOURCE_2), _to_21(b))], state="translated"
        ),
        ".xlf",
    ),
    "tmx": (lambda a, b: cat_files.tmx([("t1", SOURCE_1, a), ("t2", SOURCE_2, b)]), ".tmx"),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_broken_unit_exits_1_and_fixed_exits_0(shape: str, tmp_path: Path) -> None:
    build, suffix = SHAPES[shape]
    job = tmp_path / f"job{suffix}"
    job.write_text(build(AVOIDED_1, MISSING_2), encoding="utf-8")
    code, output = _invoke(["check", str(job), "-g", SEED_GLOSSARY])
    assert code == 1, output
    lines = output.splitlines()
    assert any("avoided-term" in line and '"International Alliance"' in line for line in lines), output
    assert any("missing-term" in line and "Popular Mobilization Forces" in line for line in lines), output
    assert lines[-1] == f"2 errors, 0 warnings in 1 file (2 pairs checked)"

    job.write_text(build(GOOD_1, GOOD_2), encoding="utf-8")
    assert _invoke(["check", str(job), "-g", SEED_GLOSSARY]) == (0, "0 errors, 0 warnings in 0 files (2 pairs checked)\n")


def _position_of(text: str, needle: str) -> tuple[int, int]:
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# shape, what the finding's LINE:COL points at, the unit label, needs review
LOCATIONS = [
    ("po2xliff", '<trans-unit xml:space="preserve" id="1"', "unit 1", False),
    ("omegat", '<trans-unit id="1">', "unit 1, needs review", True),  # state="translated": not yet reviewed
    ("memoq", '<trans-unit id="1"', "unit 1", False),
    ("sdlxliff", '<mrk mtype="seg" mid="1">', "unit 7#1, needs review", True),  # sdl:seg conf="Draft"
    ("xliff21", "<segment", "unit u1, needs review", True),  # state="translated"
    ("tmx", '<tu tuid="t1"', "unit t1", False),
]


@pytest.mark.parametrize(("shape", "anchor", "label", "review"), LOCATIONS)
def test_findings_point_at_the_unit_with_its_id(shape: str, anchor: str, label: str, review: bool, tmp_path: Path) -> None:
    build, suffix = SHAPES[shape]
    text = build(AVOIDED_1, GOOD_2)
    job = tmp_path / f"job{suffix}"
    job.write_bytes(text.encode("utf-8"))
    line, column = _position_of(text.replace("\r\n", "\n"), anchor)
    code, output = _invoke(["check", str(job), "-g", SEED_GLOSSARY, "--format", "json"])
    assert code == 1
    (finding,) = json.loads(output)["findings"]
    assert finding["rule"] == "avoided-term"
    assert (finding["file"], finding["line"], finding["column"]) == (str(job), line, column)
    assert finding["message"].startswith(f"{label}: ")
    assert finding["unit"] == label.split(",")[0].removeprefix("unit ")
    assert finding["needs_review"] is review


REVIEW_STATES_12 = [
    ('state="needs-review-translation" state-qualifier="leveraged-mt"', True),
    ('state="translated"', True),
    ('state="new"', True),
    ('state="signed-off"', False),
    ('state="final"', False),
    ("", False),  # no state: the file says nothing, so nothing is claimed
]


@pytest.mark.parametrize(("attributes", "review"), REVIEW_STATES_12)
def test_xliff_12_states_decide_needs_review(attributes: str, review: bool, tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    job.write_text(cat_files.po2xliff([("1", SOURCE_1, AVOIDED_1)]).replace("<target>", f"<target {attributes}>"), "utf-8")
    (unit,) = read_bilingual(str(job)).units
    assert unit.needs_review is review


def test_approved_yes_is_reviewed_whatever_the_state(tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    text = cat_files.po2xliff([("1", SOURCE_1, AVOIDED_1)]).replace('approved="no"', 'approved="yes"')
    job.write_text(text.replace("<target>", '<target state="translated">'), "utf-8")
    assert read_bilingual(str(job)).units[0].needs_review is False


@pytest.mark.parametrize(("state", "review"), [("initial", True), ("translated", True), ("reviewed", False), ("final", False)])
def test_xliff_2_states_decide_needs_review(state: str, review: bool, tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    job.write_text(cat_files.xliff_21([("u1", _to_21(SOURCE_1), _to_21(GOOD_1))], state=state), "utf-8")
    assert read_bilingual(str(job)).units[0].needs_review is review


@pytest.mark.parametrize(("conf", "review"), [("Draft", True), ("Translated", True), ("ApprovedTranslation", False), ("ApprovedSignOff", False)])
def test_sdlxliff_confirmation_level_decides_needs_review(conf: str, review: bool, tmp_path: Path) -> None:
    job = tmp_path / "job.sdlxliff"
    job.write_text(_sdl(GOOD_1, GOOD_2).replace('conf="Draft"', f'conf="{conf}"'), "utf-8")
    assert [unit.needs_review for unit in read_bilingual(str(job)).units] == [review, review]


def test_text_inside_codes_is_read_and_code_content_is_not(tmp_path: Path) -> None:
    # The term inside <g> counts; Arabic inside a <ph>'s original code is markup, not text.
    source = 'أعلن <g id="1">الحشد</g> <g id="2">الشعبي</g> <ph id="3">&lt;span title="قاعدة القيارة"&gt;</ph>انسحابه.'
    job = tmp_path / "job.xlf"
    job.write_text(cat_files.po2xliff([("1", source, "The Popular Mobilization Forces announced its withdrawal.")]), "utf-8")
    (unit,) = read_bilingual(str(job)).units
    assert unit.source == "أعلن الحشد الشعبي انسحابه."
    assert _invoke(["check", str(job), "-g", SEED_GLOSSARY])[0] == 0


def test_translate_no_units_are_not_checked(tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    text = cat_files.po2xliff([("1", SOURCE_1, AVOIDED_1), ("2", SOURCE_2, GOOD_2)])
    job.write_text(text.replace('id="1" approved="no"', 'id="1" translate="no"'), "utf-8")
    assert _invoke(["check", str(job), "-g", SEED_GLOSSARY]) == (0, "0 errors, 0 warnings in 0 files (1 pair checked)\n")


def test_copied_source_is_one_untranslated_error(tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    job.write_text(cat_files.po2xliff([("1", SOURCE_1, SOURCE_1), ("2", SOURCE_2, GOOD_2)]), "utf-8")
    code, output = _invoke(["check", str(job), "-g", SEED_GLOSSARY])
    assert code == 1
    assert output.splitlines()[0] == f"{job}:5:7: error untranslated: unit 1: the translation is a copy of its source"


def test_arabic_left_in_a_target_is_located_at_its_unit(tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    job.write_text(cat_files.po2xliff([("1", SOURCE_1, GOOD_1 + " قرب الموصل")]), "utf-8")
    code, output = _invoke(["check", str(job), "-g", SEED_GLOSSARY, "--warnings-as-errors"])
    assert code == 1
    assert output.splitlines()[0] == f'{job}:5:7: warning untranslated: unit 1: Arabic text left untranslated: "قرب الموصل"'


def test_folder_search_finds_bilingual_files_and_pairs_together(tmp_path: Path) -> None:
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "job.xlf").write_text(cat_files.po2xliff([("1", SOURCE_1, AVOIDED_1)]), "utf-8")
    (tmp_path / "a.ar.txt").write_text("سلّم التحالف الدولي القاعدة.\n", "utf-8")
    (tmp_path / "a.en.txt").write_text("The international coalition handed over the base.\n", "utf-8")
    code, output = _invoke(["check", str(tmp_path), "-g", SEED_GLOSSARY])
    assert code == 1
    assert output.splitlines()[-1] == "1 error, 0 warnings in 1 file (2 pairs checked)"


def test_a_rendering_inconsistent_across_units_is_reported(tmp_path: Path) -> None:
    job = tmp_path / "job.tmx"
    job.write_text(
        cat_files.tmx(
            [
                ("t1", "قال التحالف الدولي إنه انسحب.", "The US-led coalition said it withdrew."),
                ("t2", "وأكد التحالف الدولي الانسحاب.", "The U.S.-led coalition confirmed the withdrawal."),
            ]
        ),
        "utf-8",
    )
    code, output = _invoke(["check", str(job), "-g", SEED_GLOSSARY, "--format", "json"])
    findings = json.loads(output)["findings"]
    assert [(f["rule"], f["unit"]) for f in findings] == [("inconsistent-rendering", "t1"), ("inconsistent-rendering", "t2")]
    assert code == 0  # warnings only


# ---------------------------------------------------------------- PO

PO_TEXT = r'''# Arabic news strings
msgid ""
msgstr ""
"Language: en\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#: news.py:10
#, fuzzy, python-format
msgid "وقال مصدر إن \"الحشد الشعبي\" انتشر"
msgstr "A source said the \"Hashd al-Shaabi\" deployed"

msgctxt "headline"
msgid ""
"سلّم التحالف الدولي "
"قاعدة القيارة"
msgstr "International coalition hands over Qayyarah base"

msgid "قاعدة"
msgid_plural "قواعد"
msgstr[0] "base"
msgstr[1] "bases"

#~ msgid "قديم"
#~ msgstr "old"
'''


def test_po_reader_agrees_with_polib(tmp_path: Path) -> None:
    polib = pytest.importorskip("polib")
    path = tmp_path / "strings.po"
    path.write_text(PO_TEXT, "utf-8")
    ours = [(unit.source, unit.target) for unit in read_po(PO_TEXT, str(path))]
    theirs: list[tuple[str, str | None]] = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            theirs.append((entry.msgid, entry.msgstr_plural[0]))
            theirs.extend((entry.msgid_plural, entry.msgstr_plural[n]) for n in sorted(entry.msgstr_plural) if n)
        else:
            theirs.append((entry.msgid, entry.msgstr or None))
    assert ours == theirs


def test_po_units_positions_ids_and_fuzzy() -> None:
    units = read_po(PO_TEXT, "strings.po")
    assert [(u.line, u.column, u.unit_id, u.needs_review) for u in units] == [
        (9, 1, None, True),
        (13, 1, "headline", False),
        (18, 1, "msgstr[0]", False),
        (19, 1, "msgstr[1]", False),
    ]


def test_po_check_reports_fuzzy_unit_as_needing_review(tmp_path: Path) -> None:
    path = tmp_path / "strings.po"
    path.write_text(PO_TEXT, "utf-8")
    code, output = _invoke(["check", str(path), "-g", SEED_GLOSSARY])
    assert code == 1
    assert output.splitlines() == [
        f'{path}:9:1: error avoided-term: needs review: "Hashd al-Shaabi" is an avoided rendering of "الحشد الشعبي":'
        ' use "Popular Mobilization Forces"',
        "1 error, 0 warnings in 1 file (4 pairs checked)",
    ]


# ---------------------------------------------------------------- readers that are not tarjama


def test_xliff_units_agree_with_translate_toolkit(tmp_path: Path) -> None:
    from translate.storage import xliff

    job = tmp_path / "job.xlf"
    job.write_text(cat_files.omegat_12([("1", SOURCE_1, GOOD_1), ("2", SOURCE_2, GOOD_2), ("3", "بغداد", None)]), "utf-8")
    theirs = [(unit.getid().split("\x04")[-1], unit.source) for unit in xliff.xlifffile.parsefile(str(job)).units]
    ours = [(unit.unit_id, unit.source) for unit in read_bilingual(str(job)).units]
    assert [unit_id for unit_id, _ in ours] == [unit_id for unit_id, _ in theirs]
    # translate-toolkit shows codes as placeholders; the text around them is the same.
    for (_, mine), (_, toolkit) in zip(ours, theirs):
        assert all(word in toolkit for word in mine.replace(".", " ").split())


def test_checking_bilingual_files_loads_no_heavy_library(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "job.xlf").write_text(cat_files.po2xliff([("1", SOURCE_1, GOOD_1)]), "utf-8")
    (tmp_path / "memory.tmx").write_text(cat_files.tmx([("t1", SOURCE_1, GOOD_1)]), "utf-8")
    (tmp_path / "strings.po").write_text(PO_TEXT, "utf-8")
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from translator.cli import cli\n"
        f"result = CliRunner().invoke(cli, ['check', {str(tmp_path)!r}, '-g', {SEED_GLOSSARY!r}])\n"
        "assert result.exit_code == 1, result.output\n"
        "heavy = ('ctranslate2', 'sentencepiece', 'argostranslate', 'torch', 'lxml', 'translate', 'polib', 'srt',"
        " 'webvtt', 'ray', 'starlette', 'docx', 'html5lib', 'bs4')\n"
        "print(','.join(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True, cwd=ROOT)
    assert completed.stdout.strip() == ""


# Realistic news units: (case, Arabic source with inline codes, English target, expected rule or None)
ARABIC_CASES = [
    ("clitic wa+li+al inside g", 'وقال مصدر <g id="1">وللتحالف الدولي</g> قواعد.', "A source said the international coalition has bases.", None),
    ("clitic, target missing", 'وقال مصدر <g id="1">وللتحالف الدولي</g> قواعد.', "A source said the alliance has bases.", "missing-term"),
    ("diacritics", "سلّمَ التَّحالُفُ الدَّوْلِيُّ القاعدة.", "The International Alliance handed over the base.", "avoided-term"),
    ("tatweel", "انتشر الحشـــد الشعبـي قرب الموصل.", "The Popular Mobilization Forces deployed near Mosul.", None),
    ("tatweel, avoided", "انتشر الحشـــد الشعبـي قرب الموصل.", "The Hashd al-Shaabi deployed near Mosul.", "avoided-term"),
    ("RLM between clitic and term", "وقال \u200fالحشد الشعبي إنه انسحب.", "The PMF said it withdrew.", None),
    ("quoted name", 'أعلنت «كتائب حزب الله» مسؤوليتها.', '"Hezbollah Brigades" claimed responsibility.', "avoided-term"),
    ("hashtag", "وسم #الحشد_الشعبي يتصدر تويتر.", "The hashtag #PMF trends on Twitter.", None),
    ("Arabic left in the target", "سلّم التحالف الدولي القاعدة.", "The international coalition handed over القاعدة.", "untranslated"),
]


@pytest.mark.parametrize(("case", "source", "target", "rule"), ARABIC_CASES, ids=[c[0] for c in ARABIC_CASES])
def test_arabic_news_units(case: str, source: str, target: str, rule: str | None, tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    job.write_text(cat_files.po2xliff([("1", source, target)], target_lang="en"), "utf-8")
    code, output = _invoke(["check", str(job), "-g", SEED_GLOSSARY, "--format", "json"])
    rules = [finding["rule"] for finding in json.loads(output)["findings"]]
    assert rules == ([rule] if rule else []), output


def test_a_bilingual_file_is_not_one_side_of_a_pair(tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    job.write_text(cat_files.po2xliff([("1", SOURCE_1, GOOD_1)]), "utf-8")
    result = CliRunner().invoke(cli, ["check", "--source", str(job), "--target", str(job), "-g", SEED_GLOSSARY])
    assert result.exit_code == 2
    assert "holds both sides: give it as a PATH" in result.output


def test_other_projects_localization_files_in_a_folder_are_skipped(tmp_path: Path) -> None:
    # A French PO of English msgids and an English→German XLIFF: not ours, not errors.
    locale = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    (locale / "app.po").write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n\nmsgid "Save"\nmsgstr ""\n', "utf-8")
    (tmp_path / "ui.xlf").write_text(cat_files.po2xliff([("1", "Save", None)], source_lang="en", target_lang="de"), "utf-8")
    (tmp_path / "memory.tmx").write_text(cat_files.tmx([("t1", "Save", "Speichern")], srclang="en"), "utf-8")
    (tmp_path / "ours.po").write_text('msgid "قاعدة القيارة"\nmsgstr "Qayyarah base"\n', "utf-8")
    assert _invoke(["check", str(tmp_path), "-g", SEED_GLOSSARY]) == (0, "0 errors, 0 warnings in 0 files (1 pair checked)\n")
    # Named on the command line, a file for another language pair is refused.
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "ui.xlf"), "-g", SEED_GLOSSARY])
    assert result.exit_code == 2
    assert "not Arabic" in result.output


def test_tmx_inline_code_content_is_not_text(tmp_path: Path) -> None:
    source = 'قال <bpt i="1">&lt;a title="Hezbollah Brigades"&gt;</bpt>مصدر<ept i="1">&lt;/a&gt;</ept> إن <hi>الحشد الشعبي</hi> انسحب.'
    target = 'A <bpt i="1">&lt;a title="Hezbollah Brigades"&gt;</bpt>source<ept i="1">&lt;/a&gt;</ept> said the PMF withdrew.'
    job = tmp_path / "memory.tmx"
    job.write_text(cat_files.tmx([("t1", source, target)]), "utf-8")
    (unit,) = read_bilingual(str(job)).units
    assert (unit.source, unit.target) == ("قال مصدر إن الحشد الشعبي انسحب.", "A source said the PMF withdrew.")
    assert _invoke(["check", str(job), "-g", SEED_GLOSSARY])[0] == 0
