"""``tarjama translate`` on SRT and WebVTT: cues and timings kept, sentences over cues, wrapping, warnings."""
from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from fake_engines import FakeEngine

from glossary.yamlio import load_glossary
from translator.cli import cli
from translator.commands import translate as translate_command
from translator.formats import TranslatedUnit, read_document
from translator.formats.subtitles import LINE_LIMIT, spread, wrap

ROOT = Path(__file__).resolve().parent.parent.parent
SEED_GLOSSARY = str(ROOT / "seeds" / "glossary.yaml")
FIXTURE_MODEL = ROOT / "tests" / "fixtures" / "ar_en_tiny.argosmodel"

# A news bulletin: a sentence over three cues, a styled term, RTL embedding and RLM marks, a music cue.
NEWS_SRT = (
    "1\n00:00:01,000 --> 00:00:03,500\n\u202bقال مصدر عسكري\u202c إن\n\n"
    "2\n00:00:03,600 --> 00:00:06,000\n<i>الحشد الشعبي</i>\u200f انتشر\n\n"
    "3\n00:00:06,100 --> 00:00:09,000\nقرب الموصل.\n\n"
    "4\n00:00:10,000 --> 00:00:13,000\n{\\an8}وأعلن التحالف الدولي انسحابه من قاعدة القيارة.\n\n"
    "5\n00:00:13,500 --> 00:00:14,000\n♪ ♪\n"
)
NEWS_VTT = (
    "WEBVTT - evening bulletin\n\n"
    "NOTE translated from Arabic\n\n"
    "STYLE\n::cue { color: yellow }\n\n"
    "intro\n00:01.000 --> 00:03.500 align:start position:10%\n<v Anchor>قال مصدر عسكري إن الحشد الشعبي\n\n"
    "00:03.600 --> 00:06.000 line:90%\nانتشر قرب الموصل.\n\n"
    "c3\n01:00:06.100 --> 01:00:09.000\n<b>كتائب حزب الله</b> تنفي.\n"
)


@pytest.fixture(autouse=True)
def fake_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(translate_command, "make_engine", lambda spec, beam: FakeEngine(load_glossary(SEED_GLOSSARY)))
    monkeypatch.setenv("TARJAMA_CACHE", str(tmp_path / "cache"))


def _translate(path: Path, *extra: str) -> tuple[int, str, Path]:
    out = path.with_name(path.name.replace(".ar.", ".en."))
    result = CliRunner().invoke(cli, ["translate", str(path), "-g", SEED_GLOSSARY, *extra], catch_exceptions=False)
    return result.exit_code, result.output, out


def test_srt_keeps_cues_numbers_and_timings_and_srt_reads_it(tmp_path: Path) -> None:
    srt = pytest.importorskip("srt")
    path = tmp_path / "bulletin.ar.srt"
    path.write_text(NEWS_SRT, "utf-8")
    code, output, out = _translate(path)
    assert code == 0, output
    before = list(srt.parse(NEWS_SRT))
    after = list(srt.parse(out.read_text("utf-8")))
    assert [(c.index, c.start, c.end) for c in after] == [(c.index, c.start, c.end) for c in before]
    assert after[4].content == "♪ ♪"  # not Arabic: as it was
    english = " ".join(cue.content for cue in after)
    assert "Popular Mobilization Forces" in english and "Mosul" in english
    assert "{\\an8}" in after[3].content and after[3].content.startswith("{\\an8}")
    written = out.read_text("utf-8")
    for control in "\u202b\u202c\u200f\u200e":
        assert control not in written


