"""`tarjama model install FOLDER --name`, list/info/remove, and `translate --model NAME` on
the converted-model fixtures; `--device` and `--compute-type`."""
from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from converted_models import ARCHIVES, FOLDERS, LAYOUTS, SEED_ARTICLE_PAIRS, unpack
from project_paths import SEEDS
from translator.cli import cli
from translator.device import cuda_device_count
from translator.models.layouts import LAYOUT_TITLES, M2M, MARIAN, NLLB

SEED_ARTICLE = SEEDS / "qayyarah-handover.ar.txt"
SEED_GLOSSARY = SEEDS / "glossary.yaml"
NAMES = {MARIAN: "opus-tiny", NLLB: "nllb-tiny", M2M: "m2m-tiny"}
HAS_GPU = cuda_device_count() > 0
FALLBACK_NOTE = "tarjama: note: --device auto found no CUDA GPU; translating on the CPU"


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


@pytest.fixture
def models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "models"
    monkeypatch.setenv("TARJAMA_MODELS_DIR", str(directory))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "argos"))
    return directory


def snapshot(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*")) if directory.exists() else []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_install_folder_under_a_name_then_list_info_remove(models_dir: Path, tmp_path: Path, layout: str) -> None:
    folder = unpack(layout, tmp_path / "src")
    result = run("model", "install", str(folder), "--name", NAMES[layout])
    assert result.exit_code == 0, result.stderr
    installed = models_dir / NAMES[layout]
    assert result.stdout.startswith(f"installed {NAMES[layout]} (ar→en {LAYOUT_TITLES[layout]} ")
    assert result.stdout.endswith(f") in {installed}\n")
    assert (installed / "model.bin").is_file() and (installed / "tarjama-model.json").is_file()

    fields = run("model", "list").stdout.splitlines()[0].split("\t")
    assert fields[:2] == [NAMES[layout], "ar→en"] and fields[4:] == [str(installed), LAYOUT_TITLES[layout]]

    info = json.loads(run("model", "info", NAMES[layout], "--format", "json").stdout)
    assert (info["name"], info["layout"], info["path"]) == (NAMES[layout], layout, str(installed))
    assert info["installed_from"] == str(folder.resolve())

    removed = run("model", "remove", NAMES[layout])
    assert removed.stdout == f"removed {NAMES[layout]} (ar→en {LAYOUT_TITLES[layout]})\n"
    assert snapshot(models_dir) == []


def test_install_zip_takes_the_folder_name_by_default(models_dir: Path) -> None:
    result = run("model", "install", str(ARCHIVES[MARIAN]))
    assert result.exit_code == 0, result.stderr
    assert (models_dir / FOLDERS[MARIAN] / "source.spm").is_file()


def test_list_json_shows_argos_packages_and_converted_models(models_dir: Path, tmp_path: Path) -> None:
    from project_paths import FIXTURES

    assert run("model", "install", str(FIXTURES / "ar_en_tiny.argosmodel")).exit_code == 0
    assert run("model", "install", str(ARCHIVES[NLLB]), "--name", "nllb").exit_code == 0
    document = json.loads(run("model", "list", "--format", "json").stdout)
    assert [p["name"] for p in document["packages"]] == ["translate-ar_en-tiny"]
    assert document["models_dir"] == str(models_dir)
    (model,) = document["models"]
    assert (model["name"], model["layout"], model["from_code"], model["to_code"]) == ("nllb", "nllb", "ar", "en")
    assert model["package_version"] == model["fingerprint"][:12] and len(model["fingerprint"]) == 64
    text = run("model", "list").stdout.splitlines()
    assert [line.split("\t")[-1] for line in text] == ["Argos package", "NLLB-200"]


def test_reinstall_under_the_same_name_replaces_the_model(models_dir: Path) -> None:
    assert run("model", "install", str(ARCHIVES[MARIAN]), "--name", "ar-en-best").exit_code == 0
    assert run("model", "install", str(ARCHIVES[NLLB]), "--name", "ar-en-best").exit_code == 0
    assert json.loads(run("model", "info", "ar-en-best", "--format", "json").stdout)["layout"] == NLLB
    assert [p.name for p in models_dir.iterdir()] == ["ar-en-best"]


def _break_vocabulary(folder: Path) -> None:
    path = folder / "shared_vocabulary.json"
    path.write_text(json.dumps([t for t in json.loads(path.read_text()) if t != "eng_Latn"]), encoding="utf-8")


def _corrupt_weights(folder: Path) -> None:
    (folder / "model.bin").write_bytes(b"not a model")


REFUSED_INSTALLS = [
    # (id, layout, change, message)
    ("no target.spm", MARIAN, lambda f: (f / "target.spm").unlink(), "OPUS-MT (Marian) model without target.spm; expected one of: "),
    ("no language tokens", NLLB, _break_vocabulary, "the vocabulary lacks the language tokens for ar→en"),
    ("weights that do not load", MARIAN, _corrupt_weights, "the model does not run: cannot load the CTranslate2 model on cpu:"),
    ("bad name", MARIAN, None, "unusable model name 'no/slash'"),
]


@pytest.mark.parametrize(("layout", "change", "message"), [c[1:] for c in REFUSED_INSTALLS], ids=[c[0] for c in REFUSED_INSTALLS])
def test_refused_install_is_one_line_and_changes_nothing(
    models_dir: Path, tmp_path: Path, layout: str, change, message: str  # type: ignore[no-untyped-def]
) -> None:
    assert run("model", "install", str(ARCHIVES[NLLB]), "--name", "keep").exit_code == 0
    before = snapshot(models_dir)
    folder = unpack(layout, tmp_path / "src")
    name = "no/slash" if change is None else "x"
    if change is not None:
        change(folder)
    result = run("model", "install", str(folder), "--name", name)
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("tarjama: error: ") and message in line
    assert snapshot(models_dir) == before


def test_a_folder_of_nothing_is_refused_with_every_layout_listed(models_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run("model", "install", str(tmp_path / "empty"), "--name", "x")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"tarjama: error: {tmp_path / 'empty'}: not a translation model: model.bin, config.json")
    assert "M2M-100 (" in result.stderr and len(result.stderr.splitlines()) == 1


def test_name_is_refused_for_an_argos_package(models_dir: Path) -> None:
    from project_paths import FIXTURES

    result = run("model", "install", str(FIXTURES / "ar_en_tiny.argosmodel"), "--name", "x")
    assert result.exit_code == 2
    assert "--name is for converted CTranslate2 models" in result.stderr


# ---------------------------------------------------------------- translate --model NAME


@pytest.fixture(scope="module")
def seed_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, dict[str, Any], str]]:
    """The seed article through each installed fixture: (English, report, stderr)."""
    base = tmp_path_factory.mktemp("seed-runs")
    env = {"TARJAMA_MODELS_DIR": str(base / "models"), "TARJAMA_CACHE": str(base / "cache")}
    runs = {}
    for layout in LAYOUTS:
        folder = unpack(layout, base / "src" / layout)
        assert run("model", "install", str(folder), "--name", NAMES[layout], env=env).exit_code == 0
        output, report = base / f"{layout}.en.txt", base / f"{layout}.json"
        result = run(
            "translate", str(SEED_ARTICLE), "--model", NAMES[layout], "-g", str(SEED_GLOSSARY),
            "--report", str(report), "-o", str(output), "--device", "cpu", env=env,
        )
        assert result.exit_code == 0, result.stderr
        runs[layout] = (output.read_text(encoding="utf-8"), json.loads(report.read_text(encoding="utf-8")), result.stderr)
    return runs


