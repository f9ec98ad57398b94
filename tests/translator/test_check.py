"""The check rules on real Arabic and English text: golden cases, one per row."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.errors import InputDecodeError, InputFileError
from glossary.findings import ERROR, WARNING, Finding
from glossary.model import CASE_EXACT, Entry, Glossary
from glossary.yamlio import load_glossary
from translator.check import (
    PairText,
    TranslationPair,
    check_files,
    check_paths,
    check_texts,
    find_pairs,
)
from glossary.english import is_acronym

DATA = Path(__file__).resolve().parent.parent / "data" / "check"

GLOSSARY = Glossary(
    entries=(
        Entry(
            sources=("قاعدة القيارة",),
            target="Qayyarah base",
            accept=("Qayyarah air base", "Qayyarah airbase"),
            avoid=("Qayara base", "Al-Qayyara base"),
        ),
        Entry(
            sources=("قاعدة التاجي",),
            target="Camp Taji",
            accept=("Taji base", "Taji military base"),
            avoid=("Al-Taji Camp",),
        ),
        Entry(
            sources=("التحالف الدولي",),
            target="international coalition",
            accept=("U.S.-led coalition", "US-led coalition", "the coalition"),
            avoid=("International Alliance",),
        ),
        Entry(sources=("كتائب حزب الله",), target="Kataib Hezbollah", accept=("Kata'ib Hezbollah",),
              avoid=("Hezbollah Brigades", "Hizbollah Brigades")),
        Entry(sources=("حزب الله",), target="Hezbollah", avoid=("Hizbollah", "Hizballah", "Party of God")),
        Entry(
            sources=("تنظيم الدولة الإسلامية", "الدولة الإسلامية", "داعش"),
            target="Islamic State group",
            accept=("Islamic State", "IS", "ISIS", "Daesh"),
            avoid=("Islamic State Organization", "ISIL"),
        ),
        Entry(sources=("كوفيد-19",), target="COVID-19", accept=("Covid-19",), avoid=("Kovid-19",), case=CASE_EXACT),
        Entry(sources=("الحشد الشعبي",), target="Popular Mobilization Forces", accept=("PMF", "Hashed"),
              avoid=("Popular Mobilisation Units", "Hashd al-Shaabi", "Popular Crowd")),
    ),
    source_lang="ar",
    target_lang="en",
)


def _check(source: str, target: str, glossary: Glossary = GLOSSARY) -> list[tuple[str, str, int | None, int | None]]:
    findings = check_texts([PairText("a.ar.txt", source, "a.en.txt", target)], glossary)
    return [(f.rule, f.severity, f.line, f.column) for f in findings]


# (case id, source, target, expected (rule, severity, line, column) findings)
GOLDEN_CASES = [
    # --- missing-term, with the Arabic-aware finder (clitics attached)
    ("clitic-wa-bi-missing", "وصل الجنود وبقاعدة القيارة بقوا.", "The soldiers arrived and stayed at the base.",
     [("missing-term", ERROR, 1, 1)]),
    ("clitic-lil-missing", "سلم القاعدة للتحالف الدولي.", "The base was handed over to the allies.",
     [("missing-term", ERROR, 1, 1)]),
    ("clitic-lil-rendered", "سلم القاعدة للتحالف الدولي.", "The base was handed to the international coalition.", []),
    ("clitic-wa-rendered", "انسحبوا من قاعدة القيارة وقاعدة التاجي.", "They left Qayyarah base and Camp Taji.", []),
    ("missing-second-paragraph", "قاعدة القيارة.\n\nقاعدة التاجي.", "Qayyarah base.\n\nThe other base.",
     [("missing-term", ERROR, 3, 1)]),
    ("missing-indented-line", "قاعدة القيارة.\n\nقاعدة التاجي.", "Qayyarah base.\n\n   The other base.",
     [("missing-term", ERROR, 3, 4)]),
    ("missing-not-satisfied-by-other-paragraph", "قاعدة التاجي.\n\nقاعدة القيارة.",
     "Qayyarah base.\n\nCamp Taji.", [("missing-term", ERROR, 1, 1), ("missing-term", ERROR, 3, 1)]),
    # --- every accepted variant, possessive, leading "the", apostrophe and hyphen variants
    ("accept-air-base", "قاعدة القيارة", "Qayyarah air base", []),
    ("accept-airbase", "قاعدة القيارة", "the Qayyarah airbase", []),
    ("accept-taji-base", "قاعدة التاجي", "Taji base", []),
    ("accept-taji-military-base", "قاعدة التاجي", "Taji military base", []),
    ("accept-us-led", "التحالف الدولي", "the US-led coalition", []),
    ("accept-u.s.-led", "التحالف الدولي", "the U.S.-led coalition", []),
    ("accept-the-coalition", "التحالف الدولي", "The coalition said so.", []),
    ("accept-us-led-en-dash", "التحالف الدولي", "the US–led coalition", []),
    ("accept-kataib-curly", "كتائب حزب الله", "Kata’ib Hezbollah", []),
    ("accept-islamic-state", "داعش", "Islamic State fighters", []),
    ("accept-IS", "داعش", "IS fighters", []),
    ("accept-ISIS", "الدولة الإسلامية", "ISIS fighters", []),
    ("accept-daesh", "تنظيم الدولة الإسلامية", "Daesh fighters", []),
    ("possessive", "قاعدة التاجي", "Camp Taji's gate", []),
    ("case-insensitive-target", "قاعدة التاجي", "CAMP TAJI", []),
    # An acronym matches case-exactly: "is" is not "IS".
    ("acronym-not-a-word", "داعش", "It is over.", [("missing-term", ERROR, 1, 1)]),
    # --- case: exact
    ("case-exact-target", "كوفيد-19", "COVID-19 spread.", []),
    ("case-exact-accept", "كوفيد-19", "Covid-19 spread.", []),
    ("case-exact-wrong-case", "كوفيد-19", "covid-19 spread.", [("missing-term", ERROR, 1, 1)]),
    # --- avoided-term, anywhere, with its own position; the longer match wins
    ("avoid-overlapping-target", "قاعدة التاجي", "Rockets hit Al-Taji Camp.", [("avoided-term", ERROR, 1, 13)]),
    ("avoid-without-source-term", "قال مسؤول.", "An official at Qayara base said.", [("avoided-term", ERROR, 1, 16)]),
    ("avoid-longest-across-entries", "كتائب حزب الله", "The Hizbollah Brigades denied it.",
     [("avoided-term", ERROR, 1, 5)]),
    ("avoid-shorter-entry", "حزب الله", "Hizballah denied it.", [("avoided-term", ERROR, 1, 1)]),
    ("avoid-second-line", "قال مسؤول.\nقاعدة القيارة", "An official said.\nThe Al-Qayyara base",
     [("avoided-term", ERROR, 2, 5)]),
    ("avoid-acronym", "داعش", "ISIL fighters", [("avoided-term", ERROR, 1, 1)]),
    # --- count-mismatch: target and accept renderings count; "the coalition" on later mentions is fine
    ("count-short", "قاعدة القيارة ثم قاعدة القيارة", "Qayyarah base, then the base",
     [("count-mismatch", WARNING, 1, 1)]),
    ("count-accept-counts", "التحالف الدولي ثم التحالف الدولي", "the international coalition, then the coalition", []),
    ("count-three", "داعش وداعش وداعش", "Islamic State group, IS and again IS", []),
    # --- untranslated
    ("untranslated-word", "قاعدة القيارة", "Qayyarah base and قاعدة العسكرية", [("untranslated", WARNING, 1, 19)]),
    ("arabic-comma-only", "قاعدة القيارة", "Qayyarah base، then", []),
    # --- copy and empty targets
    ("copy-of-source", "قاعدة القيارة\n\nقاعدة التاجي", "قاعدة القيارة\n\nقاعدة التاجي",
     [("untranslated", ERROR, 1, 1)]),
    ("copy-with-diacritics", "قاعدة القيارة", "قاعدةُ القيّارة", [("untranslated", ERROR, 1, 1)]),
    ("empty-target", "قاعدة القيارة", "", [("missing-translation", ERROR, None, None)]),
    ("blank-target", "قاعدة القيارة", " \n\n ", [("missing-translation", ERROR, None, None)]),
    ("empty-source", "", "Anything.", []),
    # --- alignment
    ("unaligned-rendered", "قاعدة القيارة.\n\nقاعدة التاجي.", "Qayyarah base and Camp Taji.\n\nMore.\n\nEven more.",
     [("unaligned", WARNING, None, None)]),
    ("unaligned-missing", "قاعدة القيارة.\n\nقاعدة التاجي.", "Qayyarah base.\n\nMore.\n\nEven more.",
     [("unaligned", WARNING, None, None), ("missing-term", ERROR, None, None)]),
    ("unaligned-avoid-keeps-position", "قاعدة التاجي.", "Camp Taji.\n\nAlso Al-Taji Camp.",
     [("unaligned", WARNING, None, None), ("avoided-term", ERROR, 3, 6)]),
    # Same paragraphs, different line counts: paragraph by paragraph.
    ("paragraph-aligned", "قاعدة القيارة.\nقاعدة التاجي.\n\nداعش.", "Qayyarah base and Camp Taji.\n\nIS.", []),
    ("paragraph-aligned-missing", "قاعدة القيارة.\nقاعدة التاجي.\n\nداعش.", "Qayyarah base and the camp.\n\nIS.",
     [("missing-term", ERROR, 1, 1)]),
    # Line-per-segment files: same lines, checked line by line.
    ("line-aligned-missing", "قاعدة القيارة\nقاعدة التاجي", "Camp Taji\nQayyarah base",
     [("missing-term", ERROR, 1, 1), ("missing-term", ERROR, 2, 1)]),
    ("line-per-segment-different-count", "قاعدة القيارة\nقاعدة التاجي", "Qayyarah base and Camp Taji",
     [("unaligned", WARNING, None, None)]),
]


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [case[1:] for case in GOLDEN_CASES],
    ids=[case[0] for case in GOLDEN_CASES],
)
def test_golden(source: str, target: str, expected: list[tuple[str, str, int | None, int | None]]) -> None:
    assert _check(source, target) == expected


def test_strict_counts_makes_count_mismatch_an_error() -> None:
    findings = check_texts(
        [PairText("a.ar.txt", "قاعدة القيارة ثم قاعدة القيارة", "a.en.txt", "Qayyarah base, then the base")],
        GLOSSARY,
        strict_counts=True,
    )
    assert [(f.rule, f.severity, f.entry_target) for f in findings] == [("count-mismatch", ERROR, "Qayyarah base")]


MESSAGE_CASES = [
    ("قاعدة القيارة", "The base.",
     'a.en.txt:1:1: error missing-term: "قاعدة القيارة" (source 1:1) is not rendered: expected "Qayyarah base"'
     ' (or "Qayyarah air base", "Qayyarah airbase")'),
    ("سلم القاعدة للتحالف الدولي.", "The base was handed over.",
     'a.en.txt:1:1: error missing-term: "للتحالف الدولي" (source 1:13) is not rendered: expected'
     ' "international coalition" (or "U.S.-led coalition", "US-led coalition", "the coalition")'),
    ("قاعدة التاجي", "Al-Taji Camp",
     'a.en.txt:1:1: error avoided-term: "Al-Taji Camp" is an avoided rendering of "قاعدة التاجي": use "Camp Taji"'),
    ("قاعدة القيارة وقاعدة القيارة", "Qayyarah base",
     'a.en.txt:1:1: warning count-mismatch: "قاعدة القيارة" occurs 2 times in the source (from 1:1) but is'
     ' rendered 1 time ("Qayyarah base" or an accepted form)'),
    ("قاعدة القيارة", "Qayyarah base قاعدة",
     'a.en.txt:1:15: warning untranslated: Arabic text left untranslated: "قاعدة"'),
    ("قاعدة القيارة", "قاعدة القيارة", "a.en.txt:1:1: error untranslated: the translation is a copy of its source a.ar.txt"),
    ("أ.\n\nب.", "A. B.",
     "a.en.txt: warning unaligned: a.ar.txt has 2 paragraphs and this file 1: terms were checked over the whole"
     " document, so missing terms have no line"),
]


@pytest.mark.parametrize(("source", "target", "expected"), MESSAGE_CASES)
def test_messages(source: str, target: str, expected: str) -> None:
    findings = check_texts([PairText("a.ar.txt", source, "a.en.txt", target)], GLOSSARY)
    assert [f.as_text() for f in findings] == [expected]


def test_finding_names_the_entry() -> None:
    (finding,) = check_texts([PairText("a.ar.txt", "قاعدة التاجي", "a.en.txt", "Al-Taji Camp")], GLOSSARY)
    assert finding.entry_target == "Camp Taji"


def test_accepted_forms_used_inconsistently_across_files() -> None:
    findings = check_texts(
        [
            PairText("a.ar.txt", "قاعدة القيارة", "a.en.txt", "Qayyarah air base"),
            PairText("b.ar.txt", "وصلوا إلى قاعدة القيارة", "b.en.txt", "They reached Qayyarah airbase"),
            PairText("c.ar.txt", "قاعدة القيارة", "c.en.txt", "Qayyarah base"),
        ],
        GLOSSARY,
    )
    assert [f.as_text() for f in findings] == [
        'a.en.txt:1:1: warning inconsistent-rendering: "قاعدة القيارة" is rendered "Qayyarah air base" here but'
        ' "Qayyarah airbase" at b.en.txt:1:14; prefer "Qayyarah base"',
        'b.en.txt:1:14: warning inconsistent-rendering: "قاعدة القيارة" is rendered "Qayyarah airbase" here but'
        ' "Qayyarah air base" at a.en.txt:1:1; prefer "Qayyarah base"',
    ]


def test_target_plus_one_accepted_form_is_consistent() -> None:
    findings = check_texts(
        [
            PairText("a.ar.txt", "التحالف الدولي", "a.en.txt", "the international coalition"),
            PairText("b.ar.txt", "التحالف الدولي", "b.en.txt", "the coalition"),
        ],
        GLOSSARY,
    )
    assert findings == []


def test_same_source_paragraph_translated_differently_reports_both_places() -> None:
    source = "قال المتحدث إن الهجوم لم يسفر عن ضحايا."
    findings = check_texts(
        [
            PairText("a.ar.txt", source, "a.en.txt", "The spokesman said the attack caused no casualties."),
            PairText("b.ar.txt", "مقدمة.\n\n" + source, "b.en.txt", "Intro.\n\nThe spokesman said nobody was hurt."),
        ],
        GLOSSARY,
    )
    assert [f.as_text() for f in findings] == [
        "a.en.txt:1:1: warning inconsistent-rendering: the same source text (a.ar.txt:1:1) is translated"
        " differently at b.en.txt:3:1",
        "b.en.txt:3:1: warning inconsistent-rendering: the same source text (b.ar.txt:3:1) is translated"
        " differently at a.en.txt:1:1",
    ]


def test_repeated_sentence_inside_a_paragraph_is_compared() -> None:
    sentence = "قال المتحدث إن الهجوم لم يسفر عن ضحايا."
    findings = check_texts(
        [
            PairText(
                "a.ar.txt",
                f"{sentence} ثم غادر الجميع القاعدة. {sentence}",
                "a.en.txt",
                "The spokesman said there were no casualties. Then everyone left the base. The spokesman said nobody died.",
            )
        ],
        GLOSSARY,
    )
    assert [(f.rule, f.line, f.column) for f in findings] == [
        ("inconsistent-rendering", 1, 1),
        ("inconsistent-rendering", 1, 75),
    ]


def test_same_source_translated_alike_up_to_glossary_forms_is_consistent() -> None:
    source = "انسحبت القوات من قاعدة القيارة صباح الخميس."
    findings = check_texts(
        [
            PairText("a.ar.txt", source, "a.en.txt", "The troops left Qayyarah base on Thursday morning."),
            PairText("b.ar.txt", source, "b.en.txt", "The troops left the Qayyarah air base on Thursday morning."),
        ],
        GLOSSARY,
    )
    assert findings == []


# --- the seed article: a correct translation and one with seeded violations

SEEDED_VIOLATIONS = [
    ("inconsistent-rendering", 3),  # "Qayyarah air base" here ...
    ("avoided-term", 5),  # "Mousel"
    ("inconsistent-rendering", 6),  # ... "Qayyarah airbase" there
    ("missing-term", 7),  # Iraqi Defense Ministry left out
    ("missing-term", 24),  # "covid-19": the entry is case: exact
    ("untranslated", 30),  # an Arabic word left in
    ("avoided-term", 32),  # "Hizbollah Brigades"
    ("avoided-term", 34),  # "Popular Mobilisation Units"
    ("avoided-term", 36),  # "Al-Taji Camp"
    ("count-mismatch", 50),  # Iran rendered once for two occurrences
]


def test_seed_article_correct_translation_is_clean(seed_glossary: Path) -> None:
    result = check_files([TranslationPair(str(DATA / "qayyarah.ar.txt"), str(DATA / "qayyarah.en.txt"))],
                         load_glossary(seed_glossary))
    assert result.findings == ()


def test_seed_article_every_seeded_violation_is_caught(seed_glossary: Path) -> None:
    pair = TranslationPair(str(DATA / "qayyarah-broken.ar.txt"), str(DATA / "qayyarah-broken.en.txt"))
    result = check_files([pair], load_glossary(seed_glossary))
    assert [(f.rule, f.line) for f in result.findings] == SEEDED_VIOLATIONS


def test_data_source_is_the_seed_article(seed_article: Path) -> None:
    assert (DATA / "qayyarah.ar.txt").read_bytes() == seed_article.read_bytes()
    assert (DATA / "qayyarah-broken.ar.txt").read_bytes() == seed_article.read_bytes()


# --- files: encodings, CRLF, pairing


def _write_pair(folder: Path, name: str, source: bytes, target: bytes) -> TranslationPair:
    (folder / f"{name}.ar.txt").write_bytes(source)
    (folder / f"{name}.en.txt").write_bytes(target)
    return TranslationPair(str(folder / f"{name}.ar.txt"), str(folder / f"{name}.en.txt"))


ENCODED_TARGETS = [
    ("crlf", b"One.\r\n\r\nTwo at Al-Taji Camp.\r\n"),
    ("utf-8-bom", codecs.BOM_UTF8 + b"One.\n\nTwo at Al-Taji Camp.\n"),
    ("utf-16", "One.\n\nTwo at Al-Taji Camp.\n".encode("utf-16")),
    ("cr-only", b"One.\r\rTwo at Al-Taji Camp.\r"),
]


@pytest.mark.parametrize("target", [case[1] for case in ENCODED_TARGETS], ids=[case[0] for case in ENCODED_TARGETS])
def test_positions_are_in_the_original_file(tmp_path: Path, target: bytes) -> None:
    source = "مقدمة.\r\n\r\nثم قاعدة التاجي.\r\n".encode("cp1256")
    result = check_files([_write_pair(tmp_path, "a", source, target)], GLOSSARY)
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("avoided-term", 3, 8)]


def test_unreadable_target_is_bad_input(tmp_path: Path) -> None:
    pair = _write_pair(tmp_path, "a", "قاعدة".encode(), b"\x00\x01binary")
    with pytest.raises(InputDecodeError):
        check_files([pair], GLOSSARY)


def test_find_pairs_either_side_and_partners(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("a.ar.txt", "a.en.txt", "sub/b.ar.md", "sub/c.en.txt", "notes.txt", ".git/x.ar.txt", "d.fr.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    search = find_pairs([str(tmp_path)], "ar", "en")
    assert search.pairs == (TranslationPair(str(tmp_path / "a.ar.txt"), str(tmp_path / "a.en.txt")),)
    assert [(f.rule, f.severity, f.path) for f in search.findings] == [
        ("missing-translation", ERROR, str(tmp_path / "sub/b.ar.md")),
        ("orphan-translation", WARNING, str(tmp_path / "sub/c.en.txt")),
    ]
    # pre-commit passes changed files: either side names the same pair, once.
    by_file = find_pairs([str(tmp_path / "a.en.txt"), str(tmp_path / "a.ar.txt")], "ar", "en")
    assert by_file.pairs == search.pairs and by_file.findings == ()


def test_find_pairs_uses_the_glossary_languages(tmp_path: Path) -> None:
    for name in ("a.fa.txt", "a.en.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert find_pairs([str(tmp_path)], "fa", "en").pairs == (
        TranslationPair(str(tmp_path / "a.fa.txt"), str(tmp_path / "a.en.txt")),
    )


@pytest.mark.parametrize("name", ["notes.txt", "a.fr.txt"])
def test_file_without_a_language_is_bad_input(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("x", encoding="utf-8")
    with pytest.raises(InputFileError, match="cannot tell the language"):
        find_pairs([str(tmp_path / name)], "ar", "en")


def test_check_paths_combines_pairing_and_rule_findings(tmp_path: Path) -> None:
    _write_pair(tmp_path, "a", "قاعدة التاجي".encode(), b"Al-Taji Camp")
    (tmp_path / "b.ar.txt").write_text("نص", encoding="utf-8")
    result = check_paths([str(tmp_path)], GLOSSARY)
    assert [(f.rule, Path(f.path or "").name) for f in result.findings] == [
        ("avoided-term", "a.en.txt"),
        ("missing-translation", "b.ar.txt"),
    ]
    assert result.pairs_checked == 1 and result.errors == 2 and result.files_with_findings == 2


@pytest.mark.parametrize(("phrase", "expected"), [("IS", True), ("U.S.", True), ("PMF", True), ("COVID-19", True),
                                                  ("Islamic State", False), ("the coalition", False),
                                                  ("INTERNATIONAL", False)])
def test_is_acronym(phrase: str, expected: bool) -> None:
    assert is_acronym(phrase) is expected


# --- invariant: an avoided rendering is reported exactly where it is

_FILLER = st.lists(st.sampled_from(["the", "troops", "left", "base", "on", "Thursday", ",", "and", "camp", "Taji"]),
                   max_size=12).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(before=_FILLER, after=_FILLER, newline=st.sampled_from(["\n", "\r\n"]), lines_before=st.integers(0, 3))
def test_avoided_rendering_position_points_at_it(before: str, after: str, newline: str, lines_before: int) -> None:
    target = newline.join(["x"] * lines_before + [f"{before} Al-Taji Camp {after}"])
    text = target.replace("\r\n", "\n")
    findings = [f for f in check_texts([PairText("a.ar.txt", "نص", "a.en.txt", text)], GLOSSARY)
                if f.rule == "avoided-term"]
    assert len(findings) == 1
    line = text.split("\n")[(findings[0].line or 0) - 1]
    assert line[(findings[0].column or 0) - 1:].startswith("Al-Taji Camp")


# --- the glossary-wide index agrees with find_renderings on one phrase (acronyms exact)

_PHRASES = ["Camp Taji", "Taji base", "Al-Taji Camp", "U.S.-led coalition", "Kata'ib Hezbollah", "the coalition",
            "COVID-19", "al-Qaim base", "Islamic State group", "Islamic State"]
_TOKENS = ["Camp", "camp", "Taji", "base", "Al", "al", "-", "–", "U.S.", "US", "led", "coalition", "Kata’ib", "Kata'ib",
           "Hezbollah", "the", "The", "COVID", "19", "Qaim", "Islamic", "State", "group", "'s", ",", ".", "x"]


@settings(max_examples=200, deadline=None)
@given(
    tokens=st.lists(st.sampled_from(_TOKENS), max_size=14),
    joins=st.lists(st.sampled_from([" ", "", "-", " - ", "\n"]), min_size=14, max_size=14),
    phrase=st.sampled_from(_PHRASES),
)
def test_word_matcher_agrees_with_find_renderings(tokens: list[str], joins: list[str], phrase: str) -> None:
    from glossary.english import RenderingIndex, find_renderings

    text = "".join(token + join for token, join in zip(tokens, joins))
    glossary = Glossary(entries=(Entry(sources=("س",), target=phrase),))
    found = [(r.start, r.end) for r in RenderingIndex(glossary).find(text, 0, len(text))]
    expected = [(m.start, m.end) for m in find_renderings(text, [phrase], case_exact=is_acronym(phrase))]
    assert found == expected
