"""glossary.exchange: TBX-Basic, CSV and TSV export and import, as plain data."""
from __future__ import annotations

import codecs
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from glossary.english import fold_english
from glossary.errors import GlossaryError, InputDecodeError
from glossary.exchange import (
    MERGE,
    REPLACE,
    TBX_NAMESPACE,
    export_bytes,
    export_glossary,
    import_into_text,
    read_exchange,
)
from glossary.model import Entry, Glossary
from glossary.yamlio import dump_glossary, parse_glossary

DATA = Path(__file__).resolve().parent.parent / "data" / "exchange"
NS = {"t": TBX_NAMESPACE}

GLOSSARY_YAML = """\
version: 1
source_lang: ar
target_lang: en
terms:
  # the coalition, as the seed glossary has it
  - source: التحالف الدولي
    target: international coalition
    accept: [US-led coalition, the coalition]
    avoid: [International Alliance]
    type: organization
    note: "=1+1, \\"quoted\\"\\nsecond line"
  - source: [تنظيم الدولة الإسلامية, داعش]
    target: Islamic State group
    exclude: [داعشي]
"""

TWO_COLUMN_YAML = """\
version: 1
terms:
  - source: الموصل
    target: Mosul
  - source: كاتيوشا
    target: Katyusha
"""


def fields(entry: Entry) -> tuple[object, ...]:
    """What TBX and CSV carry (not exclude, inflect, case, positions)."""
    return (entry.sources, entry.target, entry.accept, entry.avoid, entry.type, entry.note)


# ------------------------------------------------------------------ TBX import

TBX_FILES = [
    (
        "basic-2019.tbx",
        [
            (
                ("الحشد الشعبي",),
                "Popular Mobilization Forces",
                ("PMF",),
                ("Popular Mobilisation Units", "Hashd al-Shaabi"),
                "organization",
                "Umbrella of mostly Shiite armed groups, state-sanctioned since 2016.\n"
                "British spelling used by some wires; not house style.",
            ),
            (
                ("تنظيم الدولة الإسلامية", "الدولة الإسلامية", "داعش"),
                "Islamic State group",
                ("Daesh",),
                ("ISIL",),
                None,
                None,
            ),
            (("قاعدة القَيّارة",), "Qayyarah base", (), ("Qayara base",), "place", None),
        ],
    ),
    (
        "martif-2008.tbx",
        [
            (
                ("كتائب حزب الله",),
                "Kataib Hezbollah",
                ("Kata'ib Hezbollah",),
                ("Hezbollah Brigades",),
                "organization",
                None,
            ),
            (
                ("قاعدة التاجي",),
                "Camp Taji",
                (),
                ("Al-Taji Camp",),
                None,
                "Base north of Baghdad; rocket attack of 11 March 2020.",
            ),
        ],
    ),
]


@pytest.mark.parametrize(("name", "expected"), TBX_FILES)
def test_reads_hand_made_tbx(name: str, expected: list[tuple[object, ...]]) -> None:
    entries = read_exchange((DATA / name).read_bytes(), "tbx", name)
    assert [fields(entry) for entry in entries] == expected


def test_tbx_entries_point_at_their_concept() -> None:
    entries = read_exchange((DATA / "basic-2019.tbx").read_bytes(), "tbx", "basic-2019.tbx")
    assert [(entry.line, entry.column) for entry in entries] == [(14, 7), (43, 7), (64, 7)]