@pytest.mark.parametrize("layout", LAYOUTS)
def test_seed_article_translates_with_the_glossary_enforced(
    seed_runs: dict[str, tuple[str, dict[str, Any], str]], layout: str
) -> None:
    output, report, stderr = seed_runs[layout]
    summary = report["summary"]
    unenforced = [o for o in report["occurrences"] if o["method"] == "unenforced"]
    # The tiny models leave at most one of the 110 occurrences unenforced, and say where.
    assert summary["found"] == 110 and summary["unenforced"] == len(unenforced) <= 1
    assert summary["prefix"] + summary["post-edit"] > 0  # repairs ran through the layout's own tokenizer
    assert stderr.splitlines() == [
        f"glossary: {summary['found']} occurrences — {summary['native']} native, {summary['prefix']} prefix, "
        f"{summary['post-edit']} post-edit, {summary['unenforced']} unenforced",
        *(f"{o['file']}:{o['line']}:{o['column']}: warning unenforced: {o['surface']} → {o['target']}" for o in unenforced),
    ]
    enforced = Counter(o["target"] for o in report["occurrences"] if o["method"] != "unenforced")
    assert {target for target in enforced if target not in output} == set()
    # The headline is the first pair of parallel.tsv, word for word.
    assert output.splitlines()[0] == SEED_ARTICLE_PAIRS[0][1]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_report_names_the_model_and_its_fingerprint(
    seed_runs: dict[str, tuple[str, dict[str, Any], str]], layout: str
) -> None:
    _, report, _ = seed_runs[layout]
    model = report["provenance"]["model"]
    assert model["package"] == NAMES[layout] and len(model["version"]) == 12


