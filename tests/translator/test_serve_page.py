"""The web page at / in a real browser: Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any, Iterator

import pytest

from serve_harness import fixture_engine, running_server, seed_glossary
from translator.serve.config import ServeConfig

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Kataib Hezbollah is enforced by the fixture model (by prefix repair); Qayyarah base is not.
ARABIC = "قالت كتائب حزب الله إن قاعدة القيارة سلمت."

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def page_server() -> Iterator[str]:
    with running_server(ServeConfig(engine=fixture_engine(), glossary=seed_glossary(), char_limit=500)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, page_server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    external: list[str] = []
    # The page must not reach anything but its own server (no CDN, no fonts).
    context.on("request", lambda request: None if request.url.startswith(page_server) else external.append(request.url))
    page = context.new_page()
    page.goto(page_server + "/")
    yield page
    assert external == []
    context.close()


def test_type_arabic_translate_see_terms_highlighted_and_the_unenforced_flagged(page: Any, tmp_path: Path) -> None:
    source = page.get_by_role("textbox", name="Arabic text")
    assert source.get_attribute("dir") == "rtl" and source.get_attribute("lang") == "ar"
    source.fill(ARABIC)
    assert page.locator("#count").inner_text() == f"{len(ARABIC)} / 500 characters"
    source.press("Control+Enter")
    term = page.locator("#target mark.term", has_text="Kataib Hezbollah")
    term.wait_for()
    assert "كتائب حزب الله → Kataib Hezbollah (organization)" in term.get_attribute("title")
    assert page.locator("#target").get_attribute("lang") == "en"
    warnings = page.locator("#warnings")
    assert warnings.is_visible()
    assert "قاعدة القيارة" in warnings.inner_text() and "Qayyarah base" in warnings.inner_text()
    assert page.locator("#source-view mark.term.unenforced", has_text="قاعدة القيارة").count() == 1
    assert page.locator("#source-view mark.term", has_text="كتائب حزب الله").count() == 1
    assert "1 unenforced" in page.locator("#status").inner_text()
    assert page.locator("#copy").is_enabled()
    page.screenshot(path=str(Path(os.environ.get("TARJAMA_SCREENSHOT", tmp_path / "page.png"))), full_page=True)


def test_errors_are_shown_in_place(page: Any) -> None:
    page.get_by_role("textbox", name="Arabic text").fill("ق" * 501)
    assert "over" in page.locator("#count").get_attribute("class")
    page.get_by_role("button", name="Translate").click()
    assert "at most 500" in page.locator("#error").inner_text()
    page.get_by_role("textbox", name="Arabic text").fill("")
    page.keyboard.press("Control+Enter")
    assert page.locator("#error").inner_text() == "Type or paste some Arabic first."


def test_a_dropped_cp1256_file_becomes_the_input(page: Any, tmp_path: Path) -> None:
    article = tmp_path / "article.ar.txt"
    article.write_bytes(ARABIC.encode("cp1256"))
    page.locator("#file").set_input_files(str(article))
    page.locator("#target mark.term", has_text="Kataib Hezbollah").wait_for()
    assert page.get_by_role("textbox", name="Arabic text").input_value() == ARABIC
