"""Hostile bilingual and CAT files: XLIFF, TMX, PO for ``check``, XLIFF for ``translate``.

Every case is one ``tarjama: error: FILE:LINE:COL: …`` line, exit 2, no
traceback, and nothing written.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hostile_inputs import SEEDS, assert_refused, folder_state, invoke

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "translator"))
import cat_files  # noqa: E402

GLOSSARY = str(SEEDS / "glossary.yaml")
UNIT = 'سلّم <g id="g1">التحالف الدولي</g> قاعدة القيارة.'
GOOD_12 = cat_files.po2xliff([("1", UNIT, None)], target_lang="en")
GOOD_21 = cat_files.xliff_21([("u1", 'سلّم <pc id="1">التحالف الدولي</pc> القاعدة.', None)])

XXE = GOOD_12.replace(
    '<?xml version="1.0" encoding="utf-8"?>\n',
    '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE xliff [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n',
).replace("قاعدة القيارة.", "&xxe;")
LAUGHS = GOOD_12.replace(
    '<?xml version="1.0" encoding="utf-8"?>\n',
    '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n',
).replace("قاعدة القيارة.", "&lol2;")
INLINE_DTD = GOOD_12.replace(
    '<?xml version="1.0" encoding="utf-8"?>\n', '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE xliff [<!ELEMENT xliff ANY>]>\n'
)

# name, file name, content, the error's location and words
XLIFF_CASES = [
    ("external entity (XXE)", "job.xlf", XXE, ":2:", "entity declaration"),
    ("billion laughs", "job.xlf", LAUGHS, ":2:", "entity declaration"),
    ("inline DTD", "job.xlf", INLINE_DTD, ":2:", "inline DTD"),
    ("undefined entity", "job.xlf", GOOD_12.replace("قاعدة القيارة.", "&nbsp;"), ":6:", "undefined entity"),
    (
        "duplicate unit ids",
        "job.xlf",
        cat_files.po2xliff([("1", UNIT, None), ("1", "بغداد", None)], target_lang="en"),
        ":9:7:",
        'duplicate unit id "1"',
    ),
    (
        "unbalanced bpt",
        "job.xlf",
        cat_files.po2xliff([("1", 'قال <bpt id="1">&lt;b&gt;</bpt>مصدر عسكري', None)], target_lang="en"),
        ":6:",
        "unbalanced inline code",
    ),
    (
        "ept without bpt",
        "job.xlf",
        cat_files.po2xliff([("1", 'قال مصدر<ept id="9">&lt;/b&gt;</ept> عسكري', None)], target_lang="en"),
        ":6:",
        "unbalanced inline code",
    ),
    (
        "ec without sc (2.1)",
        "job.xlf",
        cat_files.xliff_21([("u1", 'قال مصدر<ec startRef="5"/> عسكري', None)]),
        ":12:",
        "unbalanced inline code",
    ),
    ("English source", "job.xlf", cat_files.po2xliff([("1", UNIT, None)], source_lang="en"), ":3:3:", "not Arabic"),
    ("2.1 source French", "job.xlf", GOOD_21.replace('srcLang="ar"', 'srcLang="fr"'), ":2:1:", "not Arabic"),
    ("1.2 declaring the 2.0 namespace", "job.xlf", GOOD_12.replace("document:1.2", "document:2.0"), ":2:1:", 'version="1.2"'),
    ("2.1 with the 1.2 namespace", "job.xlf", GOOD_21.replace("document:2.0", "document:1.2"), ":2:1:", 'version="2.1"'),
    ("unknown version", "job.xlf", GOOD_12.replace('version="1.2"', 'version="3.0"'), ":2:1:", "unsupported XLIFF version"),
    ("not XLIFF", "job.xlf", "<?xml version='1.0'?>\n<html><body/></html>\n", ":2:1:", "not XLIFF"),
    ("malformed", "job.xlf", GOOD_12.replace("</source>", "</sourc>"), ":6:", "malformed XML"),
    ("truncated", "job.xlf", GOOD_12[: len(GOOD_12) // 2], ":", "malformed XML"),
    ("latin-1 bytes", "job.xlf", None, ":", "not valid UTF-8"),
]


def _write(tmp_path: Path, name: str, content: str | None) -> Path:
    path = tmp_path / name
    if content is None:
        path.write_bytes(GOOD_12.encode("utf-8").replace("قاعدة".encode("utf-8"), b"\xe9t\xe9 \xe0 Bagdad \xff"))
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(("case", "name", "content", "where", "words"), XLIFF_CASES, ids=[c[0] for c in XLIFF_CASES])
@pytest.mark.parametrize("command", ["check", "translate"])
def test_bad_xliff_is_one_error_and_nothing_written(
    command: str, case: str, name: str, content: str | None, where: str, words: str, tmp_path: Path
) -> None:
    path = _write(tmp_path, name, content)
    before = folder_state(tmp_path)
    args = ["check", str(path), "-g", GLOSSARY] if command == "check" else ["translate", str(path), "-g", GLOSSARY, "--no-cache"]
    line = assert_refused(invoke(args), str(path) + where, words)
    assert "root:" not in line and "passwd" not in line
    assert folder_state(tmp_path) == before


def test_translate_refuses_a_foreign_target_language(tmp_path: Path) -> None:
    path = _write(tmp_path, "job.xlf", cat_files.po2xliff([("1", UNIT, None)], target_lang="fr"))
    before = folder_state(tmp_path)
    assert_refused(invoke(["translate", str(path), "-g", GLOSSARY, "--no-cache"]), f"{path}:3:3:", 'target language is "fr"')
    assert folder_state(tmp_path) == before


OTHER_CASES = [
    ("TMX from English", "memory.tmx", cat_files.tmx([("t1", "Hello", "Bonjour")], srclang="en-US"), ":4:3:", "not Arabic"),
    ("TMX without srclang", "memory.tmx", cat_files.tmx([("t1", UNIT, None)]).replace(' srclang="ar"', ""), ":4:3:", "not Arabic"),
    ("TMX entity", "memory.tmx", cat_files.tmx([("t1", UNIT, None)]).replace('<!DOCTYPE tmx SYSTEM "tmx14.dtd">', '<!DOCTYPE tmx [<!ENTITY e "x">]>'), ":2:", "entity"),
    ("PO stray text", "strings.po", 'msgid "قاعدة"\nmsgstr "base"\nthis is not PO\n', ":3:1:", "not a PO line"),
    ("PO msgstr without msgid", "strings.po", 'msgstr "base"\n', ":1:1:", "without msgid"),
    ("PO msgid twice", "strings.po", 'msgctxt "a"\nmsgid "قاعدة"\nmsgid "قواعد"\nmsgstr "base"\n', ":1:1:", "has no msgstr"),
    ("PO unterminated string", "strings.po", 'msgid "قاعدة\nmsgstr "base"\n', ":1:1:", "not a PO line"),
]


@pytest.mark.parametrize(("case", "name", "content", "where", "words"), OTHER_CASES, ids=[c[0] for c in OTHER_CASES])
def test_bad_tmx_and_po_are_one_error(case: str, name: str, content: str, where: str, words: str, tmp_path: Path) -> None:
    path = _write(tmp_path, name, content)
    assert_refused(invoke(["check", str(path), "-g", GLOSSARY]), str(path) + where, words)


def test_po_plural_forms_are_checked_not_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "strings.po", 'msgid "قاعدة"\nmsgid_plural "قواعد"\nmsgstr[0] "base"\nmsgstr[1] "bases"\n')
    result = invoke(["check", str(path), "-g", GLOSSARY])
    assert (result.exit_code, result.stdout) == (0, "0 errors, 0 warnings in 0 files (2 pairs checked)\n")


def test_an_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    # TMX files name tmx14.dtd; it is inert (the network is blocked in this suite anyway).
    text = cat_files.tmx([("t1", "سلّم التحالف الدولي القاعدة.", "The international coalition handed over the base.")])
    path = _write(tmp_path, "memory.tmx", text.replace('SYSTEM "tmx14.dtd"', 'SYSTEM "http://example.invalid/tmx14.dtd"'))
    result = invoke(["check", str(path), "-g", GLOSSARY])
    assert result.exit_code == 0, result.output


SRT_OK = "1\n00:00:01,000 --> 00:00:03,000\nقال مصدر عسكري.\n\n2\n00:00:03,500 --> 00:00:05,000\nبغداد.\n"
VTT_OK = "WEBVTT\n\n00:01.000 --> 00:03.000\nقال مصدر عسكري.\n"
SUBTITLE_CASES = [
    ("letters in a timecode", "a.srt", SRT_OK.replace("00:00:03,500", "00:00:O3,500"), ":6:7:", "bad timecode"),
    ("61 minutes", "a.srt", SRT_OK.replace("00:00:03,500", "00:61:03,500"), ":6:4:", "minutes 61"),
    ("ends before it starts", "a.srt", SRT_OK.replace("00:00:05,000", "00:00:02,000"), ":6:14:", "ends before it starts"),
    ("no cue number", "a.srt", SRT_OK.replace("2\n00:00:03,500", "00:00:03,500"), ":5:1:", "cue number"),
    ("text where the number goes", "a.srt", "مرحبا\n00:00:01,000 --> 00:00:02,000\nنص\n", ":1:1:", "expected a cue number"),
    ("number without timing", "a.srt", "1\n", ":1:1:", "without a timing line"),
    ("WebVTT without header", "a.vtt", VTT_OK.replace("WEBVTT\n\n", ""), ":1:1:", '"WEBVTT"'),
    ("WebVTT comma timecode", "a.vtt", VTT_OK.replace("00:03.000", "00:03,000"), ":3:", "bad timecode"),
    ("WebVTT cue without timing", "a.vtt", VTT_OK + "\nمجرد نص\n", ":6:1:", "timing line"),
]


@pytest.mark.parametrize(("case", "name", "content", "where", "words"), SUBTITLE_CASES, ids=[c[0] for c in SUBTITLE_CASES])
def test_bad_subtitles_are_one_error_and_nothing_written(
    case: str, name: str, content: str, where: str, words: str, tmp_path: Path
) -> None:
    path = _write(tmp_path, name, content)
    before = folder_state(tmp_path)
    assert_refused(invoke(["translate", str(path), "-g", GLOSSARY, "--no-cache"]), str(path) + where, words)
    assert folder_state(tmp_path) == before


def test_windows_1256_xliff_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "job.xlf"
    path.write_bytes(GOOD_12.replace('encoding="utf-8"', 'encoding="windows-1256"').encode("cp1256"))
    assert_refused(invoke(["check", str(path), "-g", GLOSSARY]), f"{path}:1:1:", "save it as UTF-8")
