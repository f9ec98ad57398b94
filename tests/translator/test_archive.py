"""``tarjama translate DIR --out-dir OUT``: trees, resume, errors (local runner)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archive_corpus import FIXTURE_MODEL, build_corpus, manifest_records, tree_bytes
from project_paths import SEEDS
from translator.archive.manifest import ManifestRecord, load_manifest
from translator.archive.plan import plan_archive
from translator.archive.progress import ArchiveProgress
from translator.cli import cli
from translator.commands import translate as translate_command

SEED_GLOSSARY = str(SEEDS / "glossary.yaml")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["translate", *args], catch_exceptions=False)


def translate_tree(corpus: Path, out: Path, *extra: str) -> Result:
    return invoke(str(corpus), "--out-dir", str(out), "--model", FIXTURE_MODEL, "--no-progress", *extra)


def summary_of(result: Result) -> str:
    return next(line for line in result.stderr.splitlines() if line.startswith("archive: "))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    build_corpus(root, files=12)
    return root


# ------------------------------------------------------------------ planning

PLAN_CASES = [
    # (include, exclude, expected relative inputs)
    ((), (), ["2019/00/a.ar.txt", "2019/00/b.ar.md", "2020/c.ar.txt", "2020/d.txt"]),
    (("*.md",), (), ["2019/00/b.ar.md"]),
    (("2020/*",), (), ["2020/c.ar.txt", "2020/d.txt"]),
    ((), ("2019/*",), ["2020/c.ar.txt", "2020/d.txt"]),
    ((), ("d.txt",), ["2019/00/a.ar.txt", "2019/00/b.ar.md", "2020/c.ar.txt"]),
    (("*.ar.*",), ("*.md",), ["2019/00/a.ar.txt", "2020/c.ar.txt"]),
]


@pytest.mark.parametrize(("include", "exclude", "expected"), PLAN_CASES)
def test_plan_selects_supported_files(tmp_path: Path, include: tuple[str, ...], exclude: tuple[str, ...], expected: list[str]) -> None:
    for name in ["2019/00/a.ar.txt", "2019/00/b.ar.md", "2020/c.ar.txt", "2020/d.txt", "2020/e.pdf", ".hidden/f.ar.txt", "2020/.g.ar.txt"]:
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_text("قال مصدر عسكري.", encoding="utf-8")
    plan = plan_archive([str(tmp_path / "in")], str(tmp_path / "out"), include, exclude)
    assert sorted(item.relative for item in plan.files) == expected
    assert (plan.skipped_hidden, plan.skipped_unsupported) == (2, 1)
    assert plan.skipped_excluded == 4 - len(expected)


def test_plan_mirrors_the_tree_and_renames(tmp_path: Path) -> None:
    (tmp_path / "in" / "a" / "b").mkdir(parents=True)
    (tmp_path / "in" / "a" / "b" / "x.ar.txt").write_text("نص", encoding="utf-8")
    (tmp_path / "in" / "notes.md").write_text("نص", encoding="utf-8")
    plan = plan_archive([str(tmp_path / "in")], str(tmp_path / "out"))
    assert [(f.relative, f.output_relative) for f in plan.files] == [("a/b/x.ar.txt", "a/b/x.en.txt"), ("notes.md", "notes.en.md")]


def test_output_folder_inside_the_input_is_not_walked(tmp_path: Path) -> None:
    (tmp_path / "in" / "en").mkdir(parents=True)
    (tmp_path / "in" / "x.ar.txt").write_text("نص", encoding="utf-8")
    (tmp_path / "in" / "en" / "x.en.txt").write_text("text", encoding="utf-8")
    plan = plan_archive([str(tmp_path / "in")], str(tmp_path / "in" / "en"))
    assert [f.relative for f in plan.files] == ["x.ar.txt"]


# ------------------------------------------------------------------ translating trees


def test_tree_is_mirrored_and_matches_single_file_translation(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "en"
    result = translate_tree(corpus, out, "-g", SEED_GLOSSARY)
    assert result.exit_code == 0, result.stderr
    assert summary_of(result).startswith("archive: 12 files — 12 translated, 0 up to date, 0 failed; skipped 2 hidden, 1 unsupported")
    inputs = sorted(p.relative_to(corpus) for p in corpus.rglob("article-*"))
    for relative in inputs:
        expected_name = translate_command.output_name(relative)
        single = tmp_path / "single" / relative.parent / expected_name
        single.parent.mkdir(parents=True, exist_ok=True)
        assert invoke(str(corpus / relative), "-o", str(single), "--model", FIXTURE_MODEL, "-g", SEED_GLOSSARY, "--no-cache").exit_code == 0
        assert (out / relative.parent / expected_name).read_bytes() == single.read_bytes(), relative
    assert not (out / ".git").exists() and not (out / "cover.png").exists()
    records = manifest_records(out)
    assert len(records) == 12
    record = records["2019/00/article-000.en.txt"]
    assert record["status"] == "ok" and record["model"] == "translate-ar_en-tiny" and record["glossary_sha256"]
    assert set(record["enforcement"]) == {"found", "native", "prefix", "post_edit", "unenforced"}


def test_crlf_input_keeps_crlf(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "en"
    assert translate_tree(corpus, out, "--no-glossary").exit_code == 0
    crlf = out / "2020" / "00" / "article-004.en.txt"  # index 4: CRLF
    assert b"\r\n" in crlf.read_bytes() and b"\n" not in crlf.read_bytes().replace(b"\r\n", b"")


def test_rerun_skips_everything(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "en"
    assert translate_tree(corpus, out, "--no-glossary").exit_code == 0
    before = tree_bytes(out)
    again = translate_tree(corpus, out, "--no-glossary")
    assert again.exit_code == 0
    assert "0 translated, 12 up to date" in summary_of(again)
    assert tree_bytes(out) == before


def test_resume_redoes_exactly_the_missing_corrupted_and_changed(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "en"
    assert translate_tree(corpus, out, "--no-glossary").exit_code == 0
    before = tree_bytes(out)
    outputs = sorted(p for p in out.rglob("article-*"))
    for path in outputs[:3]:
        path.unlink()
    outputs[5].write_bytes(outputs[5].read_bytes()[:-3])
    changed_input = corpus / "2021" / "02" / "article-002.ar.txt"
    changed_input.write_text(changed_input.read_text(encoding="utf-8") + "\nقال مصدر عسكري.\n", encoding="utf-8")
    result = translate_tree(corpus, out, "--no-glossary")
    assert result.exit_code == 0
    assert "5 translated, 7 up to date" in summary_of(result)
    after = tree_bytes(out)
    changed_output = "2021/02/article-002.en.txt"
    assert {k: v for k, v in after.items() if k not in (changed_output, ".tarjama/manifest.jsonl")} == {
        k: v for k, v in before.items() if k not in (changed_output, ".tarjama/manifest.jsonl")
    }
    assert after[changed_output] != before[changed_output]


def test_glossary_edit_redoes_everything(corpus: Path, tmp_path: Path) -> None:
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text((SEEDS / "glossary.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "en"
    assert translate_tree(corpus, out, "-g", str(glossary)).exit_code == 0
    assert "0 translated, 12 up to date" in summary_of(translate_tree(corpus, out, "-g", str(glossary)))
    assert CliRunner().invoke(cli, ["glossary", "add", "مصدر عسكري", "a military source", "-g", str(glossary)]).exit_code == 0
    result = translate_tree(corpus, out, "-g", str(glossary))
    assert "12 translated, 0 up to date" in summary_of(result)
    digests = {record["glossary_sha256"] for record in manifest_records(out).values()}
    assert len(digests) == 1


def test_bad_file_is_an_error_row_and_the_rest_is_done(corpus: Path, tmp_path: Path) -> None:
    bad = corpus / "2019" / "00" / "broken.ar.txt"
    bad.write_bytes("قال مصدر".encode("utf-8") + b"\nabc\x00def\n")
    out = tmp_path / "en"
    result = translate_tree(corpus, out, "--no-glossary")
    assert result.exit_code == 2
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("tarjama: error:")]
    assert error_lines == [f"tarjama: error: {bad}:2:4: NUL byte: this looks like a binary file, not text"]
    assert "12 translated, 0 up to date, 1 failed" in summary_of(result)
    record = manifest_records(out)["2019/00/broken.en.txt"]
    assert (record["status"], record["error"]) == ("error", f"{bad}:2:4: NUL byte: this looks like a binary file, not text")
    assert not (out / "2019" / "00" / "broken.en.txt").exists()
    # The error is retried on the next run; the others are not.
    again = translate_tree(corpus, out, "--no-glossary")
    assert (again.exit_code, "0 translated, 12 up to date, 1 failed" in summary_of(again)) == (2, True)


def test_fail_fast_stops_at_the_first_failure(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    build_corpus(corpus, files=6)
    (corpus / "2019" / "00" / "article-000.ar.txt").write_bytes(b"\xff\x00")
    result = translate_tree(corpus, tmp_path / "en", "--no-glossary", "--fail-fast")
    assert result.exit_code == 2
    assert "--fail-fast" in result.stderr
    assert "0 translated" in summary_of(result) and "1 failed" in summary_of(result)


class FailingEngine:
    """The real engine, except that a segment containing ``poison`` raises (a bug, not bad input)."""

    def __init__(self, engine: object, poison: str) -> None:
        self.engine, self.poison = engine, poison
        self.name, self.version = engine.name, engine.version  # type: ignore[attr-defined]
        self.settings = engine.settings  # type: ignore[attr-defined]

    def translate(self, requests):  # type: ignore[no-untyped-def]
        if any(self.poison in request.source for request in requests):
            raise RuntimeError("engine exploded")
        return self.engine.translate(requests)  # type: ignore[attr-defined]


def test_a_bug_on_one_file_is_exit_3_and_the_rest_is_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    build_corpus(corpus, files=4)
    poisoned = corpus / "2019" / "00" / "poisoned.ar.txt"
    poisoned.write_text("قال مصدر عسكري انفجار.\n", encoding="utf-8")
    real_make_engine = translate_command.make_engine
    monkeypatch.setattr(translate_command, "make_engine", lambda spec, beam: FailingEngine(real_make_engine(spec, beam), "انفجار"))
    result = translate_tree(corpus, tmp_path / "en", "--no-glossary")
    assert result.exit_code == 3
    assert f"tarjama: error: {poisoned}: internal error: RuntimeError: engine exploded" in result.stderr.splitlines()
    assert "4 translated, 0 up to date, 1 failed" in summary_of(result)


def test_strict_exits_1_when_an_occurrence_is_unenforced(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # The seed article: the fixture model leaves two occurrences unenforced (README).
    (corpus / "qayyarah.ar.txt").write_bytes((SEEDS / "qayyarah-handover.ar.txt").read_bytes())
    result = translate_tree(corpus, tmp_path / "en", "-g", SEED_GLOSSARY, "--strict")
    assert result.exit_code == 1
    assert "2 unenforced" in result.stderr
    assert sum("warning unenforced" in line for line in result.stderr.splitlines()) == 2
    assert (tmp_path / "en" / "qayyarah.en.txt").exists()


class InterruptingEngine:
    """The real engine, with Ctrl-C arriving during its ``calls``-th translate call."""

    def __init__(self, engine: object, calls: int) -> None:
        self.engine, self.calls, self.seen = engine, calls, 0
        self.name, self.version = engine.name, engine.version  # type: ignore[attr-defined]
        self.settings = engine.settings  # type: ignore[attr-defined]

    def translate(self, requests):  # type: ignore[no-untyped-def]
        self.seen += 1
        if self.seen == self.calls:
            raise KeyboardInterrupt
        return self.engine.translate(requests)  # type: ignore[attr-defined]


def test_interrupted_run_keeps_what_was_done_and_the_rerun_continues(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_make_engine = translate_command.make_engine
    monkeypatch.setattr(translate_command, "make_engine", lambda spec, beam: InterruptingEngine(real_make_engine(spec, beam), 6))
    out = tmp_path / "en"
    interrupted = translate_tree(corpus, out, "--no-glossary")
    assert interrupted.exit_code == 130
    done = load_manifest(out / ".tarjama" / "manifest.jsonl")
    assert len(done) == 5
    assert sorted(p.name for p in out.rglob("*") if p.is_file() and ".tmp" in p.name) == []
    monkeypatch.setattr(translate_command, "make_engine", real_make_engine)
    resumed = translate_tree(corpus, out, "--no-glossary")
    assert resumed.exit_code == 0
    assert "7 translated, 5 up to date" in summary_of(resumed)


def test_torn_manifest_line_is_ignored(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "en"
    assert translate_tree(corpus, out, "--no-glossary").exit_code == 0
    manifest = out / ".tarjama" / "manifest.jsonl"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    manifest.write_text("".join(lines[:-1]) + lines[-1][:40], encoding="utf-8")  # a crash mid-line
    result = translate_tree(corpus, out, "--no-glossary")
    assert "1 translated, 11 up to date" in summary_of(result)
    assert all(ManifestRecord.from_json(line) for line in manifest.read_text(encoding="utf-8").splitlines())


USAGE_CASES = [
    (["{corpus}"], "folder inputs need --out-dir OUT"),
    (["{corpus}", "--out-dir", "{out}", "-o", "x.txt"], "-o, --report and --bilingual take files"),
    (["{corpus}", "{file}", "--out-dir", "{out}"], "folder inputs cannot be mixed with files"),
    (["{file}", "--fail-fast"], "--fail-fast is for folder inputs"),
    (["{file}", "--ray=auto"], "--ray is for folder inputs"),
]


@pytest.mark.parametrize(("args", "message"), USAGE_CASES)
def test_usage_errors(corpus: Path, tmp_path: Path, args: list[str], message: str) -> None:
    single = tmp_path / "single.ar.txt"
    single.write_text("قال مصدر عسكري.", encoding="utf-8")
    filled = [a.format(corpus=corpus, out=tmp_path / "en", file=single) for a in args]
    result = invoke(*filled, "--model", FIXTURE_MODEL)
    assert result.exit_code == 2
    assert message in result.stderr


def test_ray_missing_is_one_line(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` sees without the extra
    result = translate_tree(corpus, tmp_path / "en", "--ray")
    assert result.exit_code == 2
    assert result.stderr == "tarjama: error: --ray needs Ray, which is not installed; install it with: pip install 'tarjama[ray]'\n"
    assert not (tmp_path / "en").exists()


def test_ray_consumed_folder_goes_back_to_the_inputs(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    result = invoke("--ray", str(corpus), "--out-dir", str(tmp_path / "en"), "--model", FIXTURE_MODEL)
    assert "--ray needs Ray" in result.stderr


def test_progress_line_has_files_segments_rate_and_time_left() -> None:
    class Stream:
        def __init__(self) -> None:
            self.text = ""

        def write(self, text: str) -> None:
            self.text += text

        def flush(self) -> None:
            pass

    ticks = iter([0.0, 10.0, 20.0])
    stream = Stream()
    progress = ArchiveProgress(stream, total_files=4, total_bytes=400, min_interval=0, clock=lambda: next(ticks))  # type: ignore[arg-type]
    progress(30, 100)
    assert stream.text == "archive: 1/4 files, 30 segments (3.0/s), 25 %, 30 s left\n"
    progress(30, 100)
    assert stream.text.splitlines()[-1] == "archive: 2/4 files, 60 segments (3.0/s), 50 %, 20 s left"


def test_archive_does_not_load_ray_or_the_model_stack_for_planning(tmp_path: Path) -> None:
    import subprocess

    code = (
        "import sys; from translator.archive.plan import plan_archive; from translator.archive.run import run_archive; "
        "from translator.commands import translate; "
        "print(sorted(m for m in ('ray', 'ctranslate2', 'sentencepiece', 'argostranslate') if m in sys.modules))"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"


def test_empty_folder_is_an_empty_archive(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "en").mkdir()
    result = translate_tree(tmp_path / "empty", tmp_path / "en")
    assert result.exit_code == 0
    assert summary_of(result).startswith("archive: 0 files — 0 translated")
    assert list((tmp_path / "en").iterdir()) == []


def test_sigint_mid_archive_keeps_what_was_done_and_the_rerun_continues(tmp_path: Path) -> None:
    """A real process, a real SIGINT while files are being written."""
    import os
    import signal
    import subprocess
    import time

    from project_paths import ROOT

    corpus, out = tmp_path / "corpus", tmp_path / "en"
    total = len(build_corpus(corpus, files=150))
    command = [
        sys.executable, "-c", "from translator.cli import main; main()", "translate", str(corpus),
        "--out-dir", str(out), "--model", FIXTURE_MODEL, "--no-glossary", "--no-progress", "--workers", "2",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    manifest = out / ".tarjama" / "manifest.jsonl"
    deadline = time.monotonic() + 120
    while not (manifest.exists() and manifest.read_bytes().count(b"\n") >= 3):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the run ended (or never started) before it could be interrupted: {process.communicate()[1]}")
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1] == "tarjama: interrupted; no partial output was written"
    done = load_manifest(manifest)
    assert 3 <= len(done) < total
    assert [p.name for p in out.rglob("*") if p.name.endswith(".tmp") or ".partial" in p.name] == []
    resumed = translate_tree(corpus, out, "--no-glossary")
    assert resumed.exit_code == 0
    translated = int(summary_of(resumed).split("— ")[1].split(" translated")[0])
    # Every recorded file is kept; at most the files in flight when Ctrl-C came are redone twice.
    assert f"{total - translated} up to date" in summary_of(resumed)
    assert total - len(done) <= translated <= total - len(done) + 2
