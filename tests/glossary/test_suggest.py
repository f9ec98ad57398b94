"""glossary.suggest: candidate extraction and termhood ranking on real-looking Arabic news."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.model import Entry, Glossary
from glossary.suggest import (
    Candidate,
    CorpusDocument,
    choose_readings,
    count_ngrams,
    log_likelihood,
    read_corpus,
    suggest_candidates,
)

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "qayyarah-handover.ar.txt"

NEWS = """\
قال المتحدث باسم الحشد الشعبي إن قوات الحشد الشعبي انتشرت في محيط المدينة.
وأعلنت قيادة الحشد الشعبى أن وللحشد الشعبي دوراً في تأمين الطرق.
واتهمت واشنطن كتائب حزب الله بشن الهجوم، فيما نفت كتائب حزب الله أي علاقة لها.
وقالت مصادر إن لكتائب حزب الله مقرات قرب الحدود، وإن كتائب حزب الله تملك صواريخ.
"""


def doc(text: str, path: str = "news.ar.txt") -> CorpusDocument:
    return CorpusDocument(path, text)


def by_key(candidates: tuple[Candidate, ...]) -> dict[str, Candidate]:
    return {candidate.key: candidate for candidate in candidates}


# Clitic forms and spelling variants (ى for ي, diacritics, tatweel, bidi marks)
# merge into one candidate whose source is the bare, commonest spelling.
MERGING_CASES = [
    ("الحشد الشعبي قال. وللحشد الشعبي دور. والحشد الشعبى هنا.", "الحشد الشعبي", {"وللحشد الشعبي", "والحشد الشعبى"}),
    ("قاعدة القيارة مهمة. بقاعدة القيارة جنود. وقاعدةُ القيّارة كبيرة.", "قاعدة القيارة", {"بقاعدة القيارة", "وقاعدةُ القيّارة"}),
    ("مطار بغداد مغلق. لمطار بغداد رحلات. ومطـار بغداد قديم.", "مطار بغداد", {"لمطار بغداد", "ومطـار بغداد"}),
    ("عصائب أهل الحق هنا. و\u200fعصائب أهل الحق هناك. عصائب أهل الحق أيضاً.", "عصائب أهل الحق", {"و\u200fعصائب أهل الحق"}),
]


@pytest.mark.parametrize("text, source, forms", MERGING_CASES)
def test_clitic_forms_and_variants_merge(text: str, source: str, forms: set[str]) -> None:
    candidates = suggest_candidates([doc(text)], top=10).candidates
    merged = [c for c in candidates if c.source == source]
    assert len(merged) == 1
    seen = {form for form, _ in merged[0].forms}
    assert forms <= seen
    assert merged[0].count == 3


def test_longest_name_wins_over_its_parts_nested_inside_it() -> None:
    keys = [c.key for c in suggest_candidates([doc(NEWS)], top=20).candidates]
    assert "كتايب حزب الله" in keys
    assert "كتايب حزب" not in keys  # only ever inside the full name
    assert "حزب الله" not in keys


def test_recurring_names_of_the_seed_article_lead() -> None:
    candidates = suggest_candidates(read_corpus([str(SEED)]), top=10).candidates
    sources = [c.source for c in candidates]
    for name in ("التحالف الدولي", "قاعدة القيارة", "قوات التحالف"):
        assert name in sources[:5]


# Function words, numbers and dates never sit at a candidate's edge.
EDGE_CASES = [
    "في العراق",
    "العراق في",
    "من بغداد",
    "الخميس الماضي",
    "قاعدة القيارة في",
    "كتائب حزب",
]


@pytest.mark.parametrize("phrase", EDGE_CASES)
def test_no_candidate_begins_or_ends_with_a_function_word(phrase: str) -> None:
    text = "\n".join(
        [
            "وصل الوفد في العراق في الخميس الماضي من بغداد إلى قاعدة القيارة في الصباح.",
            "وأقام الوفد في العراق في الخميس الماضي من بغداد، ثم قاعدة القيارة في المساء.",
            "وعاد الوفد في العراق في الخميس الماضي من بغداد، وزار قاعدة القيارة في الليل.",
        ]
    )
    keys = {c.key for c in suggest_candidates([doc(text)], top=50).candidates}
    from glossary.finder import form_words

    assert " ".join(form_words(phrase)) not in keys


def test_numbers_break_candidates() -> None:
    text = "وصل 2500 جندي أميركي. غادر 2500 جندي أميركي. بقي 2500 جندي أميركي."
    keys = {c.key for c in suggest_candidates([doc(text)], top=50).candidates}
    assert not any(any(ch.isdigit() for ch in key) for key in keys)


def test_glossary_coverage_and_excludes_remove_candidates() -> None:
    glossary = Glossary(
        (
            Entry(sources=("الحشد الشعبي",), target="Popular Mobilization Forces"),
            Entry(sources=("حزب الله",), target="Hezbollah", exclude=("كتائب حزب الله",)),
        )
    )
    keys = {c.key for c in suggest_candidates([doc(NEWS)], glossary, top=50).candidates}
    assert not any("الحشد الشعبي" in key for key in keys)
    assert "كتايب حزب الله" not in keys


def test_min_count_and_top() -> None:
    suggestions = suggest_candidates(read_corpus([str(SEED)]), top=3, min_count=5)
    assert len(suggestions.candidates) == 3
    assert all(c.count >= 5 for c in suggestions.candidates)


def test_occurrences_point_at_the_original_text() -> None:
    text = "قال الوزير إن وللحشدِ الشعبيّ دوراً.\r\nوالحشد الشعبي قوي. الحشد الشعبي هنا."
    document = doc(text.replace("\r\n", "\n"))
    (candidate,) = [c for c in suggest_candidates([document], top=5).candidates if c.source == "الحشد الشعبي"]
    first = candidate.occurrences[0]
    assert document.text[first.start : first.end] == first.surface == "وللحشدِ الشعبيّ"
    assert first.term == "الحشدِ الشعبيّ"  # ل + ال: the article comes back
    assert candidate.source == "الحشد الشعبي"
    assert (first.line, first.column) == (1, 15)
    assert candidate.occurrences[1].line == 2


def test_spread_over_documents_is_counted() -> None:
    sentences = ["قال مصدر إن قاعدة عين الأسد تعرضت لهجوم.", "وصل الوزير إلى قاعدة عين الأسد صباحاً.", "غادرت قوات قاعدة عين الأسد."]
    documents = [doc(sentence, f"d{i}.ar.txt") for i, sentence in enumerate(sentences)]
    (candidate,) = [c for c in suggest_candidates(documents, top=5).candidates if c.source == "قاعدة عين الأسد"]
    assert (candidate.count, candidate.documents) == (3, 3)


def test_empty_corpus_has_no_candidates() -> None:
    assert suggest_candidates([doc("")]).candidates == ()
    assert suggest_candidates([doc("12 34\n\n")]).candidates == ()


READING_CASES = [
    ({"وللحشد": 1, "الحشد": 3}, "وللحشد", ("الحشد", 2)),
    ({"وزارة": 4}, "وزارة", ("وزارة", 0)),  # زارة is never written alone
    ({"والتحالف": 2, "التحالف": 9}, "والتحالف", ("التحالف", 1)),
    ({"كان": 5, "ان": 40}, "كان", ("كان", 0)),  # a function word is never the reading
]


@pytest.mark.parametrize("counts, word, reading", READING_CASES)
def test_choose_readings(counts: dict[str, int], word: str, reading: tuple[str, int]) -> None:
    from collections import Counter

    assert choose_readings(Counter(counts), frozenset({"ان"}))[word] == reading


def test_log_likelihood_rewards_words_that_stick_together() -> None:
    assert log_likelihood(5, 5, 5, 1000) > log_likelihood(5, 100, 100, 1000) > 0
    assert log_likelihood(1, 10, 100, 1000) == pytest.approx(0.0, abs=1e-9)  # exactly as expected by chance


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=-1, max_value=4), max_size=60), st.integers(min_value=1, max_value=3))
def test_count_ngrams_matches_brute_force(ids: list[int], min_count: int) -> None:
    from collections import Counter

    brute: Counter[tuple[int, ...]] = Counter()
    for n in range(1, 6):
        for i in range(len(ids) - n + 1):
            window = tuple(ids[i : i + n])
            if -1 not in window:
                brute[window] += 1
    assert count_ngrams(ids, min_count) == {k: c for k, c in brute.items() if c >= min_count}


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="الحشد الشعبي وللقيارة كتائب حزب،.\n\u0640\u064e\u200f", max_size=200))
def test_surfaces_slice_the_input(text: str) -> None:
    document = doc(text)
    for candidate in suggest_candidates([document], top=20, min_count=1).candidates:
        for occurrence in candidate.occurrences:
            assert document.text[occurrence.start : occurrence.end] == occurrence.surface
            assert occurrence.start <= occurrence.term_start < occurrence.end


def test_suggest_module_does_not_import_the_model_stack() -> None:
    code = (
        "import sys, glossary.suggest, glossary.suggest_cli, glossary.cli; "
        "heavy = [m for m in ('ctranslate2', 'sentencepiece', 'argostranslate', 'torch', 'translator.engine',"
        " 'translator.segment') if m in sys.modules]; print(heavy)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert output.stdout.strip() == "[]"


def test_min_count_one_lists_names_seen_once_after_the_recurring_ones() -> None:
    candidates = suggest_candidates(read_corpus([str(SEED)]), top=60, min_count=1).candidates
    sources = [c.source for c in candidates]
    assert {"كتائب حزب الله", "فيلق القدس", "عصبة الثائرين"} <= set(sources)
    first_single = next(i for i, c in enumerate(candidates) if c.count == 1)
    assert all(c.count >= 2 for c in candidates[:first_single])
    assert sources.index("قاعدة القيارة") < first_single


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ابت _-–،.«»\"#12\n", max_size=80))
def test_stretches_agree_with_the_finders_term_gaps(text: str) -> None:
    from glossary.finder import TERM_GAP_RE, WORD_RE
    from glossary.suggest import _STRETCH_RE

    words = list(WORD_RE.finditer(text))
    expected: list[list[str]] = []
    for previous, match in zip([None, *words], words):
        if previous is None or not TERM_GAP_RE.fullmatch(text, previous.end(), match.start()):
            expected.append([])
        expected[-1].append(match.group())
    found = [WORD_RE.findall(stretch.group()) for stretch in _STRETCH_RE.finditer(text)]
    assert found == expected


# ---------------------------------------------------------------- names seen once, single-word names


def test_names_a_head_noun_opens_are_candidates_from_one_occurrence() -> None:
    documents = read_corpus([str(SEED)])
    listed = {c.source: c for c in suggest_candidates(documents, top=60, headed_once=True).candidates}
    # كتائب, هيئة, فيلق, عصبة open names the article writes once each.
    for name in ("كتائب حزب الله", "هيئة الحشد الشعبي", "فيلق القدس", "عصبة الثائرين", "قاعدة التاجي"):
        assert listed[name].count == 1 and listed[name].cued == 1
    # The name ends where it should: after الله (not …المقربة), before a nationality
    # the text also writes as a name (فيلق القدس, not …الإيراني: إيران is in the text).
    assert not {"كتائب حزب الله المقربة", "فيلق القدس الإيراني", "هيئة الحشد"} & set(listed)
    # The recurring names still come first.
    assert max(i for i, c in enumerate(listed.values()) if c.count >= 2 and c.cued) < list(listed).index("كتائب حزب الله") + 30
    assert list(listed).index("قاعدة القيارة") < list(listed).index("كتائب حزب الله")
    # Without headed_once (an explicit --min-count), none of them.
    plain = {c.source for c in suggest_candidates(documents, top=60).candidates}
    assert not {"كتائب حزب الله", "هيئة الحشد الشعبي", "عصبة الثائرين"} & plain


def test_a_bound_adjective_continues_a_headed_name_a_free_one_does_not() -> None:
    text = (
        "أعلنت هيئة الإعلام الرسمي بيانا.\n"  # الرسمي follows الإعلام only: part of the name
        "وصلت القوات الفرنسية، وغادرت القوات العراقية، وقالت هيئة الأركان العراقية إن الوضع هادئ.\n"
    )
    keys = {c.source for c in suggest_candidates([doc(text)], top=20, headed_once=True).candidates}
    assert "هيئة الإعلام الرسمي" in keys
    assert "هيئة الأركان" in keys and "هيئة الأركان العراقية" not in keys  # العراقية follows several words


def test_a_surname_after_its_full_name_is_a_single_word_candidate() -> None:
    text = (
        "كلف الرئيس عدنان الزرفي بتشكيل الحكومة.\n"
        "ووعد الزرفي بإصلاحات، لكن معارضي الزرفي كثيرون.\n"
        "وأضاف المتحدث أن حدثا كبيرا جديدا وقع، وكان أمرا جديدا.\n"
    )
    listed = {c.source: c for c in suggest_candidates([doc(text)], top=20).candidates}
    assert listed["الزرفي"].count == 3 and listed["الزرفي"].cued >= 1
    assert "جديدا" not in listed  # an adjective after nouns is no surname: it never stands alone


def test_person_names_seen_twice_are_cued() -> None:
    text = "قال قاسم سليماني كلاما.\nثم غادر قاسم سليماني البلاد.\nوبقيت مشكلة كبيرة. ثم حلت مشكلة كبيرة أخرى.\n"
    listed = {c.source: c for c in suggest_candidates([doc(text)], top=20).candidates}
    assert listed["قاسم سليماني"].cued == 2


def test_common_nouns_and_generic_place_heads() -> None:
    text = (
        "غادر الجنود البلاد أمس. وعاد الوفد إلى البلاد. وتشهد البلاد أزمة. وقالت البلاد كلمتها.\n"
        "وصل الوفد إلى مدينة الموصل. وفي الموصل تظاهر السكان. وتقع الموصل شمالا.\n"
        "هبطت الطائرة في مطار بغداد الدولي. وعادت إلى مطار بغداد الدولي. وزار بغداد وفد. وتعيش بغداد هدوءا.\n"
        "وتستقبل بغداد الزوار. وتحتفل بغداد بالعيد.\n"
    )
    listed = {c.source: c for c in suggest_candidates([doc(text)], top=20).candidates}
    assert "البلاد" not in listed  # a common noun of news prose
    assert "الموصل" in listed and "مدينة الموصل" not in listed  # مدينة is a cue, not part of the name
    assert listed["الموصل"].cued >= 1
    assert "بغداد" in listed  # الدولي after it is the airport's adjective, not a sign بغداد is a common noun


def test_copied_lines_count_once() -> None:
    line = "التحالف الدولي يسلم قاعدة القيارة للقوات العراقية\n"
    once = suggest_candidates([doc(line + "قاعدة القيارة مهمة.\n")], top=20, min_count=1).candidates
    copied = suggest_candidates([doc(line * 3 + "قاعدة القيارة مهمة.\n"), doc(line, "copy.ar.txt")], top=20, min_count=1).candidates
    assert by_key(copied)[by_key(once) and "قاعده القياره"].count == 2


def test_folders_contribute_every_format_translate_reads() -> None:
    from glossary.suggest import CORPUS_SUFFIXES
    from translator.formats import FORMAT_MODULES

    assert set(FORMAT_MODULES) | {".txt"} == set(CORPUS_SUFFIXES)
