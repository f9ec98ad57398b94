"""Broken, unsafe and foreign Argos packages, through every `model` command and
`translate --model`: refused with one error line, the installed set unchanged,
nothing written outside the packages folder."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Callable

import pytest

from hostile_inputs import ROOT, assert_refused, folder_state, invoke, write_file


def _package_zips() -> ModuleType:
    # Reuse the builders of tests/translator (not a package, so load by path).
    spec = importlib.util.spec_from_file_location("package_zips", ROOT / "tests" / "translator" / "package_zips.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


Z = _package_zips()

# name -> (builder, what the error line says)
BAD_PACKAGES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "truncated": (Z.truncated, "not a valid .argosmodel (zip) file, maybe truncated"),
    "bit-flipped": (Z.bit_flipped, "corrupt package"),
    "not-a-zip": (Z.not_a_zip, "not a valid .argosmodel (zip) file"),
    "no-metadata": (Z.without(f"{Z.TOP}/metadata.json"), "metadata.json is missing"),
    "no-model-folder": (Z.without(f"{Z.TOP}/model/"), "the model/ folder is missing"),
    "no-sentencepiece": (Z.without(f"{Z.TOP}/sentencepiece.model"), "sentencepiece.model is missing"),
    "zip-slip-dotdot": (Z.extra("../escaped"), "unsafe member path '../escaped'"),
    "zip-slip-nested-dotdot": (Z.extra(f"{Z.TOP}/../../escaped"), "unsafe member path"),
    "zip-slip-absolute": (Z.extra("/tmp/escaped-by-tarjama-test"), "unsafe member path '/tmp/escaped-by-tarjama-test'"),
    "zip-slip-windows-drive": (Z.extra("C:/escaped"), "unsafe member path 'C:/escaped'"),
    "symlink-member": (Z.with_symlink, "symbolic links are not allowed"),
    "corrupt-model-bin": (Z.corrupt_model_bin, "the CTranslate2 model does not load"),
}


@pytest.mark.parametrize("name", list(BAD_PACKAGES))
def test_model_install_refuses_bad_package(tmp_path: Path, name: str) -> None:
    build, message = BAD_PACKAGES[name]
    archive = build(tmp_path / f"{name}.argosmodel")
    home = tmp_path / "home"
    home.mkdir()
    before = folder_state(tmp_path)
    result = invoke(["model", "install", str(archive)], env={"ARGOS_PACKAGES_DIR": str(home / "packages")})
    assert_refused(result, f"{archive}: ", message)
    after = folder_state(tmp_path)
    # The packages folder may now exist, but holds nothing (no work folder left).
    assert {k: v for k, v in after.items() if k != "home/packages"} == before
    assert not Path("/tmp/escaped-by-tarjama-test").exists()


@pytest.mark.parametrize("name", list(BAD_PACKAGES))
def test_translate_refuses_bad_package(tmp_path: Path, name: str) -> None:
    build, message = BAD_PACKAGES[name]
    archive = build(tmp_path / f"{name}.argosmodel")
    source = write_file(tmp_path / "a.ar.txt", "التحالف الدولي\n")
    before = folder_state(tmp_path)
    result = invoke(["translate", str(source), "--model", str(archive), "--no-glossary"])
    assert_refused(result, f"{archive}: ", message)
    assert folder_state(tmp_path) == before


def test_translate_refuses_a_package_for_another_pair(tmp_path: Path) -> None:
    archive = Z.fr_en_package(tmp_path / "fr_en.argosmodel")
    source = write_file(tmp_path / "a.ar.txt", "التحالف الدولي\n")
    result = invoke(["translate", str(source), "--model", str(archive), "--no-glossary"])
    assert_refused(result, f"{archive}: is a fr→en package; tarjama needs ar→en")
    assert not (tmp_path / "a.en.txt").exists()


def test_installed_foreign_package_does_not_serve_ar_en(tmp_path: Path) -> None:
    packages = tmp_path / "packages"
    env = {"ARGOS_PACKAGES_DIR": str(packages)}
    archive = Z.fr_en_package(tmp_path / "fr_en.argosmodel")
    assert invoke(["model", "install", str(archive)], env=env).exit_code == 0
    assert_refused(invoke(["model", "info", "ar-en"], env=env), "no ar→en package is installed")
    source = write_file(tmp_path / "a.ar.txt", "التحالف الدولي\n")
    assert_refused(invoke(["translate", str(source), "--no-glossary"], env=env), "no ar→en translation package")


def _not_a_file(tmp_path: Path) -> Path:
    (tmp_path / "folder.argosmodel").mkdir()
    return tmp_path / "folder.argosmodel"


MODEL_PATH_CASES = {
    "missing": (lambda tmp: tmp / "missing.argosmodel", "no such file"),
    "directory": (_not_a_file, "is a folder, not a .argosmodel file"),
}


@pytest.mark.parametrize("name", list(MODEL_PATH_CASES))
def test_model_install_bad_path(tmp_path: Path, name: str) -> None:
    build, message = MODEL_PATH_CASES[name]
    path = build(tmp_path)
    result = invoke(["model", "install", str(path)], env={"ARGOS_PACKAGES_DIR": str(tmp_path / "packages")})
    assert_refused(result, f"{path}: {message}")


MODEL_NAME_COMMANDS = {
    "info": ["model", "info", "zz-yy"],
    "remove": ["model", "remove", "translate-zz_yy-1_0"],
    "remove-path-like": ["model", "remove", "../../etc"],
}


@pytest.mark.parametrize("command", list(MODEL_NAME_COMMANDS))
def test_model_commands_on_unknown_names(tmp_path: Path, command: str) -> None:
    packages = tmp_path / "packages"
    env = {"ARGOS_PACKAGES_DIR": str(packages)}
    assert invoke(["model", "install", str(Z.FIXTURE_MODEL)], env=env).exit_code == 0
    before = folder_state(tmp_path)
    assert_refused(invoke(MODEL_NAME_COMMANDS[command], env=env))
    assert folder_state(tmp_path) == before


def test_model_list_skips_broken_folders(tmp_path: Path) -> None:
    packages = tmp_path / "packages"
    (packages / "junk").mkdir(parents=True)
    write_file(packages / "junk" / "metadata.json", "{not json")
    result = invoke(["model", "list"], env={"ARGOS_PACKAGES_DIR": str(packages)})
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    assert result.stderr.startswith("tarjama: warning: skipping ")