def test_vtt_keeps_header_notes_styles_ids_settings_and_webvtt_reads_it(tmp_path: Path) -> None:
    webvtt = pytest.importorskip("webvtt")
    path = tmp_path / "bulletin.ar.vtt"
    path.write_text(NEWS_VTT, "utf-8")
    code, output, out = _translate(path)
    assert code == 0, output
    written = out.read_text("utf-8")
    for kept in ("WEBVTT - evening bulletin\n", "NOTE translated from Arabic\n", "STYLE\n::cue { color: yellow }\n", "intro\n"):
        assert kept in written
    assert "00:01.000 --> 00:03.500 align:start position:10%\n" in written
    assert "00:03.600 --> 00:06.000 line:90%\n" in written
    before = webvtt.read(str(path))
    after = webvtt.read(str(out))
    assert [(c.start, c.end, c.identifier) for c in after] == [(c.start, c.end, c.identifier) for c in before]
    assert after[0].raw_text.startswith("<v Anchor>")
    assert "<b>Kataib Hezbollah</b>" in after[2].raw_text


def test_a_sentence_over_three_cues_is_one_translation_spread_by_word_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = read_document(NEWS_SRT.encode("utf-8"), "bulletin.ar.srt")
    assert [unit.text for unit in document.units] == [
        "قال مصدر عسكري إن الحشد الشعبي انتشر قرب الموصل.",
        "وأعلن التحالف الدولي انسحابه من قاعدة القيارة.",
    ]
    engine = FakeEngine(load_glossary(SEED_GLOSSARY))
    monkeypatch.setattr(translate_command, "make_engine", lambda spec, beam: engine)
    path = tmp_path / "bulletin.ar.srt"
    path.write_text(NEWS_SRT, "utf-8")
    _translate(path)
    # The engine saw the sentence of cues 1–3 whole.
    assert "قال مصدر عسكري إن الحشد الشعبي انتشر قرب الموصل." in [request.source for request in engine.requests]
    cues = (tmp_path / "bulletin.en.srt").read_text("utf-8").split("\n\n")
    texts = [" ".join(cue.split("\n")[2:]) for cue in cues[:3]]
    assert all(texts)  # every cue of the sentence has English
    assert "<i>Popular Mobilization Forces</i>" in texts[1]  # the styled term stays whole, in its cue


SPREADS = [
    # (Arabic words per cue, English, expected words per cue)
    ([4, 4], "one two three four five six seven eight", [4, 4]),
    ([2, 6], "one two three four five six seven eight", [2, 6]),
    ([1, 1, 1], "one two", [1, 1, 0]),
    ([3, 1], "one two three four", [3, 1]),
]


@pytest.mark.parametrize(("source_words", "english", "expected"), SPREADS)
def test_spread_by_word_share(source_words: list[int], english: str, expected: list[int]) -> None:
    from translator.formats.subtitles import _Cue

    run = [_Cue(n + 1, 0, (0, 0), 0.0, 1.0, words=count) for n, count in enumerate(source_words)]
    pieces = spread(run, TranslatedUnit(english))
    assert [len(text.split()) for text, _ in pieces] == expected
    assert " ".join(text for text, _ in pieces if text) == english


def test_spread_never_cuts_a_glossary_rendering() -> None:
    from translator.formats.subtitles import _Cue

    run = [_Cue(1, 0, (0, 0), 0.0, 1.0, words=3), _Cue(2, 0, (0, 0), 0.0, 1.0, words=3)]
    english = TranslatedUnit("He said the Popular Mobilization Forces left", terms=(("الحشد الشعبي", "Popular Mobilization Forces", "native"),))
    texts = [text for text, _ in spread(run, english)]
    assert any("Popular Mobilization Forces" in text for text in texts), texts


WRAPS = [
    ("Short line.", ["Short line."]),
    (
        "The international coalition handed Qayyarah base to Iraqi forces",
        ["The international coalition handed", "Qayyarah base to Iraqi forces"],
    ),
]


@pytest.mark.parametrize(("text", "lines"), WRAPS)
def test_wrap_at_42_balanced_two_lines(text: str, lines: list[str]) -> None:
    assert wrap(text) == lines
    assert all(len(line) <= LINE_LIMIT for line in lines)


