"""Arabic news sentences with typography inside and around glossary names.

A table, not a test: ``test_finder_typography.py`` runs it case by case and
``benchmarks/finder_accuracy.py`` scores recall and precision over it. The
sentences follow how Iraqi, Lebanese and Gulf news sites write these names:
quotes or guillemets around part of a name, hashtags with underscores, a
stray brace, clitics before an opening quote, tatweel and bidi marks pasted
in by editors; the counter-cases put clause punctuation between the words.
"""
from __future__ import annotations

from glossary.model import Entry, Glossary

NEWS_GLOSSARY = Glossary(
    entries=(
        Entry(sources=("كتائب حزب الله",), target="Kataib Hezbollah"),
        Entry(sources=("حزب الله",), target="Hezbollah"),
        Entry(sources=("حزب الدعوة الإسلامية", "حزب الدعوة"), target="Islamic Dawa Party"),
        Entry(sources=("تحالف الفتح",), target="Fatah Alliance"),
        Entry(sources=("الحرس الثوري الإيراني",), target="Islamic Revolutionary Guard Corps"),
        Entry(sources=("الحرس الثوري",), target="Revolutionary Guard"),
        Entry(sources=("الحشد الشعبي",), target="Popular Mobilization Forces"),
        Entry(sources=("أبو مهدي المهندس",), target="Abu Mahdi al-Muhandis"),
        Entry(sources=("عصائب أهل الحق",), target="Asaib Ahl al-Haq"),
        Entry(sources=("قاعدة عين الأسد",), target="Ain al-Asad air base"),
        Entry(sources=("التحالف الدولي",), target="international coalition"),
        Entry(sources=("الولايات المتحدة",), target="United States"),
        Entry(sources=("كوفيد-19", "كوفيد 19"), target="COVID-19"),
    )
)

