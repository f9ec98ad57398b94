"""Property-based fuzzing of the three parsers of untrusted text: the YAML
loader, the Arabic normalizer and the term finder."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.errors import GlossaryError, InputDecodeError
from glossary.finder import find_terms
from glossary.normalize import normalize_arabic, normalize_with_map
from glossary.textio import decode_text
from glossary.yamlio import dump_glossary, load_glossary, parse_glossary
from hostile_inputs import SEEDS

SEED_GLOSSARY = load_glossary(SEEDS / "glossary.yaml")
SEED_SOURCES = [form for entry in SEED_GLOSSARY.entries for form in entry.sources]

# Arabic letters, diacritics, presentation forms, marks, controls and bidi
# characters, plus YAML syntax; never surrogates (not encodable text).
HOSTILE_CHARACTERS = st.one_of(
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
    st.characters(min_codepoint=0x0750, max_codepoint=0x077F),
    st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF),
    st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFF),
    st.characters(min_codepoint=0x0300, max_codepoint=0x036F),
    st.characters(min_codepoint=0x0000, max_codepoint=0x001F),
    st.sampled_from(list("\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u0640\u00a0\ufeff\x85\u2028\u2029")),
    st.sampled_from(list(":-[]{}&*!|>'\"#%@`, \n\t?")),
    st.characters(exclude_categories=("Cs",)),
)
HOSTILE_TEXT = st.text(HOSTILE_CHARACTERS, max_size=200)
# Text made of glossary forms with hostile characters between them, so matches happen.
TERM_TEXT = st.lists(st.one_of(st.sampled_from(SEED_SOURCES), HOSTILE_TEXT, st.sampled_from(["و", "ب", "ل", "لل", "ف", "ك", " "])), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(HOSTILE_TEXT)
def test_loader_raises_only_glossary_error(text: str) -> None:
    try:
        parse_glossary(text, "fuzz.yaml")
    except GlossaryError as exc:
        assert "\n" not in str(exc)


YAMLISH = st.lists(
    st.one_of(
        st.sampled_from(["version: 1\n", "terms:\n", "  - source: ", "    target: ", "    accept: [", "]\n", "&a ", "*a ", "!!python/object ", "- ", "\n"]),
        HOSTILE_TEXT,
    ),
    max_size=20,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_loader_on_glossary_shaped_text(text: str) -> None:
    try:
        loaded = parse_glossary(text, "fuzz.yaml")
    except GlossaryError:
        return
    # Whatever loads, its canonical dump loads again to the same entries.
    again = parse_glossary(dump_glossary(loaded), "fuzz.yaml")
    assert [(e.sources, e.target, e.accept, e.avoid) for e in again.entries] == [
        (e.sources, e.target, e.accept, e.avoid) for e in loaded.entries
    ]


@settings(max_examples=300, deadline=None)
@given(HOSTILE_TEXT)
def test_normalizer_maps_back_into_the_text(text: str) -> None:
    normalized = normalize_with_map(text)
    assert normalized.text == normalize_arabic(text)
    for start in range(len(normalized.text) + 1):
        original = normalized.to_original(start)
        assert 0 <= original <= len(text)
    for start in range(len(normalized.text)):
        ostart, oend = normalized.span_to_original(start, start + 1)
        assert 0 <= ostart < oend <= len(text)


@settings(max_examples=300, deadline=None)
@given(TERM_TEXT)
def test_finder_offsets_slice_the_input(text: str) -> None:
    occurrences = find_terms(text, SEED_GLOSSARY)
    previous_end = 0
    for occurrence in occurrences:
        assert previous_end <= occurrence.start < occurrence.end <= len(text)
        assert text[occurrence.start : occurrence.end] == occurrence.surface
        assert occurrence.start <= occurrence.term_start < occurrence.end
        assert occurrence.form in occurrence.entry.sources
        previous_end = occurrence.end


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_decoder_raises_only_decode_error(data: bytes) -> None:
    try:
        decoded = decode_text(data, "fuzz.txt")
    except InputDecodeError as exc:
        assert str(exc).startswith("fuzz.txt")
        return
    assert "\r" not in decoded.text and "\x00" not in decoded.text
