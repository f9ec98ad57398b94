"""Candidate glossary entries from an Arabic corpus: names and terms the glossary lacks.

Pure and light: plain data in, plain data out, no model stack. The renderings a
model proposes are added by :mod:`translator.suggest_renderings`.

How a corpus becomes a ranked list (each step is one function below):

1. Words come from the project's normalizer and the finder's word pattern, so
   spelling variants (ى/ي, ة/ه, hamza forms, diacritics, tatweel, bidi marks)
   are one word. A word that carries a proclitic (و ف ب ل ك, ل + ال) is read
   without it where the corpus writes the bare word at least a third as often
   (وللحشد → الحشد; وزارة stays: زارة is never written alone), by the finder's
   own clitic rules (:func:`glossary.finder.first_word_readings`). A word with
   و/ف ("and", "so") only begins a candidate; one with a preposition begins
   one as its reading and continues one as written (…المستقلة للانتخابات).
2. Candidates are runs of 1–5 words inside one stretch the finder would also
   treat as one term (words separated by a space, hyphen or underscore; any
   other punctuation, a number, or a word the glossary already covers ends the
   stretch). They are counted level by level: an n-gram can be frequent only
   if both its (n-1)-grams are, so a 10 MB corpus stays within memory.
3. Termhood: a candidate must not begin or end with a function word, a date
   word or a reporting verb, nor end with a head noun or title ("كتائب حزب"),
   nor begin with an adjective. Only its occurrences standing on their own
   count (C-value's nesting discount: كتائب حزب الله beats كتائب حزب and
   حزب الله when they only occur inside it), weighted by its length, by how
   strongly its words stick together (Dunning's log-likelihood at the weakest
   split), by name cues (a title or news verb such as الرئيس, المتحدث باسم or
   قال before it, a head noun such as حزب or قاعدة opening it) and by its
   spread over documents. A single word must be name-like: frequent, never
   written with the article toggled (بغداد, never البغداد; الجيش and جيش are
   both common words), neither an adjective nor a noun that takes one.
"""
from __future__ import annotations

import math
import os
import re
from array import array
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import compress
from typing import Iterable, Iterator, Sequence

from glossary.finder import (
    ARTICLE,
    PROCLITIC_SET,
    TERM_GAP_RE,
    WORD_RE,
    TermMatcher,
    compile_matcher,
    first_word_readings,
    form_words,
)
from glossary.model import Glossary
from glossary.normalize import DELETED, NormalizedText, normalize_arabic, normalize_with_map
from glossary.textio import read_text

MAX_WORDS = 5
# A proclitic reading is taken when the bare word is written at least
# 1/CLITIC_EVIDENCE as often as the clitic form (وعصائب ×2, عصائب ×1: one name).
CLITIC_EVIDENCE = 3
DEFAULT_TOP = 50
DEFAULT_MIN_COUNT = 2

# Files a folder contributes: the formats `tarjama translate` reads (plain
# text, and every suffix of translator.formats.FORMAT_MODULES, checked in
# tests). A file named on the command line is read whatever its name.
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
DOCUMENT_SUFFIXES = (".html", ".htm", ".docx", ".xlf", ".xliff", ".sdlxliff", ".mqxliff", ".srt", ".vtt")
CORPUS_SUFFIXES = TEXT_SUFFIXES + DOCUMENT_SUFFIXES

# Words that never begin or end a name or term: prepositions, conjunctions,
# pronouns, particles, auxiliaries. Written as in running text; normalized
# (with every proclitic prefixed) when first used, so one list serves all spellings.
FUNCTION_WORDS = """
في من على إلى الى عن مع أن إن ان أنه إنه أنها إنها لأن كأن لكن لكنه بل أو او أم ثم حتى إذا
إذ لو لولا كي كما مثل لدى عند بين حول خلال ضد نحو دون غير سوى كل بعض جميع أي أيضا
هذا هذه ذلك تلك هؤلاء أولئك هنا هناك الذي التي الذين اللذين اللتين اللواتي اللاتي ما ماذا
لماذا كيف أين متى من هو هي هم هما هن أنا نحن أنت أنتم له لها لهم لنا به بها بهم منه منها منهم
عليه عليها عليهم إليه إليها فيه فيها فيهم عنه عنها معه معها لا لم لن قد لقد سوف ليس ليست
كان كانت كانوا يكون تكون أصبح أصبحت بات ظل ما زال زالت يزال عبر وفق وفقا حسب بحسب منذ
قبل بعد أمام خلف فوق تحت لدي إثر عقب جراء بسبب رغم برغم ضمن إزاء لدن بينما حيث حين عندما
فقط جدا أكثر أقل نفس نفسه ذات ذاته آخر أخرى أخر عدة عدد بشأن تجاه إلا ولا وما وكان
بشكل بصورة حوالي قرابة يقارب نحو مدى أحد إحدى واحد واحدة قرب قرابة باسم بينهم بينها فيما كذلك إنما لذلك وسط
""".split()

# Reporting verbs and other news verbs that open or close a phrase (وقال مصدر…).
NEWS_VERBS = """
قال قالت أعلن أعلنت أكد أكدت أضاف أضافت أوضح أوضحت أشار أشارت ذكر ذكرت تابع تابعت
يقول تقول يأتي تأتي جاء جاءت أفاد أفادت نقل نقلت صرح صرحت بين بينت أبلغ كشف كشفت
يواجه تواجه يعاني تعاني يبدو بدا وصل وصلت غادر غادرت سلم سلمت تسلم أسفر تم يتم
شدد شددت دعا دعت طالب طالبت التقى التقت انتقد انتقدت رحب رحبت نفى نفت حذر حذرت
اتهم اتهمت أعرب أعربت رفض رفضت زار زارت استقبل استقبلت يقول يرى ترى اعتبر اعتبرت
""".split()

# Dates: weekdays, Gregorian and Levantine month names, and the words around them.
DATE_WORDS = """
السبت الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة يوم اليوم أمس غدا الليلة صباح مساء فجر
يناير فبراير مارس أبريل إبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر
كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين الثاني الأول
العام عام الأسبوع أسبوع الشهر شهر السنة سنة الماضي الماضية المقبل المقبلة الحالي الحالية الجاري
""".split()

