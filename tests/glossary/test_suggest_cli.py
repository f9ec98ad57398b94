"""``tarjama glossary suggest`` end to end: real files, the fixture model, a fake engine, import of its YAML."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from glossary.yamlio import load_glossary
from translator.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "qayyarah-handover.ar.txt"
FIXTURE_MODEL = ROOT / "tests" / "fixtures" / "ar_en_tiny.argosmodel"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no ./glossary.yaml: nothing is covered
    return tmp_path


def test_fixture_model_lists_recurring_names_with_renderings(in_tmp: Path) -> None:
    result = invoke("glossary", "suggest", str(SEED), "--model", str(FIXTURE_MODEL), "--format", "json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["model"] == {"name": "translate-ar_en-tiny", "version": "0.1-tiny"}
    assert payload["glossary"] is None and payload["top"] == 50 and payload["min_count"] == 2
    by_source = {c["source"]: c for c in payload["candidates"]}
    top = [c["source"] for c in payload["candidates"][:6]]
    assert {"التحالف الدولي", "قاعدة القيارة", "قوات التحالف"} <= set(top)
    assert by_source["التحالف الدولي"]["renderings"][0] == {"text": "international coalition", "count": 9}
    assert by_source["قوات التحالف"]["renderings"] == [{"text": "coalition forces", "count": 4}]
    qayyarah = by_source["قاعدة القيارة"]["renderings"]
    assert qayyarah[0] == {"text": "Qayyarah base", "count": 3}
    assert by_source["قاعدة القيارة"]["inconsistent"] is True  # the fixture also writes "Qayara base"
    assert [c["source"] for c in payload["candidates"]][0] == "قاعدة القيارة"  # so it is ranked up
    example = by_source["قاعدة القيارة"]["example"]
    assert (example["file"], example["line"], example["column"]) == (str(SEED), 1, 21)


def test_yaml_output_imports_with_merge(in_tmp: Path) -> None:
    out = in_tmp / "candidates.yaml"
    result = invoke("glossary", "suggest", str(SEED), "--model", str(FIXTURE_MODEL), "--format", "yaml", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    candidates = load_glossary(out)
    count = len(candidates.entries)
    assert result.stderr.endswith(f"wrote {count} candidates to {out}\n") and count >= 20
    targets = {entry.sources: entry.target for entry in candidates.entries}
    assert targets[("التحالف الدولي",)] == "international coalition"
    assert "# forms: " in out.read_text(encoding="utf-8")
    glossary = in_tmp / "glossary.yaml"
    imported = invoke("glossary", "import", str(out), "--merge", "-g", str(glossary))
    assert imported.exit_code == 0, imported.stderr
    assert imported.stdout.startswith(f"imported {count} entries: {count} added")
    assert len(load_glossary(glossary).entries) == count
    # Now the glossary covers them: none of them is suggested again (what is left
    # is what only the masking of the covered names uncovers, such as التحالف alone).
    again = invoke("glossary", "suggest", str(SEED), "--no-model", "--format", "json")
    assert again.exit_code == 0, again.stderr
    left = {c["source"] for c in json.loads(again.stdout)["candidates"]}
    assert not left & {source for entry in candidates.entries for source in entry.sources}
    assert len(left) < count / 4
    nothing = invoke("glossary", "suggest", str(SEED), "--no-model", "--min-count", "4")
    assert nothing.exit_code == 0
    assert nothing.stdout == "" and nothing.stderr.startswith("tarjama: no candidates in 1 document")


def test_no_model_text_output(in_tmp: Path) -> None:
    result = invoke("glossary", "suggest", str(SEED), "--no-model", "--top", "3")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("  1. التحالف الدولي  (score ")
    assert lines[1] == "     forms: التحالف الدولي ×9"
    assert lines[2].startswith(f"     e.g. {SEED}:1:1: ")
    assert "renderings" not in result.stdout and "→" not in lines[0]
    assert lines[-1] == "3 candidates from 754 words in 1 document (glossary: none; model: none)"


def test_no_model_yaml_targets_are_todo(in_tmp: Path) -> None:
    result = invoke("glossary", "suggest", str(SEED), "--no-model", "--top", "2", "--format", "yaml")
    assert result.exit_code == 0
    (in_tmp / "c.yaml").write_text(result.stdout, encoding="utf-8")
    assert [e.target for e in load_glossary(in_tmp / "c.yaml").entries] == ["TODO", "TODO"]


def test_seed_glossary_covers_its_terms(in_tmp: Path) -> None:
    result = invoke("glossary", "suggest", str(SEED), "--no-model", "-g", str(ROOT / "seeds" / "glossary.yaml"), "--format", "json")
    sources = {c["source"] for c in json.loads(result.stdout)["candidates"]}
    assert not sources & {"التحالف الدولي", "قاعدة القيارة", "قوات التحالف", "بغداد"}


def test_folders_are_read_recursively_by_suffix(in_tmp: Path) -> None:
    (in_tmp / "a" / "b").mkdir(parents=True)
    one = "قال مصدر إن قاعدة عين الأسد تعرضت لهجوم.\nووصل الوزير إلى قاعدة عين الأسد صباحاً.\n"
    two = "# أخبار\n\nغادرت القوات قاعدة عين الأسد أمس، وبقيت قاعدة عين الأسد خالية.\n"
    (in_tmp / "a" / "one.ar.txt").write_text(one, encoding="utf-8")
    (in_tmp / "a" / "b" / "two.md").write_text(two, encoding="cp1256")
    (in_tmp / "a" / "b" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    result = invoke("glossary", "suggest", "a", "--no-model", "--format", "json")
    payload = json.loads(result.stdout)
    assert payload["documents"] == ["a/one.ar.txt", "a/b/two.md"] or payload["documents"] == [
        "a/b/two.md",
        "a/one.ar.txt",
    ]
    (base,) = [c for c in payload["candidates"] if c["source"] == "قاعدة عين الأسد"]
    assert (base["count"], base["documents"]) == (4, 2)


BAD_INPUTS = [
    ("missing.ar.txt", None, "missing.ar.txt: no such file"),
    ("binary.ar.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "binary.ar.txt:"),
    ("broken.ar.docx", b"PK\x03\x04 not really a zip", "broken.ar.docx: not a Word document"),
    ("cut.ar.xlf", '<?xml version="1.0"?><xliff version="1.2"><file><body><trans-unit id="1"><source>قاعدة'.encode(), "cut.ar.xlf:1:"),
]


@pytest.mark.parametrize("name, content, message", BAD_INPUTS)
def test_bad_inputs_are_one_line_errors(in_tmp: Path, name: str, content: bytes | None, message: str) -> None:
    if content is not None:
        (in_tmp / name).write_bytes(content)
    result = invoke("glossary", "suggest", name, "--no-model")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"tarjama: error: {message}") and result.stderr.count("\n") == 1


def test_broken_glossary_is_an_error(in_tmp: Path) -> None:
    broken = in_tmp / "glossary.yaml"
    broken.write_text("version: 1\nterms:\n  - source: الموصل\n", encoding="utf-8")
    result = invoke("glossary", "suggest", str(SEED), "--no-model")
    assert result.exit_code == 2
    assert result.stderr == f"tarjama: error: glossary.yaml:3:5: entry without 'target'\n"


def test_empty_corpus_exits_0_with_a_message(in_tmp: Path) -> None:
    (in_tmp / "empty.ar.txt").write_text("\n\n", encoding="utf-8")
    result = invoke("glossary", "suggest", "empty.ar.txt", "--no-model", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["candidates"] == []
    assert result.stderr == "tarjama: no candidates in 1 document (0 words, --min-count 2)\n"


def test_model_and_no_model_exclude_each_other(in_tmp: Path) -> None:
    result = invoke("glossary", "suggest", str(SEED), "--no-model", "--model", "ar-en")
    assert result.exit_code == 2
    assert "--model and --no-model exclude each other" in result.stderr


def test_no_installed_model_lists_without_renderings(in_tmp: Path) -> None:
    result = invoke("glossary", "suggest", str(SEED), "--top", "1", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == "tarjama: note: no ar→en model installed; listing candidates without renderings\n"
    assert json.loads(result.stdout)["candidates"][0]["renderings"] is None


def test_one_batched_decode(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "tests" / "translator"))
    from fake_engines import FakeEngine

    from translator.commands import translate as translate_command

    engine = FakeEngine(load_glossary(ROOT / "seeds" / "glossary.yaml"))
    calls: list[int] = []
    real_translate = engine.translate
    monkeypatch.setattr(engine, "translate", lambda requests: calls.append(len(requests)) or real_translate(requests))
    monkeypatch.setattr(translate_command, "make_engine", lambda spec, beam: engine)
    result = invoke("glossary", "suggest", str(SEED), "--model", "fake", "--top", "10", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert len(calls) == 1 and calls[0] > 1
    assert json.loads(result.stdout)["model"]["name"] == engine.name


def test_progress_is_shown_when_asked(in_tmp: Path) -> None:
    result = invoke("glossary", "suggest", str(SEED), "--model", str(FIXTURE_MODEL), "--top", "3", "--progress")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1].startswith("decoding: ")
    assert "segments" in result.stderr
    quiet = invoke("glossary", "suggest", str(SEED), "--model", str(FIXTURE_MODEL), "--top", "3", "--no-progress")
    assert quiet.stderr == ""


def test_standard_input(in_tmp: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["glossary", "suggest", "-", "--no-model", "--top", "1"], input=text.encode())
    assert result.exit_code == 0
    assert "e.g. <stdin>:1:1: " in result.stdout


def test_renderings_do_not_depend_on_where_top_cuts(in_tmp: Path) -> None:
    def renderings(top: str) -> dict[str, object]:
        result = invoke("glossary", "suggest", str(SEED), "--model", str(FIXTURE_MODEL), "--top", top, "--format", "json")
        return {c["source"]: c["renderings"] for c in json.loads(result.stdout)["candidates"]}

    few, many = renderings("3"), renderings("30")
    assert few and all(many[source] == rendered for source, rendered in few.items())


ENCODINGS = [
    ("utf-8", "\n"),
    ("utf-8-sig", "\r\n"),
    ("utf-16", "\n"),
    ("cp1256", "\r\n"),
]


@pytest.mark.parametrize("encoding, newline", ENCODINGS)
def test_every_accepted_encoding_gives_the_same_candidates(in_tmp: Path, encoding: str, newline: str) -> None:
    text = SEED.read_text(encoding="utf-8").replace("\n", newline)
    source = in_tmp / "article.ar.txt"
    source.write_bytes(text.encode(encoding))
    result = invoke("glossary", "suggest", str(source), "--no-model", "--top", "5", "--format", "json")
    assert result.exit_code == 0, result.stderr
    candidates = json.loads(result.stdout)["candidates"]
    assert [c["source"] for c in candidates][:3] == ["التحالف الدولي", "قاعدة القيارة", "قوات التحالف"]
    assert candidates[1]["example"]["line"] == 1 and candidates[1]["example"]["column"] == 21


def test_folder_without_texts_is_an_empty_corpus(in_tmp: Path) -> None:
    (in_tmp / "empty").mkdir()
    (in_tmp / "empty" / "notes.docx.bak").write_bytes(b"\x00\x01")
    result = invoke("glossary", "suggest", "empty", "--no-model")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "tarjama: no candidates in 0 documents (0 words, --min-count 2)\n"


def test_default_lists_once_seen_names_with_the_fixture_models_renderings(in_tmp: Path) -> None:
    """The issue's Done-when: the coalition, Qayyarah base, the PMF and Kataib Hezbollah, with renderings."""
    result = invoke("glossary", "suggest", str(SEED), "--model", str(FIXTURE_MODEL), "--format", "json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["headed_once"] is True and payload["min_count"] == 2
    ranked = {c["source"]: c for c in payload["candidates"]}
    assert ranked["التحالف الدولي"]["renderings"][0]["text"] == "international coalition"
    assert ranked["قاعدة القيارة"]["rank"] <= 3
    assert ranked["كتائب حزب الله"]["renderings"] == [{"text": "Hezbollah Brigades", "count": 1}]
    assert ranked["هيئة الحشد الشعبي"]["renderings"] == [{"text": "Popular Mobilisation Units", "count": 1}]
    assert ranked["كتائب حزب الله"]["rank"] <= 30
    explicit = invoke("glossary", "suggest", str(SEED), "--no-model", "--min-count", "2", "--format", "json")
    payload = json.loads(explicit.stdout)
    assert payload["headed_once"] is False
    assert "كتائب حزب الله" not in {c["source"] for c in payload["candidates"]}


def test_html_and_docx_inputs_are_read_as_their_text(in_tmp: Path) -> None:
    html = ROOT / "seeds" / "article.ar.html"
    docx = ROOT / "seeds" / "report.ar.docx"
    result = invoke("glossary", "suggest", str(html), str(docx), "--no-model", "--format", "json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    by_source = {c["source"]: c for c in payload["candidates"]}
    coalition = by_source["التحالف الدولي"]
    assert coalition["documents"] == 2
    # No markup leaks into candidates, and examples point into the files.
    assert not any("<" in c["source"] or "w:" in c["source"] for c in payload["candidates"])
    example = by_source["قاعدة القيارة"]["example"]
    assert example["file"] == str(html) and example["line"] > 1
    docx_only = invoke("glossary", "suggest", str(docx), "--no-model", "--format", "json")
    docx_example = json.loads(docx_only.stdout)["candidates"][0]["example"]
    assert docx_example["line"] is None and docx_example["label"].startswith("body:p")
    text = invoke("glossary", "suggest", str(docx), "--no-model", "--top", "1")
    assert f"e.g. {docx}:body:p" in text.stdout
