"""``tarjama translate`` with a glossary: enforcement wired in, summary, report, --strict, cache."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from project_paths import FIXTURES, SEEDS

from fake_engines import FakeEngine
from glossary.english import count_renderings
from glossary.yamlio import load_glossary, parse_glossary
from translator import __version__
from translator.cli import cli
from translator.commands import translate as translate_command

FIXTURE_MODEL = str(FIXTURES / "ar_en_tiny.argosmodel")
SEED_ARTICLE = SEEDS / "qayyarah-handover.ar.txt"
SEED_GLOSSARY = SEEDS / "glossary.yaml"
# The fixture model was trained on these wrong renderings.
WRONG_VARIANTS = {
    "Popular Mobilization Forces": "Popular Mobilisation Units",
    "Kataib Hezbollah": "Hezbollah Brigades",
}

SMALL_GLOSSARY = """\
version: 1
source_lang: ar
target_lang: en
terms:
  - source: الحشد الشعبي
    target: Popular Mobilization Forces
    avoid: [Popular Mobilisation Units]
  - source: قاعدة القيارة
    target: Qayyarah base
"""
# Line 2 holds both terms; columns 5 and 37 are where their surfaces start.
SMALL_ARTICLE = "غادر مصدر عسكري.\nقال الحشد الشعبي إن مصدر عسكري غادر قاعدة القيارة.\n"


def invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["translate", *args], input=input, catch_exceptions=False)


def use_fake_engine(monkeypatch: pytest.MonkeyPatch, engine: Any) -> None:
    monkeypatch.setattr(translate_command, "make_engine", lambda model_spec, beam: engine)


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, Path]:
    article = tmp_path / "small.ar.txt"
    article.write_text(SMALL_ARTICLE, encoding="utf-8")
    glossary = tmp_path / "terms.yaml"
    glossary.write_text(SMALL_GLOSSARY, encoding="utf-8")
    return article, glossary


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any], str]:
    """The seed article through the fixture model: (output text, report, stderr)."""
    folder = tmp_path_factory.mktemp("seed")
    output, report = folder / "out.en.txt", folder / "r.json"
    result = invoke(
        str(SEED_ARTICLE), "-g", str(SEED_GLOSSARY), "--model", FIXTURE_MODEL,
        "--report", str(report), "-o", str(output), "--no-cache",
    )
    assert result.exit_code == 0, result.stderr
    return output.read_text(encoding="utf-8"), json.loads(report.read_text(encoding="utf-8")), result.stderr


def test_every_occurrence_is_canonical_or_reported(seed_run: tuple[str, dict[str, Any], str]) -> None:
    output, report, _ = seed_run
    enforced = Counter(o["target"] for o in report["occurrences"] if o["method"] != "unenforced")
    assert enforced, "the seed article has glossary terms"
    short = {target: count_renderings(output, target) for target in enforced if count_renderings(output, target) < enforced[target]}
    assert short == {}


@pytest.mark.parametrize(("target", "wrong"), sorted(WRONG_VARIANTS.items()))
def test_fixture_model_mistakes_are_repaired(seed_run: tuple[str, dict[str, Any], str], target: str, wrong: str) -> None:
    output, report, _ = seed_run
    assert wrong not in output
    assert target in output
    methods = {o["method"] for o in report["occurrences"] if o["target"] == target}
    assert methods and methods <= {"prefix", "post-edit"}


def test_summary_and_unenforced_lines_match_the_report(seed_run: tuple[str, dict[str, Any], str]) -> None:
    _, report, stderr = seed_run
    summary = report["summary"]
    unenforced = [o for o in report["occurrences"] if o["method"] == "unenforced"]
    assert stderr.splitlines() == [
        f"glossary: {summary['found']} occurrences — {summary['native']} native, {summary['prefix']} prefix, "
        f"{summary['post-edit']} post-edit, {summary['unenforced']} unenforced",
        *(f"{o['file']}:{o['line']}:{o['column']}: warning unenforced: {o['surface']} → {o['target']}" for o in unenforced),
    ]


def test_report_provenance(seed_run: tuple[str, dict[str, Any], str]) -> None:
    _, report, _ = seed_run
    assert report["provenance"] == {
        "tool": "tarjama",
        "version": __version__,
        "glossary": {"path": str(SEED_GLOSSARY), "digest": load_glossary(SEED_GLOSSARY).digest},
        "model": {"package": "translate-ar_en-tiny", "version": "0.1-tiny"},
    }
    assert report["schema"] == 1


def test_report_lists_each_occurrence_with_its_source_position(
    monkeypatch: pytest.MonkeyPatch, small: tuple[Path, Path], tmp_path: Path
) -> None:
    article, glossary_path = small
    use_fake_engine(monkeypatch, FakeEngine(load_glossary(glossary_path), term_style="avoid"))
    report_path = tmp_path / "r.json"
    result = invoke(str(article), "-g", str(glossary_path), "--report", str(report_path))
    assert result.exit_code == 0
    occurrences = json.loads(report_path.read_text(encoding="utf-8"))["occurrences"]
    assert [
        (o["file"], o["segment"], o["surface"], o["source"], o["line"], o["column"], o["target"]) for o in occurrences
    ] == [
        (str(article), 1, "الحشد الشعبي", "الحشد الشعبي", 2, 5, "Popular Mobilization Forces"),
        (str(article), 1, "قاعدة القيارة", "قاعدة القيارة", 2, 37, "Qayyarah base"),
    ]
    assert all(o["method"] in ("prefix", "post-edit") for o in occurrences)


STRICT_CASES = [([], 0), (["--strict"], 1)]


@pytest.mark.parametrize(("flags", "exit_code"), STRICT_CASES)
def test_strict_fails_on_unenforced_but_still_writes(
    monkeypatch: pytest.MonkeyPatch, small: tuple[Path, Path], tmp_path: Path, flags: list[str], exit_code: int
) -> None:
    article, glossary_path = small
    # Drops every term and ignores forced prefixes: nothing can be repaired.
    use_fake_engine(monkeypatch, FakeEngine(load_glossary(glossary_path), term_style="drop", honour_prefix=False))
    output = tmp_path / "out.en.txt"
    result = invoke(str(article), "-g", str(glossary_path), "-o", str(output), *flags)
    assert result.exit_code == exit_code
    assert result.stderr == (
        "glossary: 2 occurrences — 0 native, 0 prefix, 0 post-edit, 2 unenforced\n"
        f"{article}:2:5: warning unenforced: الحشد الشعبي → Popular Mobilization Forces\n"
        f"{article}:2:37: warning unenforced: قاعدة القيارة → Qayyarah base\n"
    )
    assert output.read_text(encoding="utf-8") == "Left a source military.\nSaid that a source military left.\n"


def test_cache_hit_decodes_nothing_and_reproduces_the_report(small: tuple[Path, Path], tmp_path: Path) -> None:
    article, glossary_path = small
    article.write_text(SEED_ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    engines: list[Any] = []
    real_make_engine = translate_command.make_engine

    def recording(model_spec: str | None, beam: int) -> Any:
        engines.append(real_make_engine(model_spec, beam))
        return engines[-1]

    reports, outputs, stderrs = [], [], []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(translate_command, "make_engine", recording)
        for run in range(2):
            report, output = tmp_path / f"r{run}.json", tmp_path / f"out{run}.txt"
            result = invoke(str(article), "-g", str(SEED_GLOSSARY), "--model", FIXTURE_MODEL,
                            "--report", str(report), "-o", str(output))
            assert result.exit_code == 0
            reports.append(report.read_text(encoding="utf-8"))
            outputs.append(output.read_text(encoding="utf-8"))
            stderrs.append(result.stderr)
    assert engines[0].calls > 0
    assert engines[1].calls == 0
    assert reports[0] == reports[1]
    assert outputs[0] == outputs[1]
    assert stderrs[0] == stderrs[1]
    assert json.loads(reports[1])["summary"]["found"] > 0


def test_glossary_edit_is_never_served_stale(monkeypatch: pytest.MonkeyPatch, small: tuple[Path, Path], tmp_path: Path) -> None:
    article, glossary_path = small
    # Renders the avoid variant: enforcement must write whatever the glossary says now.
    use_fake_engine(monkeypatch, FakeEngine(parse_glossary(SMALL_GLOSSARY, "x.yaml"), term_style="avoid"))
    output = tmp_path / "out.txt"
    assert invoke(str(article), "-g", str(glossary_path), "-o", str(output)).exit_code == 0
    assert "Popular Mobilization Forces" in output.read_text(encoding="utf-8")
    glossary_path.write_text(SMALL_GLOSSARY.replace("target: Popular Mobilization Forces", "target: PMF"), encoding="utf-8")
    assert invoke(str(article), "-g", str(glossary_path), "-o", str(output)).exit_code == 0
    translated = output.read_text(encoding="utf-8")
    assert "PMF" in translated
    assert "Popular Mobilization Forces" not in translated


def test_no_glossary_prints_no_summary(monkeypatch: pytest.MonkeyPatch, small: tuple[Path, Path], tmp_path: Path) -> None:
    article, glossary_path = small
    use_fake_engine(monkeypatch, FakeEngine(load_glossary(glossary_path), term_style="drop", honour_prefix=False))
    report = tmp_path / "r.json"
    result = invoke(str(article), "-g", str(glossary_path), "--no-glossary", "--strict", "--report", str(report),
                    "-o", str(tmp_path / "out.txt"))
    assert (result.exit_code, result.stderr) == (0, "")
    document = json.loads(report.read_text(encoding="utf-8"))
    assert (document["provenance"]["glossary"], document["occurrences"]) == (None, [])


def test_missing_explicit_glossary_is_an_error(small: tuple[Path, Path], tmp_path: Path) -> None:
    article, _ = small
    missing = tmp_path / "nope.yaml"
    result = invoke(str(article), "-g", str(missing), "--model", FIXTURE_MODEL)
    assert result.exit_code == 2
    assert result.stderr == (
        f"tarjama: error: {missing}: no such file; create one with: tarjama glossary add SOURCE TARGET\n"
    )
    assert not (tmp_path / "small.en.txt").exists()


GLOSSARY_LOOKUP_CASES = ["cwd", "env"]


@pytest.mark.parametrize("where", GLOSSARY_LOOKUP_CASES)
def test_glossary_is_found_in_env_or_cwd(
    monkeypatch: pytest.MonkeyPatch, small: tuple[Path, Path], tmp_path: Path, where: str
) -> None:
    article, glossary_path = small
    use_fake_engine(monkeypatch, FakeEngine(load_glossary(glossary_path)))
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    if where == "cwd":
        (workdir / "glossary.yaml").write_text(SMALL_GLOSSARY, encoding="utf-8")
    else:
        monkeypatch.setenv("TARJAMA_GLOSSARY", str(glossary_path))
    result = invoke(str(article))
    assert (result.exit_code, result.stderr) == (0, "glossary: 2 occurrences — 2 native, 0 prefix, 0 post-edit, 0 unenforced\n")


def test_missing_default_glossary_means_no_glossary(
    monkeypatch: pytest.MonkeyPatch, small: tuple[Path, Path], tmp_path: Path
) -> None:
    article, glossary_path = small
    use_fake_engine(monkeypatch, FakeEngine(load_glossary(glossary_path)))
    monkeypatch.chdir(tmp_path)
    result = invoke(str(article))
    assert (result.exit_code, result.stderr) == (0, "")
