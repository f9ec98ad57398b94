"""`tarjama serve` over real HTTP on 127.0.0.1: LibreTranslate's clients, every
parameter style, errors, the glossary report, files, settings and reloads."""
from __future__ import annotations

import asyncio
import json
import shutil
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from libretranslatepy import LibreTranslateAPI

import libretranslate_aio
from serve_harness import NEWS, SEED_GLOSSARY, fixture_engine, running_server, seed_glossary
from translator.serve.config import ServeConfig
from translator.serve.service import TranslationService, FixedGlossary

SENTENCE = "قالت كتائب حزب الله إن قاعدة القيارة سلمت."
TERM = "Kataib Hezbollah"


@pytest.fixture(scope="module")
def engine() -> Any:
    return fixture_engine()


@pytest.fixture(scope="module")
def base(engine: Any) -> Iterator[str]:
    with running_server(ServeConfig(engine=engine, glossary=seed_glossary())) as url:
        yield url


@pytest.fixture(scope="module")
def alone(engine: Any) -> Iterator[TranslationService]:
    """The same pipeline without HTTP or company: what each request must equal."""
    service = TranslationService(engine, FixedGlossary(seed_glossary()))
    yield service
    service.close()


def expected(service: TranslationService, *texts: str) -> list[str]:
    return [t.text for t in service.translate(list(texts)).texts]


# -- LibreTranslate's client libraries ------------------------------------------


def test_libretranslatepy_translates_with_the_glossary_enforced(base: str, alone: TranslationService) -> None:
    client = LibreTranslateAPI(base + "/")
    english = client.translate(SENTENCE, source="ar", target="en")
    assert TERM in english
    assert english == expected(alone, SENTENCE)[0]
    assert client.languages()[0] == {"code": "ar", "name": "Arabic", "targets": ["en"]}
    assert client.detect(SENTENCE)[0]["language"] == "ar"


def test_libretranslate_aio_sync_client(base: str, alone: TranslationService) -> None:
    with libretranslate_aio.LibreTranslate(base) as client:
        single = client.translate(SENTENCE, "ar", "en")
        batch = client.translate(list(NEWS[:3]), "ar", "en")
        auto = client.translate(SENTENCE, "auto", "en")
        settings = client.frontend_settings()
        assert client.health()
        assert [language.code for language in client.languages()] == ["ar", "en"]
    assert single.translated_text == expected(alone, SENTENCE)[0]
    assert batch.translated_text == expected(alone, *NEWS[:3])
    assert isinstance(auto.detected_language, libretranslate_aio.DetectedLanguage)
    assert auto.detected_language.language == "ar"
    assert settings.language.source.code == "ar" and settings.language.target.code == "en"
    assert not settings.key_required


def test_libretranslate_aio_async_client(base: str, alone: TranslationService) -> None:
    async def run() -> list[Any]:
        async with libretranslate_aio.AsyncLibreTranslate(base) as client:
            return list(await asyncio.gather(*(client.translate(text, "ar", "en") for text in NEWS[:4])))

    results = asyncio.run(run())
    assert [r.translated_text for r in results] == expected(alone, *NEWS[:4])


# -- parameter styles -------------------------------------------------------------


def _post(base: str, **kwargs: Any) -> httpx.Response:
    return httpx.post(base + "/translate", timeout=60, **kwargs)


PARAMETER_STYLES = {
    "json": lambda q: {"json": {"q": q, "source": "ar", "target": "en"}},
    "urlencoded": lambda q: {"data": {"q": q, "source": "ar", "target": "en"}},
    "multipart": lambda q: {"data": {"q": q, "source": "ar", "target": "en"}, "files": {"unused": ("x.txt", b"")}},
    "query-string": lambda q: {"params": {"q": q, "source": "ar", "target": "en"}},
    "query-string-with-empty-form": lambda q: {
        "params": {"q": q, "source": "ar", "target": "en"},
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
    },
}


@pytest.mark.parametrize("style", PARAMETER_STYLES)
def test_every_parameter_style_gives_the_same_answer(base: str, alone: TranslationService, style: str) -> None:
    response = _post(base, **PARAMETER_STYLES[style](SENTENCE))
    assert response.status_code == 200, response.text
    assert response.json()["translatedText"] == expected(alone, SENTENCE)[0]
    assert response.headers["X-Tarjama-Unenforced"] == str(response.json()["glossary"]["unenforced"])


