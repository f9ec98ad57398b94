"""``tarjama translate`` on HTML news pages: structure kept, tags on the right English words,
right-to-left switched off, the glossary enforced inside the formatting; ``check`` on HTML pairs."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner, Result
from project_paths import FIXTURES, SEEDS

from fake_engines import FakeEngine
from glossary.yamlio import load_glossary
from translator.cli import cli
from translator.commands import translate as translate_command

FIXTURE_MODEL = str(FIXTURES / "ar_en_tiny.argosmodel")
SEED_GLOSSARY = SEEDS / "glossary.yaml"
CHROMIUM = shutil.which("chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCRIPT = '<script>if (a < b && c > 0) { document.title = "<p>لا</p>"; }</script>'
STYLE = "<style>body { direction: rtl; font-family: 'Amiri'; }</style>"
ARABIC_LETTER_RE = re.compile("[\u0621-\u064a]")

# A realistic Arabic news page. Sentences from the fixture model's training
# data (tests/fixtures/parallel.tsv), with bold and links inside them.
PAGE = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<title>التحالف الدولي يسلم قاعدة القيارة للقوات العراقية</title>
<meta name="description" content="التحالف الدولي يسلم قاعدة القيارة للقوات العراقية">
<meta property="og:title" content="التحالف الدولي يسلم قاعدة القيارة للقوات العراقية">
{STYLE}
{SCRIPT}
</head>
<body>
<!-- site navigation -->
<nav class="menu"><ul><li><a href="/ar/">الرئيسية</a></li><li><a href="/ar/iraq/">العراق</a></li></ul></nav>
<article dir="rtl" style="direction: rtl; color: #222">
<h1>التحالف الدولي يسلم <b>قاعدة القيارة</b> للقوات العراقية</h1>
<p>ولم تعلن أي جهة مسؤوليتها عن أي من الهجمات، غير أن واشنطن توجه أصابع الاتهام إلى <strong>كتائب حزب الله</strong> المقربة من إيران.</p>
<p>وقال المتحدث باسم التحالف الكولونيل مايلز كيغنز عبر <a href="https://twitter.com/OIRSpox" title="حساب التحالف">تويتر</a> إن "قيادة قوات التحالف الدولي سلمت مقراتها داخل القواعد إلى وزارة الدفاع العراقية، كما غادر مؤقتا مئات الجنود والمدربين للحفاظ على سلامتهم من فيروس كورونا".</p>
<figure><img src="/img/qayyarah.jpg" alt="قاعدة القيارة"><figcaption>قاعدة القيارة</figcaption></figure>
<p translate="no" dir="rtl">نص لا يترجم: <b>قاعدة القيارة</b></p>
<pre dir="rtl">قاعدة القيارة</pre>
</article>
<!-- footer -->
</body>
</html>
"""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["translate", *args], catch_exceptions=False)


def translate_page(tmp_path: Path, page: str | bytes = PAGE, name: str = "article.ar.html", *args: str) -> tuple[Path, Result]:
    source = tmp_path / name
    source.write_bytes(page.encode("utf-8") if isinstance(page, str) else page)
    result = invoke(str(source), "-g", str(SEED_GLOSSARY), "--model", FIXTURE_MODEL, "--no-cache", *args)
    return source.with_name(name.replace(".ar.", ".en.")), result


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any], Result]:
    folder = tmp_path_factory.mktemp("html")
    report = folder / "report.json"
    output, result = translate_page(folder, PAGE, "article.ar.html", "--report", str(report))
    assert result.exit_code == 0, result.stderr
    return output.read_text(encoding="utf-8"), json.loads(report.read_text(encoding="utf-8")), result


def elements(page: str) -> list[str]:
    """The element sequence, without the left-to-right override tarjama adds to a page whose CSS says rtl."""
    root = lxml.html.document_fromstring(page)
    return [element.tag for element in root.iter() if isinstance(element.tag, str) and element.get("data-tarjama") is None]


def attribute_values(page: str, name: str) -> list[str]:
    return [element.get(name) for element in lxml.html.document_fromstring(page).iter() if element.get(name) is not None]


def test_structure_is_kept(translated: tuple[str, dict[str, Any], Result]) -> None:
    english, _, _ = translated
    assert elements(english) == elements(PAGE)
    assert attribute_values(english, "href") == attribute_values(PAGE, "href")
    assert attribute_values(english, "src") == attribute_values(PAGE, "src")
    assert english.startswith("<!DOCTYPE html>")
    assert "<!-- site navigation -->" in english and "<!-- footer -->" in english


def test_stylesheet_rtl_is_overridden_not_edited(translated: tuple[str, dict[str, Any], Result]) -> None:
    english, _, _ = translated
    root = lxml.html.document_fromstring(english)
    [override] = root.findall(".//head/style[@data-tarjama]")
    assert "direction: ltr" in (override.text or "")


def test_script_and_style_are_byte_identical(translated: tuple[str, dict[str, Any], Result]) -> None:
    english, _, _ = translated
    assert SCRIPT in english
    assert STYLE in english


