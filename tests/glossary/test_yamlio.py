"""Loading and dumping glossary YAML: every error names FILE:LINE:COL."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.errors import GlossaryError, InputDecodeError
from glossary.model import Entry, Glossary
from glossary.yamlio import dump_glossary, load_glossary, parse_glossary

HEADER = "version: 1\nsource_lang: ar\ntarget_lang: en\nterms:\n"
MOSUL = "  - source: الموصل\n    target: Mosul\n"

# (name, YAML text, the exact error as printed)
ERROR_CASES = [
    ("yaml-syntax", HEADER + "  - source: [الموصل\n    target: Mosul\n",
     "g.yaml:6:11: invalid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence)"),
    ("tab-indent", HEADER + "  - source: الموصل\n\ttarget: Mosul\n",
     "g.yaml:6:1: invalid YAML: found character '\\t' that cannot start any token (while scanning for the next token)"),
    ("unknown-top-key", "version: 1\ntrems:\n" + MOSUL,
     "g.yaml:2:1: unknown top-level key 'trems'; did you mean 'terms'?"),
    ("unknown-entry-key", HEADER + "  - source: الموصل\n    targt: Mosul\n",
     "g.yaml:6:5: unknown entry key 'targt'; did you mean 'target'?"),
    ("unknown-entry-key-no-match", HEADER + MOSUL + "    colour: red\n",
     "g.yaml:7:5: unknown entry key 'colour'; expected one of: source, target, accept, avoid, exclude, type, note, inflect, case"),
    ("missing-version", "terms:\n" + MOSUL, "g.yaml:1:1: missing 'version: 1' at the top of the glossary"),
    ("version-2", "version: 2\nterms:\n" + MOSUL,
     "g.yaml:1:10: unsupported glossary version 2; this tarjama reads version 1"),
    ("version-string", "version: '1'\nterms:\n" + MOSUL, "g.yaml:1:10: 'version' must be the number 1, not a string"),
    ("missing-terms", "version: 1\n", "g.yaml:1:1: missing 'terms:' (the list of glossary entries)"),
    ("empty-string", HEADER + "  - source: الموصل\n    target: ''\n", "g.yaml:6:13: 'target' is empty"),
    ("null-value", HEADER + "  - source: الموصل\n    target:\n", "g.yaml:6:12: 'target' is empty"),
    ("blank-string", HEADER + "  - source: '   '\n    target: Mosul\n", "g.yaml:5:13: 'source' is empty"),
    ("number-target", HEADER + "  - source: الموصل\n    target: 2020\n",
     "g.yaml:6:13: 'target' must be a string, not a number (2020); quote it: \"2020\""),
    ("yaml11-bool-target", HEADER + "  - source: الموصل\n    target: yes\n",
     "g.yaml:6:13: 'target' must be a string, not true/false (yes); quote it: \"yes\""),
    ("string-for-list", HEADER + MOSUL + "    accept: Mosul city\n",
     "g.yaml:7:13: 'accept' must be a list of strings, not a string; write accept: [Mosul city]"),
    ("nested-list", HEADER + MOSUL + "    avoid: [[Mousel]]\n", "g.yaml:7:13: an item of 'avoid' must be a string, not a list"),
    ("number-in-list", HEADER + MOSUL + "    accept: [Mosul city, 7]\n",
     "g.yaml:7:26: an item of 'accept' must be a string, not a number (7); quote it: \"7\""),
    ("not-a-bool", HEADER + MOSUL + "    inflect: maybe\n", "g.yaml:7:14: 'inflect' must be true or false, not a string"),
    ("bad-case", HEADER + MOSUL + "    case: upper\n", "g.yaml:7:11: 'case' must be 'exact' or 'insensitive', not 'upper'"),
    ("missing-source", HEADER + "  - target: Mosul\n", "g.yaml:5:5: entry without 'source'"),
    ("missing-target", HEADER + "  - source: الموصل\n", "g.yaml:5:5: entry without 'target'"),
    ("empty-source-list", HEADER + "  - source: []\n    target: Mosul\n",
     "g.yaml:5:13: 'source' is an empty list; give at least one Arabic form"),
    ("duplicate-entry-key", HEADER + MOSUL + "    target: Mousel\n", "g.yaml:7:5: duplicate key 'target' (first at line 6)"),
    ("duplicate-top-key", "version: 1\nversion: 1\nterms:\n" + MOSUL, "g.yaml:2:1: duplicate key 'version' (first at line 1)"),
    ("duplicate-form-diacritic", HEADER + MOSUL + "  - source: [الموصلُ]\n    target: Mosul city\n",
     "g.yaml:7:14: source 'الموصلُ' duplicates 'الموصل' of the entry at line 5 (equal after Arabic normalization);"
     " merge the two entries"),
    ("duplicate-form-hamza", HEADER + "  - source: الدولة الإسلامية\n    target: Islamic State\n"
     "  - source: [داعش, الدولة الاسلامية]\n    target: IS group\n",
     "g.yaml:7:20: source 'الدولة الاسلامية' duplicates 'الدولة الإسلامية' of the entry at line 5"
     " (equal after Arabic normalization); merge the two entries"),
    ("target-avoided-elsewhere", HEADER + "  - source: حزب الله\n    target: Hezbollah\n    avoid: [Hizbollah]\n"
     "  - source: حزب اللات\n    target: hizbollah\n",
     "g.yaml:9:13: target 'hizbollah' is listed under 'avoid' by the entry at line 5;"
     " a rendering cannot be both canonical and wrong"),
    ("alias", HEADER + "  - source: &m الموصل\n    target: Mosul\n  - source: *m\n    target: Mosul city\n",
     "g.yaml:7:13: YAML aliases (*name) are not allowed in a glossary; write the value out in full"),
    ("empty-file", "", "g.yaml:1:1: the glossary file is empty; it needs 'version: 1' and 'terms:'"),
    ("comments-only", "# nothing yet\n", "g.yaml:1:1: the glossary file is empty; it needs 'version: 1' and 'terms:'"),
    ("list-root", "- الموصل\n- Mosul\n", "g.yaml:1:1: a glossary is a mapping with 'version' and 'terms', not a list"),
    ("terms-mapping", "version: 1\nterms:\n  source: الموصل\n", "g.yaml:3:3: 'terms' must be a list of entries, not a mapping"),
    ("entry-string", HEADER + "  - الموصل\n",
     "g.yaml:5:5: each entry under 'terms' must be a mapping with 'source' and 'target', not a string"),
    ("two-documents", "version: 1\nterms: []\n---\nversion: 1\n",
     "g.yaml:3:1: invalid YAML: but found another document (expected a single document in the stream)"),
    ("python-tag", HEADER + "  - source: الموصل\n    target: !!python/object:os.system Mosul\n",
     "g.yaml:6:13: YAML tags like tag:yaml.org,2002:python/object:os.system are not allowed in a glossary"),
    ("control-char", HEADER + "  - source: الموصل\n    target: Mo\x07sul\n",
     "g.yaml:6:15: invalid YAML: character U+0007 is not allowed in YAML text"),
    ("list-as-key", HEADER + "  - source: الموصل\n    [a]: Mosul\n", "g.yaml:6:5: entry keys must be plain words, not a list"),
    ("diacritics-only-form", HEADER + "  - source: \"\u064e\u064f\"\n    target: Mosul\n",
     "g.yaml:5:13: source '\u064e\u064f' has no letters once diacritics are removed"),
]


@pytest.mark.parametrize(("text", "expected"), [case[1:] for case in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_parse_error_names_file_line_column(text: str, expected: str) -> None:
    with pytest.raises(GlossaryError) as raised:
        parse_glossary(text, "g.yaml")
    assert str(raised.value) == expected


BILLION_LAUGHS = "version: 1\nterms:\n  - source: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  - source: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
)


def test_billion_laughs_is_refused_at_the_first_alias() -> None:
    with pytest.raises(GlossaryError) as raised:
        parse_glossary(BILLION_LAUGHS, "bomb.yaml")
    assert str(raised.value) == "bomb.yaml:4:17: YAML aliases (*name) are not allowed in a glossary; write the value out in full"


FULL = HEADER + (
    "  - source: [تنظيم الدولة الإسلامية, داعش]\n"
    "    target: Islamic State group\n"
    "    accept: [Islamic State, IS]\n"
    "    avoid: [ISIL]\n"
    "    exclude: [داعشي]\n"
    "    type: organization\n"
    "    note: The jihadist group.\n"
    "    inflect: true\n"
    "    case: exact\n"
)


def test_parse_reads_every_key_and_position() -> None:
    glossary = parse_glossary(FULL, "g.yaml")
    assert glossary.entries == (
        Entry(
            sources=("تنظيم الدولة الإسلامية", "داعش"),
            target="Islamic State group",
            accept=("Islamic State", "IS"),
            avoid=("ISIL",),
            exclude=("داعشي",),
            type="organization",
            note="The jihadist group.",
            inflect=True,
            case="exact",
        ),
    )
    assert (glossary.entries[0].line, glossary.entries[0].column) == (5, 5)
    assert (glossary.source_lang, glossary.target_lang, glossary.path) == ("ar", "en", "g.yaml")


ENCODINGS = [
    ("utf-8", lambda text: text.encode("utf-8")),
    ("utf-8-bom", lambda text: codecs.BOM_UTF8 + text.encode("utf-8")),
    ("utf-16-le-bom", lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le")),
    ("cp1256", lambda text: text.encode("cp1256")),
    ("crlf", lambda text: text.replace("\n", "\r\n").encode("utf-8")),
]


# cp1256 is only believed when most letters are Arabic (textio's guard against
# mojibake), so the sample glossary carries an Arabic note.
ENCODED_GLOSSARY = HEADER + MOSUL + "    note: مدينة الموصل مركز محافظة نينوى في شمال العراق، وثاني أكبر مدن البلاد بعد العاصمة بغداد\n"


@pytest.mark.parametrize("encode", [e[1] for e in ENCODINGS], ids=[e[0] for e in ENCODINGS])
def test_load_reads_every_accepted_encoding(tmp_path: Path, encode: object) -> None:
    path = tmp_path / "glossary.yaml"
    text = ENCODED_GLOSSARY
    path.write_bytes(encode(text))  # type: ignore[operator]
    assert load_glossary(path) == parse_glossary(text, str(path))


def test_load_missing_file_hints_at_glossary_add(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError) as raised:
        load_glossary(tmp_path / "nope.yaml")
    assert str(raised.value) == f"{tmp_path / 'nope.yaml'}: no such file; create one with: tarjama glossary add SOURCE TARGET"


def test_load_binary_file_is_a_decode_error(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_bytes(b"version: 1\x00\xff")
    with pytest.raises(InputDecodeError):
        load_glossary(path)


def test_seed_glossary_loads(seed_glossary: Path) -> None:
    glossary = load_glossary(seed_glossary)
    assert "Popular Mobilization Forces" in [entry.target for entry in glossary.entries]


def test_dump_is_the_documented_layout() -> None:
    glossary = parse_glossary(FULL, "g.yaml")
    assert dump_glossary(glossary) == FULL


def test_dump_writes_long_lists_as_block_lists() -> None:
    accept = tuple(f"rendering number {n} of the Popular Mobilization Forces" for n in range(3))
    text = dump_glossary(Glossary(entries=(Entry(("الحشد الشعبي",), "Popular Mobilization Forces", accept=accept),)))
    assert text == HEADER + (
        "  - source: الحشد الشعبي\n"
        "    target: Popular Mobilization Forces\n"
        "    accept:\n"
        "      - rendering number 0 of the Popular Mobilization Forces\n"
        "      - rendering number 1 of the Popular Mobilization Forces\n"
        "      - rendering number 2 of the Popular Mobilization Forces\n"
    )


ARABIC_WORD = st.text(alphabet=st.sampled_from("ابتثجحخدذرسشصضطظعغفقكلمنهوي"), min_size=2, max_size=8)
# English renderings with the characters YAML treats specially: quoting must survive the round trip.
RENDERING = st.text(alphabet=st.sampled_from("abcXYZ019 -'\":#,[]{}&*!|>%@`?ــé"), min_size=1, max_size=20).filter(
    lambda s: s.strip() == s and "  " not in s and s.strip()
)


@st.composite
def glossaries(draw: st.DrawFn) -> Glossary:
    forms = draw(st.lists(ARABIC_WORD, min_size=1, max_size=5, unique=True))
    entries = []
    for number, form in enumerate(forms):
        entries.append(
            Entry(
                sources=(form,),
                target=f"{draw(RENDERING)} {number}",
                accept=tuple(draw(st.lists(RENDERING, max_size=3))),
                note=draw(st.none() | st.text(min_size=1, max_size=30).filter(lambda s: s.strip() == s and s)),
                inflect=draw(st.booleans()),
            )
        )
    return Glossary(entries=tuple(entries))


@settings(max_examples=150, deadline=None)
@given(glossaries())
def test_dump_then_parse_round_trips(glossary: Glossary) -> None:
    assert parse_glossary(dump_glossary(glossary), "g.yaml") == glossary