@pytest.mark.parametrize("style", ["json", "urlencoded", "multipart", "query-string"])
def test_a_list_q_answers_a_list(base: str, alone: TranslationService, style: str) -> None:
    response = _post(base, **PARAMETER_STYLES[style](list(NEWS[:4])))
    assert response.status_code == 200, response.text
    assert response.json()["translatedText"] == expected(alone, *NEWS[:4])
    assert len(response.json()["glossary"]["texts"]) == 4


def test_source_auto_reports_the_detected_language_per_text(base: str) -> None:
    single = _post(base, json={"q": SENTENCE, "source": "auto", "target": "en"}).json()
    assert single["detectedLanguage"]["language"] == "ar"
    assert 0 <= single["detectedLanguage"]["confidence"] <= 100
    batch = _post(base, json={"q": [SENTENCE, "Already English."], "source": "auto", "target": "en"}).json()
    assert [d["language"] for d in batch["detectedLanguage"]] == ["ar", "en"]
    assert batch["translatedText"][1] == "Already English."
    assert "detectedLanguage" not in _post(base, json={"q": SENTENCE, "source": "ar", "target": "en"}).json()


def test_alternatives_only_when_asked(base: str) -> None:
    plain = _post(base, json={"q": SENTENCE, "source": "ar", "target": "en"}).json()
    asked = _post(base, json={"q": [SENTENCE], "source": "ar", "target": "en", "alternatives": 2}).json()
    assert "alternatives" not in plain
    assert asked["alternatives"] == [[]]


def test_language_codes_are_case_insensitive(base: str, alone: TranslationService) -> None:
    response = _post(base, json={"q": SENTENCE, "source": "AR", "target": "EN"})
    assert response.json()["translatedText"] == expected(alone, SENTENCE)[0]


HTML_CASES = [
    ("<p>قالت كتائب حزب الله إن الهجوم فشل.</p>", "<p>", "</p>"),
    ("<p>قالت <b>كتائب حزب الله</b> إن الهجوم فشل.</p>", "<b>Kataib Hezbollah</b>", "</p>"),
    ('<p>قال <a href="https://example.org/x?a=1&amp;b=2">مصدر عسكري</a> إن التحالف الدولي انسحب.</p>', 'href="https://example.org/x?a=1&amp;b=2"', "</a>"),
    ('<p class="x">سلم التحالف الدولي قاعدة القيارة.</p><br><p>انسحبت القوات الأميركية.</p>', '<p class="x">', "<br><p>"),
    ("<div><script>var a = 'كتائب';</script>قالت كتائب حزب الله</div>", "<script>var a = 'كتائب';</script>", "</div>"),
]


@pytest.mark.parametrize(("markup", "kept", "kept_too"), HTML_CASES)
def test_format_html_keeps_the_markup(base: str, markup: str, kept: str, kept_too: str) -> None:
    response = _post(base, json={"q": markup, "source": "ar", "target": "en", "format": "html"})
    assert response.status_code == 200, response.text
    english = response.json()["translatedText"]
    assert kept in english and kept_too in english
    assert not english.startswith("<html")  # a fragment answers a fragment
    for occurrence in response.json()["glossary"]["texts"][0]["occurrences"]:
        assert markup[occurrence["start"] : occurrence["end"]] == occurrence["source"]


# -- the glossary report and its switches -------------------------------------------


def test_the_glossary_report_gives_every_occurrence_with_offsets_and_provenance(base: str) -> None:
    body = _post(base, json={"q": SENTENCE, "source": "ar", "target": "en"}).json()
    report = body["glossary"]
    assert report["digest"] == seed_glossary().digest
    assert report["tool"].startswith("tarjama ")
    assert report["model"].startswith("translate-ar_en-tiny")
    occurrences = report["texts"][0]["occurrences"]
    assert [o["target"] for o in occurrences] == ["Kataib Hezbollah", "Qayyarah base"]
    for occurrence in occurrences:
        assert SENTENCE[occurrence["start"] : occurrence["end"]] == occurrence["source"]
        assert occurrence["method"] in ("native", "prefix", "post-edit", "unenforced")
    assert report["unenforced"] == len(report["texts"][0]["unenforced"])