def test_reads_tbx_written_by_translate_toolkit_csv2tbx(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        '"source","target"\n"قاعدة القيارة","Qayyarah base"\n"خلية الإعلام الأمني","Security Media Cell"\n',
        encoding="utf-8",
    )
    tbx = tmp_path / "pairs.tbx"
    csv2tbx = Path(sys.executable).parent / "csv2tbx"
    subprocess.run(
        [str(csv2tbx), "--columnorder=source,target", "-i", str(pairs), "-o", str(tbx)],
        check=True,
        capture_output=True,
    )
    assert b"<martif" in tbx.read_bytes()  # the 2008 form, DOCTYPE and all
    entries = read_exchange(tbx.read_bytes(), "tbx", str(tbx))
    assert [(entry.sources, entry.target) for entry in entries] == [
        (("قاعدة القيارة",), "Qayyarah base"),
        (("خلية الإعلام الأمني",), "Security Media Cell"),
    ]


# ------------------------------------------------------------------ TBX export


def test_tbx_export_is_tbx_basic_2019() -> None:
    root = ElementTree.fromstring(export_glossary(parse_glossary(GLOSSARY_YAML, "g.yaml"), "tbx"))
    assert root.tag == f"{{{TBX_NAMESPACE}}}tbx"
    assert (root.get("type"), root.get("style")) == ("TBX-Basic", "dca")
    concepts = root.findall("t:text/t:body/t:conceptEntry", NS)
    assert len(concepts) == 2
    first = concepts[0]
    assert first.findtext("t:descrip[@type='subjectField']", namespaces=NS) == "organization"
    assert first.findtext("t:note", namespaces=NS) == '=1+1, "quoted"\nsecond line'
    english = first.find("t:langSec[@{http://www.w3.org/XML/1998/namespace}lang='en']", NS)
    assert english is not None
    statuses = [
        (sec.findtext("t:term", namespaces=NS), sec.findtext("t:termNote[@type='administrativeStatus']", namespaces=NS))
        for sec in english.findall("t:termSec", NS)
    ]
    assert statuses == [
        ("international coalition", "preferredTerm-admn-sts"),
        ("US-led coalition", "admittedTerm-admn-sts"),
        ("the coalition", "admittedTerm-admn-sts"),
        ("International Alliance", "deprecatedTerm-admn-sts"),
    ]


# ------------------------------------------------------------------ CSV / TSV

TABLE_EXPORTS = [
    (
        TWO_COLUMN_YAML,
        "csv",
        "الموصل,Mosul\r\nكاتيوشا,Katyusha\r\n",
    ),
    (
        TWO_COLUMN_YAML,
        "tsv",
        "الموصل\tMosul\nكاتيوشا\tKatyusha\n",
    ),
    (
        GLOSSARY_YAML,
        "csv",
        "source,target,accept,avoid,type,note\r\n"
        "التحالف الدولي,international coalition,US-led coalition|the coalition,International Alliance,"
        'organization,"\'=1+1, ""quoted""\nsecond line"\r\n'
        "تنظيم الدولة الإسلامية|داعش,Islamic State group,,,,\r\n",
    ),
    (
        # A first row that reads like a header would be taken for one: use the header layout.
        "version: 1\nterms:\n  - source: Source\n    target: target\n",
        "csv",
        "source,target,accept,avoid,type,note\r\nSource,target,,,,\r\n",
    ),
]


@pytest.mark.parametrize(("yaml_text", "to_format", "expected"), TABLE_EXPORTS)
def test_table_export_layout(yaml_text: str, to_format: str, expected: str) -> None:
    assert export_glossary(parse_glossary(yaml_text, "g.yaml"), to_format) == expected


@pytest.mark.parametrize(("to_format", "prefix"), [("csv", codecs.BOM_UTF8), ("tsv", "الموصل".encode())])
def test_bom_only_for_csv(to_format: str, prefix: bytes) -> None:
    data = export_bytes(parse_glossary(TWO_COLUMN_YAML, "g.yaml"), to_format)
    assert data.startswith(prefix)


NEUTRALIZED_CELLS = [
    ("=SUM(A1)", "'=SUM(A1)"),
    ("+964 1", "'+964 1"),
    ("-ish", "'-ish"),
    ("@home", "'@home"),
    ("'=already", "''=already"),
    ("it's", "it's"),
    ("'quoted'", "'quoted'"),
    ("a=b", "a=b"),
]


