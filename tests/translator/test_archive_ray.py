"""Archive runs on Ray: the same job as a Ray Data pipeline, with one session-scoped
local Ray (no dashboard, small object store, no usage stats or progress bars).

This machine has 2 cores; Ray gets 3 logical CPUs so that two 1-CPU actors
still leave one for Ray's own tasks (an actor pool that takes every CPU starves
them and the job hangs). Every test has a timeout.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner, Result

from archive_corpus import FIXTURE_MODEL, build_corpus, manifest_records, tree_bytes
from archive_faults import CrashOnceFactory
from project_paths import ROOT, SEEDS

ray = pytest.importorskip("ray")

from translator.archive.plan import plan_archive  # noqa: E402
from translator.archive.ray_runner import RayOptions, ray_runner  # noqa: E402
from translator.archive.run import run_archive  # noqa: E402
from translator.archive.work import EngineRecipe, producer_of  # noqa: E402
from translator.cli import cli  # noqa: E402

SEED_GLOSSARY = str(SEEDS / "glossary.yaml")
# Workers import tarjama (and the fault engines) from this checkout.
WORKER_PYTHONPATH = os.pathsep.join([str(ROOT), str(ROOT / "tests" / "translator")])
OBJECT_STORE_BYTES = 80 * 1024 * 1024

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="session")
def local_ray() -> Iterator[Any]:
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(
        address="local",
        num_cpus=3,
        include_dashboard=False,
        object_store_memory=OBJECT_STORE_BYTES,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": WORKER_PYTHONPATH}},
    )
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()


def translate_tree(corpus: Path, out: Path, *extra: str) -> Result:
    args = ["translate", str(corpus), "--out-dir", str(out), "--model", FIXTURE_MODEL, "--no-progress", *extra]
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def summary_of(result: Result) -> str:
    return next(line for line in result.stderr.splitlines() if line.startswith("archive: "))


def test_ray_tree_and_manifest_are_byte_identical_to_local(local_ray: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    build_corpus(corpus, files=40)
    monkeypatch.setenv("TARJAMA_CACHE", str(tmp_path / "cache-local"))
    local = translate_tree(corpus, tmp_path / "local", "-g", SEED_GLOSSARY, "--threads-per-worker", "1", "--workers", "1")
    assert local.exit_code == 0, local.stderr
    monkeypatch.setenv("TARJAMA_CACHE", str(tmp_path / "cache-ray"))
    on_ray = translate_tree(corpus, tmp_path / "ray", "-g", SEED_GLOSSARY, "--ray", "--workers", "2", "--files-per-batch", "3")
    assert on_ray.exit_code == 0, on_ray.stderr
    assert "40 translated" in summary_of(on_ray)
    assert tree_bytes(tmp_path / "ray") == tree_bytes(tmp_path / "local")
    assert len(tree_bytes(tmp_path / "ray")) == 41  # 40 outputs and the manifest


def test_ray_resume_redoes_exactly_the_deleted_and_corrupted_and_all_after_a_glossary_change(local_ray: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    build_corpus(corpus, files=12)
    out = tmp_path / "en"
    assert translate_tree(corpus, out, "--no-glossary", "--ray", "--workers", "2").exit_code == 0
    before = tree_bytes(out)
    outputs = sorted(out.rglob("article-*"))
    for path in outputs[:3]:
        path.unlink()
    outputs[7].write_bytes(b"corrupted")
    result = translate_tree(corpus, out, "--no-glossary", "--ray", "--workers", "2")
    assert result.exit_code == 0, result.stderr
    assert "4 translated, 8 up to date" in summary_of(result)
    assert tree_bytes(out) == before
    # A glossary where there was none: another producer, so every file is redone.
    with_glossary = translate_tree(corpus, out, "-g", SEED_GLOSSARY, "--ray", "--workers", "2")
    assert "12 translated, 0 up to date" in summary_of(with_glossary)
    digests = {record["glossary_sha256"] for record in manifest_records(out).values()}
    assert len(digests) == 1 and None not in digests


def test_ray_bad_file_is_an_error_row_and_the_rest_is_done(local_ray: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    build_corpus(corpus, files=8)
    bad = corpus / "2020" / "01" / "garbled.ar.txt"
    bad.write_bytes("خبر".encode("utf-8") + b"\n\xd8\x00\x00x\n")
    out = tmp_path / "en"
    result = translate_tree(corpus, out, "--no-glossary", "--ray", "--workers", "2")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("tarjama: error:")]
    assert len(errors) == 1 and errors[0].startswith(f"tarjama: error: {bad}:2:")
    records = manifest_records(out)
    assert records["2020/01/garbled.en.txt"]["status"] == "error"
    assert sum(record["status"] == "ok" for record in records.values()) == 8


def test_actor_killed_mid_batch_the_job_completes_identically(local_ray: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    build_corpus(corpus, files=8)
    recipe = EngineRecipe(FIXTURE_MODEL, beam=4, inter_threads=1, intra_threads=1)
    engine = recipe.build()
    producer = producer_of(engine, None)
    marker = tmp_path / "crashed-once"
    results = {}
    # The clean run also takes the big-archive path: rows written to plan.jsonl, read back by read_json.
    for name, factory, from_items_limit in [
        ("clean", recipe.build, 0),
        ("crashing", CrashOnceFactory(recipe.build, str(marker)), 10_000),
    ]:
        out = tmp_path / name
        plan = plan_archive([str(corpus)], str(out))
        options = RayOptions(workers=1, files_per_batch=4, from_items_limit=from_items_limit)
        runner = ray_runner(options, factory, None, out, producer)
        summary = run_archive(plan, producer, runner, cache_folder=None)
        assert (summary.translated, summary.failures) == (8, [])
        results[name] = tree_bytes(out)
    assert marker.exists(), "the worker never crashed: the test tested nothing"
    plan_rows = results["clean"].pop(".tarjama/plan.jsonl")
    assert plan_rows.count(b"\n") == 8
    assert results["crashing"] == results["clean"]


def test_two_node_cluster_translates_on_both_nodes(local_ray: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ray.cluster_utils import Cluster

    monkeypatch.setenv("PYTHONPATH", WORKER_PYTHONPATH)
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    cluster = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "object_store_memory": OBJECT_STORE_BYTES, "include_dashboard": False},
    )
    try:
        cluster.add_node(num_cpus=1, object_store_memory=OBJECT_STORE_BYTES)
        cluster.wait_for_nodes()
        corpus = tmp_path / "corpus"
        build_corpus(corpus, files=16)
        command = [
            sys.executable, "-c", "from translator.cli import main; main()", "translate", str(corpus),
            "--out-dir", str(tmp_path / "en"), "--model", FIXTURE_MODEL, "--no-glossary", "--no-progress",
            "--ray", cluster.address, "--workers", "2", "--files-per-batch", "2",
        ]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=150, cwd=tmp_path)
    finally:
        cluster.shutdown()
    assert completed.returncode == 0, completed.stderr
    ray_line = next(line for line in completed.stderr.splitlines() if line.startswith("ray: "))
    assert ray_line.startswith("ray: 16 files on 2 nodes"), ray_line