def test_strict_answers_422_with_the_report_when_anything_is_unenforced(base: str) -> None:
    response = _post(base, json={"q": SENTENCE, "source": "ar", "target": "en", "strict": True})
    unenforced = int(response.headers["X-Tarjama-Unenforced"])
    if unenforced:
        assert response.status_code == 422
        assert response.json()["error"].endswith("unenforced")
        assert response.json()["glossary"]["unenforced"] == unenforced
    else:
        assert response.status_code == 200


def test_strict_passes_when_everything_is_enforced(base: str) -> None:
    response = _post(base, data={"q": "قالت كتائب حزب الله", "source": "ar", "target": "en", "strict": "true"})
    assert response.headers["X-Tarjama-Unenforced"] == "0"
    assert response.status_code == 200


def test_glossary_false_translates_without_it(base: str) -> None:
    body = _post(base, json={"q": SENTENCE, "source": "ar", "target": "en", "glossary": False}).json()
    assert "glossary" not in body


# -- errors, as LibreTranslate words them ----------------------------------------

ERRORS = [
    ({"source": "ar", "target": "en"}, 400, "Invalid request: missing q parameter"),
    ({"q": "", "source": "ar", "target": "en"}, 400, "Invalid request: missing q parameter"),
    ({"q": [], "source": "ar", "target": "en"}, 400, "Invalid request: missing q parameter"),
    ({"q": "نص", "target": "en"}, 400, "Invalid request: missing source parameter"),
    ({"q": "نص", "source": "ar"}, 400, "Invalid request: missing target parameter"),
    ({"q": "نص", "source": "zz", "target": "en"}, 400, "zz is not supported"),
    ({"q": "نص", "source": "ar", "target": "fr"}, 400, "fr is not supported"),
    ({"q": "نص", "source": "ar", "target": "en", "format": "pdf"}, 400, "pdf format is not supported"),
    ({"q": "نص", "source": "ar", "target": "en", "alternatives": "many"}, 400, "Invalid request: alternatives must be a number"),
    ({"q": "نص", "source": "ar", "target": "en", "strict": "maybe"}, 400, "Invalid request: strict must be true or false"),
    ({"q": [1, {"a": 2}], "source": "ar", "target": "en"}, 400, "Invalid request: q must be a string or a list of strings"),
]


@pytest.mark.parametrize(("body", "status", "message"), ERRORS, ids=[e[2] for e in ERRORS])
def test_bad_requests_get_libretranslates_messages(base: str, body: dict[str, Any], status: int, message: str) -> None:
    response = _post(base, json=body)
    assert (response.status_code, response.json()) == (status, {"error": message})


def test_routes_and_methods_that_do_not_exist_are_json(base: str) -> None:
    missing = httpx.get(base + "/nowhere")
    wrong = httpx.get(base + "/translate")
    assert (missing.status_code, missing.json()) == (404, {"error": "Not Found"})
    assert (wrong.status_code, wrong.json()) == (405, {"error": "Method Not Allowed"})
    assert httpx.post(base + "/languages").status_code == 405


def test_cors_headers_and_preflight(base: str) -> None:
    preflight = httpx.options(base + "/translate", headers={"Origin": "https://mastodon.example"})
    assert preflight.status_code == 200
    for response in (preflight, httpx.get(base + "/languages"), httpx.get(base + "/nowhere")):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Access-Control-Allow-Methods"] == "GET, POST"
        assert response.headers["Access-Control-Allow-Headers"] == "Authorization, Content-Type"


def test_suggest_is_off(base: str) -> None:
    response = httpx.post(base + "/suggest", data={"q": "a", "s": "b", "source": "ar", "target": "en"})
    assert (response.status_code, response.json()) == (403, {"error": "Suggestions are disabled on this server."})