# (sentence, [(surface, target), ...]) in text order. The surface runs from
# the first letter of the term (or of its clitic) to its last letter: quotes
# outside the first and last word stay outside.
TYPOGRAPHY_CASES: list[tuple[str, list[tuple[str, str]]]] = [
    # Quotes around part of a name.
    ('وأعلنت كتائب "حزب الله" العراقية مسؤوليتها عن الهجوم.', [('كتائب "حزب الله', "Kataib Hezbollah")]),
    ("وقالت كتائب «حزب الله» إن الضربة جاءت ردا على الاغتيال.", [("كتائب «حزب الله", "Kataib Hezbollah")]),
    ("وهددت كتائب “حزب الله” باستهداف المصالح الأمريكية.", [("كتائب “حزب الله", "Kataib Hezbollah")]),
    ("وتبنت كتائب ‘حزب الله’ القصف.", [("كتائب ‘حزب الله", "Kataib Hezbollah")]),
    ("ونفت كتائب „حزب الله“ أي علاقة لها بالحادث.", [("كتائب „حزب الله", "Kataib Hezbollah")]),
    ("وأصدرت كتائب 'حزب الله' بيانا مقتضبا.", [("كتائب 'حزب الله", "Kataib Hezbollah")]),
    ("وحذرت كتائب ‹حزب الله› من التصعيد.", [("كتائب ‹حزب الله", "Kataib Hezbollah")]),
    # The closing quote of a name that opened before the sentence fragment.
    ("وقال المتحدث باسم كتائب حزب الله” إن الرد قادم.", [("كتائب حزب الله", "Kataib Hezbollah")]),
    ('بيان "كتائب حزب الله" الأخير', [("كتائب حزب الله", "Kataib Hezbollah")]),
    # Hashtags: # and underscores between the words.
    ("وغردت كتائب #حزب_الله بأن القوات الأمريكية ستغادر.", [("كتائب #حزب_الله", "Kataib Hezbollah")]),
    ("وانتشر وسم #كتائب_حزب_الله على تويتر.", [("كتائب_حزب_الله", "Kataib Hezbollah")]),
    ("#عاجل #الحشد_الشعبي يعلن النفير", [("الحشد_الشعبي", "Popular Mobilization Forces")]),
    ("تصدر وسم #أبو_مهدي_المهندس الترند في العراق", [("أبو_مهدي_المهندس", "Abu Mahdi al-Muhandis")]),
    # Quotes, brackets and braces inside other names.
    ('وقال حزب «الدعوة الإسلامية» إنه يرفض التدخل.', [("حزب «الدعوة الإسلامية", "Islamic Dawa Party")]),
    ('وأكد تحالف "الفتح" أنه سيقاطع الجلسة.', [('تحالف "الفتح', "Fatah Alliance")]),
    ("وهدد الحرس الثوري} الإيراني بالرد.", [("الحرس الثوري} الإيراني", "Islamic Revolutionary Guard Corps")]),
    ("وقال الحرس (الثوري) الإيراني في بيان", [("الحرس (الثوري) الإيراني", "Islamic Revolutionary Guard Corps")]),
    ("وأعلن [الحشد] الشعبي الاستنفار.", [("الحشد] الشعبي", "Popular Mobilization Forces")]),
    ('وأعلنت «عصائب» "أهل الحق" الحداد.', [('عصائب» "أهل الحق', "Asaib Ahl al-Haq")]),
    ('سقطت صواريخ على قاعدة "عين الأسد" الجوية.', [('قاعدة "عين الأسد', "Ain al-Asad air base")]),
    # Clitics before the opening quote or guillemet.
    ('وكتائب "حزب الله" فصيل مسلح.', [('وكتائب "حزب الله', "Kataib Hezbollah")]),
    ('وجه الاتهام لـ"كتائب حزب الله" مباشرة.', [('لـ"كتائب حزب الله', "Kataib Hezbollah")]),
    ("و«كتائب حزب الله» مدرجة على قوائم الإرهاب.", [("و«كتائب حزب الله", "Kataib Hezbollah")]),
    ("وقال إن ل«الحشد الشعبي» دورا في المعركة.", [("ل«الحشد الشعبي", "Popular Mobilization Forces")]),
    ('ونفى قيادي بـ"عصائب أهل الحق" الاتهام.', [('بـ"عصائب أهل الحق', "Asaib Ahl al-Haq")]),
    ("و#الحشد_الشعبي حاضر في الميدان", [("و#الحشد_الشعبي", "Popular Mobilization Forces")]),
    # Tatweel, bidi marks, ZWJ/ZWNJ between or inside the words.
    ("وأعلنت كتائـــب حـزب اللـه مسؤوليتها.", [("كتائـــب حـزب اللـه", "Kataib Hezbollah")]),
    ("وأعلنت كتائب\u200f «حزب الله» مسؤوليتها.", [("كتائب\u200f «حزب الله", "Kataib Hezbollah")]),
    ("نددت كتائب\u200c\u200d حزب\u061c الله بالضربة.", [("كتائب\u200c\u200d حزب\u061c الله", "Kataib Hezbollah")]),
    ("قال \u2067كتائب \u201cحزب الله\u201d\u2069 في بيان", [("كتائب \u201cحزب الله", "Kataib Hezbollah")]),
    # Diacritics with quotes.
    ('وأعلنت كَتائِبُ "حِزْبِ اللهِ" مسؤوليتها.', [('كَتائِبُ "حِزْبِ اللهِ', "Kataib Hezbollah")]),
    # Longest match across typography; other names in the same sentence stay separate.
    (
        'وقالت كتائب "حزب الله" إن "حزب الله" اللبناني لم يشارك.',
        [('كتائب "حزب الله', "Kataib Hezbollah"), ("حزب الله", "Hezbollah")],
    ),
    (
        "اتهمت الولايات المتحدة كتائب «حزب الله» و#الحرس_الثوري بالهجوم.",
        [
            ("الولايات المتحدة", "United States"),
            ("كتائب «حزب الله", "Kataib Hezbollah"),
            ("و#الحرس_الثوري", "Revolutionary Guard"),
        ],
    ),
    (
        "وقتل أبو مهدي «المهندس» نائب رئيس هيئة الحشد الشعبي.",
        [("أبو مهدي «المهندس", "Abu Mahdi al-Muhandis"), ("الحشد الشعبي", "Popular Mobilization Forces")],
    ),
    ("حزب الله اللبناني أصدر بيانا", [("حزب الله", "Hezbollah")]),
    # A tight hyphen joins, as in كوفيد-19.
    ("سجلت الوزارة إصابات بكوفيد-19 أمس.", [("بكوفيد-19", "COVID-19")]),
    ("وتواصل تفشي #كوفيد_19 في البلاد.", [("كوفيد_19", "COVID-19")]),
]