# Number words: a count is no part of a name (ثلاثين يوما، مئات الجنود).
NUMBER_WORDS = """
واحد اثنان اثنين ثلاث ثلاثة أربع أربعة خمس خمسة ست ستة سبع سبعة ثماني ثمانية تسع تسعة عشر عشرة
عشرات عشرين ثلاثين أربعين خمسين ستين سبعين ثمانين تسعين مئة مائة مئات ألف آلاف مليون ملايين مليار
مليارات نصف ربع ثلث أول ثاني ثالث رابع خامس
""".split()

# Titles written before a person's or body's name: the words after them are a
# name. NEWS_VERBS are a cue too: the subject a news verb introduces is a name.
TITLE_CUES = """
الرئيس الجنرال العميد العقيد اللواء الكولونيل المقدم الرائد النقيب الشيخ السيد السيدة الزعيم
القائد قائد زعيم رئيس وزير الوزير النائب المتحدث الناطق المبعوث السفير مستشار المستشار أمين
مدينة بلدة قرية العاصمة عاصمة
""".split()
# (The last line: a place's generic head is a cue, not part of its name: مدينة الموصل is Mosul.)
# Two-word cues: the spokesman *for* X.
TITLE_PHRASE_CUES = ("المتحدث باسم", "الناطق باسم", "متحدث باسم", "ناطق باسم")

# Head nouns that open a name (حزب الله, قاعدة القيارة, وزارة الدفاع).
HEAD_CUES = """
حزب كتائب حركة تنظيم قوات فيلق لواء قاعدة مطار وزارة محافظة جامعة شركة هيئة مجلس جيش
جماعة جبهة منظمة ميناء معبر مخيم سرايا عصائب عصبة خلية بعثة وكالة
""".split()

# Common nouns of news prose that read like names when standing alone (no
# article to toggle in a small corpus, no adjective after them): never a
# single-word candidate. Phrases holding them are unaffected (الحكومة الاتحادية).
COMMON_NOUNS = """
البلاد بلاد البلد الدولة دولة الحكومة حكومة الوزارة الرئاسة البرلمان المجلس اللجنة لجنة الجيش القوات
الشرطة الأمن الشعب المواطنين المواطنون السكان الناس العالم المنطقة منطقة المحافظة الإقليم الحدود
الأراضي الأرض الحرب الهجوم هجوم الهجمات هجمات العملية عملية العمليات عمليات الاتفاق اتفاق الاتفاقات
اتفاقات الاتفاقية المفاوضات الانتخابات انتخابات الاقتراع التصويت الاستفتاء القرار قرار القانون قانون
الدستور المشروع مشروع الخطة خطة الأزمة أزمة الوضع الأوضاع الملف المسألة القضية قضية الاتهام الاتهامات
بيان البيان تصريح تصريحات التصريحات مؤتمر المؤتمر اجتماع الاجتماع لقاء اللقاء زيارة الزيارة مصدر
المصدر مصادر المصادر مسؤول المسؤول مسؤولين المسؤولين مسؤولون المسؤولون النواب الأطراف الجانب
الطرفين المعارضة المتظاهرين المحتجين الضحايا القتلى الجرحى مقتل مصرع إصابة الإصابات الدعم دعم
المساعدات المساعدة الاقتصاد النفط الموازنة الميزانية الرواتب رواتب الأسعار الأموال التمويل الاستثمار
السوق التجارة الطاقة الكهرباء المياه الصحة التعليم الفيروس الوباء الإرهاب المسلحين مسلحين الفصائل
فصائل الميليشيات السلاح الأسلحة الصواريخ صواريخ الطائرات الغارات غارة الغارة الانسحاب انسحاب سحب
تسليم التسليم نشر الانتشار تمديد تنفيذ السيطرة الاستقرار التحقيق تحقيق المحكمة القضاء السجن
الاعتقال اعتقال الإفراج الحوار العلاقات علاقات التعاون التقرير تقرير الصحفيين الإعلام الصحيفة
الوكالة فيديو الفيديو الصور المقاتلين الجنود العسكريين المدنيين الأهالي العائلات الأسر اللاجئين النازحين
""".split()

# Head nouns of places: the word after one is a place name (مطار أربيل, قاعدة القيارة),
# a cue for that word standing alone elsewhere.
PLACE_HEADS = """
قاعدة مطار محافظة ميناء معبر مخيم قضاء ناحية
""".split()

# How sharply the log-likelihood rewards words that stick together: the
# association factor is G2 / (G2 + ASSOCIATION_HALF); at G2 = ASSOCIATION_HALF it is 0.5.
ASSOCIATION_HALF = 12.0
# A single word enters only when name-like, this many times at least (and
# min_count); a cued one (after a title or a news verb, after a place's generic
# head, or after a first name: عدنان الزرفي … الزرفي) from CUED_SINGLE_WORD_COUNT.
MIN_SINGLE_WORD_COUNT = 3
CUED_SINGLE_WORD_COUNT = 2
# A cued single word's strength: SINGLE_WORD_FACTOR * (1 + SINGLE_CUE_BONUS * cued share).
SINGLE_CUE_BONUS = 1.5
# A single word followed by a definite word in 1/HEAD_SHARE of its occurrences
# or more is a common noun (a construct's head, or a noun with an adjective).
HEAD_SHARE = 3
# Single words rank below phrases of the same evidence (C-value's log2(n+1) gives them 1.0):
# without a lexicon a frequent common noun looks much like a name.
SINGLE_WORD_FACTOR = 0.35
# Names rarely hold a function word (الدولة الإسلامية في العراق is the exception).
INNER_FUNCTION_WORD_FACTOR = 0.3
# At most this factor for name cues (every occurrence after a title or opening with a head noun).
CUE_WEIGHT = 1.0
# Spread: each doubling of the documents a candidate occurs in adds this share.
SPREAD_WEIGHT = 0.5
# Candidates scored in the first pass; only these are located in the text for
# spread, cues and examples.
SHORTLIST_FACTOR = 4
SHORTLIST_MIN = 200
# Occurrences kept in detail per candidate (forms, example, renderings); all
# of them count for the number of documents and the cues.
MAX_DETAILED = 100
# Context shown around an example occurrence, in characters each side.
CONTEXT_CHARS = 40

