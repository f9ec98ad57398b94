"""``tarjama translate job.xlf``: XLIFF 1.2 and 2.1 pre-translation, read back by translate-toolkit and lxml."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner
from fake_engines import FakeEngine
from lxml import etree

import cat_files
from glossary.yamlio import load_glossary
from translator.cli import cli
from translator.commands import translate as translate_command

ROOT = Path(__file__).resolve().parent.parent.parent
SEED_GLOSSARY = str(ROOT / "seeds" / "glossary.yaml")
FIXTURE_MODEL = ROOT / "tests" / "fixtures" / "ar_en_tiny.argosmodel"
NS12 = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
NS20 = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
DONE_12 = ("4", "بغداد", "Baghdad")  # a unit translated already: must stay byte for byte
DONE_21 = ("u4", "بغداد", "Baghdad")


@pytest.fixture(autouse=True)
def fake_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(translate_command, "make_engine", lambda spec, beam: FakeEngine(load_glossary(SEED_GLOSSARY)))
    monkeypatch.setenv("TARJAMA_CACHE", str(tmp_path / "cache"))


def _translate(job: Path, *extra: str) -> tuple[int, str, Path]:
    out = job.with_name("out" + "".join(job.suffixes))
    result = CliRunner().invoke(cli, ["translate", str(job), "-g", SEED_GLOSSARY, "-o", str(out), *extra], catch_exceptions=False)
    return result.exit_code, result.output, out


def _sdl_units() -> list[tuple[str, list[tuple[str, str, str | None]]]]:
    return [
        ("7", [("1", cat_files.NEWS_12[0][1], None), ("2", cat_files.NEWS_12[1][1], None)]),
        ("8", [("3", cat_files.NEWS_12[2][1], None)]),
        ("9", [("4", "بغداد", "Baghdad")]),
    ]


# name, builder, suffix, XLIFF 2?
SHAPES: dict[str, tuple[Callable[[], str], str, bool]] = {
    "po2xliff": (lambda: cat_files.po2xliff(cat_files.NEWS_12 + [DONE_12], target_lang="en"), ".xlf", False),
    "omegat": (lambda: cat_files.omegat_12(cat_files.NEWS_12 + [DONE_12]), ".xlf", False),
    "memoq": (lambda: cat_files.memoq_12(cat_files.NEWS_12 + [DONE_12]), ".mqxliff", False),
    "sdlxliff": (lambda: cat_files.sdlxliff(_sdl_units()), ".sdlxliff", False),
    "xliff21": (lambda: cat_files.xliff_21(cat_files.NEWS_21 + [DONE_21]), ".xlf", True),
}


def _write(tmp_path: Path, shape: str) -> tuple[Path, bytes, bool]:
    build, suffix, v2 = SHAPES[shape]
    job = tmp_path / f"job{suffix}"
    data = build().encode("utf-8")
    job.write_bytes(data)
    return job, data, v2


# What tarjama adds to a file: removing exactly these from the output must give back the input.
_ADDED_12 = [
    re.compile(rb'\s*<target state="needs-review-translation" state-qualifier="leveraged-mt">.*?</target>', re.S),
    re.compile(rb'\s*<note from="tarjama">[^<]*</note>'),
    re.compile(rb' conf="Draft" origin="mt"(?=/>)'),  # SDLXLIFF: only on the segments tarjama translated
]
_ADDED_20 = [
    re.compile(rb"<notes><note category=\"tarjama\">[^<]*</note></notes>\s*"),
    re.compile(rb"\s*<target>.*?</target>", re.S),
    re.compile(rb' state="translated" subState="tarjama:mt"'),
]


def _without_additions(output: bytes, v2: bool) -> bytes:
    for pattern in _ADDED_20 if v2 else _ADDED_12:
        output = pattern.sub(b"", output)
    return output


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_everything_but_the_new_targets_and_notes_is_byte_for_byte(shape: str, tmp_path: Path) -> None:
    job, data, v2 = _write(tmp_path, shape)
    code, output, out = _translate(job)
    assert code == 0, output
    written = out.read_bytes()
    assert written != data
    if v2:  # the done unit's own target is not a new one: put it back before comparing
        assert b"<target>Baghdad</target>" in written
        data = re.sub(rb"\s*<target>Baghdad</target>", b"", data)
    # (the input has none of tarjama's additions, except Trados marks on segments done already)
    assert _without_additions(written, v2) == _without_additions(data, v2)
    assert _without_additions(data, v2) != data or shape != "sdlxliff"


def _inline_ids(element: etree._Element) -> list[tuple[str, str]]:
    return [(etree.QName(child).localname, child.get("id") or child.get("startRef") or child.get("mid") or "") for child in element.iter() if child is not element]


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_inline_code_once_nested_and_byte_identical(shape: str, tmp_path: Path) -> None:
    job, data, v2 = _write(tmp_path, shape)
    _, _, out = _translate(job)
    written = out.read_bytes()
    tree = etree.fromstring(written)
    ns = NS20 if v2 else NS12
    pairs = (
        [(seg.find("x:source", ns), seg.find("x:target", ns)) for seg in tree.iterfind(".//x:segment", ns)]
        if v2
        else [
            (unit.find("x:seg-source", ns) if unit.find("x:seg-source", ns) is not None else unit.find("x:source", ns), unit.find("x:target", ns))
            for unit in tree.iterfind(".//x:trans-unit", ns)
        ]
    )
    assert pairs
    for source, target in pairs:
        assert target is not None
        source_ids, target_ids = _inline_ids(source), _inline_ids(target)
        assert sorted(target_ids) == sorted(source_ids)  # each code exactly once
        assert len(set(target_ids)) == len(target_ids) or shape == "sdlxliff"
        # A closing half never comes before its opening half.
        order = [name for name, _ in target_ids]
        for opener, closer in (("bpt", "ept"), ("sc", "ec")):
            if opener in order:
                assert order.index(opener) < order.index(closer)
    # The original code inside bpt/ept/ph is copied byte for byte into the one target whose source has it.
    for code in (b'<bpt id="b1">&lt;b&gt;</bpt>', b'<ept id="b1">&lt;/b&gt;</ept>', b'<ph id="p1">&lt;a href="#kh"/&gt;</ph>'):
        if code in data:
            assert written.count(code) == data.count(code) + 1


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_translate_toolkit_reads_targets_not_approved(shape: str, tmp_path: Path) -> None:
    from translate.storage import xliff, xliff2

    job, _, v2 = _write(tmp_path, shape)
    _, _, out = _translate(job)
    reader = xliff2.Xliff2File if v2 else xliff.xlifffile
    before = reader.parsefile(str(job)).units
    after = reader.parsefile(str(out)).units
    assert [unit.getid() for unit in after] == [unit.getid() for unit in before]
    for unit in after:
        assert unit.target.strip(), unit.getid()
        assert not unit.isapproved()
        assert "Popular Mobilisation" not in unit.target
    if not v2 and shape != "sdlxliff":
        # translate-toolkit's own placeables: the inline ids of source and target are equal.
        from translate.storage.placeables import lisa

        def ids(node: object) -> list[tuple[str, str]]:
            element = lisa.xml_to_strelem(node)
            return sorted((type(p).__name__, p.id) for p in element.depth_first() if getattr(p, "id", None) is not None)

        for unit in after:
            assert ids(unit.target_dom) == ids(unit.source_dom), unit.getid()
    targets = " ".join(unit.target for unit in after)
    for english in ("international coalition", "Popular Mobilization Forces", "Kataib Hezbollah", "Camp Taji"):
        assert english in targets


def test_states_and_notes_12(tmp_path: Path) -> None:
    job, _, _ = _write(tmp_path, "po2xliff")
    _, _, out = _translate(job)
    tree = etree.parse(str(out))
    unit = tree.find(".//x:trans-unit[@id='2']", NS12)
    target = unit.find("x:target", NS12)
    assert (target.get("state"), target.get("state-qualifier")) == ("needs-review-translation", "leveraged-mt")
    assert unit.get("approved") == "no"
    note = unit.find("x:note[@from='tarjama']", NS12)
    assert "الحشد الشعبي → Popular Mobilization Forces" in note.text
    assert tree.find(".//x:trans-unit[@id='4']/x:note[@from='tarjama']", NS12) is None


def test_states_and_notes_21(tmp_path: Path) -> None:
    job, _, _ = _write(tmp_path, "xliff21")
    _, _, out = _translate(job)
    tree = etree.parse(str(out))
    segment = tree.find(".//x:unit[@id='u3']/x:segment", NS20)
    assert (segment.get("state"), segment.get("subState")) == ("translated", "tarjama:mt")
    note = tree.find(".//x:unit[@id='u3']/x:notes/x:note", NS20)
    assert note.get("category") == "tarjama"
    assert "كتائب حزب الله → Kataib Hezbollah" in note.text
    # notes come before originalData, as XLIFF 2 requires
    children = [etree.QName(child).localname for child in tree.find(".//x:unit[@id='u3']", NS20)]
    assert children.index("notes") < children.index("originalData")


def test_unenforced_terms_are_named_in_the_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        translate_command,
        "make_engine",
        lambda spec, beam: FakeEngine(load_glossary(SEED_GLOSSARY), term_style="drop", honour_prefix=False),
    )
    job, _, _ = _write(tmp_path, "po2xliff")
    code, output, out = _translate(job)
    assert code == 0
    note = etree.parse(str(out)).find(".//x:trans-unit[@id='2']/x:note[@from='tarjama']", NS12)
    assert "NOT enforced, check these: الحشد الشعبي → Popular Mobilization Forces" in note.text


def test_overwrite_targets_replaces_and_unapproves(tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    text = cat_files.po2xliff([("1", cat_files.NEWS_12[0][1], "An old translation."), DONE_12], target_lang="en")
    job.write_text(text.replace('id="1" approved="no"', 'id="1" approved="yes"'), "utf-8")
    _, _, out = _translate(job)
    assert out.read_bytes() == job.read_bytes()  # nothing to do without the flag
    _, _, out = _translate(job, "--overwrite-targets")
    tree = etree.parse(str(out))
    unit = tree.find(".//x:trans-unit[@id='1']", NS12)
    assert unit.get("approved") == "no"
    assert "international coalition" in "".join(unit.find("x:target", NS12).itertext())
    assert tree.find(".//x:trans-unit[@id='4']/x:target", NS12).get("state") == "needs-review-translation"


def test_translate_no_units_stay_as_they_were(tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    text = cat_files.po2xliff(cat_files.NEWS_12, target_lang="en").replace('id="3" approved="no"', 'id="3" translate="no"')
    job.write_text(text, "utf-8")
    _, _, out = _translate(job)
    assert etree.parse(str(out)).find(".//x:trans-unit[@id='3']/x:target", NS12) is None


def test_empty_target_language_becomes_english(tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    job.write_text(cat_files.po2xliff(cat_files.NEWS_12[:1], target_lang=""), "utf-8")
    _, _, out = _translate(job)
    assert etree.parse(str(out)).find(".//x:file", NS12).get("target-language") == "en"


def test_the_output_passes_check_and_a_broken_unit_fails_it(tmp_path: Path) -> None:
    job, _, _ = _write(tmp_path, "omegat")
    _, _, out = _translate(job)
    runner = CliRunner()
    result = runner.invoke(cli, ["check", str(out), "-g", SEED_GLOSSARY], catch_exceptions=False)
    assert result.exit_code == 0, result.output  # warnings (Arabic the fake engine copies) only
    broken = out.read_text("utf-8").replace("Kataib Hezbollah", "Hezbollah Brigades", 1)
    out.write_text(broken, "utf-8")
    result = runner.invoke(cli, ["check", str(out), "-g", SEED_GLOSSARY], catch_exceptions=False)
    assert result.exit_code == 1
    assert "avoided-term: unit 3, needs review:" in result.output


def test_utf16_xliff_comes_back_utf16(tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    text = cat_files.po2xliff(cat_files.NEWS_12[:1], target_lang="en").replace('encoding="utf-8"', 'encoding="UTF-16"')
    job.write_bytes(text.encode("utf-16"))
    _, _, out = _translate(job)
    written = out.read_bytes()
    assert written[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert "international coalition" in written.decode("utf-16")


@pytest.mark.parametrize("shape", ["po2xliff", "xliff21"])
def test_fixture_model_pretranslates_12_and_21(shape: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    monkeypatch.setenv("TARJAMA_CACHE", str(tmp_path / "cache"))
    headline = "التحالف الدولي يسلم قاعدة القيارة للقوات العراقية"
    if shape == "xliff21":
        text = cat_files.xliff_21([("u1", f'<pc id="1">{headline}</pc>', None), DONE_21])
    else:
        text = cat_files.po2xliff([("1", f'<g id="g1">{headline}</g>', None), DONE_12], target_lang="en")
    job = tmp_path / "job.xlf"
    job.write_text(text, "utf-8")
    code, output, out = _translate(job, "--model", str(FIXTURE_MODEL))
    assert code == 0, output
    written = out.read_text("utf-8")
    assert "Qayyarah base" in written and "Iraqi forces" in written
    assert written.count("Baghdad") == 1


@pytest.mark.parametrize("empty", ['<target state="new"/>', "<target></target>", '<target xml:lang="en">  </target>'])
def test_an_empty_target_is_filled(empty: str, tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    text = cat_files.po2xliff([("1", cat_files.NEWS_12[0][1], "PLACEHOLDER")], target_lang="en")
    job.write_text(text.replace("<target>PLACEHOLDER</target>", empty), "utf-8")
    _, _, out = _translate(job)
    tree = etree.parse(str(out))
    (target,) = tree.findall(".//x:trans-unit/x:target", NS12)
    assert target.get("state") == "needs-review-translation"
    assert "international coalition" in "".join(target.itertext())


def test_sdlxliff_with_some_segments_done_fills_only_the_others(tmp_path: Path) -> None:
    job = tmp_path / "job.sdlxliff"
    text = cat_files.sdlxliff([("7", [("1", cat_files.NEWS_12[0][1], "Done by the translator."), ("2", cat_files.NEWS_12[1][1], None)])])
    job.write_text(text, "utf-8")
    _, _, out = _translate(job)
    written = out.read_text("utf-8")
    assert '<mrk mtype="seg" mid="1">Done by the translator.</mrk>' in written
    tree = etree.parse(str(out))
    marks = tree.findall(".//x:trans-unit/x:target/x:mrk", NS12)
    assert [mark.get("mid") for mark in marks] == ["1", "2"]
    assert "Popular Mobilization Forces" in "".join(marks[1].itertext())
    sdl = "{http://sdl.com/FileTypes/SdlXliff/1.0}"
    definitions = {d.get("id"): (d.get("conf"), d.get("origin")) for d in tree.iter(f"{sdl}seg")}
    assert definitions["2"] == ("Draft", "mt")
    assert '<sdl:seg id="1" conf="Draft" origin="mt"/>' in written  # the done segment's, as it was