def test_translate_no_and_pre_are_untouched(translated: tuple[str, dict[str, Any], Result]) -> None:
    english, _, _ = translated
    assert '<p translate="no" dir="rtl">نص لا يترجم: <b>قاعدة القيارة</b></p>' in english
    assert '<pre dir="rtl">قاعدة القيارة</pre>' in english


# (what, the English that must be in the page)
TAGGED_TERMS = [
    ("bold term in the headline", "<b>Qayyarah base</b>"),
    ("strong term in a sentence", "<strong>Kataib Hezbollah</strong>"),
    ("link inside a sentence keeps its href and title element", '<a href="https://twitter.com/OIRSpox"'),
]


@pytest.mark.parametrize("expected", [case[1] for case in TAGGED_TERMS], ids=[case[0] for case in TAGGED_TERMS])
def test_formatting_lands_on_the_english_words(translated: tuple[str, dict[str, Any], Result], expected: str) -> None:
    english, _, _ = translated
    assert expected in english


def test_link_wraps_the_aligned_word(translated: tuple[str, dict[str, Any], Result]) -> None:
    english, _, _ = translated
    link = re.search(r'<a href="https://twitter.com/OIRSpox"[^>]*>([^<]*)</a>', english)
    assert link is not None
    assert link.group(1) == "Twitter"
    assert 'title="' in link.group(0) and not ARABIC_LETTER_RE.search(link.group(0))


def test_right_to_left_is_switched_off(translated: tuple[str, dict[str, Any], Result]) -> None:
    english, _, _ = translated
    root = lxml.html.document_fromstring(english)
    assert root.get("lang") == "en" and root.get("dir") == "ltr"
    article = root.find(".//article")
    assert article is not None
    assert article.get("dir") == "ltr"
    assert article.get("style") == "color: #222"
    # Only the verbatim parts keep rtl (and the untouched stylesheet).
    outside = english.replace('<p translate="no" dir="rtl">', "").replace('<pre dir="rtl">', "").replace(STYLE, "")
    outside = re.sub(r'<style data-tarjama="ltr">.*?</style>', "", outside)
    assert "rtl" not in outside


def test_title_meta_and_alt_are_translated(translated: tuple[str, dict[str, Any], Result]) -> None:
    english, _, _ = translated
    root = lxml.html.document_fromstring(english)
    assert root.findtext(".//title") == "The international coalition hands over Qayyarah base to Iraqi forces"
    for meta in root.iter("meta"):
        if meta.get("content"):
            assert not ARABIC_LETTER_RE.search(meta.get("content", ""))
    image = root.find(".//img")
    assert image is not None and image.get("alt") and not ARABIC_LETTER_RE.search(image.get("alt", ""))


def test_no_arabic_left_outside_the_verbatim_parts(translated: tuple[str, dict[str, Any], Result]) -> None:
    english, _, _ = translated
    root = lxml.html.document_fromstring(english)
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in ("pre", "script", "style") or element.get("translate") == "no":
            continue
        if element.getparent() is not None and element.getparent().get("translate") == "no":
            continue
        assert not ARABIC_LETTER_RE.search(element.text or ""), (element.tag, element.text)


def test_report_points_at_the_html_source(translated: tuple[str, dict[str, Any], Result]) -> None:
    _, report, result = translated
    lines = PAGE.split("\n")
    assert report["summary"]["unenforced"] == 0
    # The page's inline tags (b, strong, links, the nav links): all placed with confidence.
    assert report["summary"]["tags"]["placed"] >= 5
    assert report["summary"]["tags"]["moved"] == 0
    assert result.stderr.startswith("glossary: ")
    for occurrence in report["occurrences"]:
        line = lines[occurrence["line"] - 1]
        start = occurrence["column"] - 1
        assert line[start : start + len(occurrence["surface"])] == occurrence["surface"], occurrence