def test_languages_with_an_empty_form_body(base: str) -> None:
    response = httpx.request("GET", base + "/languages", content=b"", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert [language["code"] for language in response.json()] == ["ar", "en"]


def test_settings_health_spec_docs(base: str) -> None:
    settings = httpx.get(base + "/frontend/settings").json()
    assert settings["charLimit"] == -1 and settings["keyRequired"] is False and settings["suggestions"] is False
    assert ".txt" in settings["supportedFilesFormat"] and settings["filesTranslation"] is True
    health = httpx.get(base + "/health").json()
    assert health["status"] == "ok"
    assert health["glossary"]["digest"] == seed_glossary().digest
    spec = httpx.get(base + "/spec").json()
    assert spec["openapi"].startswith("3.") and "/translate" in spec["paths"]
    docs = httpx.get(base + "/docs")
    assert docs.status_code == 200 and "/spec" in docs.text


def test_the_detect_route(base: str) -> None:
    arabic = httpx.post(base + "/detect", data={"q": SENTENCE}).json()
    english = httpx.post(base + "/detect", json={"q": "The coalition handed over the base."}).json()
    assert arabic[0]["language"] == "ar" and arabic[0]["confidence"] == 100.0
    assert english[0]["language"] == "en"
    assert httpx.post(base + "/detect", json={}).json() == {"error": "Invalid request: missing q parameter"}


# -- limits and keys (their own servers) -------------------------------------------


def test_char_and_batch_limits(engine: Any) -> None:
    with running_server(ServeConfig(engine=engine, char_limit=10, batch_limit=2)) as url:
        long = _post(url, json={"q": "قال " * 5, "source": "ar", "target": "en"})
        batch = _post(url, json={"q": ["قال", "قال", "قال"], "source": "ar", "target": "en"})
        each_short = _post(url, json={"q": ["قال", "اليوم"], "source": "ar", "target": "en"})
        settings = httpx.get(url + "/frontend/settings").json()
    assert (long.status_code, long.json()) == (400, {"error": "Invalid request: request (20) exceeds text limit (10)"})
    assert (batch.status_code, batch.json()) == (400, {"error": "Invalid request: request (3) exceeds text limit (2)"})
    assert each_short.status_code == 200
    assert settings["charLimit"] == 10


def test_api_keys_and_rate_limits(engine: Any) -> None:
    config = ServeConfig(engine=engine, api_keys=("k-one", "k-two"), req_limit=3)
    with running_server(config) as url:
        missing = _post(url, json={"q": "قال", "source": "ar", "target": "en"})
        wrong = _post(url, data={"q": "قال", "source": "ar", "target": "en", "api_key": "k-on"})
        good = [_post(url, data={"q": "قال", "source": "ar", "target": "en", "api_key": "k-one"}) for _ in range(3)]
        limited = _post(url, data={"q": "قال", "source": "ar", "target": "en", "api_key": "k-one"})
        other_key = _post(url, params={"q": "قال", "source": "ar", "target": "en", "api_key": "k-two"})
        settings = httpx.get(url + "/frontend/settings").json()
    assert (missing.status_code, missing.json()) == (403, {"error": "Invalid API key"})
    assert (wrong.status_code, wrong.json()) == (403, {"error": "Invalid API key"})
    assert [r.status_code for r in good] == [200, 200, 200]
    assert (limited.status_code, limited.json()) == (429, {"error": "Slowdown: 3 per 1 minute"})
    assert other_key.status_code == 200
    assert settings["keyRequired"] is True and settings["apiKeys"] is True


def test_without_keys_any_key_sent_is_ignored(base: str) -> None:
    assert _post(base, data={"q": "قال", "source": "ar", "target": "en", "api_key": "whatever"}).status_code == 200


# -- files ---------------------------------------------------------------------------

FILES = [
    ("article.ar.txt", (SENTENCE + "\n\n" + NEWS[1] + "\n").encode("utf-8"), "article.en.txt", "\n\n"),
    ("article.ar.txt", (SENTENCE + "\r\n" + NEWS[1] + "\r\n").encode("cp1256"), "article.en.txt", "\r\n"),
    ("article.ar.txt", ("\ufeff" + SENTENCE + "\n").encode("utf-16-le"), "article.en.txt", None),
    ("notes.md", ("# " + NEWS[3] + "\n\n" + SENTENCE + " `code كتائب`\n").encode("utf-8"), "notes.en.md", "`code كتائب`"),
    ("page.html", ('<html lang="ar" dir="rtl"><body><p>' + SENTENCE + "</p></body></html>").encode("utf-8"), "page.en.html", "<p>"),
]


@pytest.mark.parametrize(("name", "data", "download_name", "kept"), FILES, ids=["utf8", "cp1256-crlf", "utf16", "markdown", "html"])
def test_translate_file_then_download_it_once(base: str, name: str, data: bytes, download_name: str, kept: str | None) -> None:
    response = httpx.post(base + "/translate_file", data={"source": "ar", "target": "en"}, files={"file": (name, data)}, timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["X-Tarjama-Unenforced"].isdigit()
    url = response.json()["translatedFileUrl"]
    assert url.startswith(base + "/download_file/")
    download = httpx.get(url)
    assert download.status_code == 200
    assert download_name in download.headers["Content-Disposition"]
    text = download.content.decode("utf-8")  # the English is UTF-8, whatever the Arabic was
    assert TERM in text
    assert not any("\u0600" <= char <= "\u06ff" for char in text.replace("`code كتائب`", ""))
    if kept:
        assert kept in text
    again = httpx.get(url)
    assert (again.status_code, again.json()) == (404, {"error": "File not found"})


def test_translate_a_word_file(base: str, tmp_path: Path) -> None:
    import docx

    source = docx.Document()
    paragraph = source.add_paragraph("قالت ")
    paragraph.add_run("كتائب حزب الله").bold = True
    paragraph.add_run(" إن الهجوم فشل.")
    source.save(tmp_path / "report.ar.docx")
    response = httpx.post(
        base + "/translate_file",
        data={"source": "ar", "target": "en"},
        files={"file": ("report.ar.docx", (tmp_path / "report.ar.docx").read_bytes())},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    download = httpx.get(response.json()["translatedFileUrl"])
    assert "report.en.docx" in download.headers["Content-Disposition"]
    (tmp_path / "report.en.docx").write_bytes(download.content)
    english = docx.Document(tmp_path / "report.en.docx")
    bold = [run.text for p in english.paragraphs for run in p.runs if run.bold]
    assert TERM in " ".join(bold)


def test_translate_file_errors(base: str) -> None:
    no_file = httpx.post(base + "/translate_file", data={"source": "ar", "target": "en"}, files={"other": ("a.txt", b"x")})
    odd = httpx.post(base + "/translate_file", data={"source": "ar", "target": "en"}, files={"file": ("a.exe", b"MZ")})
    broken = httpx.post(base + "/translate_file", data={"source": "ar", "target": "en"}, files={"file": ("r.docx", b"not a zip")})
    binary = httpx.post(base + "/translate_file", data={"source": "ar", "target": "en"}, files={"file": ("a.txt", b"\x00\x01\xff")})
    assert no_file.json() == {"error": "Invalid request: missing file parameter"}
    assert odd.json() == {"error": "Invalid request: file format not supported"}
    for refused in (broken, binary):
        assert refused.status_code == 400 and refused.json()["error"].startswith("Invalid request: ")
        assert "r.docx" not in refused.text and "a.txt" not in refused.text


# -- the glossary file is watched -------------------------------------------------------


def test_a_valid_glossary_edit_is_swapped_in_and_an_invalid_one_kept_out(engine: Any, tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    shutil.copy(SEED_GLOSSARY, path)
    from glossary.yamlio import load_glossary

    first = load_glossary(path)
    with running_server(ServeConfig(engine=engine, glossary=first, glossary_path=str(path))) as url:
        before = _post(url, json={"q": "قالت كتائب حزب الله", "source": "ar", "target": "en"}).json()
        text = path.read_text(encoding="utf-8").replace("target: Kataib Hezbollah", "target: Kata'ib Hezbollah")
        text = text.replace("accept: [Kata'ib Hezbollah]", "accept: [Kataib Hezbollah]")
        path.write_text(text, encoding="utf-8")
        time.sleep(0.01)
        after = _post(url, json={"q": "قالت كتائب حزب الله", "source": "ar", "target": "en"}).json()
        health = httpx.get(url + "/health").json()
        path.write_text(text + "\n  - source: [\n", encoding="utf-8")
        broken = _post(url, json={"q": "قالت كتائب حزب الله", "source": "ar", "target": "en"}).json()
        broken_health = httpx.get(url + "/health").json()
    assert before["glossary"]["digest"] == first.digest
    assert after["glossary"]["digest"] != first.digest
    assert "Kata'ib Hezbollah" in after["translatedText"]
    assert health["glossary"]["digest"] == after["glossary"]["digest"] and health["glossary"]["reloads"] == 1
    assert broken["glossary"]["digest"] == after["glossary"]["digest"]
    error = broken_health["glossary"]["last_reload_error"]
    assert error and str(tmp_path) not in error and "glossary.yaml" not in error
    assert json.dumps(broken_health).find(str(tmp_path)) == -1
