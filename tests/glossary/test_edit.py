"""Editing glossary text: add, remove, fmt change only what they must."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.edit import add_term, format_glossary, remove_term
from glossary.errors import GlossaryError
from glossary.yamlio import parse_glossary

ORIGINAL = """\
# Iraq desk glossary — keep targets in wire-service spelling.
version: 1
source_lang: ar
target_lang: en

terms:
  # --- organizations ---
  - source: الحشد الشعبي        # the umbrella, not bare الحشد
    target: Popular Mobilization Forces
    accept: [PMF]
    avoid:   [Popular Mobilisation Units]

  - source: حزب الله
    target: Hezbollah
    avoid:
      - Hizbollah   # older AP spelling
  # --- places ---
  - source: الموصل
    target: Mosul
# end of file
"""

HEZBOLLAH_LINES = (12, 15)  # 0-based, inclusive: the lines of the Hezbollah entry


def _lines_outside(text: str, first: int, last: int) -> list[str]:
    lines = text.splitlines(keepends=True)
    return lines[:first] + lines[last + 1 :]


def test_add_appends_a_new_entry_after_the_last_one() -> None:
    new_text, outcome = add_term(ORIGINAL, "g.yaml", "قاعدة القيارة", "Qayyarah base", accept=["Qayyarah air base"])
    assert outcome == "added"
    assert new_text == ORIGINAL.replace(
        "    target: Mosul\n",
        "    target: Mosul\n  - source: قاعدة القيارة\n    target: Qayyarah base\n    accept: [Qayyarah air base]\n",
    )


def test_add_with_existing_target_merges_only_that_entry() -> None:
    new_text, outcome = add_term(ORIGINAL, "g.yaml", "حزب الله اللبناني", "hezbollah", avoid=["Party of God"])
    assert outcome == "merged"
    assert _lines_outside(new_text, 12, 15) == _lines_outside(ORIGINAL, *HEZBOLLAH_LINES)
    assert new_text.splitlines()[12:17] == [
        "  # older AP spelling",
        "  - source: [حزب الله, حزب الله اللبناني]",
        "    target: Hezbollah",
        "    avoid: [Hizbollah, Party of God]",
        "  # --- places ---",
    ]


def test_add_existing_form_and_target_merges_accept() -> None:
    new_text, outcome = add_term(ORIGINAL, "g.yaml", "الموصل", "Mosul", accept=["Mosul city"])
    assert outcome == "merged"
    assert parse_glossary(new_text, "g.yaml").entries[2].accept == ("Mosul city",)
    assert new_text.startswith(ORIGINAL[: ORIGINAL.index("  - source: الموصل")])


def test_add_nothing_new_is_unchanged() -> None:
    assert add_term(ORIGINAL, "g.yaml", "الموصل", "Mosul") == (ORIGINAL, "unchanged")


def test_add_to_empty_text_creates_a_glossary() -> None:
    new_text, outcome = add_term("", "g.yaml", "الموصل", "Mosul")
    assert (new_text, outcome) == (
        "version: 1\nsource_lang: ar\ntarget_lang: en\nterms:\n  - source: الموصل\n    target: Mosul\n",
        "added",
    )


def test_add_keeps_the_files_indentation_style() -> None:
    text = "version: 1\nterms:\n- source: الموصل\n  target: Mosul\n"
    new_text, _ = add_term(text, "g.yaml", "بغداد", "Baghdad")
    assert new_text == text + "- source: بغداد\n  target: Baghdad\n"


def test_add_to_flow_terms_rewrites_canonically() -> None:
    new_text, _ = add_term("version: 1\nterms: []  # none yet\n", "g.yaml", "بغداد", "Baghdad")
    assert new_text == (
        "# none yet\nversion: 1\nsource_lang: ar\ntarget_lang: en\nterms:\n  - source: بغداد\n    target: Baghdad\n"
    )


# (name, source, target, keyword arguments, the exact refusal)
REFUSED_ADDS = [
    ("form-with-other-target", "الموصل", "Mousel", {},
     "g.yaml: 'الموصل' is already in the glossary with target 'Mosul' (line 18); to change it, remove it first:"
     " tarjama glossary remove 'الموصل'"),
    ("target-avoided-elsewhere", "حزب اللات", "Hizbollah", {},
     "g.yaml: not changed: the result would be invalid: target 'Hizbollah' is listed under 'avoid' by the entry"
     " at line 13; a rendering cannot be both canonical and wrong"),
    ("avoid-own-target", "بغداد", "Baghdad", {"avoid": ["baghdad"]},
     "g.yaml: not changed: avoid 'baghdad' is the entry's own target 'Baghdad' (avoid-is-target)"),
    ("arabic-target", "بغداد", "بغداد", {},
     "g.yaml: not changed: target 'بغداد' contains Arabic letters; renderings are English (arabic-in-rendering)"),
    ("conflicting-type", "الموصل", "Mosul", {"type": "city"}, None),
    ("empty-target", "بغداد", "  ", {}, "g.yaml: the source and the target must not be empty"),
]


@pytest.mark.parametrize(("source", "target", "options", "expected"), [c[1:] for c in REFUSED_ADDS[:4] + REFUSED_ADDS[5:]],
                         ids=[c[0] for c in REFUSED_ADDS[:4] + REFUSED_ADDS[5:]])
def test_add_refuses_invalid_results(source: str, target: str, options: dict[str, list[str]], expected: str) -> None:
    with pytest.raises(GlossaryError) as raised:
        add_term(ORIGINAL, "g.yaml", source, target, **options)  # type: ignore[arg-type]
    assert str(raised.value) == expected


def test_add_refuses_to_overwrite_a_type() -> None:
    text, _ = add_term(ORIGINAL, "g.yaml", "الموصل", "Mosul", type="city")
    with pytest.raises(GlossaryError) as raised:
        add_term(text, "g.yaml", "الموصل", "Mosul", type="province")
    assert str(raised.value) == (
        "g.yaml: the entry for 'Mosul' (line 18) already has type 'city'; edit the file to change it"
    )


def test_remove_entry_by_target_deletes_only_its_lines() -> None:
    new_text = remove_term(ORIGINAL, "g.yaml", "Hezbollah")
    assert new_text.splitlines(keepends=True) == _lines_outside(ORIGINAL, *HEZBOLLAH_LINES)


def test_remove_entry_by_normalized_source() -> None:
    new_text = remove_term(ORIGINAL, "g.yaml", "الموصلُ")
    assert new_text == ORIGINAL.replace("  - source: الموصل\n    target: Mosul\n", "")


def test_remove_one_form_of_several_keeps_the_entry() -> None:
    text, _ = add_term(ORIGINAL, "g.yaml", "نينوى", "Mosul")
    assert remove_term(text, "g.yaml", "نينوى") == ORIGINAL


def test_remove_unknown_term_suggests_the_nearest() -> None:
    with pytest.raises(GlossaryError) as raised:
        remove_term(ORIGINAL, "g.yaml", "Hezbolah")
    assert str(raised.value) == "g.yaml: no entry with source or target 'Hezbolah'; did you mean 'Hezbollah'?"


def test_remove_last_entry_leaves_an_empty_valid_glossary() -> None:
    text = "version: 1\nterms:\n  - source: الموصل\n    target: Mosul\n"
    assert remove_term(text, "g.yaml", "Mosul") == "version: 1\nterms:\n"
    assert parse_glossary("version: 1\nterms:\n", "g.yaml").entries == ()


FORMATTED = """\
# Iraq desk glossary — keep targets in wire-service spelling.
version: 1
source_lang: ar
target_lang: en
terms:
  # --- organizations ---
  # the umbrella, not bare الحشد
  - source: الحشد الشعبي
    target: Popular Mobilization Forces
    accept: [PMF]
    avoid: [Popular Mobilisation Units]

  # older AP spelling
  - source: حزب الله
    target: Hezbollah
    avoid: [Hizbollah]
  # --- places ---
  - source: الموصل
    target: Mosul
