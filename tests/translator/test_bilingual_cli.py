"""``tarjama translate --bilingual``: files on disk, a real browser, translate-toolkit's TMX reader."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from project_paths import FIXTURES, SEEDS

from fake_engines import FakeEngine
from glossary.yamlio import load_glossary
from translator.cli import cli
from translator.commands import translate as translate_command
from translator.commands.translate import bilingual_name

FIXTURE_MODEL = str(FIXTURES / "ar_en_tiny.argosmodel")
SEED_ARTICLE = SEEDS / "qayyarah-handover.ar.txt"
SEED_GLOSSARY = SEEDS / "glossary.yaml"
CHROMIUM = shutil.which("chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Appended to a COPY of the generated page: the page itself has no script.
PROBE_SCRIPT = """<script>
const cell = document.querySelector('td[lang=ar]');
const style = getComputedStyle(cell);
document.body.dataset.arDirection = style.direction;
document.body.dataset.arAlign = style.textAlign;
document.body.dataset.enDirection = getComputedStyle(document.querySelector('td[lang=en]')).direction;
</script>"""

BILINGUAL_NAME_CASES = [
    ("article.ar.txt", "html", "article.ar-en.html"),
    ("notes.md", "md", "notes.ar-en.md"),
    ("README", "tsv", "README.ar-en.tsv"),
]


def invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["translate", *args], input=input, catch_exceptions=False)


def seed(*args: str) -> Result:
    return invoke(str(SEED_ARTICLE), "-g", str(SEED_GLOSSARY), "--model", FIXTURE_MODEL, "--no-cache", *args)


@pytest.fixture(scope="module")
def seed_jsonl(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    folder = tmp_path_factory.mktemp("jsonl")
    out, report = folder / "pairs.jsonl", folder / "r.json"
    assert seed("--bilingual", "jsonl", "-o", str(out), "--report", str(report)).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines], json.loads(report.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "output_format", "expected"), BILINGUAL_NAME_CASES)
def test_bilingual_name(name: str, output_format: str, expected: str) -> None:
    assert bilingual_name(Path(name), output_format) == expected


def test_jsonl_pairs_cover_the_article_and_match_the_report(seed_jsonl: tuple[list[dict[str, Any]], dict[str, Any]]) -> None:
    pairs, report = seed_jsonl
    assert [p["segment"] for p in pairs] == list(range(report["summary"]["segments"]))
    assert pairs[0]["paragraph"] == 0 and pairs[-1]["paragraph"] == SEED_ARTICLE.read_text(encoding="utf-8").strip().count("\n\n")
    from_pairs = [(p["segment"], t["surface"], t["target"], t["method"]) for p in pairs for t in p["terms"]]
    from_report = [(o["segment"], o["surface"], o["target"], o["method"]) for o in report["occurrences"]]
    assert from_pairs == from_report
    article = SEED_ARTICLE.read_text(encoding="utf-8")
    assert all(p["source"] in article for p in pairs)


def test_bilingual_out_keeps_the_english(tmp_path: Path) -> None:
    english, pairs = tmp_path / "out.en.txt", tmp_path / "pairs.tsv"
    result = seed("-o", str(english), "--bilingual", "tsv", "--bilingual-out", str(pairs))
    assert result.exit_code == 0
    plain = tmp_path / "plain.en.txt"
    assert seed("-o", str(plain)).exit_code == 0
    assert english.read_text(encoding="utf-8") == plain.read_text(encoding="utf-8")
    rows = [line.split("\t") for line in pairs.read_text(encoding="utf-8").splitlines()]
    assert all(len(row) == 2 for row in rows)
    # The pairs, in order, are the English text (a line may hold several sentences).
    assert " ".join(target for _, target in rows) == " ".join(plain.read_text(encoding="utf-8").split())


def test_bilingual_replaces_the_english_beside_the_input(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    article = tmp_path / "news.ar.txt"
    article.write_text("قال الحشد الشعبي إن مصدر عسكري غادر.\n", encoding="utf-8")
    monkeypatch.setattr(
        translate_command, "make_engine", lambda spec, beam: FakeEngine(load_glossary(SEED_GLOSSARY))
    )
    result = invoke(str(article), "-g", str(SEED_GLOSSARY), "--bilingual", "tsv")
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.ar-en.tsv", "news.ar.txt"]
    assert (tmp_path / "news.ar-en.tsv").read_text(encoding="utf-8") == (
        "قال الحشد الشعبي إن مصدر عسكري غادر.\tSaid Popular Mobilization Forces that a source military left.\n"
    )


def test_stdin_bilingual_goes_to_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(translate_command, "make_engine", lambda spec, beam: FakeEngine(load_glossary(SEED_GLOSSARY)))
    result = invoke("--no-glossary", "--bilingual", "tsv", input="غادر مصدر عسكري.\n\nقال مصدر.\n")
    assert (result.exit_code, result.stdout) == (0, "غادر مصدر عسكري.\tLeft a source military.\nقال مصدر.\tSaid a source.\n")


USAGE_CASES = [
    (["--bilingual-out", "x.tsv"], "Error: --bilingual-out needs --bilingual FORMAT"),
    (["--bilingual", "tsv", "--bilingual-out", "-"], "Error: the English and --bilingual-out cannot both go to standard output"),
    (["--bilingual", "xliff"], "Error: Invalid value for '--bilingual': 'xliff' is not one of 'tsv', 'md', 'html', 'tmx', 'jsonl'."),
]


@pytest.mark.parametrize(("args", "message"), USAGE_CASES)
def test_bad_bilingual_combinations_are_usage_errors(args: list[str], message: str) -> None:
    result = invoke(*args, input="قال مصدر.")
    assert result.exit_code == 2
    assert message in result.stderr


def test_bilingual_out_may_not_overwrite_the_english(tmp_path: Path) -> None:
    article = tmp_path / "a.ar.txt"
    article.write_text("قال مصدر.", encoding="utf-8")
    result = invoke(str(article), "--bilingual", "md", "--bilingual-out", str(tmp_path / "a.en.txt"))
    assert result.exit_code == 2
    assert f"Error: {article}: --bilingual-out and the English output are both {tmp_path / 'a.en.txt'}" in result.stderr


def test_tmx_reads_back_in_translate_toolkit(seed_jsonl: tuple[list[dict[str, Any]], dict[str, Any]], tmp_path: Path) -> None:
    tmx = pytest.importorskip("translate.storage.tmx")
    out = tmp_path / "memory.tmx"
    assert seed("--bilingual", "tmx", "-o", str(out)).exit_code == 0
    store = tmx.tmxfile.parsefile(str(out))
    units = [unit for unit in store.units if not unit.isheader()]
    pairs, _ = seed_jsonl
    assert [(unit.source, unit.target) for unit in units] == [(p["source"], p["target"]) for p in pairs]
    assert store.sourcelanguage == "ar"


def test_unenforced_terms_are_marked_in_html(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    article = tmp_path / "a.ar.txt"
    article.write_text("قال الحشد الشعبي إن مصدر عسكري غادر.\n", encoding="utf-8")
    monkeypatch.setattr(
        translate_command,
        "make_engine",
        lambda spec, beam: FakeEngine(load_glossary(SEED_GLOSSARY), term_style="drop", honour_prefix=False),
    )
    out = tmp_path / "a.html"
    result = invoke(str(article), "-g", str(SEED_GLOSSARY), "--bilingual", "html", "-o", str(out))
    assert result.exit_code == 0
    assert (
        '<mark class="term unenforced" title="الحشد الشعبي → Popular Mobilization Forces (unenforced)">الحشد الشعبي</mark>'
        in out.read_text(encoding="utf-8")
    )


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def seed_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "side-by-side.html"
    assert seed("--bilingual", "html", "-o", str(out)).exit_code == 0
    return out


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_html_renders_in_a_real_browser(seed_html: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    run = chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,900", seed_html.as_uri())
    assert shot.exists(), run.stderr
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # A blank 1200x900 page compresses to a few kilobytes; a page of text does not.
    assert len(data) > 50_000


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_arabic_column_is_right_to_left_in_a_real_browser(seed_html: Path, tmp_path: Path) -> None:
    probe = tmp_path / "probe.html"
    probe.write_text(seed_html.read_text(encoding="utf-8").replace("</body>", PROBE_SCRIPT + "</body>"), encoding="utf-8")
    run = chromium(tmp_path / "profile", "--dump-dom", probe.as_uri())
    body = re.search(r"<body[^>]*>", run.stdout)
    assert body is not None, run.stderr
    assert 'data-ar-direction="rtl"' in body.group(0)
    assert 'data-en-direction="ltr"' in body.group(0)
    align = re.search(r'data-ar-align="([^"]*)"', body.group(0))
    assert align is not None and align.group(1) in ("right", "start", "-webkit-right")
