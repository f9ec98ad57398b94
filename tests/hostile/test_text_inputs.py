"""Every command that reads text (terms, check, translate) × every hostile text file."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hostile_inputs import (
    deny_reading,
    make_directory,
    make_symlink_loop,
    BIG_FILE_TIMEOUT_S,
    FIXTURE_MODEL,
    ODD_TEXTS,
    READABLE_TEXTS,
    UNREADABLE_TEXTS,
    assert_no_traceback,
    assert_one_error,
    assert_refused,
    folder_state,
    invoke,
    run_tarjama,
    write_file,
)

ENGLISH = "International coalition hands Qayyarah base to Iraqi forces\n"


def _terms(source: Path, tmp: Path, glossary: Path) -> list[str]:
    return ["terms", str(source), "-g", str(glossary)]


def _check_source(source: Path, tmp: Path, glossary: Path) -> list[str]:
    target = write_file(tmp / "pair.en.txt", ENGLISH)
    return ["check", "--source", str(source), "--target", str(target), "-g", str(glossary)]


def _check_target(source: Path, tmp: Path, glossary: Path) -> list[str]:
    arabic = write_file(tmp / "pair.ar.txt", "التحالف الدولي\n")
    return ["check", "--source", str(arabic), "--target", str(source), "-g", str(glossary)]


def _translate(source: Path, tmp: Path, glossary: Path) -> list[str]:
    (tmp / "out").mkdir(exist_ok=True)
    return ["translate", str(source), "--out-dir", str(tmp / "out"), "--model", str(FIXTURE_MODEL), "-g", str(glossary)]


def _suggest(source: Path, tmp: Path, glossary: Path) -> list[str]:
    return ["glossary", "suggest", str(source), "--no-model", "-g", str(glossary)]


TEXT_COMMANDS = {
    "terms": _terms,
    "check-source": _check_source,
    "check-target": _check_target,
    "translate": _translate,
    "suggest": _suggest,
}


@pytest.mark.parametrize("command", list(TEXT_COMMANDS))
@pytest.mark.parametrize("name", list(UNREADABLE_TEXTS))
def test_undecodable_text_is_refused(tmp_path: Path, seed_glossary_copy: Path, command: str, name: str) -> None:
    data, message = UNREADABLE_TEXTS[name]
    source = write_file(tmp_path / "input.ar.txt", data)
    args = TEXT_COMMANDS[command](source, tmp_path, seed_glossary_copy)
    before = folder_state(tmp_path)
    result = invoke(args)
    needles = (f"{source}{message}",) if message.startswith(":") else (f"{source}:", message)
    assert_refused(result, *needles)
    assert folder_state(tmp_path) == before


@pytest.mark.parametrize("name", list(READABLE_TEXTS))
def test_every_accepted_encoding_finds_the_same_terms(tmp_path: Path, seed_glossary_copy: Path, name: str) -> None:
    source = write_file(tmp_path / "input.ar.txt", READABLE_TEXTS[name])
    result = invoke(["terms", str(source), "-g", str(seed_glossary_copy), "--format", "json"])
    assert result.exit_code == 0, result.output
    found = [(row["line"], row["column"], row["surface"], row["target"]) for row in json.loads(result.stdout)]
    assert found == [
        (1, 1, "التحالف الدولي", "international coalition"),
        (1, 21, "قاعدة القيارة", "Qayyarah base"),
        (1, 35, "للقوات العراقية", "Iraqi forces"),
    ]


@pytest.mark.parametrize("command", list(TEXT_COMMANDS))
@pytest.mark.parametrize("name", list(ODD_TEXTS))
def test_odd_but_valid_text_never_crashes(tmp_path: Path, seed_glossary_copy: Path, command: str, name: str) -> None:
    source = write_file(tmp_path / "input.ar.txt", ODD_TEXTS[name])
    result = invoke(TEXT_COMMANDS[command](source, tmp_path, seed_glossary_copy))
    assert_no_traceback(result.stdout, result.stderr)
    assert result.exit_code in (0, 1), result.output  # 1: check findings
    assert "tarjama: error" not in result.stderr


# Bidi controls and direction marks between a clitic and its term must not hide the term.
DIRECTION_MARK_CASES = [
    ("و\u200fالتحالف الدولي", "international coalition"),
    ("ل\u200eقاعدة القيارة", "Qayyarah base"),
    ("\u202bالتحالف الدولي\u202c", "international coalition"),
    ("\u2067قاعدة القيارة\u2069", "Qayyarah base"),
]


@pytest.mark.parametrize("text, target", DIRECTION_MARK_CASES)
def test_direction_marks_do_not_hide_terms(tmp_path: Path, seed_glossary_copy: Path, text: str, target: str) -> None:
    source = write_file(tmp_path / "input.ar.txt", f"قال {text} اليوم\n")
    result = invoke(["terms", str(source), "-g", str(seed_glossary_copy), "--format", "json"])
    rows = json.loads(result.stdout)
    assert [row["target"] for row in rows] == [target]
    assert source.read_text(encoding="utf-8")[rows[0]["start"] : rows[0]["end"]] == rows[0]["surface"]


def _missing(tmp: Path) -> Path:
    return tmp / "missing.ar.txt"


def _directory(tmp: Path) -> Path:
    return make_directory(tmp / "folder.ar.txt")


def _symlink_loop(tmp: Path) -> Path:
    return make_symlink_loop(tmp / "a.ar.txt")


BAD_PATHS = {
    "missing": (_missing, "no such file"),
    "directory": (_directory, "is a directory, expected a file"),
    "symlink-loop": (_symlink_loop, "Too many levels of symbolic links"),
}
# check PATHS accepts folders, and reports a missing path its own way.
PATH_COMMANDS = {name: builder for name, builder in TEXT_COMMANDS.items()}


PATH_CASES = [
    pytest.param(command, name, id=f"{name}-{command}")
    for command in PATH_COMMANDS
    for name in BAD_PATHS
    # translate takes folders as archives (tests/translator/test_archive.py); suggest reads folders.
    if (command, name) not in {("translate", "directory"), ("suggest", "directory")}
]


@pytest.mark.parametrize("command, name", PATH_CASES)
def test_unusable_input_path_is_refused(tmp_path: Path, seed_glossary_copy: Path, command: str, name: str) -> None:
    build, message = BAD_PATHS[name]
    source = build(tmp_path)
    args = PATH_COMMANDS[command](source, tmp_path, seed_glossary_copy)
    before = folder_state(tmp_path)
    result = invoke(args)
    assert_refused(result, f"{source}: ", message)
    assert folder_state(tmp_path) == before


def test_check_missing_path_is_refused(tmp_path: Path, seed_glossary_copy: Path) -> None:
    result = invoke(["check", str(tmp_path / "nowhere"), "-g", str(seed_glossary_copy)])
    assert_refused(result, f"{tmp_path / 'nowhere'}: no such file or folder")


@pytest.mark.parametrize("command", list(TEXT_COMMANDS))
def test_unreadable_input_is_refused(
    tmp_path: Path, seed_glossary_copy: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    source = write_file(tmp_path / "secret.ar.txt", "التحالف الدولي\n")
    os.chmod(source, 0)
    if os.access(source, os.R_OK):
        # Root reads anyway: simulate the denial where textio opens the file.
        deny_reading(monkeypatch, source)
    args = TEXT_COMMANDS[command](source, tmp_path, seed_glossary_copy)
    result = invoke(args)
    assert_refused(result, f"{source}: permission denied")


# ---------------------------------------------------------------- 50 MB


@pytest.fixture(scope="session")
def fifty_mb_text(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Mostly ordinary prose with a term every 1,000 lines: the cost is reading,
    # decoding and normalizing, which is what must stay linear.
    prose = "كتب المراسل تقريرا طويلا عن الطقس والزراعة في المدينة القديمة هذا الصباح\n"
    block = prose * 999 + "وصلت قوات التحالف الدولي إلى قاعدة القيارة\n"
    size = len(block.encode("utf-8"))
    path = tmp_path_factory.mktemp("fifty-mb") / "big.ar.txt"
    with open(path, "w", encoding="utf-8") as handle:
        for _ in range(50_000_000 // size + 1):
            handle.write(block)
    return path


def test_fifty_mb_terms(fifty_mb_text: Path, seed_glossary_copy: Path, tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    completed = run_tarjama(
        ["terms", str(fifty_mb_text), "-g", str(seed_glossary_copy)], tmp_path, subprocess_env, BIG_FILE_TIMEOUT_S
    )
    assert_no_traceback(completed.stdout, completed.stderr)
    assert completed.returncode == 0, completed.stderr
    blocks = 50_000_000 // len(("كتب المراسل تقريرا طويلا عن الطقس والزراعة في المدينة القديمة هذا الصباح\n" * 999 + "وصلت قوات التحالف الدولي إلى قاعدة القيارة\n").encode()) + 1
    assert completed.stdout.splitlines()[-1] == f"{2 * blocks} occurrences of 2 glossary entries"


def test_fifty_mb_check(fifty_mb_text: Path, seed_glossary_copy: Path, tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    target = write_file(tmp_path / "big.en.txt", ENGLISH)
    completed = run_tarjama(
        ["check", "--source", str(fifty_mb_text), "--target", str(target), "-g", str(seed_glossary_copy)],
        tmp_path,
        subprocess_env,
        BIG_FILE_TIMEOUT_S,
    )
    assert_no_traceback(completed.stdout, completed.stderr)
    assert completed.returncode == 1, completed.stderr  # findings: the translation is one line
    assert completed.stderr == ""


def test_fifty_mb_translate_is_refused_as_a_missing_model_quickly(
    fifty_mb_text: Path, tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    # Without a package, the 50 MB input must not be translated half-way: one error, nothing written.
    before = folder_state(fifty_mb_text.parent)
    completed = run_tarjama(
        ["translate", str(fifty_mb_text), "--out-dir", str(tmp_path / "out"), "--no-glossary"], tmp_path, subprocess_env
    )
    assert_one_error(completed.returncode, completed.stdout, completed.stderr, "no ar→en translation package is installed")
    assert folder_state(fifty_mb_text.parent) == before
    assert not (tmp_path / "out").exists()
