"""Writing outputs under hostile conditions: a directory in the way, no permission,
a full disk, Ctrl-C and SIGTERM. Whatever happens, the glossary and existing
outputs are byte-identical afterwards and no temp file is left."""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Callable

import pytest

from hostile_inputs import (
    ARTICLE_TEXT,
    FIXTURE_MODEL,
    HEADLINE,
    SUBPROCESS_TIMEOUT_S,
    TARJAMA,
    assert_no_traceback,
    assert_refused,
    folder_state,
    invoke,
    write_file,
)


def _work(tmp: Path, glossary: Path) -> None:
    write_file(tmp / "a.ar.txt", HEADLINE + "\n")
    write_file(tmp / "a.en.txt", "an existing translation that must survive\n")
    write_file(tmp / "import.csv", "source,target\nالموصل,Mosul\n")
    write_file(tmp / "export.tbx", "an existing export that must survive\n")


# name -> argv (glossary, folder); every command that writes a file.
WRITING_COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "glossary-add": lambda g, d: ["glossary", "add", "الموصل", "Mosul", "-g", str(g)],
    "glossary-remove": lambda g, d: ["glossary", "remove", "القيارة", "-g", str(g)],
    "glossary-fmt": lambda g, d: ["glossary", "fmt", "-g", str(g)],
    "glossary-import": lambda g, d: ["glossary", "import", str(d / "import.csv"), "-g", str(g)],
    "glossary-export": lambda g, d: ["glossary", "export", "-o", str(d / "export.tbx"), "-g", str(g)],
    "translate": lambda g, d: ["translate", str(d / "a.ar.txt"), "--model", str(FIXTURE_MODEL), "-g", str(g)],
}


@pytest.fixture
def unformatted_glossary(tmp_path: Path) -> Path:
    # Not canonical (so fmt has something to write), and holds القيارة (so remove does).
    return write_file(tmp_path / "glossary.yaml", "version: 1\nterms:\n- source: القيارة\n  target: Qayyarah\n")


def _disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)


def _no_permission(monkeypatch: pytest.MonkeyPatch) -> None:
    # Root ignores chmod: refuse where write_atomic creates its temp file instead.
    import tempfile

    def denied(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)


def _io_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace

    def failing_replace(source: object, target: object) -> None:
        if ".tmp" in os.fspath(source):  # type: ignore[arg-type]
            raise OSError(errno.EIO, "Input/output error")
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing_replace)