_SEP = -1
# Proclitic conjunctions (و "and", ف "so"): a word carrying one begins a new phrase.
CONJUNCTIONS = "\u0648\u0641"
_DIGITS_RE = re.compile(r"\d")
_DELETED_RE = re.compile("[" + re.escape(DELETED) + "]")


# ---------------------------------------------------------------- data


@dataclass(frozen=True)
class CorpusDocument:
    """One input file, decoded (line ends ``\\n``).

    For a document format (HTML, DOCX, XLIFF, subtitles) ``text`` is its
    translatable units, one per line, and ``places`` gives, per line, where that
    unit is in the file: ``(line, column)`` or a label (``body:p12``).
    """

    path: str
    text: str
    places: tuple[tuple[int, int] | str, ...] | None = None


@dataclass(frozen=True)
class Occurrence:
    """Where a candidate occurs: 1-based line and column of its surface, offsets in the document."""

    document: int  # index into the corpus
    line: int
    column: int
    start: int  # surface start (clitics included)
    term_start: int  # where the candidate's own letters begin
    end: int
    surface: str
    term: str  # the candidate as written here, without clitics (ل + لحشد is read الحشد)


@dataclass(frozen=True)
class Candidate:
    """A proposed glossary entry with the evidence for it."""

    key: str  # normalized words joined by spaces: what the finder would match
    source: str  # the proposed source form: the commonest spelling, clitics removed
    words: int
    score: float
    count: int
    documents: int
    forms: tuple[tuple[str, int], ...]  # every surface seen (clitics included), with counts
    cued: int  # occurrences after a title or opening with a head noun
    association: float  # log-likelihood at the weakest split (0 for a single word)
    occurrences: tuple[Occurrence, ...] = field(repr=False, default=())


@dataclass(frozen=True)
class Proposal:
    """A candidate as listed: with the renderings a model proposed (None without a model)."""

    candidate: Candidate
    score: float  # the candidate's score, raised when a model renders it inconsistently
    renderings: tuple[tuple[str, int], ...] | None = None  # most frequent first
    inconsistent: bool | None = None

    @property
    def target(self) -> str | None:
        """The proposed English target: the commonest rendering."""
        return self.renderings[0][0] if self.renderings else None


def without_renderings(candidates: Sequence[Candidate]) -> list[Proposal]:
    """Proposals for ``candidates`` as ranked, when no model is used."""
    return [Proposal(candidate, candidate.score) for candidate in candidates]


@dataclass(frozen=True)
class Suggestions:
    """The ranked candidates of a corpus and what the ranking saw."""

    candidates: tuple[Candidate, ...]
    documents: tuple[str, ...]
    words: int
    # The candidates ranked after the top ones (as far as the shortlist goes).
    runners_up: tuple[Candidate, ...] = ()


# ---------------------------------------------------------------- reading


def read_corpus(paths: Sequence[str]) -> list[CorpusDocument]:
    """Every document under ``paths`` (files as given; folders recursively, by suffix).

    The one place that reads inputs, so new input formats plug in here.
    Unreadable or undecodable files raise the usual one-line errors.
    """
    return [_read_document(path) for path in corpus_files(paths)]


def _read_document(path: str) -> CorpusDocument:
    if path == "-":
        return CorpusDocument("<stdin>", read_text(path).text)
    if not path.lower().endswith(DOCUMENT_SUFFIXES):
        return CorpusDocument(path, read_text(path).text)
    # Imported here: only a document input pays for the format libraries.
    from glossary.textio import read_bytes
    from translator.formats import read_document

    # Every source unit counts, translated already or not (XLIFF targets are no matter here).
    units = read_document(read_bytes(path), path, overwrite_targets=True).units
    lines: list[str] = []
    places: list[tuple[int, int] | str] = []
    for unit in units:
        if not unit.text.strip():
            continue
        lines.append(" ".join(unit.text.split()))
        location = unit.location
        if location.line is not None:
            places.append((location.line, location.column or 1))
        else:
            places.append(location.label or "")
    return CorpusDocument(path, "\n".join(lines) + ("\n" if lines else ""), tuple(places))


def occurrence_place(document: CorpusDocument, occurrence: Occurrence) -> tuple[int | None, int | None, str | None]:
    """``(line, column, label)`` of an occurrence in its file (a document format's unit, else the text)."""
    if document.places is None:
        return occurrence.line, occurrence.column, None
    place = document.places[occurrence.line - 1]
    if isinstance(place, str):
        return None, None, place
    # A unit's words were joined by single spaces: the column is that of the unit's start.
    return place[0], place[1], None


def corpus_files(paths: Sequence[str]) -> Iterator[str]:
    """The files ``paths`` name: each file, and the suffixed files below each folder (sorted, hidden skipped)."""
    for path in paths:
        if path != "-" and os.path.isdir(path):
            for directory, subfolders, names in os.walk(path):
                subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
                for name in sorted(names):
                    if not name.startswith(".") and name.lower().endswith(CORPUS_SUFFIXES):
                        yield os.path.join(directory, name)
        else:
            yield path


# ---------------------------------------------------------------- word classes


def _with_clitics(words: Iterable[str]) -> frozenset[str]:
    """Normalized ``words``, each also with every proclitic attached."""
    bare = {normalize_arabic(word) for word in words}
    return frozenset(bare | {clitic + word for clitic in PROCLITIC_SET for word in bare})


@dataclass(frozen=True)
class _WordClasses:
    function: frozenset[str]
    edge: frozenset[str]  # may not begin or end a candidate
    titles: frozenset[str]
    verbs: frozenset[str]  # news verbs and titles, with any proclitic: cues before a name
    title_phrases: frozenset[tuple[str, str]]
    heads: frozenset[str]
    common_nouns: frozenset[str]  # never a single-word candidate
    place_heads: frozenset[str]


_CLASSES: list[_WordClasses] = []