def test_translate_by_folder_path_detects_the_layout(tmp_path: Path) -> None:
    folder = unpack(NLLB, tmp_path)
    source, english = SEED_ARTICLE_PAIRS[2]
    result = run("translate", "-", "--model", str(folder), "--beam", "1", "--device", "cpu", input=source + "\n")
    assert (result.exit_code, result.stdout) == (0, english + "\n")


def test_translate_refuses_a_folder_of_another_layout(tmp_path: Path) -> None:
    folder = unpack(NLLB, tmp_path)
    (folder / "sentencepiece.bpe.model").unlink()
    result = run("translate", "-", "--model", str(folder), input="نص\n")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"tarjama: error: {folder}: a CTranslate2 model without its SentencePiece model(s); expected one of: ")


def test_unknown_model_name_lists_the_installed_ones(models_dir: Path) -> None:
    assert run("model", "install", str(ARCHIVES[MARIAN]), "--name", "opus").exit_code == 0
    result = run("translate", "-", "--model", "nope", input="نص\n")
    assert result.exit_code == 2
    assert result.stderr == (
        "tarjama: error: no such model 'nope': not a folder or file, nor an installed model "
        "(installed: opus; see `tarjama model list`)\n"
    )


def test_without_an_argos_package_the_installed_model_for_the_pair_is_used(models_dir: Path) -> None:
    assert run("model", "install", str(ARCHIVES[MARIAN]), "--name", "opus").exit_code == 0
    source, english = SEED_ARTICLE_PAIRS[0]
    result = run("translate", "-", "--beam", "1", "--device", "cpu", input=source + "\n")
    assert (result.exit_code, result.stdout) == (0, english + "\n")


def test_translation_memory_never_serves_one_model_for_another(models_dir: Path, tmp_path: Path) -> None:
    """Same name, other model: the key holds layout and fingerprint, so nothing stale comes back."""
    env = {"TARJAMA_CACHE": str(tmp_path / "cache")}
    source = SEED_ARTICLE_PAIRS[0][0] + "\n"
    assert run("model", "install", str(ARCHIVES[MARIAN]), "--name", "best").exit_code == 0
    first = run("translate", "-", "--model", "best", "--device", "cpu", input=source, env=env)
    folder = unpack(MARIAN, tmp_path / "other")
    # Same files, one weight changed: another model to the translation memory.
    data = bytearray((folder / "model.bin").read_bytes())
    data[-1] ^= 0x01
    (folder / "model.bin").write_bytes(bytes(data))
    assert run("model", "install", str(folder), "--name", "best").exit_code == 0
    from translator.cache import TranslationCache

    cache = TranslationCache(tmp_path / "cache")
    entries_before = len(cache._connect().execute("SELECT key FROM translations").fetchall())  # type: ignore[union-attr]
    cache.close()
    second = run("translate", "-", "--model", "best", "--device", "cpu", input=source, env=env)
    assert first.exit_code == second.exit_code == 0
    cache = TranslationCache(tmp_path / "cache")
    entries_after = len(cache._connect().execute("SELECT key FROM translations").fetchall())  # type: ignore[union-attr]
    cache.close()
    assert entries_after == entries_before + 1


# ---------------------------------------------------------------- devices