def test_too_long_and_too_fast_cues_are_warnings_and_the_file_is_written(tmp_path: Path) -> None:
    path = tmp_path / "fast.ar.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:01,500\n"
        "أعلن التحالف الدولي انسحاب القوات الأميركية من قاعدة القيارة مع القوات الفرنسية اليوم.\n",
        "utf-8",
    )
    code, output, out = _translate(path)
    assert code == 0
    assert out.exists()
    assert f"{path}:2:1: warning subtitle-reading-speed: cue 1:" in output
    assert f"{path}:2:1: warning subtitle-lines: cue 1: 3 lines of English (over 2 at 42 characters)" in output


def test_overlapping_cues_are_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "overlap.ar.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:04,000\nبغداد.\n\n2\n00:00:03,000 --> 00:00:05,000\nالموصل.\n", "utf-8")
    code, output, _ = _translate(path)
    assert code == 0
    assert f"{path}:6:1: warning subtitle-overlap: cue 2 starts before cue 1 ends (kept as it is)" in output


@pytest.mark.parametrize(
    ("name", "encode"),
    [("crlf", lambda t: t.replace("\n", "\r\n").encode("utf-8")), ("bom", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
     ("utf16", lambda t: t.encode("utf-16")), ("no final blank line", lambda t: t.rstrip("\n").encode("utf-8"))],
)
def test_crlf_bom_utf16_and_missing_final_newline_are_read(name: str, encode: object, tmp_path: Path) -> None:
    path = tmp_path / "bulletin.ar.srt"
    path.write_bytes(encode(NEWS_SRT))  # type: ignore[operator]
    code, output, out = _translate(path)
    assert code == 0, output
    written = out.read_bytes()
    assert written.count(b" --> ") == 5
    if name == "crlf":
        assert b"\r\n" in written and b"\n\n" not in written


def test_fixture_model_translates_an_arabic_srt_with_identical_timings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    srt = pytest.importorskip("srt")
    monkeypatch.undo()
    monkeypatch.setenv("TARJAMA_CACHE", str(tmp_path / "cache"))
    text = (
        "1\n00:00:00,500 --> 00:00:03,000\nالتحالف الدولي يسلم قاعدة القيارة\n\n"
        "2\n00:00:03,100 --> 00:00:05,000\nللقوات العراقية\n"
    )
    path = tmp_path / "headline.ar.srt"
    path.write_text(text, "utf-8")
    code, output, out = _translate(path, "--model", str(FIXTURE_MODEL))
    assert code == 0, output
    after = list(srt.parse(out.read_text("utf-8")))
    assert [(c.start, c.end) for c in after] == [
        (datetime.timedelta(seconds=0.5), datetime.timedelta(seconds=3)),
        (datetime.timedelta(seconds=3.1), datetime.timedelta(seconds=5)),
    ]
    english = " ".join(c.content.replace("\n", " ") for c in after)
    assert "Qayyarah base" in english and "Iraqi forces" in english
    assert not any("\u0600" <= char <= "\u06ff" for char in english)


def test_a_dialogue_cue_keeps_one_speaker_a_line(tmp_path: Path) -> None:
    path = tmp_path / "talk.ar.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:04,000\n- قال مصدر عسكري\n- هاجم الحشد الشعبي\n\n"
        "2\n00:00:04,500 --> 00:00:06,000\nغادر الموصل.\n",
        "utf-8",
    )
    document = read_document(path.read_bytes(), str(path))
    assert [unit.text for unit in document.units] == ["قال مصدر عسكري\nهاجم الحشد الشعبي", "غادر الموصل."]
    code, output, out = _translate(path)
    assert code == 0, output
    first = out.read_text("utf-8").split("\n\n")[0].split("\n")
    assert first[:2] == ["1", "00:00:01,000 --> 00:00:04,000"]
    assert [line[:2] for line in first[2:]] == ["- ", "- "]
    assert "Popular Mobilization Forces" in first[3]