def _word_classes() -> _WordClasses:
    """The word lists above, normalized once on first use (no work at import time)."""
    if not _CLASSES:
        function = _with_clitics(FUNCTION_WORDS)
        titles = frozenset(normalize_arabic(word) for word in TITLE_CUES)
        heads = frozenset(normalize_arabic(word) for word in HEAD_CUES)
        _CLASSES.append(
            _WordClasses(
                function=function,
                edge=function | _with_clitics(NEWS_VERBS) | _with_clitics(DATE_WORDS) | _with_clitics(NUMBER_WORDS),
                titles=titles,
                verbs=_with_clitics(NEWS_VERBS) | _with_clitics(TITLE_CUES),
                title_phrases=frozenset(tuple(normalize_arabic(p).split()) for p in TITLE_PHRASE_CUES),  # type: ignore[misc]
                heads=heads,
                common_nouns=frozenset(normalize_arabic(word) for word in COMMON_NOUNS),
                place_heads=frozenset(normalize_arabic(word) for word in PLACE_HEADS),
            )
        )
    return _CLASSES[0]


def choose_readings(word_counts: Counter[str], function_words: frozenset[str]) -> dict[str, tuple[str, int]]:
    """``word -> (reading, proclitic length)`` for every written word.

    A proclitic is removed when the corpus writes the remaining word (or the
    ل + ال reading) alone at least a third as often as the word as written; a reading that
    is a function word is never chosen (كان is not ك + ان).
    """
    readings: dict[str, tuple[str, int]] = {}
    for word, count in word_counts.items():
        best, best_count = (word, 0), count
        if len(word) > 2:
            for reading, clitic_length in first_word_readings(word)[1:]:
                seen = word_counts.get(reading, 0)
                if seen and seen * CLITIC_EVIDENCE >= best_count and reading not in function_words:
                    best, best_count = (reading, clitic_length), seen
        readings[word] = best
    return readings


# ---------------------------------------------------------------- the corpus as word ids


@dataclass
class _Line:
    document: int
    start: int  # offset of the line in its document
    number: int  # 1-based
    first_token: int  # index of its first entry in the token sequence


@dataclass
class _Corpus:
    """The corpus as one sequence of word ids, ``_SEP`` wherever a candidate cannot continue."""

    vocabulary: list[str]
    # A word with a preposition (ب ل ك) continues a phrase as written (…المستقلة
    # للانتخابات) but begins one as its reading (للحشد → الحشد): ``ids`` has the
    # written word, ``first_ids`` the reading; elsewhere they are the same.
    ids: array[int]
    first_ids: array[int]
    to_first: dict[int, int]  # written id -> reading id, for those words
    # Each entry's [start, end) in its line's normalized text (-1 for _SEP).
    starts: array[int]
    ends: array[int]
    lines: list[_Line]
    line_starts: list[int]  # first_token of each line, for bisect
    readings: dict[str, tuple[str, int]]
    words: int


def _lines(document: CorpusDocument) -> Iterator[tuple[int, int, str]]:
    """``(line number, offset, text)`` of each line of ``document``."""
    offset = 0
    for number, line in enumerate(document.text.split("\n"), start=1):
        yield number, offset, line
        offset += len(line) + 1


# A stretch the finder could match as one term: words joined only by the
# finder's term gaps (space, underscore, hyphens); anything else ends it.
# Built from the finder's own two patterns (word characters and gap characters
# are disjoint, so a gap between two words is never empty).
_STRETCH_RE = re.compile(WORD_RE.pattern + "(?:(?:" + TERM_GAP_RE.pattern + ")" + WORD_RE.pattern + ")*")
# Plans: what a written word adds to the sequence.
_BREAK, _PLAIN, _CONJUNCTION, _PREPOSITION = range(4)
# Written over glossary terms before splitting: never a word, always a break.
_COVERED = "\x00"


def _build_corpus(documents: Sequence[CorpusDocument], glossary: Glossary | None) -> _Corpus:
    classes = _word_classes()
    word_counts: Counter[str] = Counter()
    for document in documents:
        word_counts.update(WORD_RE.findall(normalize_arabic(document.text)))
    readings = choose_readings(word_counts, classes.function)
    matcher = compile_matcher(glossary) if glossary is not None and glossary.entries else None
    vocabulary: list[str] = []
    id_of: dict[str, int] = {}
    to_first: dict[int, int] = {}
    plans: dict[str, tuple[int, int, int]] = {}

    def word_id(word: str) -> int:
        found = id_of.get(word)
        if found is None:
            found = id_of[word] = len(vocabulary)
            vocabulary.append(word)
        return found

    def plan(word: str) -> tuple[int, int, int]:
        if word in PROCLITIC_SET or _DIGITS_RE.search(word):
            made = (_BREAK, _SEP, _SEP)
        else:
            reading, clitic_length = readings[word]
            if clitic_length and word[0] in CONJUNCTIONS:
                made = (_CONJUNCTION, word_id(reading), word_id(reading))  # "and" begins a phrase
            elif clitic_length:
                written, first = word_id(word), word_id(reading)
                to_first[written] = first
                made = (_PREPOSITION, written, first)
            else:
                made = (_PLAIN, word_id(word), word_id(word))
        plans[word] = made
        return made

    ids: array[int] = array("i")
    first_ids: array[int] = array("i")
    starts: array[int] = array("i")
    ends: array[int] = array("i")
    lines: list[_Line] = []
    # Bound methods: this loop runs once per word of the corpus.
    add_id, add_first, add_start, add_end = ids.append, first_ids.append, starts.append, ends.append
    # A line written again (a headline repeated as the title, an article filed
    # twice, the same text as .html and .docx) counts once: copies would make
    # whole sentences look like terms.
    seen_lines: set[int] = set()
    for doc_index, document in enumerate(documents):
        for number, offset, line in _lines(document):
            if not line.strip():
                continue
            norm = _masked(line, matcher) if matcher is not None else normalize_arabic(line)
            fingerprint = hash(" ".join(WORD_RE.findall(norm)))
            if fingerprint in seen_lines:
                continue
            seen_lines.add(fingerprint)
            lines.append(_Line(doc_index, offset, number, len(ids)))
            for stretch in _STRETCH_RE.finditer(norm):
                for match in WORD_RE.finditer(norm, stretch.start(), stretch.end()):
                    word = match.group()
                    kind, written, first = plans.get(word) or plan(word)
                    if kind == _BREAK or kind == _CONJUNCTION:
                        add_id(_SEP)
                        add_first(_SEP)
                        add_start(-1)
                        add_end(-1)
                        if kind == _BREAK:
                            continue
                    add_id(written)
                    add_first(first)
                    add_start(match.start())
                    add_end(match.end())
                add_id(_SEP)
                add_first(_SEP)
                add_start(-1)
                add_end(-1)
    return _Corpus(
        vocabulary=vocabulary,
        ids=ids,
        first_ids=first_ids,
        to_first=to_first,
        starts=starts,
        ends=ends,
        lines=lines,
        line_starts=[line.first_token for line in lines],
        readings=readings,
        words=sum(word_counts.values()),
    )