# end of file
"""


def test_format_is_canonical_and_keeps_comments() -> None:
    assert format_glossary(ORIGINAL, "g.yaml") == FORMATTED


def test_format_is_idempotent_on_the_example() -> None:
    assert format_glossary(FORMATTED, "g.yaml") == FORMATTED


def test_format_orders_keys() -> None:
    text = "terms:\n  - case: exact\n    note: n\n    target: IS\n    source: داعش\nversion: 1\n"
    assert format_glossary(text, "g.yaml") == (
        "version: 1\nsource_lang: ar\ntarget_lang: en\nterms:\n"
        "  - source: داعش\n    target: IS\n    note: n\n    case: exact\n"
    )


# Pieces a hand-written glossary is made of; hypothesis strings them together.
ENTRY_CHUNKS = [
    "  - source: الموصل\n    target: Mosul\n",
    "  - source: [بغداد, بغداد العاصمة]   # two forms\n    target: Baghdad\n",
    "  -   source: كركوك\n      target: 'Kirkuk'\n      accept:\n        - Kerkuk  # old\n",
    "  - {source: أربيل, target: Erbil, avoid: [Arbil]}\n",
    "  - target: Basra\n    note: \"port city\"\n    source: البصرة\n",
]
NOISE = st.sampled_from(["", "\n", "  # note about the next one\n", "# section\n\n", "\n\n# two\n# lines\n"])


@settings(max_examples=200, deadline=None)
@given(st.permutations(range(len(ENTRY_CHUNKS))), st.lists(NOISE, min_size=len(ENTRY_CHUNKS) + 1, max_size=len(ENTRY_CHUNKS) + 1))
def test_format_is_idempotent_and_keeps_meaning(order: list[int], noise: list[str]) -> None:
    text = "# head\nversion: 1\nterms:\n" + "".join(noise[i] + ENTRY_CHUNKS[j] for i, j in enumerate(order)) + noise[-1]
    once = format_glossary(text, "g.yaml")
    assert format_glossary(once, "g.yaml") == once
    assert parse_glossary(once, "g.yaml") == parse_glossary(text, "g.yaml")
    assert sum(line.lstrip().startswith("#") for line in once.splitlines()) == text.count("#")


@settings(max_examples=100, deadline=None)
@given(st.permutations(range(len(ENTRY_CHUNKS))), st.lists(NOISE, min_size=len(ENTRY_CHUNKS) + 1, max_size=len(ENTRY_CHUNKS) + 1))
def test_add_then_remove_restores_the_bytes(order: list[int], noise: list[str]) -> None:
    text = "# head\nversion: 1\nterms:\n" + "".join(noise[i] + ENTRY_CHUNKS[j] for i, j in enumerate(order)) + noise[-1]
    added, _ = add_term(text, "g.yaml", "قاعدة التاجي", "Camp Taji")
    assert remove_term(added, "g.yaml", "Camp Taji") == text