# Clause punctuation, a clause-break dash or a line break between the words:
# each sentence has only the shorter entry (or none) where a multiword one
# would otherwise match.
COUNTER_CASES: list[tuple[str, list[tuple[str, str]]]] = [
    ("وصلت كتائب. حزب الله يرفض الاتهام.", [("حزب الله", "Hezbollah")]),
    ("انتشرت الكتائب، حزب الله لم يعلق.", [("حزب الله", "Hezbollah")]),
    ("قال قائد الكتائب, حزب الله ينفي.", [("حزب الله", "Hezbollah")]),
    ("ثلاث كتائب: حزب الله وحلفاؤه", [("حزب الله", "Hezbollah")]),
    ("تحركت كتائب؛ حزب الله يترقب.", [("حزب الله", "Hezbollah")]),
    ("هل هي كتائب؟ حزب الله ينفي.", [("حزب الله", "Hezbollah")]),
    ("هل هي كتائب? حزب الله ينفي.", [("حزب الله", "Hezbollah")]),
    ("يا لها من كتائب! حزب الله يتوعد.", [("حزب الله", "Hezbollah")]),
    ("عادت الكتائب; حزب الله صامت.", [("حزب الله", "Hezbollah")]),
    ("وصلت كتائب - حزب الله يرفض - إلى الحدود.", [("حزب الله", "Hezbollah")]),
    ("وصلت كتائب — حزب الله يرفض.", [("حزب الله", "Hezbollah")]),
    ("وصلت كتائب –حزب الله يرفض.", [("حزب الله", "Hezbollah")]),
    ("آخر الأخبار: كتائب\nحزب الله يرفض الاتهام", [("حزب الله", "Hezbollah")]),
    ("كتائب\r\nحزب الله", [("حزب الله", "Hezbollah")]),
    ('انسحب الحرس. "الثوري" الإيراني نفى', []),
    ("أكد التحالف، الدولي والمحلي، موقفه.", []),
    ("زار الحشد، الشعبي في تقديره، المدينة.", []),
    ("أبو مهدي: المهندس ليس مسؤولا", []),
    ("قاعدة عين؛ الأسد", []),
    # A space between a clitic and the quote: the clitic is a word of its own.
    ('وقال و "كتائب حزب الله" نفت', [("كتائب حزب الله", "Kataib Hezbollah")]),
    # Not names at all.
    ("الحشد الكبير في الساحة", []),
    ("وتابع حزب المعارضة الاجتماع", []),
]

# The marks item 1 of issue 10 lists as transparent between the words of a
# term (the hypothesis property inserts runs of them).
TRANSPARENT_MARKS = (
    '"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "\u201e",
    "\u00ab", "\u00bb", "\u2039", "\u203a",
    "(", ")", "[", "]", "{", "}", "#", "_",
    "\u0640",  # tatweel
    "\u200e", "\u200f", "\u061c",  # LRM, RLM, ALM
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings, overrides, PDF
    "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
    "\u200c", "\u200d",  # ZWNJ, ZWJ
)