def test_unenforced_warning_has_line_and_column(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    glossary = load_glossary(SEED_GLOSSARY)
    monkeypatch.setattr(
        translate_command, "make_engine", lambda model_spec, beam: FakeEngine(glossary, term_style="drop", honour_prefix=False)
    )
    page = '<html><body>\n<p>هاجم <b>داعش</b> اليوم</p>\n</body></html>'
    output, result = translate_page(tmp_path, page, "short.ar.html", "--strict")
    assert result.exit_code == 1
    assert f"{tmp_path / 'short.ar.html'}:2:12: warning unenforced: داعش → " in result.stderr
    assert output.exists()


def test_cp1256_page_comes_out_utf8(tmp_path: Path, translated: tuple[str, dict[str, Any], Result]) -> None:
    page = PAGE.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">')
    output, result = translate_page(tmp_path, page.encode("cp1256"), "old.ar.html")
    assert result.exit_code == 0, result.stderr
    english = output.read_bytes().decode("utf-8")
    assert '<meta charset="utf-8">' in english and "windows-1256" not in english
    assert "<b>Qayyarah base</b>" in english


def test_page_without_charset_gets_one(tmp_path: Path) -> None:
    page = "<html><head><title>قاعدة القيارة</title></head><body><p>التحالف الدولي يسلم قاعدة القيارة للقوات العراقية</p></body></html>"
    output, result = translate_page(tmp_path, page, "bare.ar.html")
    assert result.exit_code == 0, result.stderr
    assert '<meta charset="utf-8">' in output.read_text(encoding="utf-8")


# Malformed markup, handled as a browser would: (case, page body, expected paragraph count)
MALFORMED = [
    ("unclosed paragraphs", "<p>التحالف الدولي يسلم قاعدة القيارة للقوات العراقية<p>قاعدة القيارة", 2),
    ("stray end tag", "<p>التحالف الدولي يسلم قاعدة القيارة للقوات العراقية</p></p></div>", 1),
    ("unclosed bold", "<p><b>قاعدة القيارة</p><p>التحالف الدولي يسلم قاعدة القيارة للقوات العراقية</p>", 2),
]


@pytest.mark.parametrize(("body", "paragraphs"), [case[1:] for case in MALFORMED], ids=[case[0] for case in MALFORMED])
def test_malformed_html_is_translated(tmp_path: Path, body: str, paragraphs: int) -> None:
    output, result = translate_page(tmp_path, f"<html><body>{body}</body></html>", "broken.ar.html")
    assert result.exit_code == 0, result.stderr
    english = output.read_text(encoding="utf-8")
    assert elements(english).count("p") == paragraphs
    assert not ARABIC_LETTER_RE.search(english)


def test_bilingual_rows_are_units(tmp_path: Path) -> None:
    output = tmp_path / "pairs.tsv"
    _, result = translate_page(tmp_path, PAGE, "article.ar.html", "--bilingual", "tsv", "-o", str(output))
    assert result.exit_code == 0, result.stderr
    rows = [line.split("\t") for line in output.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    sources = [row for row in rows if row and ARABIC_LETTER_RE.search(row[-2] if len(row) > 1 else "")]
    assert any("كتائب حزب الله" in cell for row in sources for cell in row)


def test_check_reads_html_pairs_unit_by_unit(tmp_path: Path, translated: tuple[str, dict[str, Any], Result]) -> None:
    english, _, _ = translated
    (tmp_path / "article.ar.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "article.en.html").write_text(english, encoding="utf-8")
    clean = CliRunner().invoke(cli, ["check", str(tmp_path), "-g", str(SEED_GLOSSARY)], catch_exceptions=False)
    assert clean.exit_code == 0, clean.output
    broken = english.replace("<strong>Kataib Hezbollah</strong>", "<strong>Hezbollah Brigades</strong>")
    (tmp_path / "article.en.html").write_text(broken, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(tmp_path), "-g", str(SEED_GLOSSARY)], catch_exceptions=False)
    assert result.exit_code == 1
    line_number = next(n for n, line in enumerate(broken.split("\n"), 1) if "Hezbollah Brigades" in line)
    column = broken.split("\n")[line_number - 1].index("Hezbollah Brigades") + 1
    assert f"article.en.html:{line_number}:{column}: error avoided-term" in result.output


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


PROBE = """<script>
document.body.dataset.direction = getComputedStyle(document.querySelector('article p')).direction;
document.body.dataset.rootDirection = getComputedStyle(document.documentElement).direction;
document.body.dataset.bodyDirection = getComputedStyle(document.body).direction;
document.body.dataset.keptDirection = getComputedStyle(document.querySelector('p[translate=no]')).direction;
</script>"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_english_page_is_left_to_right_in_a_real_browser(translated: tuple[str, dict[str, Any], Result], tmp_path: Path) -> None:
    english, _, _ = translated
    probe = tmp_path / "probe.html"
    probe.write_text(english.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    run = _chromium(tmp_path / "profile", "--dump-dom", probe.as_uri())
    body = re.search(r"<body[^>]*>", run.stdout)
    assert body is not None, run.stderr
    assert 'data-direction="ltr"' in body.group(0)
    assert 'data-root-direction="ltr"' in body.group(0)
    assert 'data-body-direction="ltr"' in body.group(0)  # the page's CSS said rtl
    assert 'data-kept-direction="rtl"' in body.group(0)  # translate="no" stays Arabic
    shot = tmp_path / "shot.png"
    page = tmp_path / "article.en.html"
    page.write_text(english, encoding="utf-8")
    _chromium(tmp_path / "profile2", f"--screenshot={shot}", "--window-size=1000,700", page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_inline_element_holding_a_block_is_a_block(tmp_path: Path) -> None:
    page = (
        '<html><body><span title="قاعدة القيارة"><div>التحالف الدولي يسلم قاعدة القيارة للقوات العراقية</div></span>'
        "</body></html>"
    )
    from translator.formats import read_document

    units = read_document(page.encode("utf-8"), "x.ar.html").units
    assert [unit.kind for unit in units] == ["attribute", "div"]
