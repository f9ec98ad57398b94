"""Every command that reads the glossary × every broken glossary: one error line
naming FILE:LINE:COL, exit 2, no traceback, and nothing on disk changed."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from glossary.errors import GlossaryError
from glossary.yamlio import load_glossary, parse_glossary
from hostile_inputs import (
    deny_reading,
    make_directory,
    make_symlink_loop,
    BAD_GLOSSARIES,
    FIXTURE_MODEL,
    HEADLINE,
    assert_no_traceback,
    assert_one_error,
    assert_refused,
    folder_state,
    invoke,
    run_tarjama,
    write_bad_glossary,
    write_file,
)


def _pair(folder: Path) -> tuple[Path, Path]:
    source = write_file(folder / "texts" / "a.ar.txt", HEADLINE + "\n")
    target = write_file(folder / "texts" / "a.en.txt", "International coalition hands Qayyarah base to Iraqi forces\n")
    return source, target


def _csv(folder: Path) -> Path:
    return write_file(folder / "import.csv", "source,target\nالقيارة,Qayyarah\n")


# name -> argv builder (glossary path, work folder); every command that reads -g.
GLOSSARY_COMMANDS = {
    "terms": lambda g, d: ["terms", str(_pair(d)[0]), "-g", str(g)],
    "terms-json": lambda g, d: ["terms", str(_pair(d)[0]), "-g", str(g), "--format", "json"],
    "check-pair": lambda g, d: ["check", "--source", str(_pair(d)[0]), "--target", str(_pair(d)[1]), "-g", str(g)],
    "check-folder": lambda g, d: ["check", str(_pair(d)[0].parent), "-g", str(g)],
    "translate": lambda g, d: ["translate", str(_pair(d)[0]), "-o", "-", "--model", str(FIXTURE_MODEL), "-g", str(g)],
    "glossary-list": lambda g, d: ["glossary", "list", "-g", str(g)],
    "glossary-list-json": lambda g, d: ["glossary", "list", "-g", str(g), "--format", "json"],
    "glossary-show": lambda g, d: ["glossary", "show", "القيارة", "-g", str(g)],
    "glossary-add": lambda g, d: ["glossary", "add", "الموصل", "Mosul", "-g", str(g)],
    "glossary-remove": lambda g, d: ["glossary", "remove", "القيارة", "-g", str(g)],
    "glossary-fmt": lambda g, d: ["glossary", "fmt", "-g", str(g)],
    "glossary-fmt-check": lambda g, d: ["glossary", "fmt", "--check", "-g", str(g)],
    "glossary-export": lambda g, d: ["glossary", "export", "--to", "tbx", "-o", str(d / "out.tbx"), "-g", str(g)],
    "glossary-import-merge": lambda g, d: ["glossary", "import", str(_csv(d)), "-g", str(g)],
    "glossary-suggest": lambda g, d: ["glossary", "suggest", str(_pair(d)[0]), "--no-model", "-g", str(g)],
}

# What each broken glossary says, and whether its message carries LINE:COL.
# An empty file is a new glossary for the commands that write one (add, import).
CREATES_FROM_EMPTY = {("glossary-add", "empty-file"), ("glossary-import-merge", "empty-file")}
CASES = [
    (command, name)
    for command in GLOSSARY_COMMANDS
    for name in BAD_GLOSSARIES
    if (command, name) not in CREATES_FROM_EMPTY
]


def _needles(path: Path, name: str) -> tuple[str, ...]:
    expected = BAD_GLOSSARIES[name][1]
    if expected.startswith(":"):
        return (f"{path}{expected}",)
    return (f"{path}:", expected)


@pytest.mark.parametrize("command, name", CASES)
def test_broken_glossary_is_refused_and_untouched(tmp_path: Path, command: str, name: str) -> None:
    glossary_path = write_bad_glossary(tmp_path, name)
    args = GLOSSARY_COMMANDS[command](glossary_path, tmp_path)
    before = folder_state(tmp_path)
    result = invoke(args)
    assert_refused(result, *_needles(glossary_path, name))
    assert folder_state(tmp_path) == before


@pytest.mark.parametrize("name", list(BAD_GLOSSARIES))
def test_lint_reports_broken_glossary_as_one_finding(tmp_path: Path, name: str) -> None:
    # lint's documented contract: a file that does not load is ONE invalid-glossary
    # error finding on stdout (exit 1), so CI lists it with the other findings.
    glossary_path = write_bad_glossary(tmp_path, name)
    before = folder_state(tmp_path)
    result = invoke(["glossary", "lint", "-g", str(glossary_path)])
    assert_no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 1
    assert result.stderr == ""
    first = result.stdout.splitlines()[0]
    location, _, message = first.partition(" error invalid-glossary: ")
    expected = BAD_GLOSSARIES[name][1]
    if expected.startswith(":"):
        where, _, expected = expected.partition(": ")
        assert location == f"{glossary_path}{where}:"
    assert location.startswith(f"{glossary_path}:")
    assert expected in message
    assert folder_state(tmp_path) == before


@pytest.mark.parametrize("name", list(BAD_GLOSSARIES))
def test_loader_raises_only_glossary_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(GlossaryError):
        load_glossary(write_bad_glossary(tmp_path, name))


def test_yaml_bomb_is_refused_in_a_subprocess_before_expanding(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    # A bigger bomb than the table's: 9 ** 12 leaves if expanded. The subprocess
    # timeout is the guard; refusing at the first alias takes milliseconds.
    lines = ['version: 1', 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, 13)]
    lines += ["terms:", "  - source: القيارة", "    target: *l12"]
    glossary_path = write_file(tmp_path / "bomb.yaml", "\n".join(lines) + "\n")
    completed = run_tarjama(["glossary", "list", "-g", str(glossary_path)], tmp_path, subprocess_env)
    assert_one_error(
        completed.returncode, completed.stdout, completed.stderr, f"{glossary_path}:3:10: YAML aliases (*name) are not allowed"
    )


def test_python_tag_never_runs_code(tmp_path: Path) -> None:
    marker = tmp_path / "owned"
    text = f'version: 1\nterms:\n  - source: !!python/object/apply:os.system ["touch {marker}"]\n    target: x\n'
    with pytest.raises(GlossaryError, match="tags like"):
        parse_glossary(text, "g.yaml")
    assert not marker.exists()


# ---------------------------------------------------------------- the glossary path itself


def _directory(tmp_path: Path) -> Path:
    return make_directory(tmp_path / "glossary.yaml")


def _symlink_loop(tmp_path: Path) -> Path:
    return make_symlink_loop(tmp_path / "glossary.yaml")


def _dangling_symlink(tmp_path: Path) -> Path:
    os.symlink(tmp_path / "gone.yaml", tmp_path / "glossary.yaml")
    return tmp_path / "glossary.yaml"


def _binary(tmp_path: Path) -> Path:
    return write_file(tmp_path / "glossary.yaml", b"\x89PNG\r\n\x1a\n\x00\x00")


def _latin1(tmp_path: Path) -> Path:
    return write_file(tmp_path / "glossary.yaml", "version: 1\nterms:\n  - source: café\n".encode("latin-1"))


# name -> (builder, message)
BAD_GLOSSARY_PATHS = {
    "directory": (_directory, "is a directory, expected a file"),
    "symlink-loop": (_symlink_loop, "Too many levels of symbolic links"),
    "binary": (_binary, "not valid UTF-8"),
    "latin-1": (_latin1, ":3:16: not valid UTF-8 (byte 0xe9)"),
}
# Commands that edit the glossary write the file a link points to; a dangling
# link is refused with its own message (see test_dangling_link_refused_by_edits).
EDIT_COMMANDS = ["glossary-add", "glossary-remove", "glossary-fmt", "glossary-fmt-check", "glossary-import-merge"]
READ_ONLY_COMMANDS = [name for name in GLOSSARY_COMMANDS if name not in EDIT_COMMANDS]


@pytest.mark.parametrize("command", list(GLOSSARY_COMMANDS))
@pytest.mark.parametrize("name", list(BAD_GLOSSARY_PATHS))
def test_unusable_glossary_path_is_refused(tmp_path: Path, command: str, name: str) -> None:
    build, message = BAD_GLOSSARY_PATHS[name]
    glossary_path = build(tmp_path)
    args = GLOSSARY_COMMANDS[command](glossary_path, tmp_path)
    before = folder_state(tmp_path)
    result = invoke(args)
    needles = (f"{glossary_path}{message}",) if message.startswith(":") else (f"{glossary_path}:", message)
    assert_refused(result, *needles)
    assert folder_state(tmp_path) == before


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS)
def test_missing_glossary_names_the_fix(tmp_path: Path, command: str) -> None:
    glossary_path = _dangling_symlink(tmp_path)
    args = GLOSSARY_COMMANDS[command](glossary_path, tmp_path)
    before = folder_state(tmp_path)
    result = invoke(args)
    assert_refused(result, f"{glossary_path}: no such file; create one with: tarjama glossary add SOURCE TARGET")
    assert folder_state(tmp_path) == before


@pytest.mark.parametrize("command", EDIT_COMMANDS)
def test_dangling_link_refused_by_edits(tmp_path: Path, command: str) -> None:
    glossary_path = _dangling_symlink(tmp_path)
    args = GLOSSARY_COMMANDS[command](glossary_path, tmp_path)
    before = folder_state(tmp_path)
    result = invoke(args)
    assert_refused(
        result,
        f"{glossary_path}: is a symbolic link to {tmp_path / 'gone.yaml'}, which does not exist; fix the link or remove it",
    )
    assert folder_state(tmp_path) == before


def test_unreadable_glossary_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    glossary_path = write_file(tmp_path / "glossary.yaml", "version: 1\nterms: []\n")
    deny_reading(monkeypatch, glossary_path)
    result = invoke(["glossary", "list", "-g", str(glossary_path)])
    assert_refused(result, f"{glossary_path}: permission denied")


# ---------------------------------------------------------------- size


_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _generated_source(number: int) -> str:
    """A distinct two-word Arabic source for entry ``number`` (base-28 digits as letters)."""
    word = "".join(_LETTERS[(number // len(_LETTERS) ** k) % len(_LETTERS)] for k in range(4))
    return f"{word} {word[::-1]}ة"


@pytest.fixture(scope="session")
def five_mb_glossary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Generated, deterministic: one entry per 3 lines until the file passes 5 MB.
    lines = ["version: 1", "terms:"]
    size = 0
    number = 0
    while size < 5_000_000:
        number += 1
        entry = f"  - source: {_generated_source(number)}\n    target: term {number}\n    note: generated entry {number}"
        lines.append(entry)
        size += len(entry.encode("utf-8")) + 1
    path = tmp_path_factory.mktemp("big-glossary") / "glossary.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_five_mb_glossary_loads(five_mb_glossary: Path) -> None:
    loaded = load_glossary(five_mb_glossary)
    assert len(loaded.entries) > 40_000
    assert loaded.entries[-1].target == f"term {len(loaded.entries)}"


def test_five_mb_glossary_terms_in_subprocess(tmp_path: Path, five_mb_glossary: Path, subprocess_env: dict[str, str]) -> None:
    source = write_file(tmp_path / "a.ar.txt", f"قال {_generated_source(31_000)} اليوم\n")
    completed = run_tarjama(["terms", str(source), "-g", str(five_mb_glossary)], tmp_path, subprocess_env)
    assert_no_traceback(completed.stdout, completed.stderr)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[-1] == "1 occurrence of 1 glossary entry"