@pytest.mark.parametrize(("note", "cell"), NEUTRALIZED_CELLS)
def test_formula_cells_are_neutralized_and_restored(note: str, cell: str) -> None:
    glossary = Glossary((Entry(sources=("الموصل",), target="Mosul", note=note),))
    text = export_glossary(glossary, "csv")
    assert text.splitlines()[1].split(",")[-1] == cell
    (entry,) = read_exchange(text.encode(), "csv", "g.csv")
    assert entry.note == note


TABLE_IMPORTS = [
    ("headerless", "الموصل,Mosul\nكاتيوشا,Katyusha\n", [(("الموصل",), "Mosul"), (("كاتيوشا",), "Katyusha")]),
    ("header, columns reordered", "target,source\nMosul,الموصل\n", [(("الموصل",), "Mosul")]),
    ("header in capitals", "Source,Target\nالموصل,Mosul\n", [(("الموصل",), "Mosul")]),
    ("blank and empty rows skipped", "\nالموصل,Mosul\n,\n\n", [(("الموصل",), "Mosul")]),
    ("headerless keeps | literally", "الموصل,Mosul|Mousel\n", [(("الموصل",), "Mosul|Mousel")]),
    ("cells trimmed", " الموصل , Mosul \n", [(("الموصل",), "Mosul")]),
    (
        "header splits lists",
        "source,target,accept\nكوفيد-19|كوفيد 19,COVID-19, Covid-19 ||covid\n",
        [(("كوفيد-19", "كوفيد 19"), "COVID-19")],
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), TABLE_IMPORTS)
def test_table_import(case: str, text: str, expected: list[tuple[object, ...]]) -> None:
    entries = read_exchange(text.encode(), "csv", "g.csv")
    assert [(entry.sources, entry.target) for entry in entries] == expected


def test_header_lists_are_split_and_trimmed() -> None:
    (entry,) = read_exchange("source,target,accept\nكوفيد-19,COVID-19, Covid-19 ||covid\n".encode(), "csv", "g.csv")
    assert entry.accept == ("Covid-19", "covid")


ENCODINGS = [
    ("utf-8 with BOM", codecs.BOM_UTF8 + "الموصل,Mosul\n".encode()),
    ("utf-16 with BOM", codecs.BOM_UTF16_LE + "الموصل,Mosul\n".encode("utf-16-le")),
    ("cp1256", "الموصل,Mosul\n".encode("cp1256")),
]


@pytest.mark.parametrize(("case", "data"), ENCODINGS)
def test_table_encodings(case: str, data: bytes) -> None:
    (entry,) = read_exchange(data, "csv", "g.csv")
    assert (entry.sources, entry.target) == (("الموصل",), "Mosul")


# ------------------------------------------------------------------ errors, exact messages