@pytest.mark.skipif(HAS_GPU, reason="this machine has a CUDA GPU")
def test_device_cuda_without_a_gpu_is_one_line_exit_2(tmp_path: Path) -> None:
    folder = unpack(MARIAN, tmp_path)
    result = run("translate", "-", "--model", str(folder), "--device", "cuda", input="نص\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "tarjama: error: --device cuda: no CUDA GPU is available (ctranslate2 finds none: no GPU, no driver, "
        "or a CPU-only ctranslate2 build); use --device cpu or --device auto\n"
    )


@pytest.mark.skipif(HAS_GPU, reason="this machine has a CUDA GPU")
@pytest.mark.parametrize("how", ["flag", "environment"])
def test_device_auto_falls_back_to_the_cpu_and_says_so_once(tmp_path: Path, how: str) -> None:
    folder = unpack(MARIAN, tmp_path)
    source, english = SEED_ARTICLE_PAIRS[0]
    args = ["translate", "-", "--model", str(folder), "--beam", "1", "--no-cache"]
    if how == "flag":
        result = run(*args, "--device", "auto", input=f"{source}\n\n{source}\n")
    else:
        result = run(*args, input=f"{source}\n\n{source}\n", env={"TARJAMA_DEVICE": "auto"})
    assert result.exit_code == 0
    assert result.stdout == f"{english}\n\n{english}\n"
    assert result.stderr.splitlines() == [FALLBACK_NOTE]


@pytest.mark.skipif(HAS_GPU, reason="this machine has a CUDA GPU")
def test_default_device_falls_back_silently(tmp_path: Path) -> None:
    folder = unpack(MARIAN, tmp_path)
    result = run("translate", "-", "--model", str(folder), "--beam", "1", input=SEED_ARTICLE_PAIRS[0][0] + "\n")
    assert (result.exit_code, result.stderr) == (0, "")


def test_compute_type_the_cpu_cannot_run_is_one_line(tmp_path: Path) -> None:
    folder = unpack(MARIAN, tmp_path)
    result = run("translate", "-", "--model", str(folder), "--device", "cpu", "--compute-type", "float16", input="نص\n")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"tarjama: error: {folder}: cannot load the CTranslate2 model on cpu: ")


def test_unknown_device_is_a_usage_error() -> None:
    result = run("translate", "-", "--device", "tpu", input="نص\n")
    assert result.exit_code == 2
    assert "Invalid value for '--device'" in result.stderr


def test_zip_fixture_is_one_folder() -> None:
    for layout, archive in ARCHIVES.items():
        with zipfile.ZipFile(archive) as bundle:
            assert {name.split("/")[0] for name in bundle.namelist()} == {FOLDERS[layout]}
    assert sum(archive.stat().st_size for archive in ARCHIVES.values()) < 2_500_000


def _zip_with_member(path: Path, member: str) -> Path:
    with zipfile.ZipFile(ARCHIVES[MARIAN]) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr(member, b"x")
    return path


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("../escape.txt", "unsafe member path '../escape.txt' (points outside the package)"),
        ("second-folder/model.bin", "a model archive holds exactly one top-level folder; found: opus-mt-ar-en-tiny, second-folder"),
    ],
)
def test_unsafe_model_zip_is_refused(models_dir: Path, tmp_path: Path, member: str, message: str) -> None:
    archive = _zip_with_member(tmp_path / "model.zip", member)
    result = run("model", "install", str(archive), "--name", "x")
    assert result.exit_code == 2
    assert result.stderr == f"tarjama: error: {archive}: {message}\n"
    assert snapshot(models_dir) == []
    assert not (tmp_path / "escape.txt").exists()


def test_model_folder_with_a_symlink_loop_is_one_line(models_dir: Path, tmp_path: Path) -> None:
    folder = unpack(MARIAN, tmp_path)
    (folder / "loop").symlink_to(folder / "loop")
    result = run("model", "install", str(folder), "--name", "x")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"tarjama: error: {folder}: cannot copy the model: ")
    assert snapshot(models_dir) == []


def test_model_list_does_not_load_the_model_stack(models_dir: Path) -> None:
    """Listing reads file names and install records only: no ctranslate2, no sentencepiece."""
    import subprocess
    import sys

    assert run("model", "install", str(ARCHIVES[NLLB]), "--name", "nllb").exit_code == 0
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from translator.cli import cli\n"
        "result = CliRunner().invoke(cli, ['model', 'list'])\n"
        "assert result.exit_code == 0 and 'NLLB-200' in result.output, result.output\n"
        "print(','.join(m for m in ('ctranslate2', 'sentencepiece', 'torch') if m in sys.modules))\n"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert completed.stdout.strip() == ""


def test_make_engine_still_takes_a_plain_model_spec(tmp_path: Path) -> None:
    """Other commands call make_engine(spec, beam) with a string; the device is then auto."""
    from translator.commands.translate import make_engine
    from translator.engine import DecodeRequest

    engine = make_engine(str(unpack(MARIAN, tmp_path)), 1)
    source, english = SEED_ARTICLE_PAIRS[0]
    assert engine.translate([DecodeRequest(source)])[0].text == english