def _masked(line: str, matcher: TermMatcher) -> str:
    """The normalized line with every glossary term written over (same length), so none is a candidate."""
    normalized = normalize_with_map(line)
    norm = normalized.text
    pieces: list[str] = []
    last = 0
    for occurrence in matcher.find_normalized(normalized):
        start, end = normalized.from_original(occurrence.start), normalized.from_original(occurrence.end)
        pieces += [norm[last:start], _COVERED * (end - start)]
        last = end
    pieces.append(norm[last:])
    return "".join(pieces)


def count_ngrams(
    ids: Sequence[int],
    min_count: int,
    max_words: int = MAX_WORDS,
    first_ids: Sequence[int] | None = None,
    to_first: dict[int, int] | None = None,
) -> dict[tuple[int, ...], int]:
    """Counts of every n-gram (1..max_words, no ``_SEP``) occurring at least ``min_count`` times.

    An n-gram's first word is taken from ``first_ids``, the others from ``ids``
    (``to_first`` maps the second to the first where they differ). Level by
    level: an n-gram is counted only where both its (n-1)-grams are frequent,
    which keeps memory to the frequent ones (apriori).
    """
    first_ids = ids if first_ids is None else first_ids
    to_first = to_first or {}
    unigrams = Counter(first_ids)
    unigrams.pop(_SEP, None)
    frequent: dict[tuple[int, ...], int] = {(w,): c for w, c in unigrams.items() if c >= min_count}
    previous = {key for key in frequent}
    for n in range(2, max_words + 1):
        if not previous:
            break
        windows = zip(first_ids, *(ids[i:] for i in range(1, n)))
        level = Counter(
            window
            for window in windows
            if window[:-1] in previous
            and (
                window[1:] in previous
                or (window[1] in to_first and (to_first[window[1]], *window[2:]) in previous)
            )
        )
        previous = {key for key, count in level.items() if count >= min_count}
        frequent.update((key, level[key]) for key in previous)
    return frequent


# ---------------------------------------------------------------- scoring


def log_likelihood(joint: int, left: int, right: int, total: int) -> float:
    """Dunning's G2 for a 2x2 contingency table of two parts occurring together ``joint`` times."""
    cells = (
        (joint, left, right),
        (left - joint, left, total - right),
        (right - joint, total - left, right),
        (total - left - right + joint, total - left, total - right),
    )
    g2 = 0.0
    for observed, row, column in cells:
        if observed > 0 and row > 0 and column > 0:
            g2 += observed * math.log(observed * total / (row * column))
    return max(2.0 * g2, 0.0)


def _as_first(part: tuple[int, ...], to_first: dict[int, int]) -> tuple[int, ...]:
    """A part of a key as a key of its own: its first word read without its preposition."""
    first = to_first.get(part[0])
    return part if first is None else (first, *part[1:])


def _weakest_split(
    key: tuple[int, ...], counts: dict[tuple[int, ...], int], total: int, to_first: dict[int, int]
) -> float:
    joint = counts[key]
    # A part missing from ``counts`` (a headed name admitted below min_count)
    # occurs fewer than min_count times: taken as often as the name itself,
    # which is exact at the default min_count of 2.
    return min(
        log_likelihood(
            joint, counts.get(key[:cut], joint), counts.get(_as_first(key[cut:], to_first), joint), total
        )
        for cut in range(1, len(key))
    )


def add_headed_names(corpus: _Corpus, counts: dict[tuple[int, ...], int], max_words: int = MAX_WORDS) -> None:
    """Add to ``counts`` the names opening with a head noun that occur too rarely to be counted.

    A head noun (كتائب، هيئة، فيلق، قاعدة…) says a name follows, so such a name
    is worth listing from its first occurrence (an article names كتائب حزب الله
    once). Each is read off the text as: the head nouns, one complement, then
    the definite adjectives bound to it: those the corpus writes after no other
    word (هيئة الحشد الشعبي), and not a nationality (فيلق القدس, not …الإيراني,
    since إيران is written too). A name ends after الله (كتائب حزب الله).
    """
    classes = _word_classes()
    vocabulary, ids, first_ids = corpus.vocabulary, corpus.ids, corpus.first_ids
    heads = {index for index, word in enumerate(vocabulary) if word in classes.heads}
    written = set(vocabulary)
    end_words = {index for index, word in enumerate(vocabulary) if word == _ALLAH}
    spans: list[tuple[int, int]] = []
    for position in compress(range(len(first_ids)), map(heads.__contains__, first_ids)):
        if position and ids[position - 1] in heads:
            continue  # inside a chain of heads (قيادة قوات التحالف): taken from its first head
        end = position + 1
        while end < len(ids) and ids[end] in heads and end - position < max_words - 1:
            end += 1
        if end >= len(ids) or ids[end] == _SEP or vocabulary[ids[end]] in classes.edge:
            continue
        end += 1  # the complement
        spans.append((position, end))
    # Which definite words follow one word only, for the adjectives bound to a name.
    following: dict[int, int] = {}
    free: set[int] = set()
    for previous, word in zip(ids, ids[1:]):
        if word != _SEP and previous != _SEP and word not in free:
            if following.setdefault(word, previous) != previous:
                free.add(word)
    found: Counter[tuple[int, ...]] = Counter()
    for position, end in spans:
        while (
            end < len(ids)
            and end - position < max_words
            and ids[end - 1] not in end_words
            and ids[end] != _SEP
            and ids[end] not in free
            and _bound_adjective(vocabulary[ids[end]], written)
        ):
            end += 1
        key = (first_ids[position], *ids[position + 1 : end])
        if key not in counts:
            found[key] += 1
    counts.update(found)