IMPORT_ERRORS = [
    (
        "malformed XML",
        "tbx",
        "<tbx>\n  <text><body>\n    <conceptEntry></langSec>\n",
        "g.tbx:3:21: malformed XML: mismatched tag",
    ),
    ("not XML at all", "tbx", "الموصل,Mosul\n", "g.tbx:1:1: malformed XML: syntax error"),
    (
        "inline DTD",
        "tbx",
        '<?xml version="1.0"?>\n<!DOCTYPE tbx [\n  <!ELEMENT tbx ANY>\n]>\n<tbx/>\n',
        "g.tbx:2:1: refusing XML with an inline DTD (<!DOCTYPE ... [ ] or <!ENTITY>): entities can read"
        " local files or expand without bound; remove the DOCTYPE",
    ),
    (
        "external entity (XXE)",
        "tbx",
        '<!DOCTYPE tbx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<tbx>&xxe;</tbx>\n',
        "g.tbx:1:16: refusing XML with an entity declaration (<!DOCTYPE ... [ ] or <!ENTITY>): entities can"
        " read local files or expand without bound; remove the DOCTYPE",
    ),
    (
        "undefined entity behind an external DTD",
        "tbx",
        '<!DOCTYPE martif SYSTEM "x.dtd">\n<martif><text><body><termEntry>&nbsp;</termEntry></body></text></martif>\n',
        "g.tbx:2:32: undefined entity &nbsp;",
    ),
    (
        "wrong root",
        "tbx",
        '<?xml version="1.0"?>\n<xliff version="1.2"/>\n',
        "g.tbx:2:1: not a TBX file: the root element is <xliff>, expected <tbx> or <martif>",
    ),
    (
        "concept without Arabic",
        "tbx",
        '<tbx><text><body>\n<conceptEntry><langSec xml:lang="en"><termSec><term>Mosul</term></termSec></langSec>'
        "</conceptEntry>\n</body></text></tbx>\n",
        "g.tbx:2:1: concept without a term in 'ar' (Arabic)",
    ),
    (
        "concept without English",
        "tbx",
        '<tbx><text><body>\n<conceptEntry><langSec xml:lang="ar"><termSec><term>الموصل</term></termSec></langSec>'
        "</conceptEntry>\n</body></text></tbx>\n",
        "g.tbx:2:1: concept without a term in 'en'",
    ),
    (
        "empty term",
        "tbx",
        '<tbx><text><body><conceptEntry>\n  <langSec xml:lang="ar"><termSec><term> </term></termSec></langSec>\n'
        "</conceptEntry></body></text></tbx>\n",
        "g.tbx:2:35: empty <term>",
    ),
    (
        "only deprecated English terms",
        "tbx",
        '<tbx><text><body><conceptEntry>\n<langSec xml:lang="ar"><termSec><term>الموصل</term></termSec></langSec>\n'
        '<langSec xml:lang="en"><termSec><term>Mousel</term>'
        '<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec></langSec>\n'
        "</conceptEntry></body></text></tbx>\n",
        "g.tbx:3:33: concept whose terms are all deprecated: no rendering to use",
    ),
    (
        "three columns without a header",
        "csv",
        "الموصل,Mosul\nكاتيوشا,Katyusha,Katiousha\n",
        "g.csv:2:18: expected 2 columns (source, target), found 3; for more columns start the file with the"
        " header row source,target,accept,avoid,type,note",
    ),
    (
        "one column without a header",
        "csv",
        "الموصل,Mosul\nكاتيوشا\n",
        "g.csv:2:8: expected 2 columns (source, target), found 1; for more columns start the file with the"
        " header row source,target,accept,avoid,type,note",
    ),
    (
        "short row under a header",
        "tsv",
        "source\ttarget\tnote\nالموصل\tMosul\n",
        "g.csv:2:13: expected 3 columns (source, target, note), found 2",
    ),
    ("empty target cell", "csv", "الموصل,Mosul\nكاتيوشا,\n", "g.csv:2:9: empty 'target' cell"),
    ("empty source cell", "csv", "source,target,type\n  ,Mosul,place\n", "g.csv:2:1: empty 'source' cell"),
    (
        "unterminated quote",
        "csv",
        'الموصل,"Mosul\n',
        "g.csv:1:1: malformed CSV: unexpected end of data",
    ),
]


@pytest.mark.parametrize(("case", "from_format", "text", "message"), IMPORT_ERRORS)
def test_import_errors(case: str, from_format: str, text: str, message: str) -> None:
    name = "g.tbx" if from_format == "tbx" else "g.csv"
    with pytest.raises(GlossaryError) as caught:
        read_exchange(text.encode(), from_format, name)
    assert str(caught.value) == message


