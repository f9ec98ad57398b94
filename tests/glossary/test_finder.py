"""The term finder: clitics, spelling variants, boundaries, longest match, exclude, offsets."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glossary.finder import TermOccurrence, compile_matcher, find_terms
from glossary.model import Entry, Glossary
from glossary.normalize import normalize_arabic
from glossary.yamlio import load_glossary

GLOSSARY = Glossary(
    entries=(
        Entry(sources=("التحالف الدولي",), target="international coalition"),
        Entry(sources=("قوات التحالف",), target="coalition forces", exclude=("قوات التحالف العربي",)),
        Entry(sources=("قوات التحالف الدولي",), target="international coalition forces"),
        Entry(sources=("الحشد الشعبي",), target="Popular Mobilization Forces"),
        Entry(sources=("كتائب حزب الله",), target="Kataib Hezbollah"),
        Entry(sources=("حزب الله",), target="Hezbollah"),
        Entry(sources=("قاعدة القيارة",), target="Qayyarah base"),
        Entry(sources=("قاعدة القائم",), target="al-Qaim base"),
        Entry(sources=("الموصل",), target="Mosul"),
        Entry(sources=("إيران",), target="Iran"),
        Entry(sources=("واشنطن",), target="Washington"),
        Entry(sources=("برهم صالح",), target="Barham Salih"),
        Entry(sources=("أبو مهدي المهندس",), target="Abu Mahdi al-Muhandis"),
        Entry(sources=("عدنان الزرفي",), target="Adnan al-Zurfi"),
        Entry(sources=("الزرفي",), target="al-Zurfi"),
        Entry(sources=("مايلز كيغنز",), target="Myles Caggins"),
        Entry(sources=("كيغنز",), target="Caggins"),
        Entry(sources=("فيروس كورونا", "كورونا"), target="coronavirus"),
        Entry(sources=("كوفيد-19", "كوفيد 19"), target="COVID-19"),
        Entry(sources=("القوات الأميركية", "القوات الأمريكية"), target="US forces"),
        Entry(sources=("حكومة",), target="government", inflect=True),
        Entry(sources=("تنظيم الدولة الإسلامية", "الدولة الإسلامية", "داعش"), target="Islamic State group"),
    )
)

# (text, [(surface, matched source form), ...]): forms taken from the seed article
# and from how the same names appear in other Arabic news copy.
MATCH_CASES = [
    # Proclitics: conjunction, preposition, and their combinations.
    ("والتحالف الدولي", [("والتحالف الدولي", "التحالف الدولي")]),
    ("بقاعدة القيارة", [("بقاعدة القيارة", "قاعدة القيارة")]),
    ("وبقاعدة القيارة", [("وبقاعدة القيارة", "قاعدة القيارة")]),
    ("فكداعش", [("فكداعش", "داعش")]),
    ("والحشد الشعبي", [("والحشد الشعبي", "الحشد الشعبي")]),
    ("بالموصل", [("بالموصل", "الموصل")]),
    ("وبالموصل", [("وبالموصل", "الموصل")]),
    ("كالموصل", [("كالموصل", "الموصل")]),
    ("لإيران", [("لإيران", "إيران")]),
    ("وإيران", [("وإيران", "إيران")]),
    ("لقوات التحالف", [("لقوات التحالف", "قوات التحالف")]),
    # ل + ال contracts to لل.
    ("للتحالف الدولي", [("للتحالف الدولي", "التحالف الدولي")]),
    ("وللحشد الشعبي", [("وللحشد الشعبي", "الحشد الشعبي")]),
    ("فللحشد الشعبي", [("فللحشد الشعبي", "الحشد الشعبي")]),
    ("للزرفي", [("للزرفي", "الزرفي")]),
    ("للقوات الأميركية", [("للقوات الأميركية", "القوات الأميركية")]),
    # A name that starts with و is not و + a word.
    ("غير أن واشنطن توجه", [("واشنطن", "واشنطن")]),
    # Quotes, brackets, hashtags, tatweel and bidi marks between clitic and term.
    ('لـ"الحشد الشعبي"', [('لـ"الحشد الشعبي', "الحشد الشعبي")]),
    ("و«كتائب حزب الله»", [("و«كتائب حزب الله", "كتائب حزب الله")]),
    ("و(داعش)", [("و(داعش", "داعش")]),
    ("#الحشد_الشعبي", [("الحشد_الشعبي", "الحشد الشعبي")]),
    ("و#الحشد_الشعبي", [("و#الحشد_الشعبي", "الحشد الشعبي")]),
    ("لـالحشد الشعبي", [("لـالحشد الشعبي", "الحشد الشعبي")]),
    ("و\u200fالتحالف الدولي", [("و\u200fالتحالف الدولي", "التحالف الدولي")]),
    # A clitic written apart by a space is a word of its own, not part of the surface.
    ("و «كتائب حزب الله»", [("كتائب حزب الله", "كتائب حزب الله")]),
    ("(التحالف الدولي).", [("التحالف الدولي", "التحالف الدولي")]),
    # Spelling variants: diacritics, tatweel, hamza, ya, ta marbuta, Persian letters, digits.
    ("التَّحالُفُ الدَّوْلِيُّ", [("التَّحالُفُ الدَّوْلِيُّ", "التحالف الدولي")]),
    ("الحشـــد الشعبـــي", [("الحشـــد الشعبـــي", "الحشد الشعبي")]),
    ("ايران", [("ايران", "إيران")]),
    ("القوات الأمريكية", [("القوات الأمريكية", "القوات الأمريكية")]),
    ("الدوله الاسلاميه", [("الدوله الاسلاميه", "الدولة الإسلامية")]),
    ("ابو مهدى المهندس", [("ابو مهدى المهندس", "أبو مهدي المهندس")]),
    ("\u06a9\u06cc\u063a\u0646\u0632", [("\u06a9\u06cc\u063a\u0646\u0632", "كيغنز")]),
    ("كوفيد-١٩", [("كوفيد-١٩", "كوفيد-19")]),
    ("كوفيد 19", [("كوفيد 19", "كوفيد-19")]),
    # Whitespace inside a term: NBSP, thin space, a tab (a line end breaks it).
    ("قاعدة\u00a0القيارة", [("قاعدة\u00a0القيارة", "قاعدة القيارة")]),
    ("قاعدة\u2009القيارة", [("قاعدة\u2009القيارة", "قاعدة القيارة")]),
    ("قاعدة\tالقيارة", [("قاعدة\tالقيارة", "قاعدة القيارة")]),
    ("انسحبت من قاعدة القيارة.\r\nوقاعدة القائم", [
        ("قاعدة القيارة", "قاعدة القيارة"),
        ("وقاعدة القائم", "قاعدة القائم"),
    ]),
    # Longest match wins; occurrences never overlap.
    ("كتائب حزب الله", [("كتائب حزب الله", "كتائب حزب الله")]),
    ("إلى كتائب حزب الله المقربة من إيران", [
        ("كتائب حزب الله", "كتائب حزب الله"),
        ("إيران", "إيران"),
    ]),
    ("حزب الله اللبناني", [("حزب الله", "حزب الله")]),
    ("قيادة قوات التحالف الدولي", [("قوات التحالف الدولي", "قوات التحالف الدولي")]),
    ("عدنان الزرفي", [("عدنان الزرفي", "عدنان الزرفي")]),
    ("المتحدث مايلز كيغنز. وأضاف كيغنز", [("مايلز كيغنز", "مايلز كيغنز"), ("كيغنز", "كيغنز")]),
    ("من فيروس كورونا وانتشار كورونا", [("فيروس كورونا", "فيروس كورونا"), ("كورونا", "كورونا")]),
    ("تنظيم الدولة الإسلامية", [("تنظيم الدولة الإسلامية", "تنظيم الدولة الإسلامية")]),
    # Pronoun suffixes only on inflect entries, ta marbuta written ta.
    ("حكومة", [("حكومة", "حكومة")]),
    ("حكومته", [("حكومته", "حكومة")]),
    ("وحكومتها", [("وحكومتها", "حكومة")]),
    ("لحكومتهم", [("لحكومتهم", "حكومة")]),
    ("حكومتنا", [("حكومتنا", "حكومة")]),
    ("حكومتي", [("حكومتي", "حكومة")]),
]

# Text in which nothing may match: ordinary words that look like parts of terms.
NO_MATCH_CASES = [
    # الحشد alone is "the crowd".
    "تجمع الحشد أمام السفارة",
    "الحشد الكبير",
    # القائم is "the existing" / "the one in charge".
    "الوضع القائم",
    "القائم بالأعمال",
    # المهندس is "the engineer"; صالح is "valid".
    "المهندس المدني",
    "قرار صالح",
    # A bare ال is not added to a term that lacks it.
    "البرهم صالح",
    "الكورونا",
    "الواشنطن",
    # Exclude phrases win over their entry.
    "قوات التحالف العربي",
    "وقوات التحالف العربي في اليمن",
    # Word boundaries: a term is never a part of a longer word.
    "التحالف الدوليين",
    "الموصلية",
    "مالموصل",
    "حكومات",
    # Punctuation between words ends a term.
    "التحالف، الدولي",
    "قاعدة. القيارة",
    # A line end between the words: a heading and its paragraph, two segments.
    "قاعدة\r\nالقيارة",
    "قاعدة\nالقيارة",
    "قاعدة \u2029القيارة",
    # Suffixes only for inflect entries.
    "كيغنزه",
    "الموصلها",
    # Clitics in combinations Arabic does not write.
    "بوالموصل",
    "لفالموصل",
]

# (text, (start, term_start, end)) for the occurrence in text.
OFFSET_CASES = [
    ("للتحالف الدولي", (0, 1, 14)),
    ("وللحشد الشعبي", (0, 2, 13)),
    ("قال: لـ\"الحشد الشعبي\".", (5, 8, 20)),
    ("#الحشد_الشعبي", (1, 1, 13)),
    ("و\u200fالتحالف الدولي", (0, 2, 16)),
    ("التحالفُ الدوليُّ،", (0, 0, 17)),
    ("وحكومته", (0, 1, 7)),
    ("\r\nبقاعدة القيارة\r\n", (2, 3, 16)),
]


def pairs(occurrences: list[TermOccurrence]) -> list[tuple[str, str]]:
    return [(o.surface, o.form) for o in occurrences]


@pytest.mark.parametrize(("text", "expected"), MATCH_CASES)
def test_find_terms_golden(text: str, expected: list[tuple[str, str]]) -> None:
    assert pairs(find_terms(text, GLOSSARY)) == expected


@pytest.mark.parametrize("text", NO_MATCH_CASES)
def test_no_false_positive(text: str) -> None:
    assert pairs(find_terms(text, GLOSSARY)) == []


@pytest.mark.parametrize(("text", "expected"), OFFSET_CASES)
def test_offsets(text: str, expected: tuple[int, int, int]) -> None:
    [occurrence] = find_terms(text, GLOSSARY)
    assert (occurrence.start, occurrence.term_start, occurrence.end) == expected
    assert text[occurrence.start : occurrence.end] == occurrence.surface


def test_suffix_needs_inflect() -> None:
    not_inflected = Glossary(entries=(Entry(sources=("حكومة",), target="government"),))
    assert pairs(find_terms("حكومته وحكومة", not_inflected)) == [("وحكومة", "حكومة")]


def test_exclude_applies_only_to_its_own_entry() -> None:
    glossary = Glossary(
        entries=(
            Entry(sources=("قوات التحالف",), target="coalition forces", exclude=("قوات التحالف العربي",)),
            Entry(sources=("التحالف العربي",), target="Arab coalition"),
        )
    )
    assert pairs(find_terms("قوات التحالف العربي", glossary)) == [("التحالف العربي", "التحالف العربي")]


def test_occurrence_carries_entry_and_index() -> None:
    [occurrence] = find_terms("غادرت قوات التحالف الدولي", GLOSSARY)
    assert occurrence.entry_index == 2
    assert occurrence.entry is GLOSSARY.entries[2]


def test_first_entry_wins_a_shared_form() -> None:
    glossary = Glossary(
        entries=(Entry(sources=("داعش",), target="Islamic State group"), Entry(sources=("داعش",), target="Daesh"))
    )
    assert [o.entry.target for o in find_terms("فلول داعش", glossary)] == ["Islamic State group"]


def test_empty_glossary_and_empty_text() -> None:
    assert find_terms("التحالف الدولي", Glossary(entries=())) == []
    assert find_terms("", GLOSSARY) == []


def test_matcher_is_compiled_once_per_glossary() -> None:
    glossary = Glossary(entries=(Entry(sources=("الموصل",), target="Mosul"),))
    equal_copy = Glossary(entries=glossary.entries)
    assert compile_matcher(glossary) is compile_matcher(glossary)
    assert compile_matcher(equal_copy) is not compile_matcher(glossary)


# --- Properties --------------------------------------------------------------

_FRAGMENTS = [
    *(form for entry in GLOSSARY.entries for form in entry.sources + entry.exclude),
    "و", "ف", "ب", "ل", "ك", "لل", "ال", "ـ", "\u200f", "\u200c", "«", "»", '"', "#", "_", "-",
    " ", "\r\n", "\u00a0", "،", ".", "\u064f", "\u0651", "\ufefb", "ه", "ها", "ت", "١٩",
]
term_soup = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=3)), max_size=25).map("".join)


@given(term_soup)
def test_occurrences_slice_the_text_and_never_overlap(text: str) -> None:
    occurrences = find_terms(text, GLOSSARY)
    previous_end = 0
    for occurrence in occurrences:
        assert text[occurrence.start : occurrence.end] == occurrence.surface
        assert previous_end <= occurrence.start <= occurrence.term_start < occurrence.end <= len(text)
        assert occurrence.entry is GLOSSARY.entries[occurrence.entry_index]
        assert occurrence.form in occurrence.entry.sources
        previous_end = occurrence.end


@given(st.text())
def test_any_unicode_is_safe(text: str) -> None:
    for occurrence in find_terms(text, GLOSSARY):
        assert text[occurrence.start : occurrence.end] == occurrence.surface


@given(term_soup)
def test_term_letters_normalize_to_the_form(text: str) -> None:
    # What lies between term_start and end is the form itself (inflect entries
    # may add a suffix), whatever the clitics, marks and spacing around it.
    for occurrence in find_terms(text, GLOSSARY):
        term = normalize_arabic(text[occurrence.term_start : occurrence.end]).replace("_", " ").replace("-", " ")
        form = normalize_arabic(occurrence.form).replace("-", " ")
        if form.startswith("ال") and not term.startswith("ال"):
            term = "ا" + term  # the ل + ال contraction: لل wrote the article's lam only
        if occurrence.entry.inflect:
            assert term.startswith(form[:-1])
        else:
            assert " ".join(term.split()) == form


# --- The seed article with the seed glossary ----------------------------------

# Hand-counted in seeds/qayyarah-handover.ar.txt: (target, surfaces in order).
SEED_EXPECTED = [
    ("international coalition", ["التحالف الدولي"] * 8),
    ("international coalition forces", ["قوات التحالف الدولي"]),
    ("coalition forces", ["قوات التحالف"] * 3),
    ("Qayyarah base", ["قاعدة القيارة"] * 5),
    ("al-Qaim base", ["قاعدة القائم"] * 2),
    ("Kataib Hezbollah", ["كتائب حزب الله"]),
    ("Hezbollah", []),
    ("Popular Mobilization Forces", ["الحشد الشعبي"]),
    ("Iraqi forces", ["للقوات العراقية", "القوات العراقية", "القوات العراقية", "القوات العراقية"]),
    ("French forces", ["للقوات الفرنسية", "القوات الفرنسية", "القوات الفرنسية"]),
    ("US forces", ["القوات الأميركية"] * 3),
    ("Iraqi army", ["الجيش العراقي"] * 4),
    ("Islamic State group", ["تنظيم الدولة الإسلامية", "داعش", "تنظيم الدولة الإسلامية"]),
    ("coronavirus", ["فيروس كورونا", "كورونا", "كورونا"]),
    ("COVID-19", ["كوفيد-19"]),
    ("Iran", ["إيران", "لإيران", "إيران", "وإيران"]),
    ("Australia", ["وأستراليا"]),
    ("Washington", ["واشنطن", "واشنطن"]),
    ("Baghdad", ["بغداد"] * 7),
    ("Baghdad airport", ["مطار بغداد"]),
    ("Iraq", ["العراق"] * 8),
    ("al-Zurfi", ["الزرفي", "للزرفي"]),
    ("Adnan al-Zurfi", ["عدنان الزرفي"]),
    ("Myles Caggins", ["مايلز كيغنز"]),
    ("Caggins", ["كيغنز"]),
    ("Barham Salih", ["برهم صالح"]),
    ("Abu Mahdi al-Muhandis", ["أبو مهدي المهندس"]),
    ("Adel Abdul Mahdi", ["عادل عبدالمهدي"]),
    ("government", ["حكومة", "حكومة", "حكومة"]),
    ("Katyusha", ["كاتيوشا"]),
    ("Usbat al-Thairin", ["عصبة الثائرين"]),
]


@pytest.fixture(scope="module")
def seed_occurrences() -> list[TermOccurrence]:
    root = Path(__file__).resolve().parents[2]
    text = (root / "seeds" / "qayyarah-handover.ar.txt").read_text(encoding="utf-8")
    return find_terms(text, load_glossary(root / "seeds" / "glossary.yaml"))


@pytest.mark.parametrize(("target", "surfaces"), SEED_EXPECTED)
def test_seed_article_occurrences(seed_occurrences: list[TermOccurrence], target: str, surfaces: list[str]) -> None:
    assert [o.surface for o in seed_occurrences if o.entry.target == target] == surfaces


@pytest.mark.parametrize("ordinary_word", ["القائم", "المهندس", "صالح", "الحشد", "حزب الله"])
def test_seed_article_ordinary_words_only_inside_their_terms(
    seed_occurrences: list[TermOccurrence], ordinary_word: str
) -> None:
    # Each time the article uses the word, it is inside a longer term's surface.
    root = Path(__file__).resolve().parents[2]
    text = (root / "seeds" / "qayyarah-handover.ar.txt").read_text(encoding="utf-8")
    at = text.find(ordinary_word)
    while at >= 0:
        covering = [o for o in seed_occurrences if o.start <= at < o.end]
        assert covering and covering[0].form != ordinary_word
        at = text.find(ordinary_word, at + 1)