_ALLAH = normalize_arabic("الله")
_NISBA_ENDINGS = (normalize_arabic("ية"), normalize_arabic("ي"))


def _bound_adjective(word: str, written: set[str]) -> bool:
    """A definite word that may continue a name: not the adjective of a name the corpus writes (الإيراني: إيران)."""
    if not word.startswith(ARTICLE):
        return False
    stem = word[len(ARTICLE) :]
    for ending in _NISBA_ENDINGS:
        if stem.endswith(ending) and len(stem) > len(ending) + 1:
            root = stem[: -len(ending)]
            if root in written or root + "\u0627" in written or ARTICLE + root in written:
                return False
            break
    return True


@dataclass
class _Scored:
    key: tuple[int, ...]
    count: int
    association: float
    base: float  # everything but cues from titles and spread
    cued: int | None = None  # a single word's cued occurrences (see _single_word_cues); None: count them when located
    independent: int = 0  # occurrences standing on their own (not inside a longer candidate)


def _inside_longer(
    keys: Iterable[tuple[int, ...]], counts: dict[tuple[int, ...], int], to_first: dict[int, int]
) -> Counter[tuple[int, ...]]:
    """For each key, how many of its occurrences lie inside a kept candidate one word longer.

    C-value's nesting discount, taken as the occurrences not standing on their
    own (an occurrence inside two longer candidates counts twice: the discount
    errs towards the longer ones).
    """
    inside: Counter[tuple[int, ...]] = Counter()
    for key in keys:
        count = counts[key]
        if count < 2:
            continue  # a longer phrase seen once is no evidence that its parts never stand alone
        inside[key[:-1]] += count
        inside[_as_first(key[1:], to_first)] += count
    return inside


def _score_candidates(corpus: _Corpus, counts: dict[tuple[int, ...], int], min_count: int) -> list[_Scored]:
    classes = _word_classes()
    vocabulary = corpus.vocabulary
    edge = classes.edge
    closing = classes.heads | classes.titles | edge
    opening_titles = {word for word in classes.titles if word.startswith(ARTICLE)}
    total = max(len(corpus.ids), 1)
    to_first = corpus.to_first
    all_counts = Counter(corpus.first_ids)
    word_counts = Counter({vocabulary[word]: count for word, count in all_counts.items() if word != _SEP})
    modifiers, heads_of = _modifier_counts(corpus)

    function = classes.function

    def well_formed(key: tuple[int, ...]) -> bool:
        first, last = vocabulary[key[0]], vocabulary[key[-1]]
        return not (first in edge or last in closing or first in opening_titles)

    def name_like_single(key: tuple[int, ...]) -> bool:
        word = vocabulary[key[0]]
        return (
            counts[key] >= max(min_count, CUED_SINGLE_WORD_COUNT)
            and word not in classes.common_nouns
            and modifiers[key[0]] * 2 < counts[key]
            and heads_of[key[0]] * HEAD_SHARE < counts[key]
            and _name_like(word, word_counts)
        )

    plain_words = classes.edge | classes.heads | classes.titles | classes.verbs | classes.common_nouns

    def person_name(key: tuple[int, ...]) -> bool:
        """A first name and a family name (قاسم سليماني، مقتدى الصدر): the first
        word plain and followed by the second in at least half of its uses, the last name-like."""
        first = vocabulary[key[0]]
        return (
            counts[key] >= 2  # seen once, every first word "always" precedes its second
            and (len(key) == 2 or (len(key) == 3 and not vocabulary[key[1]].startswith(ARTICLE)))
            and not first.startswith(ARTICLE)
            and first not in plain_words
            and counts.get(key[:2], 0) * 2 >= all_counts[key[0]]
            and _name_like(vocabulary[key[-1]], word_counts)
        )

    singles = {key[0] for key in counts if len(key) == 1 and well_formed(key) and name_like_single(key)}
    single_cues = _single_word_cues(corpus, singles, all_counts)

    def eligible(key: tuple[int, ...]) -> bool:
        if len(key) > 1 and modifiers[key[0]] * 2 >= all_counts[key[0]]:
            return False  # an adjective does not begin a name (العراقي مصطفى)
        if len(key) == 1:
            return key[0] in singles and (
                counts[key] >= MIN_SINGLE_WORD_COUNT or single_cues[key[0]] > 0
            )
        return True

    formed = [key for key in counts if well_formed(key)]
    # A title before a name (قائد فيلق القدس) is not part of it when the name
    # stands as a candidate on its own; an office (رئيس الوزراء) stays.
    formed_set = set(formed)
    formed = [
        key for key in formed if not (vocabulary[key[0]] in classes.titles and _as_first(key[1:], to_first) in formed_set)
    ]
    # Only the occurrences standing on their own count: كتائب حزب inside
    # كتائب حزب الله, or العراقية inside القوات العراقية, are not candidates of
    # their own (the longer phrase discounts even when it is no candidate itself,
    # as المتحدة لمساعدة العراق, which opens with an adjective).
    inside = _inside_longer((key for key in formed if len(key) > 1), counts, to_first)
    kept = [key for key in formed if eligible(key)]
    scored: list[_Scored] = []
    for key in kept:
        count = counts[key]
        independent = count - inside[key]
        cued: int | None = None
        if len(key) == 1:
            association = 0.0
            cued = min(single_cues[key[0]], count)
            strength = SINGLE_WORD_FACTOR * (1.0 + SINGLE_CUE_BONUS * cued / count)
        else:
            if person_name(key):
                cued = count
            association = _weakest_split(key, counts, total, to_first)
            strength = association / (association + ASSOCIATION_HALF)
            if any(vocabulary[word] in function for word in key[1:-1]):
                strength *= INNER_FUNCTION_WORD_FACTOR
        if independent <= 0:
            continue  # only ever inside longer candidates
        # Seen once, a longer phrase is no likelier a term than its parts: no length
        # weight; except a name a head noun opens (admitted below min_count, see
        # add_headed_names), which the head marks as a name whatever its length.
        length = math.log2(len(key) + 1) if count > 1 or count < min_count else 1.0
        scored.append(_Scored(key, count, association, length * independent * strength, cued, independent))
    scored.sort(key=lambda s: -s.base)
    return scored