VALIDATION_ERRORS = [
    (
        "two rows equal after Arabic normalization",
        "csv",
        "الموصل,Mosul\nكاتيوشا,Katyusha\nالمَوصِل,Mosul city\n",
        "g.csv:3:1: source 'المَوصِل' duplicates 'الموصل' of the entry at line 1 (equal after Arabic"
        " normalization); merge the two entries",
    ),
    (
        "a target another row avoids",
        "csv",
        "source,target,avoid\nالموصل,Mosul,Mousel\nكاتيوشا,mousel,\n",
        "g.csv:3:1: target 'mousel' is listed under 'avoid' by the entry at line 2; a rendering cannot be both"
        " canonical and wrong",
    ),
    (
        "a lint error: accepted and avoided",
        "csv",
        "source,target,accept,avoid\nالموصل,Mosul,Mawsil,\nكاتيوشا,Katyusha,Katiousha,katiousha\n",
        "g.csv:3:1: 'Katiousha' is both accepted and avoided (accept-is-avoid)",
    ),
    (
        "two concepts sharing a form",
        "tbx",
        (DATA / "basic-2019.tbx").read_text(encoding="utf-8").replace("قاعدة القَيّارة", "داعش"),
        "g.tbx:64:7: source 'داعش' duplicates 'داعش' of the entry at line 43 (equal after Arabic normalization);"
        " merge the two entries",
    ),
]


@pytest.mark.parametrize(("case", "from_format", "text", "message"), VALIDATION_ERRORS)
def test_import_is_validated_like_the_yaml_loader(case: str, from_format: str, text: str, message: str) -> None:
    name = "g.tbx" if from_format == "tbx" else "g.csv"
    with pytest.raises(GlossaryError) as caught:
        import_into_text("", "glossary.yaml", text.encode(), name, from_format, MERGE)
    assert str(caught.value) == message


def test_binary_file_is_a_decode_error() -> None:
    with pytest.raises(InputDecodeError):
        read_exchange(b"\x00\x01\x02", "csv", "g.csv")


def test_export_refuses_a_pipe_inside_a_list_item() -> None:
    glossary = parse_glossary(
        "version: 1\nterms:\n  - source: الموصل\n    target: Mosul\n    accept: [Mosul|Mawsil]\n", "g.yaml"
    )
    with pytest.raises(GlossaryError) as caught:
        export_glossary(glossary, "csv")
    assert str(caught.value) == "g.yaml:3:5: cannot export 'Mosul|Mawsil' to a table: '|' separates the items of a cell"


# ------------------------------------------------------------------ merging into a glossary

EXISTING_YAML = """\
version: 1
terms:
  # keep me: a comment on an untouched entry
  - source: الموصل
    target: Mosul
  - source: كاتيوشا
    target: Katyusha
"""


def test_merge_adds_merges_and_reports_conflicts() -> None:
    incoming = "source,target,accept\nالموصل,Mosul,Mawsil\nكاتيوشا,Katiousha,\nقاعدة التاجي,Camp Taji,Taji base\n"
    result = import_into_text(EXISTING_YAML, "glossary.yaml", incoming.encode(), "in.csv", "csv", MERGE)
    assert result.summary() == "imported 3 entries: 1 added, 1 merged, 1 conflicting"
    assert [conflict.as_text() for conflict in result.conflicts] == [
        "in.csv:3:1: warning: 'كاتيوشا' is 'Katiousha' here but 'Katyusha' in the glossary (line 6); kept the glossary's"
    ]
    assert result.text == (
        "version: 1\n"
        "terms:\n"
        "  # keep me: a comment on an untouched entry\n"
        "  - source: الموصل\n"
        "    target: Mosul\n"
        "    accept: [Mawsil]\n"
        "  - source: كاتيوشا\n"
        "    target: Katyusha\n"
        "  - source: قاعدة التاجي\n"
        "    target: Camp Taji\n"
        "    accept: [Taji base]\n"
    )


