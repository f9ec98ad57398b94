"""`tarjama model …` through the real CLI, on the fixture package and a local HTTP index."""
from __future__ import annotations

import json
from pathlib import Path

import package_zips as Z
import pytest
from click.testing import CliRunner
from test_packages import REFUSALS, assert_message, closed_port_url, index_server, publish  # noqa: F401

from translator.cli import cli

TOP = Z.TOP


@pytest.fixture
def packages_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "argos-packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(directory))
    return directory


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_install_list_info_remove(packages_dir: Path) -> None:
    result = run("model", "install", str(Z.FIXTURE_MODEL))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"installed {TOP} (ar→en 0.1-tiny) in {packages_dir / TOP}\n"

    listed = run("model", "list")
    assert listed.exit_code == 0
    fields = listed.stdout.rstrip("\n").split("\t")
    assert fields[:3] == [TOP, "ar→en", "0.1-tiny"] and fields[4] == str(packages_dir / TOP)
    assert fields[3].endswith(" KB")

    info = run("model", "info")
    assert info.exit_code == 0
    lines = info.stdout.splitlines()
    assert lines[:2] == [f"name: {TOP}", f"path: {packages_dir / TOP}"]
    assert "from_code: ar" in lines and "to_code: en" in lines and "package_version: 0.1-tiny" in lines

    removed = run("model", "remove", "ar-en")
    assert removed.exit_code == 0
    assert removed.stdout == f"removed {TOP} (ar→en 0.1-tiny)\n"
    assert list(packages_dir.iterdir()) == []


def test_list_json(packages_dir: Path) -> None:
    run("model", "install", str(Z.FIXTURE_MODEL))
    (packages_dir / "broken").mkdir()
    result = run("model", "list", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    package_path = packages_dir / TOP
    assert document["packages_dir"] == str(packages_dir)
    assert document["packages"] == [
        {
            "name": TOP,
            "from_code": "ar",
            "to_code": "en",
            "package_version": "0.1-tiny",
            "size_bytes": sum(p.stat().st_size for p in package_path.rglob("*") if p.is_file()),
            "path": str(package_path),
        }
    ]
    assert document["broken"] == [
        {"path": str(packages_dir / "broken"), "error": "not an Argos package: metadata.json is missing"}
    ]
    assert result.stderr == f"tarjama: warning: skipping {packages_dir / 'broken'}: not an Argos package: metadata.json is missing\n"


def test_info_json(packages_dir: Path) -> None:
    run("model", "install", str(Z.FIXTURE_MODEL))
    document = json.loads(run("model", "info", TOP, "--format", "json").stdout)
    assert document["name"] == TOP
    assert document["metadata"]["from_name"] == "Arabic"
    assert document["metadata"]["to_name"] == "English"


def test_list_empty_gives_the_install_hint(packages_dir: Path) -> None:
    result = run("model", "list")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"no packages installed in {packages_dir}"
    assert "`tarjama model install ar en`" in result.stdout


def test_info_without_package(packages_dir: Path) -> None:
    result = run("model", "info")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"tarjama: error: no ar→en package is installed in {packages_dir}; ")


def test_remove_unknown(packages_dir: Path) -> None:
    result = run("model", "remove", "translate-xx_en-1_0")
    assert result.exit_code == 2
    assert result.stderr == (
        f"tarjama: error: no installed package named 'translate-xx_en-1_0' in {packages_dir} (installed: none)\n"
    )


@pytest.mark.parametrize(("case", "build", "expected"), REFUSALS, ids=[c[0] for c in REFUSALS])
def test_install_refusals_leave_packages_unchanged(
    packages_dir: Path, tmp_path: Path, case: str, build, expected: str  # type: ignore[no-untyped-def]
) -> None:
    run("model", "install", str(Z.FIXTURE_MODEL))
    before = Z.snapshot(packages_dir)
    archive = build(tmp_path / "bad.argosmodel")
    result = run("model", "install", str(archive))
    assert result.exit_code == 2
    assert result.stdout == ""
    prefix = "tarjama: error: "
    assert result.stderr.startswith(prefix) and result.stderr.endswith("\n")
    error_line = result.stderr[len(prefix) : -1]
    if expected.endswith("…"):
        assert error_line.startswith(f"{archive}: {expected[:-1]}")
    else:
        assert error_line == f"{archive}: {expected}"
    assert Z.snapshot(packages_dir) == before


def test_install_needs_one_or_two_arguments(packages_dir: Path) -> None:
    result = run("model", "install", "ar", "en", "extra")
    assert result.exit_code == 2
    assert "give FROM TO (e.g. `ar en`) or one .argosmodel file" in result.stderr


def test_install_from_local_index(packages_dir: Path, index_server: str, tmp_path: Path) -> None:  # noqa: F811
    url = publish(index_server, tmp_path / "www", Z.FIXTURE_MODEL)
    result = run("model", "install", "ar", "en", "--index-url", url, "--no-progress")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"installed {TOP} (ar→en 0.1-tiny) in {packages_dir / TOP}\n"
    assert result.stderr == ""


def test_install_from_index_shows_progress_when_asked(
    packages_dir: Path, index_server: str, tmp_path: Path  # noqa: F811
) -> None:
    url = publish(index_server, tmp_path / "www", Z.FIXTURE_MODEL)
    result = run("model", "install", "ar", "en", "--index-url", url, "--progress")
    assert result.exit_code == 0
    assert result.stderr.startswith("\rdownloading: 0 B of ")
    assert result.stderr.endswith("(100%)\n")


def test_index_url_from_environment(
    packages_dir: Path, index_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    monkeypatch.setenv("TARJAMA_INDEX_URL", publish(index_server, tmp_path / "www", Z.FIXTURE_MODEL))
    result = run("model", "install", "ar", "en")
    assert result.exit_code == 0
    assert (packages_dir / TOP / "metadata.json").is_file()


def test_unreachable_index_exits_2_with_offline_hint(packages_dir: Path) -> None:
    url = closed_port_url()
    result = run("model", "install", "ar", "en", "--index-url", url, "--no-progress")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"tarjama: error: cannot reach the package index {url}: ")
    assert result.stderr.endswith(
        "; offline: download translate-ar_en-1_0.argosmodel on a connected machine "
        "(https://www.argosopentech.com/argospm/index/), copy it here and run "
        "`tarjama model install PATH/translate-ar_en-1_0.argosmodel` "
        "(`argospm install translate-ar_en` installs into the same folder)\n"
    )
    assert not packages_dir.exists() or list(packages_dir.iterdir()) == []


HELP_COMMANDS = [["model"], ["model", "list"], ["model", "install"], ["model", "remove"], ["model", "info"]]


@pytest.mark.parametrize("command", HELP_COMMANDS, ids=" ".join)
def test_help_has_an_example(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