def _single_word_cues(corpus: _Corpus, singles: set[int], all_counts: Counter[int]) -> Counter[int]:
    """Per single-word candidate: its occurrences that something before marks as a name.

    A title or news verb (الرئيس برهم صالح، وقال كيغنز), a place's head noun
    (مدينة الموصل، مطار أربيل), or a first name: a plain word (no article, no proclitic, no
    initial و, no function word, head, title or common noun) followed by this word in at
    least half of its own occurrences (عدنان الزرفي … then الزرفي alone).
    """
    classes = _word_classes()
    vocabulary, ids = corpus.vocabulary, corpus.ids
    first_ids = corpus.first_ids
    marks = classes.titles | classes.verbs | classes.place_heads
    not_first_names = classes.edge | classes.heads | marks | classes.common_nouns
    pairs: Counter[tuple[int, int]] = Counter()
    cued: Counter[int] = Counter()
    alone: set[int] = set()  # seen at least once with no plain word just before
    for position in compress(range(len(first_ids)), map(singles.__contains__, first_ids)):
        previous = ids[position - 1] if position else _SEP
        if previous == _SEP or ids[position] != first_ids[position]:  # a proclitic stands between
            alone.add(first_ids[position])
            continue
        word = vocabulary[previous]
        if word in marks or (position >= 2 and ids[position - 2] != _SEP
                             and (vocabulary[ids[position - 2]], word) in classes.title_phrases):
            cued[first_ids[position]] += 1
        elif (
            not word.startswith(ARTICLE)
            and not word.startswith("\u0648")  # و + a verb the corpus never writes bare (ووعد), not a name
            and len(word) >= 2
            and word not in not_first_names
            and first_ids[position - 1] == previous  # no proclitic read off it
        ):
            pairs[previous, first_ids[position]] += 1
        else:
            alone.add(first_ids[position])
    after_first_name: Counter[int] = Counter()
    for (first_name, surname), together in pairs.items():
        if together * 2 >= all_counts[first_name]:
            after_first_name[surname] += together
    # The surname pattern needs the short form too: a word only ever seen after
    # such "first names" is more likely an adjective after nouns (كبيرا جديدا).
    for surname, together in after_first_name.items():
        if surname in alone:
            cued[surname] += together
    return cued


def _modifier_counts(corpus: _Corpus) -> tuple[Counter[int], Counter[int]]:
    """Per word: how often it follows a definite word, and how often a definite word follows it.

    A definite word after a definite word is an adjective (القوات العراقية,
    القاعدة العسكرية); a word a definite word follows is a noun that heads a
    construct or takes an adjective (دعم الأسر, الانتخابات النيابية). Either
    way it is a common word of its phrase, not a name standing alone.
    """
    vocabulary = corpus.vocabulary
    definite = {index for index, word in enumerate(vocabulary) if word.startswith(ARTICLE)}
    edge = _word_classes().edge
    ids = corpus.first_ids
    modifiers: Counter[int] = Counter()
    heads: Counter[int] = Counter()
    for before, a, b in zip([_SEP, *ids], ids, ids[1:]):
        if b not in definite or a == _SEP:
            continue
        if a in definite:
            modifiers[b] += 1
        # After a construct's head the definite word may belong to that head
        # (مطار بغداد الدولي: الدولي is the airport's): it says nothing about a.
        if before == _SEP or before in definite or vocabulary[before] in edge:
            heads[a] += 1
    return modifiers, heads


def _name_like(word: str, counts: Counter[str]) -> bool:
    """A single word that reads like a name: never written with the article toggled.

    Common nouns and adjectives come with and without ال (الجيش, جيش);
    names keep theirs as they are (بغداد, العراق).
    """
    if len(word) < 3:
        return False
    toggled = word[len(ARTICLE) :] if word.startswith(ARTICLE) else ARTICLE + word
    return counts.get(toggled, 0) == 0


# ---------------------------------------------------------------- locating


def _locate(
    corpus: _Corpus,
    documents: Sequence[CorpusDocument],
    shortlist: dict[tuple[int, ...], _Scored],
) -> dict[tuple[int, ...], _Located]:
    """Each shortlisted key's documents and cues over all its occurrences, and the first ones in detail."""
    classes = _word_classes()
    ids, first_ids = corpus.ids, corpus.first_ids
    by_first: dict[int, list[tuple[int, ...]]] = defaultdict(list)
    for key in shortlist:
        by_first[key[0]].append(key)
    positions: dict[tuple[int, ...], list[int]] = defaultdict(list)
    count = len(ids)
    for position in compress(range(count), map(by_first.__contains__, first_ids)):
        for key in by_first[first_ids[position]]:
            n = len(key)
            if position + n <= count and key[1:] == tuple(ids[position + 1 : position + n]):
                positions[key].append(position)
    line_starts = corpus.line_starts
    normalized_lines: dict[int, tuple[str, NormalizedText]] = {}
    located: dict[tuple[int, ...], _Located] = {}
    for key, found in positions.items():
        line_indexes = [bisect_right(line_starts, position) - 1 for position in found]
        documents_seen = {corpus.lines[index].document for index in line_indexes}
        cued = sum(1 for position in found if _after_title(corpus, position, classes))
        details = [
            _occurrence(corpus, documents, normalized_lines, index, position, len(key))
            for position, index in zip(found[:MAX_DETAILED], line_indexes)
        ]
        located[key] = _Located(tuple(details), len(documents_seen), cued)
    return located