def test_replace_keeps_the_header_and_swaps_the_terms() -> None:
    incoming = "قاعدة التاجي,Camp Taji\nالموصل,Mosul\n"
    result = import_into_text(EXISTING_YAML, "glossary.yaml", incoming.encode(), "in.csv", "csv", REPLACE)
    assert result.summary() == "imported 2 entries: 1 added, 1 merged, 0 conflicting, 1 removed"
    assert [entry.sources for entry in result.glossary.entries] == [("قاعدة التاجي",), ("الموصل",)]


# ------------------------------------------------------------------ round trips (hypothesis)

ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويةءأإآىئؤ"
DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
arabic_word = st.builds(
    "".join,
    st.lists(
        st.tuples(st.sampled_from(ARABIC_LETTERS), st.sampled_from(["", *DIACRITICS])).map("".join),
        min_size=2,
        max_size=6,
    ),
)
arabic_term = st.lists(arabic_word, min_size=1, max_size=3).map(" ".join)
# English-ish text with what breaks naive writers: commas, quotes, formula starts, apostrophes.
english_text = st.text(
    alphabet=st.sampled_from(list("abcdefXYZ -'\",;=+@:&<>é")), min_size=1, max_size=20
).map(str.strip).filter(bool)
note_text = st.lists(english_text, min_size=1, max_size=3).map("\n".join)


@st.composite
def glossaries(draw: st.DrawFn) -> Glossary:
    count = draw(st.integers(min_value=1, max_value=5))
    entries = []
    for _ in range(count):
        sources = tuple(dict.fromkeys(draw(st.lists(arabic_term, min_size=1, max_size=3))))
        # Distinct after English folding: a rendering equal to another up to case,
        # hyphens or a leading "the" is the same rendering (lint refuses it).
        english = draw(st.lists(english_text, min_size=1, max_size=5, unique_by=fold_english))
        split = draw(st.integers(min_value=1, max_value=len(english)))
        entries.append(
            Entry(
                sources=sources,
                target=english[0],
                accept=tuple(english[1:split]),
                avoid=tuple(english[split:]),
                type=draw(st.none() | st.sampled_from(["organization", "person", "place"])),
                note=draw(st.none() | note_text),
            )
        )
    text = dump_glossary(Glossary(tuple(entries)))
    try:
        return parse_glossary(text, "g.yaml")
    except GlossaryError:
        assume(False)
        raise


@pytest.mark.parametrize("exchange_format", ["tbx", "csv", "tsv"])
@settings(max_examples=60, deadline=None)
@given(glossary=glossaries())
def test_round_trip_keeps_what_the_format_carries(exchange_format: str, glossary: Glossary) -> None:
    data = export_bytes(glossary, exchange_format)
    result = import_into_text("", "back.yaml", data, f"g.{exchange_format}", exchange_format, REPLACE)
    reloaded = parse_glossary(result.text, "back.yaml")
    assert [fields(entry) for entry in reloaded.entries] == [fields(entry) for entry in glossary.entries]


def test_merge_appends_new_entries_in_the_files_own_indentation() -> None:
    existing = "version: 1\nterms:\n- source: الموصل   # city\n  target: Mosul\n"
    incoming = "source,target,accept\nقاعدة التاجي,Camp Taji,\nكاتيوشا,Katyusha,Katiousha rocket\nالزرفي,al-Zurfi,\n"
    result = import_into_text(existing, "glossary.yaml", incoming.encode(), "in.csv", "csv", MERGE)
    assert result.summary() == "imported 3 entries: 3 added, 0 merged, 0 conflicting"
    assert result.text == (
        "version: 1\n"
        "terms:\n"
        "- source: الموصل   # city\n"
        "  target: Mosul\n"
        "- source: قاعدة التاجي\n"
        "  target: Camp Taji\n"
        "- source: كاتيوشا\n"
        "  target: Katyusha\n"
        "  accept: [Katiousha rocket]\n"
        "- source: الزرفي\n"
        "  target: al-Zurfi\n"
    )