FAULTS = {
    "disk-full": (_disk_full, "no space left on device; nothing was written"),
    "no-permission": (_no_permission, "permission denied"),
    "io-error": (_io_error, "Input/output error"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("command", list(WRITING_COMMANDS))
def test_write_failure_changes_nothing(
    tmp_path: Path, unformatted_glossary: Path, monkeypatch: pytest.MonkeyPatch, command: str, fault: str
) -> None:
    _work(tmp_path, unformatted_glossary)
    inject, message = FAULTS[fault]
    args = WRITING_COMMANDS[command](unformatted_glossary, tmp_path)
    before = folder_state(tmp_path)
    inject(monkeypatch)
    result = invoke(args)
    assert_refused(result, message)
    assert folder_state(tmp_path) == before


@pytest.mark.parametrize("command", list(WRITING_COMMANDS))
def test_ctrl_c_while_writing_changes_nothing(
    tmp_path: Path, unformatted_glossary: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    _work(tmp_path, unformatted_glossary)
    args = WRITING_COMMANDS[command](unformatted_glossary, tmp_path)
    before = folder_state(tmp_path)

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    result = invoke(args)
    assert_no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 130
    assert result.stderr == "tarjama: interrupted; no partial output was written\n"
    assert folder_state(tmp_path) == before


# name -> argv (folder) whose output path is an existing directory
OUTPUT_IS_DIRECTORY = {
    "glossary-export": lambda d: ["glossary", "export", "--to", "csv", "-o", str(d / "taken"), "-g", str(d / "glossary.yaml")],
    "glossary-add": lambda d: ["glossary", "add", "الموصل", "Mosul", "-g", str(d / "taken")],
    "translate": lambda d: ["translate", str(d / "a.ar.txt"), "-o", str(d / "taken"), "--model", str(FIXTURE_MODEL)],
}


@pytest.mark.parametrize("command", list(OUTPUT_IS_DIRECTORY))
def test_output_path_that_is_a_directory_is_refused(tmp_path: Path, unformatted_glossary: Path, command: str) -> None:
    _work(tmp_path, unformatted_glossary)
    (tmp_path / "taken").mkdir()
    before = folder_state(tmp_path)
    result = invoke(OUTPUT_IS_DIRECTORY[command](tmp_path))
    assert_refused(result, f"{tmp_path / 'taken'}: ", "is a directory")
    assert folder_state(tmp_path) == before


def test_export_into_missing_folder_is_refused(tmp_path: Path, unformatted_glossary: Path) -> None:
    before = folder_state(tmp_path)
    result = invoke(["glossary", "export", "-o", str(tmp_path / "no" / "x.tbx"), "-g", str(unformatted_glossary)])
    assert_refused(result, f"{tmp_path / 'no' / 'x.tbx'}: folder does not exist")
    assert folder_state(tmp_path) == before


# ---------------------------------------------------------------- signals in a real process

# Distinct sentences (the cache and the pipeline deduplicate repeats), enough that
# translating them takes seconds: the signal lands in the middle.
_SENTENCES = [line for line in ARTICLE_TEXT.split("\n") if line.strip()]


def _many_inputs(folder: Path, files: int = 12, lines: int = 120) -> list[Path]:
    paths = []
    for number in range(files):
        body = "\n\n".join(
            f"{_SENTENCES[(number + line) % len(_SENTENCES)].split('.')[0]} رقم {number * lines + line}"
            for line in range(lines)
        )
        paths.append(write_file(folder / f"part{number:02}.ar.txt", body + "\n"))
    return paths


@pytest.mark.parametrize("signum, exit_code, word", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_signal_mid_translation_leaves_no_output(
    tmp_path: Path, subprocess_env: dict[str, str], signum: int, exit_code: int, word: str
) -> None:
    inputs = _many_inputs(tmp_path / "in")
    before = folder_state(tmp_path / "in")
    process = subprocess.Popen(
        [str(TARJAMA), "translate", *map(str, inputs), "--model", str(FIXTURE_MODEL), "--no-glossary", "--progress"],
        cwd=tmp_path,
        env=subprocess_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    assert process.stderr is not None
    seen = b""
    # The progress line proves the model loaded and translation began.
    while b"translating" not in seen:
        chunk = os.read(process.stderr.fileno(), 4096)
        assert chunk, seen
        seen += chunk
    time.sleep(0.5)
    assert process.poll() is None, "translation finished before the signal: make the inputs bigger"
    process.send_signal(signum)
    stdout, rest = process.communicate(timeout=SUBPROCESS_TIMEOUT_S)
    stderr = (seen + rest).decode("utf-8")
    assert_no_traceback(stdout.decode("utf-8"), stderr)
    assert process.returncode == exit_code, stderr
    assert stderr.rstrip().endswith(f"tarjama: {word}; no partial output was written")
    assert folder_state(tmp_path / "in") == before  # no NAME.en.txt, no temp file

    # The cache the interrupted run was writing still opens and serves a new run.
    rerun = subprocess.run(
        [str(TARJAMA), "translate", str(inputs[0]), "-o", "-", "--model", str(FIXTURE_MODEL), "--no-glossary"],
        cwd=tmp_path,
        env=subprocess_env,
        capture_output=True,
        timeout=SUBPROCESS_TIMEOUT_S,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr == b""
    assert rerun.stdout.strip()