@dataclass(frozen=True)
class _Located:
    occurrences: tuple[Occurrence, ...]  # the first MAX_DETAILED
    documents: int
    cued: int  # occurrences after a title or a news verb


def _occurrence(
    corpus: _Corpus,
    documents: Sequence[CorpusDocument],
    normalized_lines: dict[int, tuple[str, NormalizedText]],
    line_index: int,
    position: int,
    words: int,
) -> Occurrence:
    """The occurrence of a ``words``-word key at sequence ``position``, in original offsets."""
    line = corpus.lines[line_index]
    cached = normalized_lines.get(line_index)
    if cached is None:
        text = documents[line.document].text
        line_end = text.find("\n", line.start)
        line_text = text[line.start : line_end if line_end >= 0 else len(text)]
        cached = normalized_lines[line_index] = (line_text, normalize_with_map(line_text))
    line_text, normalized = cached
    norm_start, norm_end = corpus.starts[position], corpus.ends[position + words - 1]
    first_word = normalized.text[norm_start : corpus.ends[position]]
    reading, clitic_length = corpus.readings[first_word]
    start, end = normalized.span_to_original(norm_start, norm_end)
    term_start = normalized.to_original(norm_start + clitic_length) if clitic_length else start
    term = line_text[term_start:end]
    if clitic_length and not first_word.endswith(reading):
        term = ARTICLE + term[1:]  # ل + ال written لل: the article's alef comes back
    return Occurrence(
        document=line.document,
        line=line.number,
        column=start + 1,
        start=line.start + start,
        term_start=line.start + term_start,
        end=line.start + end,
        surface=line_text[start:end],
        term=term,
    )


def _after_title(corpus: _Corpus, position: int, classes: _WordClasses) -> bool:
    """Whether a title, or a news verb (its subject is a name: وأضاف نيد برايس), comes just before."""
    previous = corpus.ids[position - 1] if position >= 1 else _SEP
    if previous == _SEP:
        return False
    word = corpus.vocabulary[previous]
    if word in classes.titles or word in classes.verbs:
        return True
    before = corpus.ids[position - 2] if position >= 2 else _SEP
    return before != _SEP and (corpus.vocabulary[before], word) in classes.title_phrases


# ---------------------------------------------------------------- the whole thing


def suggest_candidates(
    documents: Sequence[CorpusDocument],
    glossary: Glossary | None = None,
    top: int = DEFAULT_TOP,
    min_count: int = DEFAULT_MIN_COUNT,
    headed_once: bool = False,
) -> Suggestions:
    """The ``top`` best candidate entries of ``documents`` that ``glossary`` does not cover.

    ``headed_once``: names opening with a head noun (كتائب حزب الله) are
    candidates from their first occurrence, whatever ``min_count`` (what the
    CLI does when ``--min-count`` is not given).
    """
    corpus = _build_corpus(documents, glossary)
    counts = count_ngrams(corpus.ids, max(min_count, 1), first_ids=corpus.first_ids, to_first=corpus.to_first)
    if headed_once and min_count > 1:
        add_headed_names(corpus, counts)
    scored = _score_candidates(corpus, counts, min_count)
    excluded = _excluded_keys(glossary)
    vocabulary = corpus.vocabulary
    scored = [s for s in scored if " ".join(vocabulary[w] for w in s.key) not in excluded]
    shortlist = {s.key: s for s in scored[: max(top * SHORTLIST_FACTOR, SHORTLIST_MIN)]}
    located = _locate(corpus, documents, shortlist)
    heads = _word_classes().heads
    candidates: list[Candidate] = []
    for key, entry in shortlist.items():
        found = located.get(key)
        if found is None or not found.occurrences:
            continue
        count = entry.count
        if entry.cued is not None:
            cued = entry.cued
        elif vocabulary[key[0]] in heads:
            cued = count
        else:
            cued = min(found.cued, count)
        # Spread as C-value counts: a name standing on its own once (مطار بغداد,
        # elsewhere always inside مطار بغداد الدولي) is spread over one document at most.
        spread = min(found.documents, max(entry.independent, 1))
        score = entry.base * (1.0 + CUE_WEIGHT * cued / count) * (1.0 + SPREAD_WEIGHT * math.log2(spread))
        candidates.append(
            Candidate(
                key=" ".join(vocabulary[w] for w in key),
                source=_commonest_spelling(found.occurrences),
                words=len(key),
                score=round(score, 3),
                count=count,
                documents=found.documents,
                forms=tuple(Counter(" ".join(o.surface.split()) for o in found.occurrences).most_common()),
                cued=cued,
                association=round(entry.association, 2),
                occurrences=found.occurrences,
            )
        )
    candidates.sort(key=lambda c: (-c.score, -c.count, c.key))
    return Suggestions(
        candidates=tuple(candidates[:top]),
        runners_up=tuple(candidates[top:]),
        documents=tuple(document.path for document in documents),
        words=corpus.words,
    )


def _excluded_keys(glossary: Glossary | None) -> set[str]:
    """Normalized phrases the glossary deliberately leaves out (its entries' ``exclude``)."""
    if glossary is None:
        return set()
    return {" ".join(form_words(phrase)) for entry in glossary.entries for phrase in entry.exclude}


def _commonest_spelling(occurrences: Sequence[Occurrence]) -> str:
    """The candidate as most often written, without clitics, diacritics, tatweel or bidi marks."""
    spellings = Counter(
        " ".join(_DELETED_RE.sub("", o.term).split()) for o in occurrences
    )
    return spellings.most_common(1)[0][0]


def example_context(document: CorpusDocument, occurrence: Occurrence, width: int = CONTEXT_CHARS) -> str:
    """The occurrence's line, cut to ``width`` characters each side (… where cut), on one line."""
    text = document.text
    line_start = text.rfind("\n", 0, occurrence.start) + 1
    line_end = text.find("\n", occurrence.end)
    line_end = len(text) if line_end < 0 else line_end
    start = max(line_start, occurrence.start - width)
    end = min(line_end, occurrence.end + width)
    context = " ".join(text[start:end].split())
    return ("…" if start > line_start else "") + context + ("…" if end < line_end else "")
